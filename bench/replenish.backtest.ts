/**
 * Replenishment back-test: 90 days of demand per dealer × SKU drawn from the demo's own sell-through (each day a
 * random day of the same weekday from that dealer's 90-day POS history, seeded), simulated twice from the same stock
 * (the demo's synced dealer inventory):
 *
 * - **advice**: every REPLENISH_EVERY_DAYS days (the daily push's cadence) the dealer orders what core/stock's
 *   `replenishmentAdvice` says — the real rule: below lead time + 7 days of cover, 30 days of sell-through rounded up
 *   to MOQ and order multiple — counting what is already on the way as stock;
 * - **without** (the baseline): the dealer reorders only when the shelf is empty, the same 30-day quantity.
 *
 * Orders arrive after the product's lead time. Sell-through is what was sold (demand beyond stock is lost, and the
 * next 30-day rate sees only what sold, as a real POS would). Deterministic: same seed, same table.
 *
 *   npm run bench:replenish [-- --scale 1 --seed 7]
 */
import { tierPriceFen } from '../core/catalog/pricing.js';
import { REPLENISH_EVERY_DAYS } from '../core/care/care.service.js';
import { addDays } from '../core/common/time.js';
import { COVER_TARGET_DAYS, replenishmentAdvice, SELL_THROUGH_WINDOW_DAYS } from '../core/stock/stock.rules.js';
import { roundUpToValid } from '../core/catalog/pricing.js';
import { Prng } from '../db/seed/prng.js';
import { BACKTEST_NOW, demoHistory, printTable } from './demo-history.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const scale = Number(arg('scale', '1'));
const seed = Number(arg('seed', '7'));
const DAYS = 90;
const t0 = Date.now();
const h = demoHistory(scale);
const today = new Date(BACKTEST_NOW.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

type Policy = 'advice' | 'without';
interface Totals {
  pairs: number;
  stockOutDays: number;
  lostUnits: number;
  demandUnits: number;
  unitDays: number;
  valueDays: number;
  orders: number;
}
const totals: Record<Policy, Totals> = {
  advice: { pairs: 0, stockOutDays: 0, lostUnits: 0, demandUnits: 0, unitDays: 0, valueDays: 0, orders: 0 },
  without: { pairs: 0, stockOutDays: 0, lostUnits: 0, demandUnits: 0, unitDays: 0, valueDays: 0, orders: 0 },
};

function simulate(
  policy: Policy,
  p: { sku: string; leadTimeDays: number; moq: number; orderMultiple: number; priceFen: number },
  start: number,
  history: number[],
  demand: number[],
): void {
  const t = totals[policy];
  let onHand = start;
  const arrivals = new Map<number, number>();
  const sold = [...history]; // the last 30 days' sales, then the simulated ones
  t.pairs++;
  for (let day = 0; day < DAYS; day++) {
    onHand += arrivals.get(day) ?? 0;
    const want = demand[day]!;
    const sale = Math.min(want, onHand);
    onHand -= sale;
    sold.push(sale);
    t.demandUnits += want;
    if (sale < want) {
      t.stockOutDays++;
      t.lostUnits += want - sale;
    }
    const sold30 = sold.slice(-SELL_THROUGH_WINDOW_DAYS).reduce((s, x) => s + x, 0);
    const inTransit = [...arrivals.entries()].filter(([d]) => d > day).reduce((s, [, q]) => s + q, 0);
    let qty = 0;
    if (policy === 'advice') {
      if (day % REPLENISH_EVERY_DAYS === 0) {
        const [advice] = replenishmentAdvice([{ ...p, stockQty: onHand + inTransit, sold30 }]);
        qty = advice?.qty ?? 0;
      }
    } else if (onHand === 0 && inTransit === 0 && sold30 > 0) {
      qty = roundUpToValid(Math.max(1, Math.ceil((sold30 / SELL_THROUGH_WINDOW_DAYS) * COVER_TARGET_DAYS)), p);
    }
    if (qty > 0) {
      t.orders++;
      const at = day + p.leadTimeDays;
      arrivals.set(at, (arrivals.get(at) ?? 0) + qty);
    }
    t.unitDays += onHand;
    t.valueDays += onHand * p.priceFen;
  }
}

const rng = new Prng(seed);
const histDays = Array.from({ length: 90 }, (_, i) => addDays(today, i - 89));
for (const d of h.dealers) {
  const bySku = h.sellThrough.get(d.code);
  if (!bySku) continue;
  for (const [sku, byDay] of bySku) {
    const prod = h.products.get(sku)!;
    const daily = histDays.map((day) => byDay.get(day) ?? 0);
    const byWeekday = Array.from({ length: 7 }, (_, w) => daily.filter((_, i) => weekday(histDays[i]!) === w));
    const pairRng = rng.fork(`${d.code}:${sku}`);
    const demand = Array.from({ length: DAYS }, (_, i) => {
      const pool = byWeekday[weekday(addDays(today, i + 1))]!;
      return pool[pairRng.int(0, pool.length - 1)]!;
    });
    const start = h.inventory.get(d.code)?.get(sku) ?? 0;
    const p = {
      sku,
      leadTimeDays: prod.leadTimeDays,
      moq: prod.moq,
      orderMultiple: 1,
      priceFen: tierPriceFen(prod.priceFen, (d.tier as 'core') ?? 'regular'),
    };
    for (const policy of ['advice', 'without'] as const) simulate(policy, p, start, daily.slice(-30), demand);
  }
}

const n = totals.advice.pairs;
const yuan = (fen: number) => `¥${Math.round(fen / 100).toLocaleString('en-US')}`;
const row = (policy: Policy) => {
  const t = totals[policy];
  return [
    policy === 'advice' ? 'following the advice' : 'without (reorder when out)',
    t.stockOutDays.toLocaleString('en-US'),
    `${((t.stockOutDays / (t.pairs * DAYS)) * 100).toFixed(2)}%`,
    `${((t.lostUnits / t.demandUnits) * 100).toFixed(2)}%`,
    (t.unitDays / (t.pairs * DAYS)).toFixed(1),
    yuan(t.valueDays / DAYS),
    t.orders.toLocaleString('en-US'),
  ];
};
console.log(
  `Replenishment back-test: K demo scale ${scale}, ${n.toLocaleString('en-US')} dealer × SKU pairs with sell-through, ` +
    `${DAYS} days of demand drawn from each pair's own POS days (seed ${seed}). ${((Date.now() - t0) / 1000).toFixed(1)} s.\n`,
);
printTable(
  ['policy', 'stock-out days', 'of pair-days', 'demand lost', 'avg units / pair', 'avg stock value (all)', 'orders'],
  [row('advice'), row('without')],
);
const a = totals.advice;
const w = totals.without;
console.log(
  `\nFollowing the advice: stock-out days ×${(a.stockOutDays / w.stockOutDays).toFixed(2)} ` +
    `(${(((a.stockOutDays - w.stockOutDays) / w.stockOutDays) * 100).toFixed(0)}%), stock held ×${(a.unitDays / w.unitDays).toFixed(2)} in units, ` +
    `×${(a.valueDays / w.valueDays).toFixed(2)} in value, orders ×${(a.orders / w.orders).toFixed(2)} against the baseline.`,
);
