import { type Kysely, sql } from 'kysely';
import { type Tier, tierPriceFen } from '../../core/catalog/pricing.js';
import type { PricedProduct, StockLevel } from '../../core/orders/ports.js';
import type { DealerStock, StockFacts, StockStore } from '../../core/stock/ports.js';
import { toProduct } from './catalog.repository.js';
import { compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';

/** Active products with the tier's price (tier_prices first, the tier discount as a fallback). */
export async function pricedProducts(
  db: Kysely<Database>,
  skus: readonly string[] | 'all',
  tier: Tier,
): Promise<Map<string, PricedProduct>> {
  if (skus !== 'all' && skus.length === 0) return new Map();
  let q = db
    .selectFrom('products as p')
    .leftJoin('tier_prices as tp', (j) => j.onRef('tp.sku', '=', 'p.sku').on('tp.tier', '=', tier))
    .selectAll('p')
    .select('tp.price_fen')
    .where('p.active', '=', true);
  if (skus !== 'all') q = q.where('p.sku', 'in', [...new Set(skus)]);
  const rows = await q.execute();
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        ...toProduct(r),
        priceFen: tierPriceFen(r.list_price_fen, tier, r.price_fen ?? undefined),
      },
    ]),
  );
}

export async function hqStock(db: Kysely<Database>, skus: readonly string[]): Promise<Map<string, StockLevel>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('hq_stock')
    .select(['sku', 'on_hand', 'reserved'])
    .where('sku', 'in', [...new Set(skus)])
    .execute();
  return new Map(rows.map((r) => [r.sku, { onHand: r.on_hand, reserved: r.reserved }]));
}

/** StockStore on Kysely; `db` is the caller's transaction. */
export class KyselyStockStore implements StockStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One statement: each active product (of `skus`, or all) with its tier price, HQ level, the dealer's stock and
   * sales joined on.
   */
  async stockFacts(
    dealer: { code: string; tier: Tier },
    skus: readonly string[] | 'all',
    fromDay: string,
    beforeDay: string,
  ): Promise<StockFacts> {
    const facts: StockFacts = { products: new Map(), hq: new Map(), own: new Map(), sold: new Map() };
    if (skus !== 'all' && skus.length === 0) return facts;
    const rows =
      skus === 'all'
        ? await allStockFacts(this.db, dealer.code, dealer.tier, fromDay, beforeDay)
        : await someStockFacts(this.db, dealer.code, dealer.tier, fromDay, beforeDay, [...new Set(skus)]);
    for (const r of rows) {
      facts.products.set(r.sku, {
        ...toProduct(r),
        priceFen: tierPriceFen(r.list_price_fen, dealer.tier, r.price_fen ?? undefined),
      });
      if (r.hq_on_hand !== null && r.hq_reserved !== null)
        facts.hq.set(r.sku, { onHand: r.hq_on_hand, reserved: r.hq_reserved });
      if (r.own_qty !== null && r.own_synced_at !== null)
        facts.own.set(r.sku, { qty: r.own_qty, syncedAt: r.own_synced_at });
      if (r.sold_qty !== null) facts.sold.set(r.sku, Number(r.sold_qty));
    }
    return facts;
  }

  pricedProducts(skus: readonly string[] | 'all', tier: Tier) {
    return pricedProducts(this.db, skus, tier);
  }

  hqStock(skus: readonly string[]) {
    return hqStock(this.db, skus);
  }

  async dealerInventory(dealerCode: string, skus?: readonly string[]): Promise<Map<string, DealerStock>> {
    if (skus && skus.length === 0) return new Map();
    let q = this.db
      .selectFrom('dealer_inventory')
      .select(['sku', 'qty', 'synced_at'])
      .where('dealer_code', '=', dealerCode);
    if (skus) q = q.where('sku', 'in', [...skus]);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.sku, { qty: r.qty, syncedAt: r.synced_at }]));
  }

  async sellThrough(
    dealerCode: string,
    fromDay: string,
    beforeDay: string,
    skus?: readonly string[],
  ): Promise<Map<string, number>> {
    if (skus && skus.length === 0) return new Map();
    let q = soldBySku(this.db, dealerCode, fromDay, beforeDay);
    if (skus) q = q.where('sku', 'in', [...skus]);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.sku, Number(r.qty)]));
  }
}

/** A dealer's sell-through per SKU over [fromDay, beforeDay). */
function soldBySku(db: Kysely<Database>, dealerCode: string, fromDay: string, beforeDay: string) {
  return db
    .selectFrom('sell_through')
    .select(['sku', (eb) => eb.fn.sum<number>('qty').as('qty')])
    .where('dealer_code', '=', dealerCode)
    .where('day', '>=', fromDay)
    .where('day', '<', beforeDay)
    .groupBy('sku');
}

/**
 * Each active product (of `wanted`, or all) with its tier price, HQ level, the dealer's stock and sales joined on:
 * `stockFacts`' one statement. Its two shapes are each built and compiled once (`wanted` as an array parameter).
 */
function stockFactsQuery(
  db: Kysely<Database>,
  dealerCode: string,
  tier: Tier,
  fromDay: string,
  beforeDay: string,
  wanted: readonly string[] | null,
) {
  const inWanted = (column: string) => sql<boolean>`${sql.ref(column)} = any(${wanted}::text[])`;
  let sold = soldBySku(db, dealerCode, fromDay, beforeDay);
  if (wanted) sold = sold.where(inWanted('sku'));
  const q = db
    .selectFrom('products as p')
    .leftJoin('tier_prices as tp', (j) => j.onRef('tp.sku', '=', 'p.sku').on('tp.tier', '=', tier))
    .leftJoin('hq_stock as h', 'h.sku', 'p.sku')
    .leftJoin('dealer_inventory as di', (j) => j.onRef('di.sku', '=', 'p.sku').on('di.dealer_code', '=', dealerCode))
    .leftJoin(sold.as('st'), 'st.sku', 'p.sku')
    .selectAll('p')
    .select([
      'tp.price_fen',
      'h.on_hand as hq_on_hand',
      'h.reserved as hq_reserved',
      'di.qty as own_qty',
      'di.synced_at as own_synced_at',
      sql<number | string | null>`st.qty`.as('sold_qty'),
    ])
    .where('p.active', '=', true);
  return wanted ? q.where(inWanted('p.sku')) : q;
}

const allStockFacts = compiledOnce((db, dealerCode: string, tier: Tier, fromDay: string, beforeDay: string) =>
  stockFactsQuery(db, dealerCode, tier, fromDay, beforeDay, null),
);
const someStockFacts = compiledOnce(
  (db, dealerCode: string, tier: Tier, fromDay: string, beforeDay: string, wanted: readonly string[]) =>
    stockFactsQuery(db, dealerCode, tier, fromDay, beforeDay, wanted),
);
