import { addDays } from '../common/time.js';
import type { Change, DateRange, MarketLevel, TrendScope } from './insights.types.js';
import { addMonths, change } from './windows.js';

/**
 * The regional trend table: net purchases by region (province) × market level × product group (category + series,
 * e.g. windows · 铝合金), the last 3 months against the 3 before and against the same 3 months a year earlier.
 * Purchases are dealers' orders (sell-in: net of discounts, cancelled excluded) — the only source with a year of
 * history; POS sell-through is reported beside it where it exists. Pure: the stores hand in rows.
 */

/** Fewer dealers than this in the province and market level: compare with the market level nationwide. */
export const MIN_SCOPE_DEALERS = 5;
/** A group moves the scope only when at least this many of its dealers bought it in the current window. */
export const MIN_GROUP_BUYERS = 3;
/** … and its base (last year's, else the previous window's) is at least this share of the scope's purchases. */
export const MIN_GROUP_BASE_SHARE = 0.02;
/** A change at least this large (either way) is a movement worth telling. */
export const NOTABLE_CHANGE = 0.1;

export interface GroupKey {
  category: string;
  series: string;
}

export const groupKey = (g: GroupKey) => `${g.category}\u0000${g.series}`;

/** One dealer's purchases of one product group in a window. */
export interface DealerGroupAmount extends GroupKey {
  dealerCode: string;
  fen: number;
}

/** A dealer as the trend table places it. */
export interface RegionalDealer {
  code: string;
  name: string;
  province: string;
  marketLevel: MarketLevel;
  managerCode: string;
  tier: string;
}

export interface TrendWindows {
  current: DateRange;
  previous: DateRange;
  lastYear: DateRange;
}

/**
 * The three windows of a trend ending on `end` (inclusive): 3 months, the 3 before, the same 3 a year earlier. Ending
 * on a month's last day they are whole calendar months (Sep–Nov, Jun–Aug, Sep–Nov last year); otherwise they roll.
 */
export function trendWindows(end: string, months = 3): TrendWindows {
  if (addDays(end, 1).endsWith('-01')) {
    const start = addMonths(`${end.slice(0, 7)}-01`, -(months - 1));
    return {
      current: { start, end },
      previous: { start: addMonths(start, -months), end: addDays(start, -1) },
      lastYear: { start: addMonths(start, -12), end: addDays(addMonths(addDays(end, 1), -12), -1) },
    };
  }
  const start = addDays(addMonths(end, -months), 1);
  return {
    current: { start, end },
    previous: { start: addDays(addMonths(end, -2 * months), 1), end: addDays(start, -1) },
    lastYear: { start: addDays(addMonths(end, -months - 12), 1), end: addMonths(end, -12) },
  };
}

export interface GroupTrend extends GroupKey {
  fen: number;
  previousFen: number;
  /** Null when the scope has no purchases at all a year earlier (no history, not zero sales). */
  lastYearFen: number | null;
  /** Against the previous 3 months (seasons included) and against the same months a year earlier. */
  change: Change;
  yoyChange: Change;
  /** Dealers of the scope who bought the group in the current window. */
  buyers: number;
  /** Mean share of the group in the purchases of the scope's dealers who bought anything in the current window. */
  averageShare: number;
}

export interface ScopeTrend {
  scope: TrendScope & { dealers: number; widened: boolean };
  totalFen: number;
  previousFen: number;
  lastYearFen: number | null;
  /** Largest first. */
  groups: GroupTrend[];
  /** The group that rose most (year over year when last year is known, else against the 3 months before). */
  rising: GroupTrend | null;
  falling: GroupTrend | null;
}

/** The same-season comparison when a year of history exists; else the previous window. */
export const trendChange = (g: GroupTrend): Change => (g.lastYearFen === null ? g.change : g.yoyChange);

const scopeKey = (s: TrendScope) => `${s.province ?? '*'}\u0000${s.marketLevel}`;

/** Where each dealer is compared: its province and market level, or the level nationwide when too few dealers. */
export function scopesOf(dealers: readonly RegionalDealer[]): Map<string, TrendScope & { widened: boolean }> {
  const count = new Map<string, number>();
  for (const d of dealers) {
    const k = scopeKey({ province: d.province, marketLevel: d.marketLevel });
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  const out = new Map<string, TrendScope & { widened: boolean }>();
  for (const d of dealers) {
    const own = { province: d.province, marketLevel: d.marketLevel };
    const widened = (count.get(scopeKey(own)) ?? 0) < MIN_SCOPE_DEALERS;
    out.set(d.code, widened ? { province: null, marketLevel: d.marketLevel, widened } : { ...own, widened });
  }
  return out;
}

/** Per dealer, per group: fen. */
function byDealer(rows: readonly DealerGroupAmount[]): Map<string, Map<string, DealerGroupAmount>> {
  const out = new Map<string, Map<string, DealerGroupAmount>>();
  for (const r of rows) {
    const m = out.get(r.dealerCode) ?? new Map<string, DealerGroupAmount>();
    const k = groupKey(r);
    const had = m.get(k);
    m.set(k, had ? { ...had, fen: had.fen + r.fen } : { ...r });
    out.set(r.dealerCode, m);
  }
  return out;
}

const sumFen = (m: Map<string, DealerGroupAmount> | undefined) =>
  m ? [...m.values()].reduce((s, x) => s + x.fen, 0) : 0;

/** The group that moved most in one direction among those with enough buyers and base, or null. */
function mover(groups: readonly GroupTrend[], totalBase: number, direction: 1 | -1): GroupTrend | null {
  let best: GroupTrend | null = null;
  for (const g of groups) {
    const c = trendChange(g);
    const base = g.lastYearFen ?? g.previousFen;
    if (c === null || g.buyers < MIN_GROUP_BUYERS || base < totalBase * MIN_GROUP_BASE_SHARE) continue;
    if (c * direction < NOTABLE_CHANGE) continue;
    if (!best || c * direction > trendChange(best)! * direction) best = g;
  }
  return best;
}

/** One scope's groups from the purchases of its dealers in the three windows. */
export function scopeTrend(
  scope: TrendScope & { widened: boolean },
  dealerCodes: readonly string[],
  windows: {
    current: readonly DealerGroupAmount[];
    previous: readonly DealerGroupAmount[];
    lastYear: readonly DealerGroupAmount[];
  },
): ScopeTrend {
  const members = new Set(dealerCodes);
  const inScope = (rows: readonly DealerGroupAmount[]) => rows.filter((r) => members.has(r.dealerCode));
  const cur = byDealer(inScope(windows.current));
  const prev = inScope(windows.previous);
  const ly = inScope(windows.lastYear);
  const totals = (rows: readonly DealerGroupAmount[]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(groupKey(r), (m.get(groupKey(r)) ?? 0) + r.fen);
    return m;
  };
  const curTotals = totals(inScope(windows.current));
  const prevTotals = totals(prev);
  const lyTotals = totals(ly);
  const lastYearFen = ly.reduce((s, r) => s + r.fen, 0);
  const hasLastYear = lastYearFen > 0;
  const keys = new Map<string, GroupKey>();
  for (const r of [...inScope(windows.current), ...prev, ...ly])
    keys.set(groupKey(r), { category: r.category, series: r.series });
  const dealerTotals = [...cur.entries()].map(([code, m]) => ({ code, total: sumFen(m) })).filter((d) => d.total > 0);
  const groups = [...keys.entries()].map(([k, g]): GroupTrend => {
    const fen = curTotals.get(k) ?? 0;
    const previousFen = prevTotals.get(k) ?? 0;
    const lastYear = hasLastYear ? (lyTotals.get(k) ?? 0) : null;
    let shares = 0;
    let buyers = 0;
    for (const d of dealerTotals) {
      const mine = cur.get(d.code)?.get(k)?.fen ?? 0;
      if (mine > 0) buyers++;
      shares += mine / d.total;
    }
    return {
      ...g,
      fen,
      previousFen,
      lastYearFen: lastYear,
      change: change(fen, previousFen),
      yoyChange: lastYear === null ? null : change(fen, lastYear),
      buyers,
      averageShare: dealerTotals.length > 0 ? shares / dealerTotals.length : 0,
    };
  });
  groups.sort((a, b) => b.fen - a.fen || a.category.localeCompare(b.category) || a.series.localeCompare(b.series));
  const totalFen = [...curTotals.values()].reduce((s, x) => s + x, 0);
  const previousFen = prev.reduce((s, r) => s + r.fen, 0);
  const base = hasLastYear ? lastYearFen : previousFen;
  return {
    scope: { province: scope.province, marketLevel: scope.marketLevel, dealers: members.size, widened: scope.widened },
    totalFen,
    previousFen,
    lastYearFen: hasLastYear ? lastYearFen : null,
    groups,
    rising: mover(groups, base, 1),
    falling: mover(groups, base, -1),
  };
}

/** The whole table: one ScopeTrend per scope any dealer is compared in, keyed by dealer code as well. */
export function regionalTable(
  dealers: readonly RegionalDealer[],
  windows: {
    current: readonly DealerGroupAmount[];
    previous: readonly DealerGroupAmount[];
    lastYear: readonly DealerGroupAmount[];
  },
): { scopes: ScopeTrend[]; byDealer: Map<string, ScopeTrend> } {
  const scopes = scopesOf(dealers);
  const members = new Map<string, { scope: TrendScope & { widened: boolean }; codes: string[] }>();
  for (const d of dealers) {
    // A widened dealer's scope is the level nationwide: every dealer of that level, whatever their province.
    const s = scopes.get(d.code)!;
    const k = scopeKey(s);
    if (!members.has(k)) {
      const codes = dealers
        .filter((x) => x.marketLevel === s.marketLevel && (s.province === null || x.province === s.province))
        .map((x) => x.code);
      members.set(k, { scope: s, codes });
    }
  }
  const trends = new Map<string, ScopeTrend>();
  for (const [k, m] of members) trends.set(k, scopeTrend(m.scope, m.codes, windows));
  const out = new Map<string, ScopeTrend>();
  for (const d of dealers) out.set(d.code, trends.get(scopeKey(scopes.get(d.code)!))!);
  return { scopes: [...trends.values()], byDealer: out };
}

/** A dealer's own weight in a group against the scope's average. */
export interface DealerPosition {
  group: GroupTrend;
  dealerFen: number;
  /** 0–1 of the dealer's purchases in the current window. */
  dealerShare: number;
}

/** The dealer's position in a group from the dealer's own rows of the current window. */
export function dealerPosition(group: GroupTrend, own: readonly DealerGroupAmount[]): DealerPosition {
  const total = own.reduce((s, r) => s + r.fen, 0);
  const k = groupKey(group);
  const dealerFen = own.filter((r) => groupKey(r) === k).reduce((s, r) => s + r.fen, 0);
  return { group, dealerFen, dealerShare: total > 0 ? dealerFen / total : 0 };
}

/** Rows grouped by dealer code. */
export function rowsByDealer(rows: readonly DealerGroupAmount[]): Map<string, DealerGroupAmount[]> {
  const out = new Map<string, DealerGroupAmount[]>();
  for (const r of rows) {
    const list = out.get(r.dealerCode);
    if (list) list.push(r);
    else out.set(r.dealerCode, [r]);
  }
  return out;
}
