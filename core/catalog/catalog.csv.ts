import { parse } from 'csv-parse/sync';
import type { Product } from './catalog.types.js';
import { parseOptionsSpec } from './options.js';

const DEFAULT_LEAD_TIME_DAYS = 14;
const COLUMNS = ['sku', 'name', 'category', 'series', 'unit', 'list_price', 'moq', 'tags', 'aliases'] as const;
type Row = Record<(typeof COLUMNS)[number], string> & { options?: string };

/**
 * Parses K's catalog CSV (sku,name,category,series,unit,list_price,moq,tags,aliases; lists joined by '|').
 * List prices are in yuan in the file and become fen here. The order multiple defaults to 1: K sells
 * any quantity at or above the MOQ unless the product row says otherwise. The optional `options` column makes a
 * product made to size (format in core/catalog/options.ts).
 */
export function parseCatalogCsv(text: string): Product[] {
  // csv-parse is a pure parser (no I/O), so core may use it: quoted fields and BOMs are handled there.
  const rows: Row[] = parse(text, { columns: checkHeader, bom: true, skip_empty_lines: true, trim: true });
  const list = (v: string) => (v ? v.split('|').filter(Boolean) : []);
  return rows.map((r) => {
    const options = parseOptionsSpec(r.options ?? '');
    if (options && 'error' in options) throw new Error(`catalog.csv: ${r.sku} options: ${options.error}`);
    return {
      sku: r.sku,
      name: r.name,
      category: r.category as Product['category'],
      series: r.series,
      unit: r.unit,
      listPriceFen: Math.round(Number(r.list_price) * 100),
      moq: Number(r.moq),
      orderMultiple: 1,
      leadTimeDays: DEFAULT_LEAD_TIME_DAYS,
      tags: list(r.tags),
      aliases: list(r.aliases),
      ...(options ? { options } : {}),
    };
  });
}

function checkHeader(header: string[]): string[] {
  const missing = COLUMNS.find((name) => !header.includes(name));
  if (missing) throw new Error(`catalog.csv: missing column ${missing}`);
  return header;
}
