import { inPeriod } from './dates.js';
import { isTargeted, pilotCohort } from './targeting.js';
/** The cohort a dealer is in for a policy, and whether the policy reaches them (targeted, and not held out). */
export function reachOf(record, dealer) {
    const targeted = isTargeted(record.policy, dealer);
    const cohort = pilotCohort(record.policy.code, dealer.code, record.policy.pilotRatio);
    return { targeted, cohort, reaches: record.active && targeted && (cohort !== 'holdout' || record.promoted) };
}
/** Policies of one kind that reach the dealer and whose period contains `today` (Asia/Shanghai date). */
function inForce(kind, dealer, today, records) {
    return records
        .filter((r) => r.policy.kind === kind && reachOf(r, dealer).reaches)
        .map((r) => r.policy)
        .filter((p) => inPeriod(today, p.period));
}
/**
 * THE rebate ladder a dealer's orders count toward today — the one rule shared by order drafts, the policy chat
 * and the manager's dealer lookup. Among the active ladders that reach the dealer (tier, tags, pilot cohort) and
 * whose period contains today, the most specific wins: a ladder targeting dealer tags (e.g. 工程渠道) replaces the
 * general one; ties go to the lowest code, so the choice is stable. Null when no ladder is in force.
 */
export function currentLadderFor(dealer, today, records) {
    const candidates = inForce('ladder_rebate', dealer, today, records).sort((a, b) => Number(b.target.tagsAny.length > 0) - Number(a.target.tagsAny.length > 0) || a.code.localeCompare(b.code));
    return candidates[0] ?? null;
}
/** The promotions that apply to an order the dealer places today (same reach and period rules), by code. */
export function currentPromotionsFor(dealer, today, records) {
    return inForce('promotion', dealer, today, records).sort((a, b) => a.code.localeCompare(b.code));
}
//# sourceMappingURL=current.js.map