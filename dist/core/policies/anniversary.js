import { addYears, isIsoDate, monthOf } from './dates.js';
import { applyRate } from './money.js';
/** When the policy's anniversary month is for a dealer who started on `partnerSince`, seen from `today`. */
export function anniversaryStatus(policy, partnerSince, today) {
    if (!isIsoDate(partnerSince) || !isIsoDate(today))
        throw new RangeError('dates must be YYYY-MM-DD');
    const anniversaryDate = addYears(partnerSince, policy.years);
    const month = monthOf(anniversaryDate);
    const monthIndex = (d) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
    const monthsAway = monthIndex(anniversaryDate) - monthIndex(today);
    return { anniversaryDate, month, isThisMonth: monthsAway === 0, monthsAway };
}
/** Bonus (fen) on the qualifying amount of the anniversary month. */
export function anniversaryBonusFen(policy, monthAmountFen) {
    if (!Number.isSafeInteger(monthAmountFen) || monthAmountFen < 0) {
        throw new RangeError('amount must be non-negative integer fen');
    }
    return applyRate(monthAmountFen, policy.bonusRate);
}
//# sourceMappingURL=anniversary.js.map