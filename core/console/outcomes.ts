import { shanghaiDate } from '../common/time.js';
import type { Tier } from '../needs/needs.types.js';
import type { SlaTable } from '../needs/sla.js';

/**
 * K's outcome metrics, month by month (Asia/Shanghai months, `YYYY-MM`): dealer churn, silent-dealer activation,
 * need response against the SLA by tier, campaign reach and orders by channel. The read model hands in plain facts;
 * the definitions live here.
 */

/** A dealer counts as active at a month's end when it ordered in that month or the two before (≈ K's 90 days). */
export const ACTIVE_WINDOW_MONTHS = 3;

/** The `n` Shanghai months ending with the one containing `now`, oldest first. */
export function lastMonths(now: Date, n: number): string[] {
  const [y, m] = shanghaiDate(now).split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => monthAdd(y, m, i - n + 1));
}

/** `YYYY-MM` shifted by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthAdd(y, m, delta);
}

function monthAdd(y: number, m: number, delta: number): string {
  const idx = y * 12 + (m - 1) + delta;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
}

/** The months a dealer placed at least one (not cancelled) order in. */
export interface DealerActivity {
  dealerCode: string;
  months: ReadonlySet<string>;
}

export interface ActivityPoint {
  month: string;
  /** Active at the end of the month before. */
  activeAtStart: number;
  /** Of those, no longer active at this month's end. */
  churned: number;
  churnRate: number | null;
  /** Dealers that had ordered before but were not active at the end of the month before. */
  silentAtStart: number;
  /** Of those, ordered in this month. */
  activated: number;
  activationRate: number | null;
}

/** Churn and silent-dealer activation per month. */
export function churnAndActivation(activity: readonly DealerActivity[], months: readonly string[]): ActivityPoint[] {
  // Month numbers, not strings: this runs for every dealer and month (6,000 × 12 at scale 10).
  const targets = months.map(monthNumber);
  const activeAtStart = targets.map(() => 0);
  const churned = targets.map(() => 0);
  const silentAtStart = targets.map(() => 0);
  const activated = targets.map(() => 0);
  // One reused flag per month a check can read (the window before the first month through the last one).
  const base = (targets[0] ?? 0) - ACTIVE_WINDOW_MONTHS;
  const ordered = new Uint8Array(Math.max(0, (targets.at(-1) ?? base) - base + 1));
  const has = (n: number) => ordered[n - base] === 1;
  const activeAt = (n: number) => {
    for (let i = 0; i < ACTIVE_WINDOW_MONTHS; i++) if (has(n - i)) return true;
    return false;
  };
  for (const a of activity) {
    ordered.fill(0);
    let first = Number.POSITIVE_INFINITY;
    for (const m of a.months) {
      const n = monthNumber(m);
      if (n >= base && n - base < ordered.length) ordered[n - base] = 1;
      if (n < first) first = n;
    }
    targets.forEach((n, i) => {
      if (activeAt(n - 1)) {
        activeAtStart[i]!++;
        if (!activeAt(n)) churned[i]!++;
      } else if (first < n) {
        silentAtStart[i]!++;
        if (has(n)) activated[i]!++;
      }
    });
  }
  return months.map((month, i) => ({
    month,
    activeAtStart: activeAtStart[i]!,
    churned: churned[i]!,
    churnRate: ratio(churned[i]!, activeAtStart[i]!),
    silentAtStart: silentAtStart[i]!,
    activated: activated[i]!,
    activationRate: ratio(activated[i]!, silentAtStart[i]!),
  }));
}

/** `YYYY-MM` as a count of months (consecutive months are consecutive numbers). */
function monthNumber(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** A need's clocks, as the SLA report needs them. */
export interface NeedTiming {
  tier: Tier;
  createdAt: Date;
  firstResponseDue: Date;
  resolutionDue: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
}

export interface SlaPoint {
  month: string;
  tier: Tier;
  submitted: number;
  /** Hours, median over the needs answered; null when none. */
  firstResponseMedianH: number | null;
  resolutionMedianH: number | null;
  /** Share answered (resolved) by the deadline, over the needs whose outcome is known at `now`. */
  firstResponseHitRate: number | null;
  resolutionHitRate: number | null;
  /** The SLA commitment, hours. */
  firstResponseSlaH: number;
  resolutionSlaH: number;
}

const HOUR_MS = 3_600_000;
export const TIERS: readonly Tier[] = ['core', 'key', 'regular', 'silent'];

/**
 * Need response and resolution by tier and month of submission, against the SLA. A need still running and not yet
 * past its deadline has no outcome yet and is left out of the hit rate; one past it without an answer is a miss.
 */
export function slaByMonth(needs: readonly NeedTiming[], months: readonly string[], sla: SlaTable, now: Date) {
  const out: SlaPoint[] = [];
  const byKey = new Map<string, NeedTiming[]>();
  for (const n of needs) {
    const key = `${shanghaiDate(n.createdAt).slice(0, 7)}|${n.tier}`;
    byKey.set(key, [...(byKey.get(key) ?? []), n]);
  }
  for (const month of months) {
    for (const tier of TIERS) {
      const group = byKey.get(`${month}|${tier}`) ?? [];
      out.push({
        month,
        tier,
        submitted: group.length,
        firstResponseMedianH: median(group.flatMap((n) => hoursBetween(n.createdAt, n.firstResponseAt))),
        resolutionMedianH: median(group.flatMap((n) => hoursBetween(n.createdAt, n.resolvedAt))),
        firstResponseHitRate: hitRate(group.map((n) => outcome(n.firstResponseAt, n.firstResponseDue, now))),
        resolutionHitRate: hitRate(group.map((n) => outcome(n.resolvedAt, n.resolutionDue, now))),
        firstResponseSlaH: sla[tier].firstResponse,
        resolutionSlaH: sla[tier].resolution,
      });
    }
  }
  return out;
}

function hoursBetween(from: Date, to: Date | null): number[] {
  return to ? [(to.getTime() - from.getTime()) / HOUR_MS] : [];
}

function outcome(doneAt: Date | null, due: Date, now: Date): 'hit' | 'miss' | null {
  if (doneAt) return doneAt.getTime() <= due.getTime() ? 'hit' : 'miss';
  return now.getTime() > due.getTime() ? 'miss' : null;
}

function hitRate(outcomes: ReadonlyArray<'hit' | 'miss' | null>): number | null {
  const known = outcomes.filter((o) => o !== null);
  return ratio(known.filter((o) => o === 'hit').length, known.length);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Orders of one month by channel: placed by chat, or arriving from the ERP and other sources. */
export interface ChannelMonth {
  month: string;
  chatOrders: number;
  otherOrders: number;
  chatShare: number | null;
}

export function ordersByChannel(
  rows: ReadonlyArray<{ month: string; source: string; orders: number }>,
  months: readonly string[],
): ChannelMonth[] {
  return months.map((month) => {
    const of = rows.filter((r) => r.month === month);
    const chatOrders = of.filter((r) => r.source === 'chat').reduce((s, r) => s + r.orders, 0);
    const otherOrders = of.filter((r) => r.source !== 'chat').reduce((s, r) => s + r.orders, 0);
    return { month, chatOrders, otherOrders, chatShare: ratio(chatOrders, chatOrders + otherOrders) };
  });
}
