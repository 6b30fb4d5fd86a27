import type { RegionalDealer } from '../core/insights/regional.js';
import type { MarketLevel } from '../core/insights/insights.types.js';
import { type DemoData, generateDemoData } from '../db/seed/k-demo.js';

/**
 * The K demo generated in memory (no database) and read back as the back-tests need it: dealers placed by region,
 * net order lines by dealer, Shanghai month and product group, and the daily sell-through per dealer and SKU.
 */

export const BACKTEST_NOW = new Date('2026-11-26T10:00:00+08:00');

type Columns = Record<string, unknown[]>;

function table(data: DemoData, name: string): Columns {
  const t = data.tables.find((x) => x.table === name);
  if (!t) throw new Error(`demo has no ${name}`);
  return Object.fromEntries(t.columns.map(([c], i) => [c, t.data[i]!]));
}

const col = <T>(t: Columns, c: string) => t[c] as T[];
const shanghaiDay = (at: unknown) =>
  new Date(new Date(at as string | Date).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export interface DemoHistory {
  dealers: RegionalDealer[];
  /** dealer → group key (category\0series) → month (YYYY-MM) → fen. */
  monthly: Map<string, Map<string, Map<string, number>>>;
  groups: Map<string, { category: string; series: string }>;
  /** dealer → sku → day → units sold. */
  sellThrough: Map<string, Map<string, Map<string, number>>>;
  products: Map<string, { category: string; series: string; leadTimeDays: number; moq: number; priceFen: number }>;
  /** dealer → tier. */
  tiers: Map<string, string>;
  /** dealer → sku → units on hand at now (the demo's synced dealer stock). */
  inventory: Map<string, Map<string, number>>;
}

export function demoHistory(scale: number, now = BACKTEST_NOW): DemoHistory {
  const data = generateDemoData({ scale, now });
  const regions = table(data, 'regions');
  const levelOf = new Map<string, { province: string; level: MarketLevel }>();
  col<string>(regions, 'province').forEach((p, i) => {
    const key = `${p}|${col<string>(regions, 'city')[i]}|${col<string>(regions, 'county')[i]}`;
    levelOf.set(key, { province: p, level: col<MarketLevel>(regions, 'market_level')[i]! });
  });
  const d = table(data, 'dealers');
  const dealers: RegionalDealer[] = col<string>(d, 'code').map((code, i) => {
    const r = levelOf.get(col<string>(d, 'region_id')[i]!)!;
    return {
      code,
      name: col<string>(d, 'name')[i]!,
      province: r.province,
      marketLevel: r.level,
      managerCode: col<string>(d, 'manager_code')[i]!,
      tier: col<string>(d, 'tier')[i]!,
    };
  });
  const p = table(data, 'products');
  const products = new Map(
    col<string>(p, 'sku').map((sku, i) => [
      sku,
      {
        category: col<string>(p, 'category')[i]!,
        series: col<string>(p, 'series')[i]!,
        leadTimeDays: col<number>(p, 'lead_time_days')[i]!,
        moq: col<number>(p, 'moq')[i]!,
        priceFen: col<number>(p, 'list_price_fen')[i]!,
      },
    ]),
  );
  const o = table(data, 'orders');
  const orderOf = new Map<string, { dealer: string; month: string } | null>();
  col<string>(o, 'order_no').forEach((no, i) => {
    orderOf.set(
      no,
      col<string>(o, 'status')[i] === 'cancelled'
        ? null
        : { dealer: col<string>(o, 'dealer_code')[i]!, month: shanghaiDay(col(o, 'placed_at')[i]).slice(0, 7) },
    );
  });
  const l = table(data, 'order_lines');
  const monthly: DemoHistory['monthly'] = new Map();
  const groups: DemoHistory['groups'] = new Map();
  col<string>(l, 'order_no').forEach((no, i) => {
    const ord = orderOf.get(no);
    if (!ord) return;
    const prod = products.get(col<string>(l, 'sku')[i]!)!;
    const g = `${prod.category}\u0000${prod.series}`;
    groups.set(g, { category: prod.category, series: prod.series });
    const byGroup = monthly.get(ord.dealer) ?? new Map<string, Map<string, number>>();
    const byMonth = byGroup.get(g) ?? new Map<string, number>();
    byMonth.set(ord.month, (byMonth.get(ord.month) ?? 0) + col<number>(l, 'amount_fen')[i]!);
    byGroup.set(g, byMonth);
    monthly.set(ord.dealer, byGroup);
  });
  const s = table(data, 'sell_through');
  const sellThrough: DemoHistory['sellThrough'] = new Map();
  col<string>(s, 'dealer_code').forEach((dealer, i) => {
    const bySku = sellThrough.get(dealer) ?? new Map<string, Map<string, number>>();
    const sku = col<string>(s, 'sku')[i]!;
    const byDay = bySku.get(sku) ?? new Map<string, number>();
    byDay.set(col<string>(s, 'day')[i]!, col<number>(s, 'qty')[i]!);
    bySku.set(sku, byDay);
    sellThrough.set(dealer, bySku);
  });
  const tiers = new Map(dealers.map((x) => [x.code, x.tier]));
  const inv = table(data, 'dealer_inventory');
  const inventory: DemoHistory['inventory'] = new Map();
  col<string>(inv, 'dealer_code').forEach((dealer, i) => {
    const bySku = inventory.get(dealer) ?? new Map<string, number>();
    bySku.set(col<string>(inv, 'sku')[i]!, col<number>(inv, 'qty')[i]!);
    inventory.set(dealer, bySku);
  });
  return { dealers, monthly, groups, sellThrough, products, tiers, inventory };
}

export { shiftMonth } from '../core/insights/windows.js';

/** Prints rows as an aligned text table (CJK counted double width). */
export function printTable(head: string[], rows: (string | number)[][]): void {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\uffff]/.test(ch) ? 2 : 1), 0);
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => width(r[i]!))));
  for (const [n, r] of cells.entries()) {
    console.log(
      r
        .map((c, i) => (i === 0 ? c + ' '.repeat(widths[i]! - width(c)) : ' '.repeat(widths[i]! - width(c)) + c))
        .join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
