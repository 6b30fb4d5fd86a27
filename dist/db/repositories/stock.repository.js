import { tierPriceFen } from '../../core/catalog/pricing.js';
import { toProduct } from './catalog.repository.js';
/** Active products with the tier's price (tier_prices first, the tier discount as a fallback). */
export async function pricedProducts(db, skus, tier) {
    if (skus !== 'all' && skus.length === 0)
        return new Map();
    let q = db
        .selectFrom('products as p')
        .leftJoin('tier_prices as tp', (j) => j.onRef('tp.sku', '=', 'p.sku').on('tp.tier', '=', tier))
        .selectAll('p')
        .select('tp.price_fen')
        .where('p.active', '=', true);
    if (skus !== 'all')
        q = q.where('p.sku', 'in', [...new Set(skus)]);
    const rows = await q.execute();
    return new Map(rows.map((r) => [
        r.sku,
        {
            ...toProduct(r),
            priceFen: tierPriceFen(r.list_price_fen, tier, r.price_fen ?? undefined),
        },
    ]));
}
export async function hqStock(db, skus) {
    if (skus.length === 0)
        return new Map();
    const rows = await db
        .selectFrom('hq_stock')
        .select(['sku', 'on_hand', 'reserved'])
        .where('sku', 'in', [...new Set(skus)])
        .execute();
    return new Map(rows.map((r) => [r.sku, { onHand: r.on_hand, reserved: r.reserved }]));
}
/** StockStore on Kysely; `db` is the caller's transaction. */
export class KyselyStockStore {
    db;
    constructor(db) {
        this.db = db;
    }
    pricedProducts(skus, tier) {
        return pricedProducts(this.db, skus, tier);
    }
    hqStock(skus) {
        return hqStock(this.db, skus);
    }
    async dealerInventory(dealerCode, skus) {
        if (skus && skus.length === 0)
            return new Map();
        let q = this.db
            .selectFrom('dealer_inventory')
            .select(['sku', 'qty', 'synced_at'])
            .where('dealer_code', '=', dealerCode);
        if (skus)
            q = q.where('sku', 'in', [...skus]);
        const rows = await q.execute();
        return new Map(rows.map((r) => [r.sku, { qty: r.qty, syncedAt: r.synced_at }]));
    }
    async sellThrough(dealerCode, fromDay, beforeDay, skus) {
        if (skus && skus.length === 0)
            return new Map();
        let q = this.db
            .selectFrom('sell_through')
            .select(['sku', (eb) => eb.fn.sum('qty').as('qty')])
            .where('dealer_code', '=', dealerCode)
            .where('day', '>=', fromDay)
            .where('day', '<', beforeDay)
            .groupBy('sku');
        if (skus)
            q = q.where('sku', 'in', [...skus]);
        const rows = await q.execute();
        return new Map(rows.map((r) => [r.sku, Number(r.qty)]));
    }
}
//# sourceMappingURL=stock.repository.js.map