import type { SalesWeek } from '../common/slots.js';
import { shanghaiDate } from '../common/time.js';
import { InsightError } from './insights.errors.js';
import type { SalesLine, SalesReport, SkuSales, StoreSalesLine, StoreSkuSales } from './insights.types.js';
import type { SalesStore } from './ports.js';
import { change, daysBetween, salesWindow } from './windows.js';

/** No sell-through for this many days means the dealer's POS data is missing, not that nothing sold. */
export const RECENT_DATA_DAYS = 60;

/** Joins the two periods per product, most sold first (then most sold before, then SKU). */
export function salesLines(current: readonly SkuSales[], previous: readonly SkuSales[]): SalesLine[] {
  const bySku = new Map<string, SalesLine>();
  for (const s of current) bySku.set(s.sku, { ...s, previousQty: 0, change: null });
  for (const s of previous) {
    const line = bySku.get(s.sku);
    if (line) line.previousQty = s.qty;
    else bySku.set(s.sku, { ...s, qty: 0, previousQty: s.qty, change: null });
  }
  const lines = [...bySku.values()].map((l) => ({ ...l, change: change(l.qty, l.previousQty) }));
  return lines.sort((a, b) => b.qty - a.qty || b.previousQty - a.previousQty || a.sku.localeCompare(b.sku));
}

export function totalsByUnit(lines: readonly SalesLine[]): SalesReport['totals'] {
  const byUnit = new Map<string, { qty: number; previousQty: number }>();
  for (const l of lines) {
    const t = byUnit.get(l.unit) ?? { qty: 0, previousQty: 0 };
    t.qty += l.qty;
    t.previousQty += l.previousQty;
    byUnit.set(l.unit, t);
  }
  return [...byUnit.entries()]
    .map(([unit, t]) => ({ unit, ...t, change: change(t.qty, t.previousQty) }))
    .sort((a, b) => b.qty - a.qty || a.unit.localeCompare(b.unit));
}

/** Per product, summed over stores. */
function bySku(rows: readonly StoreSkuSales[]): SkuSales[] {
  const out = new Map<string, SkuSales>();
  for (const r of rows) {
    const s = out.get(r.sku) ?? { sku: r.sku, name: r.name, unit: r.unit, category: r.category, qty: 0 };
    s.qty += r.qty;
    out.set(r.sku, s);
  }
  return [...out.values()];
}

/**
 * Per store, the two periods' units per unit; most sold first (then code). `idle`: stores to list even with no sales
 * (the dealer's active ones: the weakest store may have sold nothing).
 */
export function storeLines(
  current: readonly StoreSkuSales[],
  previous: readonly StoreSkuSales[],
  idle: ReadonlyArray<{ code: string; name: string }> = [],
): StoreSalesLine[] {
  const stores = new Map<string, { name: string; now: StoreSkuSales[]; before: StoreSkuSales[] }>();
  for (const s of idle) stores.set(s.code, { name: s.name, now: [], before: [] });
  const at = (r: StoreSkuSales) => {
    const s = stores.get(r.storeCode) ?? { name: r.storeName, now: [], before: [] };
    stores.set(r.storeCode, s);
    return s;
  };
  for (const r of current) at(r).now.push(r);
  for (const r of previous) at(r).before.push(r);
  const lines = [...stores].map(([code, s]) => ({
    code,
    name: s.name,
    totals: totalsByUnit(salesLines(bySku(s.now), bySku(s.before))),
  }));
  // Ranked by the main unit (the one most sold over all stores, e.g. 套), then the others: 套 and 米 never add up.
  const byUnit = new Map<string, number>();
  for (const l of lines) for (const t of l.totals) byUnit.set(t.unit, (byUnit.get(t.unit) ?? 0) + t.qty);
  const units = [...byUnit].sort((a, b) => b[1] - a[1]).map(([u]) => u);
  const qtyIn = (l: StoreSalesLine, unit: string) => l.totals.find((t) => t.unit === unit)?.qty ?? 0;
  const rank = (a: StoreSalesLine, b: StoreSalesLine) => {
    for (const u of units) if (qtyIn(a, u) !== qtyIn(b, u)) return qtyIn(b, u) - qtyIn(a, u);
    return a.code.localeCompare(b.code);
  };
  return lines.sort(rank);
}

/**
 * The dealer's own sell-through (`sales.query`): units per product in a period, against the period before.
 *
 * @example
 * await sales.report({ dealerCode: 'D0012', skus: ['KW-N60'], period: '2026-10', now }); // "N60 上个月走了几套"
 * await sales.report({ dealerCode: 'D0012', span: 'week', now });                       // "这周卖了多少"
 */
export class SalesService {
  constructor(private readonly store: SalesStore) {}

  async report(input: {
    dealerCode: string;
    skus?: readonly string[];
    period?: string;
    span?: SalesWeek | 'days';
    /** One of the dealer's stores (its POS only); another dealer's store is STORE_NOT_FOUND. */
    storeCode?: string;
    /** Split per store. */
    byStore?: boolean;
    now: Date;
  }): Promise<SalesReport> {
    const today = shanghaiDate(input.now);
    const window = salesWindow({ period: input.period, span: input.span }, today);
    const dealer = await this.store.salesDealer(input.dealerCode);
    if (!dealer) throw new InsightError('INSIGHT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const skus = input.skus?.length ? [...new Set(input.skus)] : null;
    const { current, previous } = window;
    const store = input.storeCode ? await this.store.dealerStore(dealer.code, input.storeCode) : null;
    if (input.storeCode && !store)
      throw new InsightError('INSIGHT.STORE_NOT_FOUND', "not one of the dealer's stores", {
        storeCode: input.storeCode,
      });
    // Dealer totals read sell_through (the imports keep it the sum of store_sales; the demo seeds it directly);
    // a store, or the split per store, reads store_sales itself.
    const perStore = store !== null || input.byStore === true;
    const [storeNow, storeBefore] = perStore
      ? await Promise.all([
          this.store.storeSellThrough(dealer.code, current.start, current.end, skus, store?.code ?? null),
          this.store.storeSellThrough(dealer.code, previous.start, previous.end, skus, store?.code ?? null),
        ])
      : [[], []];
    const now = store
      ? bySku(storeNow)
      : await this.store.sellThroughBySku(dealer.code, current.start, current.end, skus);
    const before = store
      ? bySku(storeBefore)
      : await this.store.sellThroughBySku(dealer.code, previous.start, previous.end, skus);
    const lastSaleDay = await this.store.lastSellThroughDay(dealer.code);
    // With store data at all, every active store is listed: one that sold nothing is the weakest, not missing.
    const split = input.byStore === true && !store;
    const idle = split && storeNow.length + storeBefore.length > 0 ? await this.store.activeStores(dealer.code) : [];
    const lines = salesLines(now, before);
    return {
      dealer: { code: dealer.code, name: dealer.name },
      activeStores: dealer.activeStores,
      store,
      stores: split ? storeLines(storeNow, storeBefore, idle) : null,
      window,
      skus,
      lines,
      totals: totalsByUnit(lines),
      lastSaleDay,
      hasRecentData: lastSaleDay !== null && daysBetween(lastSaleDay, today) <= RECENT_DATA_DAYS,
    };
  }
}
