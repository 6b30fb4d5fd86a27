import { storeDealer } from './codes.js';
import { SPECS } from './entities.js';
import { IMPORT_ENTITIES, type ImportEntity, type SourceItem } from './types.js';

/**
 * Files an account manager sends in chat, offered to HQ as an import. The rules: which import a header row is,
 * which dealer each row is about, and what a manager may offer at all.
 */

/** A staged offer waits this long for HQ; after that it can no longer be applied (the sender sends it again). */
export const OFFER_TTL_DAYS = 7;

/**
 * What a manager's file may touch: the data a manager collects from their own dealers — contacts, stores, a dealer's
 * stock count, store sales. Everything else (managers, dealers, the catalog, prices, HQ stock, ERP bills,
 * receivables, payments) is HQ's or the ERP's, and a manager's file of it is not offered.
 */
export const MANAGER_OFFERABLE: ReadonlySet<ImportEntity> = new Set(['contacts', 'stores', 'dealer-stock', 'pos']);

/**
 * The import a header row is, by its column names (as the readers normalise them: trimmed, lower case): the entity
 * all of whose required columns are present and that knows the most of the header's columns; null when none fits.
 *
 * @example
 * entityForHeader(['date', 'store_code', 'sku', 'qty', 'amount']) // 'pos'
 * entityForHeader(['门店', '销量']) // null
 */
export function entityForHeader(columns: readonly string[]): ImportEntity | null {
  const header = new Set(columns);
  let best: { entity: ImportEntity; known: number } | null = null;
  for (const entity of IMPORT_ENTITIES) {
    const spec = SPECS[entity];
    if (!spec.columns.every((c) => !c.required || header.has(c.name))) continue;
    const known = spec.columns.filter((c) => header.has(c.name)).length;
    // Equal fits keep the earlier entity of the load order.
    if (!best || known > best.known) best = { entity, known };
  }
  return best?.entity ?? null;
}

/** The dealer a file row is about (its `dealer_code`, or the dealer part of a store code), or null. */
export function dealerOfRow(entity: ImportEntity, record: Readonly<Record<string, string>>): string | null {
  const cell = (c: string) => (record[c] ?? '').trim().toUpperCase();
  switch (entity) {
    case 'stores':
      return storeDealer(cell('code'));
    case 'pos':
      return storeDealer(cell('store_code'));
    case 'dealers':
      return cell('code') || null;
    default:
      return cell('dealer_code') || null;
  }
}

/** What a file holds, read once before it is staged. */
export interface FileSummary {
  entity: ImportEntity;
  /** Data rows (rows the reader could not read count too: the import reports them). */
  rows: number;
  /** Every dealer the rows are about, sorted. */
  dealerCodes: string[];
  /** Rows naming no dealer (empty or malformed code): for a manager's file, outside their scope. */
  rowsWithoutDealer: number;
}

/**
 * Reads a file's items: the header decides the import (null when it is none of them, or there is no header), then
 * every row is counted and its dealer collected.
 */
export async function summarizeFile(items: AsyncIterable<SourceItem>): Promise<FileSummary | null> {
  let entity: ImportEntity | null = null;
  let rows = 0;
  let rowsWithoutDealer = 0;
  const dealers = new Set<string>();
  for await (const item of items) {
    if (item.kind === 'header') {
      entity = entityForHeader(item.columns);
      if (!entity) return null;
      continue;
    }
    if (!entity) return null;
    rows++;
    if (item.kind !== 'record') {
      rowsWithoutDealer++;
      continue;
    }
    const dealer = dealerOfRow(entity, item.record);
    if (dealer) dealers.add(dealer);
    else rowsWithoutDealer++;
  }
  return entity ? { entity, rows, dealerCodes: [...dealers].sort(), rowsWithoutDealer } : null;
}
