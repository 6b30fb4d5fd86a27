import { addDays, quarterStart } from '../common/time.js';

export type PeriodKind = 'quarter' | 'year';

/** An award period: `label` is `2026Q3` or `2026`; [start, end) are Shanghai dates; `months` are `YYYY-MM`. */
export interface HonourPeriod {
  kind: PeriodKind;
  label: string;
  start: string;
  end: string;
  months: string[];
}

/**
 * A published honour rule (README "Honours"): who may win (minimum orders in the period, minimum metric), what ranks
 * them, how many win per province.
 * - `collaboration`: the mean monthly collaboration score (dealer_scores.collaboration, 0–100) over the period.
 * - `order_growth`: the period's order amount against the same period a year earlier (cancelled orders excluded),
 *   with at least `minBaseFen` then.
 */
export interface HonourRule {
  code: string;
  /** The honour's name as data; bot/replies puts the period in front ("2026年度" + name). */
  name: string;
  periods: readonly PeriodKind[];
  metric: 'collaboration' | 'order_growth';
  /** Orders placed in the period, per kind of period. */
  minOrders: Readonly<Record<PeriodKind, number>>;
  /** The metric's floor: a score (collaboration) or a growth ratio (0.3 = +30%). */
  minMetric: number;
  /** The previous year's amount an order_growth winner must have had, in fen. */
  minBaseFen?: number;
  /** Winners per province and period. */
  perProvince: number;
}

/** K's honours (协同价值深化): 协同之星 and 终端突破奖, each quarter and each year. */
export const DEFAULT_HONOUR_RULES: readonly HonourRule[] = Object.freeze([
  {
    code: 'collab_star',
    name: '协同之星',
    periods: ['quarter', 'year'],
    metric: 'collaboration',
    minOrders: { quarter: 2, year: 6 },
    minMetric: 60,
    perProvince: 1,
  },
  {
    code: 'terminal_breakthrough',
    name: '终端突破奖',
    periods: ['quarter', 'year'],
    metric: 'order_growth',
    minOrders: { quarter: 2, year: 6 },
    minMetric: 0.3,
    minBaseFen: 10_000_000,
    perProvince: 1,
  },
]);

/** One dealer's numbers for a period (from the scores and orders). */
export interface HonourCandidate {
  code: string;
  name: string;
  province: string;
  managerCode: string;
  orders: number;
  amountFen: number;
  /** Same period a year earlier. */
  baseAmountFen: number;
  /** Mean monthly collaboration score over the period; null without scores. */
  collaboration: number | null;
}

export interface HonourWinner {
  rule: HonourRule;
  candidate: HonourCandidate;
  /** The metric the dealer won with (score, or growth ratio rounded to 3 decimals). */
  value: number;
}

const metricOf = (rule: HonourRule, c: HonourCandidate): number | null => {
  if (rule.metric === 'collaboration') return c.collaboration === null ? null : Math.round(c.collaboration * 10) / 10;
  if (c.baseAmountFen < (rule.minBaseFen ?? 1)) return null;
  return Math.round(((c.amountFen - c.baseAmountFen) / c.baseAmountFen) * 1000) / 1000;
};

/**
 * The winners of one rule for a period: eligible dealers (enough orders, metric at least the floor) ranked by the
 * metric, then the period's amount, then the code; the first `perProvince` of each province.
 */
export function honourWinners(
  rule: HonourRule,
  period: HonourPeriod,
  candidates: readonly HonourCandidate[],
): HonourWinner[] {
  if (!rule.periods.includes(period.kind)) return [];
  const ranked = candidates
    .filter((c) => c.orders >= rule.minOrders[period.kind])
    .map((c) => ({ c, v: metricOf(rule, c) }))
    .filter((x): x is { c: HonourCandidate; v: number } => x.v !== null && x.v >= rule.minMetric)
    .sort((a, b) => b.v - a.v || b.c.amountFen - a.c.amountFen || a.c.code.localeCompare(b.c.code));
  const taken = new Map<string, number>();
  const out: HonourWinner[] = [];
  for (const { c, v } of ranked) {
    const n = taken.get(c.province) ?? 0;
    if (n >= rule.perProvince) continue;
    taken.set(c.province, n + 1);
    out.push({ rule, candidate: c, value: v });
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function quarterPeriod(year: number, q: number): HonourPeriod {
  const m = (q - 1) * 3 + 1;
  const start = `${year}-${pad(m)}-01`;
  const end = q === 4 ? `${year + 1}-01-01` : `${year}-${pad(m + 3)}-01`;
  return { kind: 'quarter', label: `${year}Q${q}`, start, end, months: [0, 1, 2].map((i) => `${year}-${pad(m + i)}`) };
}

export function yearPeriod(year: number): HonourPeriod {
  return {
    kind: 'year',
    label: String(year),
    start: `${year}-01-01`,
    end: `${year + 1}-01-01`,
    months: Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}`),
  };
}

/** A period from its label (`2026Q3`, `2026`); null when malformed. */
export function parsePeriod(label: string): HonourPeriod | null {
  const q = /^(\d{4})Q([1-4])$/.exec(label);
  if (q) return quarterPeriod(Number(q[1]), Number(q[2]));
  return /^\d{4}$/.test(label) ? yearPeriod(Number(label)) : null;
}

/** The periods complete on `date` (Shanghai): the last whole quarter, and the last whole year in a year's first quarter. */
export function periodsDue(date: string): HonourPeriod[] {
  const prevQ = addDays(quarterStart(date), -1);
  const [y, m] = prevQ.split('-').map(Number) as [number, number];
  const out = [quarterPeriod(y, Math.floor((m - 1) / 3) + 1)];
  if (quarterStart(date).endsWith('-01-01')) out.push(yearPeriod(y));
  return out;
}

/** The same period a year earlier (the order_growth baseline). */
export function yearBefore(p: HonourPeriod): HonourPeriod {
  const shift = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`;
  return {
    ...p,
    label: p.kind === 'year' ? String(Number(p.label) - 1) : shift(p.label),
    start: shift(p.start),
    end: shift(p.end),
    months: p.months.map(shift),
  };
}
