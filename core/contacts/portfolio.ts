import { adviseReplenishment, type StockPosition } from '../care/replenishment.js';
import { anniversaryYears, sameDayOfYear } from '../care/calendar.js';
import type { AnomalyKind } from '../care/anomaly.types.js';
import { addDays } from '../common/time.js';
import { yearOnYearChange } from '../common/year-on-year.js';
import { DEFAULT_TIER_THRESHOLDS, TIER_RANK, type Tier } from '../dealers/tiers.js';
import { type CadenceTable, cadenceOf } from './cadence.js';

/**
 * An account manager's own dealers at a glance ("我名下几家经销商") and whom to contact first this week ("这周该联系谁"):
 * pure rules over what the store reads in one go. The signals are the project's own: the care calendar (birthdays,
 * partnership anniversaries), open and overdue needs, open anomalies, the contact cadence, pending re-tiers, the
 * replenishment advice and the purchases against the same period a year before.
 */

/** One dealer of the manager's, as the portfolio reads it. */
export interface PortfolioDealer {
  code: string;
  name: string;
  tier: Tier;
  /** A re-tier decided and waiting for its notice (null: none). */
  tierPending: Tier | null;
  province: string;
  city: string;
  county: string;
  partnershipStart: string;
  /** Shanghai date of the newest not-cancelled order. */
  lastOrderDate: string | null;
  /** Not-cancelled orders from 1 January to now, and over the same span a year before (fen). */
  ytdFen: number;
  lastYtdFen: number;
  lastContactAt: Date | null;
  /** Open or claimed needs, and those of them past their running SLA deadline. */
  openNeeds: number;
  overdueNeeds: number;
  /** Kinds of the dealer's open anomalies. */
  anomalies: AnomalyKind[];
}

/** A dealer's contact with a birthday on record. */
export interface PortfolioContact {
  dealerCode: string;
  name: string;
  birthday: string;
}

/** Purchases a year before below this say nothing about a trend (¥10,000). */
export const MIN_COMPARABLE_FEN = 1_000_000;
/** Purchases this far below the same period a year before are falling. */
export const PURCHASE_DROP = 0.3;
/** Without an order this long a dealer not yet silent is about to become so (silence: 90 days). */
export const GOING_SILENT_DAYS = 60;
/** How many dealers the contact plan names. */
export const PLAN_SIZE = 8;
/** The days the plan looks ahead for birthdays and anniversaries: today and the 6 after it. */
export const PLAN_DAYS = 7;

/** This year's purchases against the same span a year before (0.12 = +12%); null when there is nothing to compare. */
export function purchaseChange(d: Pick<PortfolioDealer, 'ytdFen' | 'lastYtdFen'>): number | null {
  if (d.lastYtdFen < MIN_COMPARABLE_FEN) return null;
  return yearOnYearChange(d.ytdFen, d.lastYtdFen);
}

/** Whole days from `from` to `to` (Shanghai dates). */
export const daysFrom = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Tier first (core to silent), then this year's purchases, then code: the biggest accounts on top. */
export function byWeight(a: PortfolioDealer, b: PortfolioDealer): number {
  return TIER_RANK[b.tier] - TIER_RANK[a.tier] || b.ytdFen - a.ytdFen || a.code.localeCompare(b.code);
}

export interface PortfolioFilter {
  tier?: Tier;
  /** The manager's words: a province, city or county of theirs named in them narrows the list. */
  words?: string;
}

/** The places (province, city, county) of the dealers that the words name, longest first. */
export function placesNamed(dealers: readonly PortfolioDealer[], words: string): string[] {
  const places = new Set(dealers.flatMap((d) => [d.province, d.city, d.county]).filter((p) => p.length >= 2));
  // "杭州" names 杭州 also when the data says 杭州市; a bare "市"/"区" names nothing.
  const stem = (p: string) => (p.length > 2 ? p.replace(/[省市区县]$/, '') : p);
  return [...places].filter((p) => words.includes(stem(p))).sort((a, b) => b.length - a.length);
}

/** The dealers the filter keeps, by weight; `place` is the place named (when one narrowed the list). */
export function filterPortfolio(
  dealers: readonly PortfolioDealer[],
  filter: PortfolioFilter,
): { dealers: PortfolioDealer[]; place?: string } {
  let out = filter.tier ? dealers.filter((d) => d.tier === filter.tier) : [...dealers];
  const place = filter.words ? placesNamed(dealers, filter.words)[0] : undefined;
  if (place) out = out.filter((d) => d.province === place || d.city === place || d.county === place);
  return { dealers: out.sort(byWeight), ...(place ? { place } : {}) };
}

/** How many dealers of each tier. */
export function tierCounts(dealers: readonly PortfolioDealer[]): Record<Tier, number> {
  const out: Record<Tier, number> = { core: 0, key: 0, regular: 0, silent: 0 };
  for (const d of dealers) out[d.tier]++;
  return out;
}

/** Why a dealer is on this week's contact plan (bot/replies words each). */
export type ContactReason =
  | { kind: 'need_overdue'; count: number }
  | { kind: 'birthday'; date: string; contact: string }
  | { kind: 'anniversary'; date: string; years: number }
  | { kind: 'tier_down'; to: Tier }
  | { kind: 'overdue_payment' }
  | { kind: 'sell_through_drop' }
  | { kind: 'going_silent'; days: number }
  | { kind: 'silent'; days: number | null }
  /** Tiered silent at the last evaluation, ordered since (on `date`): worth a call to keep it going. */
  | { kind: 'resumed'; date: string }
  | { kind: 'purchases_down'; fraction: number }
  | { kind: 'contact_overdue'; never: boolean; days: number }
  | { kind: 'replenish'; skus: number }
  | { kind: 'stock_issue'; anomaly: 'overstock' | 'expiring_batch' }
  | { kind: 'need_open'; count: number }
  | { kind: 'contact_due'; dueOn: string };

/**
 * How much each reason weighs. An SLA already breached and a care occasion that passes with the day come first; then
 * what costs money or the relationship (a downgrade, an overdue payment, falling sales, silence); then routine.
 */
export const REASON_WEIGHT: Readonly<Record<ContactReason['kind'], number>> = Object.freeze({
  need_overdue: 100,
  birthday: 60,
  anniversary: 55,
  tier_down: 50,
  overdue_payment: 45,
  sell_through_drop: 40,
  going_silent: 40,
  purchases_down: 35,
  silent: 30,
  resumed: 30,
  contact_overdue: 30,
  replenish: 25,
  stock_issue: 20,
  need_open: 20,
  contact_due: 10,
});

export interface PlanSignals {
  today: string;
  cadence: CadenceTable;
  /** Contacts with a birthday, of these dealers. */
  birthdays: readonly PortfolioContact[];
  /** Stock positions per dealer (for the replenishment advice); a dealer without any has none. */
  positions: ReadonlyMap<string, readonly StockPosition[]>;
}

/** The first day in [today, today + PLAN_DAYS) that `matches`, or null. */
function dayAhead(today: string, matches: (day: string) => boolean): string | null {
  for (let i = 0; i < PLAN_DAYS; i++) {
    const day = addDays(today, i);
    if (matches(day)) return day;
  }
  return null;
}

/** Every reason to contact the dealer in the coming week, heaviest first. */
export function contactReasons(d: PortfolioDealer, s: PlanSignals): ContactReason[] {
  const out: ContactReason[] = [];
  if (d.overdueNeeds > 0) out.push({ kind: 'need_overdue', count: d.overdueNeeds });
  for (const c of s.birthdays) {
    if (c.dealerCode !== d.code) continue;
    const date = dayAhead(s.today, (day) => sameDayOfYear(c.birthday, day));
    if (date) out.push({ kind: 'birthday', date, contact: c.name });
  }
  const anniversary = dayAhead(s.today, (day) => anniversaryYears(d.partnershipStart, day) !== null);
  if (anniversary) {
    out.push({ kind: 'anniversary', date: anniversary, years: anniversaryYears(d.partnershipStart, anniversary)! });
  }
  if (d.tierPending && TIER_RANK[d.tierPending] < TIER_RANK[d.tier]) out.push({ kind: 'tier_down', to: d.tierPending });
  if (d.anomalies.includes('overdue_payment')) out.push({ kind: 'overdue_payment' });
  if (d.anomalies.includes('sell_through_drop')) out.push({ kind: 'sell_through_drop' });
  const idle = d.lastOrderDate ? daysFrom(d.lastOrderDate, s.today) : null;
  const goingSilent = d.tier !== 'silent' && idle !== null && idle >= GOING_SILENT_DAYS;
  // The tier is last month's evaluation; the latest order (today's included) says whether the dealer is still silent.
  const stillSilent = d.tier === 'silent' && (idle === null || idle >= DEFAULT_TIER_THRESHOLDS.silentDays);
  if (stillSilent) out.push({ kind: 'silent', days: idle });
  else if (d.tier === 'silent') out.push({ kind: 'resumed', date: d.lastOrderDate! });
  else if (goingSilent) out.push({ kind: 'going_silent', days: idle });
  // A dealer gone quiet has fallen behind last year by the same token: the days without an order say it once.
  const change = purchaseChange(d);
  const quiet = d.tier === 'silent' || goingSilent;
  if (!quiet && change !== null && change <= -PURCHASE_DROP) out.push({ kind: 'purchases_down', fraction: change });
  const cadence = cadenceOf(
    { code: d.code, name: d.name, tier: d.tier, managerCode: '', lastContactAt: d.lastContactAt },
    s.cadence,
    s.today,
  );
  if (cadence.never || cadence.overdueDays > 0) {
    out.push({ kind: 'contact_overdue', never: cadence.never, days: cadence.overdueDays });
  } else if (daysFrom(s.today, cadence.dueOn) < PLAN_DAYS) {
    out.push({ kind: 'contact_due', dueOn: cadence.dueOn });
  }
  const restock = adviseReplenishment(s.positions.get(d.code) ?? []);
  if (restock.length > 0) out.push({ kind: 'replenish', skus: restock.length });
  const stock = d.anomalies.find(
    (a): a is 'overstock' | 'expiring_batch' => a === 'overstock' || a === 'expiring_batch',
  );
  if (stock) out.push({ kind: 'stock_issue', anomaly: stock });
  if (d.openNeeds > d.overdueNeeds) out.push({ kind: 'need_open', count: d.openNeeds - d.overdueNeeds });
  return out.sort((a, b) => REASON_WEIGHT[b.kind] - REASON_WEIGHT[a.kind]);
}

export interface PlannedContact {
  dealer: PortfolioDealer;
  reasons: ContactReason[];
  score: number;
}

/** What a dealer's tier adds to its score: the same reasons weigh more for a bigger account (core +15 … silent 0). */
export const TIER_BONUS = 5;

/**
 * This week's contacts, most pressing first: each dealer scores the weight of its reasons plus its tier's bonus (a
 * dealer due only by the cadence still counts), bigger accounts first on a tie. Dealers with no reason are left out.
 */
export function planContacts(
  dealers: readonly PortfolioDealer[],
  s: PlanSignals,
  size = PLAN_SIZE,
): { planned: PlannedContact[]; candidates: number } {
  // Each dealer reads only its own contacts' birthdays (a regional manager's thousands of dealers and contacts).
  const birthdays = new Map<string, PortfolioContact[]>();
  for (const c of s.birthdays) birthdays.set(c.dealerCode, [...(birthdays.get(c.dealerCode) ?? []), c]);
  const all = dealers
    .map((dealer) => {
      const reasons = contactReasons(dealer, { ...s, birthdays: birthdays.get(dealer.code) ?? [] });
      const weight = reasons.reduce((sum, r) => sum + REASON_WEIGHT[r.kind], 0);
      return { dealer, reasons, score: weight + TIER_BONUS * TIER_RANK[dealer.tier] };
    })
    .filter((p) => p.reasons.length > 0)
    .sort((a, b) => b.score - a.score || byWeight(a.dealer, b.dealer));
  return { planned: all.slice(0, size), candidates: all.length };
}
