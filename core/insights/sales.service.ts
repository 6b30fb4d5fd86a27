import { shanghaiDate } from '../common/time.js';
import { InsightError } from './insights.errors.js';
import type { SalesLine, SalesReport, SkuSales } from './insights.types.js';
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
    span?: 'week' | 'days';
    now: Date;
  }): Promise<SalesReport> {
    const today = shanghaiDate(input.now);
    const window = salesWindow({ period: input.period, span: input.span }, today);
    const dealer = await this.store.salesDealer(input.dealerCode);
    if (!dealer) throw new InsightError('INSIGHT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const skus = input.skus?.length ? [...new Set(input.skus)] : null;
    const { current, previous } = window;
    const now = await this.store.sellThroughBySku(dealer.code, current.start, current.end, skus);
    const before = await this.store.sellThroughBySku(dealer.code, previous.start, previous.end, skus);
    const lastSaleDay = await this.store.lastSellThroughDay(dealer.code);
    const lines = salesLines(now, before);
    return {
      dealer: { code: dealer.code, name: dealer.name },
      activeStores: dealer.activeStores,
      window,
      skus,
      lines,
      totals: totalsByUnit(lines),
      lastSaleDay,
      hasRecentData: lastSaleDay !== null && daysBetween(lastSaleDay, today) <= RECENT_DATA_DAYS,
    };
  }
}
