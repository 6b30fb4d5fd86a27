/**
 * Need prediction back-test on the K demo history (generated in memory, deterministic): for every month M with 14
 * months behind it and 3 complete months after it, predict each dealer's needs from its orders up to M
 * (core/insights/need-prediction.ts, the rule the monthly job runs) and check them against M+1..M+3 with
 * `needHappened`. Baseline in the same run: a naive predictor naming, for every dealer and need, its largest group.
 * Also prints the regional signal the prediction builds on (county aluminium windows against last year).
 *
 *   npm run bench:predict [-- --scale 1]
 */
import { type GroupKey, groupKey, regionalTable, type DealerGroupAmount } from '../core/insights/regional.js';
import {
  type GroupHistory,
  NEED_KINDS,
  NEW_LINE_SHARE,
  type NeedKind,
  needHappened,
  predictNeeds,
} from '../core/insights/need-prediction.js';
import { trendChange } from '../core/insights/regional.js';
import { BACKTEST_NOW, demoHistory, printTable, shiftMonth } from './demo-history.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const scale = Number(arg('scale', '1'));
const t0 = Date.now();
const h = demoHistory(scale);
const lastFullMonth = shiftMonth(BACKTEST_NOW.toISOString().slice(0, 7), -1);
const firstMonth = [...h.monthly.values()].flatMap((g) => [...g.values()].flatMap((m) => [...m.keys()])).sort()[0]!;
const months: string[] = [];
for (let m = shiftMonth(firstMonth, 15); m <= shiftMonth(lastFullMonth, -3); m = shiftMonth(m, 1)) months.push(m);

const amount = (dealer: string, g: string, month: string) => h.monthly.get(dealer)?.get(g)?.get(month) ?? 0;
const sumMonths = (dealer: string, g: string, from: string, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += amount(dealer, g, shiftMonth(from, i));
  return s;
};

/** The purchases of months [from, from+n) as trend-table rows. */
const rowsOf = (from: string, n: number): DealerGroupAmount[] =>
  h.dealers.flatMap((d) =>
    [...(h.monthly.get(d.code)?.keys() ?? [])].map((g) => ({
      dealerCode: d.code,
      ...h.groups.get(g)!,
      fen: sumMonths(d.code, g, from, n),
    })),
  );

type Tally = { predicted: number; hits: number; happened: number; caught: number };
const tally = () =>
  Object.fromEntries(NEED_KINDS.map((k) => [k, { predicted: 0, hits: 0, happened: 0, caught: 0 }])) as Record<
    NeedKind,
    Tally
  >;
const rule = tally();
const naive = tally();
// The rule's tallies over the first and the second half of the months: no constant was chosen on either half, so
// a rule that only fits some months shows here.
const halves = [tally(), tally()] as const;
const naiveHalves = [tally(), tally()] as const;

for (const [mi, M] of months.entries()) {
  const table = regionalTable(h.dealers, {
    current: rowsOf(shiftMonth(M, -2), 3),
    previous: rowsOf(shiftMonth(M, -5), 3),
    lastYear: rowsOf(shiftMonth(M, -14), 3),
  });
  const histories: GroupHistory[] = [];
  for (const d of h.dealers) {
    for (const g of h.monthly.get(d.code)?.keys() ?? []) {
      const months15 = Array.from({ length: 15 }, (_, i) => amount(d.code, g, shiftMonth(M, i - 14)));
      if (months15.slice(-6).some((x) => x > 0) || months15.slice(3, 6).some((x) => x > 0))
        histories.push({ dealerCode: d.code, ...h.groups.get(g)!, months: months15 });
    }
  }
  const scopeChange = (dealer: string, group: GroupKey) => {
    const g = table.byDealer.get(dealer)?.groups.find((x) => groupKey(x) === groupKey(group));
    return g ? trendChange(g) : null;
  };
  const predicted = predictNeeds(histories, scopeChange);
  // Ground truth per dealer and need: which groups showed the need in M+1..M+3.
  const byDealer = new Map<string, GroupHistory[]>();
  for (const x of histories) byDealer.set(x.dealerCode, [...(byDealer.get(x.dealerCode) ?? []), x]);
  for (const [dealer, list] of byDealer) {
    const total = list.reduce((s, x) => s + sumMonths(dealer, groupKey(x), shiftMonth(M, -5), 3), 0);
    const outcome = (need: NeedKind, x: GroupHistory) => {
      const k = groupKey(x);
      const before3 = sumMonths(dealer, k, shiftMonth(M, -5), 3);
      const share = total > 0 ? before3 / total : 0;
      if (need === 'training' && share >= NEW_LINE_SHARE) return false;
      if (need === 'display' && share < NEW_LINE_SHARE) return false;
      return needHappened(
        need,
        before3,
        sumMonths(dealer, k, shiftMonth(M, -2), 3),
        sumMonths(dealer, k, shiftMonth(M, 1), 3),
      );
    };
    const largest = [...list].sort(
      (a, b) =>
        sumMonths(dealer, groupKey(b), shiftMonth(M, -2), 3) - sumMonths(dealer, groupKey(a), shiftMonth(M, -2), 3),
    )[0]!;
    for (const need of NEED_KINDS) {
      const happened = list.some((x) => outcome(need, x));
      const p = predicted.find((x) => x.dealerCode === dealer && x.need === need);
      const hit = p ? outcome(need, list.find((x) => groupKey(x) === groupKey(p.group))!) : false;
      const naiveHit = outcome(need, largest);
      for (const [t, fired, ok] of [
        [rule[need], p !== undefined, hit],
        [halves[mi < months.length / 2 ? 0 : 1][need], p !== undefined, hit],
        [naiveHalves[mi < months.length / 2 ? 0 : 1][need], true, naiveHit],
        [naive[need], true, naiveHit],
      ] as const) {
        if (happened) t.happened++;
        if (fired) t.predicted++;
        if (ok) {
          t.hits++;
          t.caught++;
        }
      }
    }
  }
}

const pct = (a: number, b: number) => (b > 0 ? `${((a / b) * 100).toFixed(1)}%` : '–');
console.log(
  `Need prediction back-test: K demo scale ${scale} (${h.dealers.length} dealers), months M = ${months[0]}…${months.at(-1)} ` +
    `(${months.length}), predicting from orders up to M, checked against M+1..M+3. ${((Date.now() - t0) / 1000).toFixed(1)} s.\n`,
);
printTable(
  ['need', 'predicted', 'hits', 'precision', 'happened', 'recall', 'naive precision', 'naive recall', 'precision ×'],
  NEED_KINDS.map((k) => {
    const r = rule[k];
    const n = naive[k];
    const lift =
      n.predicted > 0 && n.hits > 0 && r.predicted > 0
        ? (r.hits / r.predicted / (n.hits / n.predicted)).toFixed(2)
        : '–';
    return [
      k,
      r.predicted,
      r.hits,
      pct(r.hits, r.predicted),
      r.happened,
      pct(r.caught, r.happened),
      pct(n.hits, n.predicted),
      pct(n.caught, n.happened),
      lift,
    ];
  }),
);
console.log('\n"precision ×": the rule\'s precision over the naive one\'s (same dealers, months and ground truth).');
const half = Math.ceil(months.length / 2);
console.log(
  `\nThe rule on each half of the months (${months[0]}…${months[half - 1]} | ${months[half]}…${months.at(-1)}):`,
);
printTable(
  ['need', 'precision 1st', 'recall 1st', 'naive p. 1st', 'precision 2nd', 'recall 2nd', 'naive p. 2nd'],
  NEED_KINDS.map((k) => [
    k,
    pct(halves[0][k].hits, halves[0][k].predicted),
    pct(halves[0][k].caught, halves[0][k].happened),
    pct(naiveHalves[0][k].hits, naiveHalves[0][k].predicted),
    pct(halves[1][k].hits, halves[1][k].predicted),
    pct(halves[1][k].caught, halves[1][k].happened),
    pct(naiveHalves[1][k].hits, naiveHalves[1][k].predicted),
  ]),
);

// The signal under the trend: the last 3 months to now against last year, per market level, aluminium windows.
const now = BACKTEST_NOW.toISOString().slice(0, 7);
const level = new Map(h.dealers.map((d) => [d.code, d.marketLevel]));
const alu = [...h.groups.keys()].find((g) => h.groups.get(g)!.series === '铝合金')!;
const byLevel = new Map<string, { cur: number; ly: number; all: number; allLy: number }>();
for (const d of h.dealers) {
  const x = byLevel.get(level.get(d.code)!) ?? { cur: 0, ly: 0, all: 0, allLy: 0 };
  x.cur += sumMonths(d.code, alu, shiftMonth(now, -3), 3);
  x.ly += sumMonths(d.code, alu, shiftMonth(now, -15), 3);
  for (const g of h.monthly.get(d.code)?.keys() ?? []) {
    x.all += sumMonths(d.code, g, shiftMonth(now, -3), 3);
    x.allLy += sumMonths(d.code, g, shiftMonth(now, -15), 3);
  }
  byLevel.set(level.get(d.code)!, x);
}
console.log(`\nRegional signal (${shiftMonth(now, -3)}…${shiftMonth(now, -1)} against a year earlier):`);
printTable(
  ['market level', '铝合金窗 yoy', 'all groups yoy'],
  [...byLevel.entries()].map(([l, x]) => [l, pct(x.cur - x.ly, x.ly), pct(x.all - x.allLy, x.allLy)]),
);
