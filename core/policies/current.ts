import { inPeriod } from './dates.js';
import type { LadderRebatePolicy, PromotionPolicy } from './policy.types.js';
import type { PolicyRecord } from './ports.js';
import { type Cohort, isTargeted, pilotCohort, type TargetDealer } from './targeting.js';

/** What deciding whether a policy reaches a dealer needs. */
export type ReachDealer = TargetDealer & { code: string };

/** The cohort a dealer is in for a policy, and whether the policy reaches them (targeted, and not held out). */
export function reachOf(
  record: PolicyRecord,
  dealer: ReachDealer,
): { targeted: boolean; cohort: Cohort; reaches: boolean } {
  const targeted = isTargeted(record.policy, dealer);
  const cohort = record.pilot
    ? record.pilot.has(dealer.code)
      ? 'pilot'
      : 'holdout'
    : pilotCohort(record.policy.code, dealer.code, record.policy.pilotRatio);
  return { targeted, cohort, reaches: record.active && targeted && (cohort !== 'holdout' || record.promoted) };
}

/** Policies of one kind that reach the dealer and whose period contains `today` (Asia/Shanghai date). */
function inForce<P extends LadderRebatePolicy | PromotionPolicy>(
  kind: P['kind'],
  dealer: ReachDealer,
  today: string,
  records: readonly PolicyRecord[],
): P[] {
  return records
    .filter((r) => r.policy.kind === kind && reachOf(r, dealer).reaches)
    .map((r) => r.policy as P)
    .filter((p) => inPeriod(today, p.period));
}

/** What a ladder in force for a dealer is to the others: the base, stacked on top of one, or standing alone. */
export interface LadderInForce {
  policy: LadderRebatePolicy;
  /** The ladders this one is paid on top of (its `combines.stacks`), when they are in force too. */
  stacksOn: string[];
  /** The ladders it keeps from being paid (its `replaces`, or the implicit most-specific rule). */
  replaces: string[];
}

/**
 * Every rebate ladder a dealer's orders earn today, the rule shared by order drafts, the policy chat, statements
 * and the manager's lookup. Among the active ladders that reach the dealer (tier, tags, pilot cohort) and whose
 * period contains today: a ladder listed in another's `combines.replaces` is dropped; ladders that state
 * `combines.stacks` are paid together with the ones they name. Between two ladders with no stated relation the
 * most specific (targeting dealer tags) replaces the general one, ties to the lowest code. Base ladders first.
 */
export function laddersFor(dealer: ReachDealer, today: string, records: readonly PolicyRecord[]): LadderInForce[] {
  const all = inForce<LadderRebatePolicy>('ladder_rebate', dealer, today, records);
  const codes = new Set(all.map((p) => p.code));
  const replaced = new Map<string, string>();
  for (const p of all)
    if (p.combines?.mode === 'replaces')
      for (const c of p.combines.with) if (codes.has(c) && !replaced.has(c)) replaced.set(c, p.code);
  const stacked = (a: LadderRebatePolicy, b: LadderRebatePolicy) =>
    (a.combines?.mode === 'stacks' && a.combines.with.includes(b.code)) ||
    (b.combines?.mode === 'stacks' && b.combines.with.includes(a.code));
  const live = all
    .filter((p) => !replaced.has(p.code))
    .sort(
      (a, b) =>
        Number(b.target.tagsAny.length > 0) - Number(a.target.tagsAny.length > 0) || a.code.localeCompare(b.code),
    );
  // Implicit rule: a ladder with no stated relation to a more specific one already kept is replaced by it.
  const kept: LadderRebatePolicy[] = [];
  for (const p of live) {
    const winner = kept.find((k) => !stacked(k, p));
    if (winner) replaced.set(p.code, winner.code);
    else kept.push(p);
  }
  const out = kept.map((p) => ({
    policy: p,
    stacksOn: p.combines?.mode === 'stacks' ? p.combines.with.filter((c) => kept.some((k) => k.code === c)) : [],
    replaces: [...replaced].filter(([, by]) => by === p.code).map(([c]) => c),
  }));
  return out.sort((a, b) => a.stacksOn.length - b.stacksOn.length || a.policy.code.localeCompare(b.policy.code));
}

/**
 * THE base rebate ladder a dealer's orders count toward today (the first of `laddersFor`): the one a draft's band
 * projection and the manager's lookup show. Null when no ladder is in force.
 */
export function currentLadderFor(
  dealer: ReachDealer,
  today: string,
  records: readonly PolicyRecord[],
): LadderRebatePolicy | null {
  return laddersFor(dealer, today, records)[0]?.policy ?? null;
}

/** The promotions that apply to an order the dealer places today (same reach and period rules), by code. */
export function currentPromotionsFor(
  dealer: ReachDealer,
  today: string,
  records: readonly PolicyRecord[],
): PromotionPolicy[] {
  return inForce<PromotionPolicy>('promotion', dealer, today, records).sort((a, b) => a.code.localeCompare(b.code));
}
