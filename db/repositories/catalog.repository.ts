import { type Kysely, type Selectable, sql } from 'kysely';
import type { Product } from '../../core/catalog/catalog.types.js';
import type { ProductOptions } from '../../core/catalog/options.js';
import type { Database, ProductsTable } from '../schema.js';

/** The active catalog, as core's Product. */
export async function loadCatalog(db: Kysely<Database>): Promise<Product[]> {
  const rows = await db.selectFrom('products').selectAll().where('active', '=', true).orderBy('sku').execute();
  return rows.map(toProduct);
}

/**
 * A digest of every products row (all columns, the inactive ones too): equal digests mean the catalog the chat
 * matches against has not changed. One scan of a table of a few thousand rows at most.
 */
export async function catalogFingerprint(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ digest: string | null }>`
    select md5(coalesce(string_agg(p::text, E'\n' order by p.sku), '')) as digest from products p`.execute(db);
  return rows[0]?.digest ?? '';
}

/** A products row as core's Product. */
export function toProduct(r: Selectable<ProductsTable>): Product {
  return {
    sku: r.sku,
    name: r.name,
    category: r.category as Product['category'],
    series: r.series,
    unit: r.unit,
    listPriceFen: r.list_price_fen,
    moq: r.moq,
    orderMultiple: r.order_multiple,
    leadTimeDays: r.lead_time_days,
    tags: r.tags,
    aliases: r.aliases,
    ...(r.options
      ? { options: (typeof r.options === 'string' ? JSON.parse(r.options) : r.options) as ProductOptions }
      : {}),
  };
}
