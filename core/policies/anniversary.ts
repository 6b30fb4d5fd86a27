import { addYears, isIsoDate, monthOf } from './dates.js';
import { applyRate } from './money.js';
import type { AnniversaryBonusPolicy } from './policy.types.js';

export interface AnniversaryStatus {
  /** Date of the Nth partnership anniversary. */
  anniversaryDate: string;
  /** The calendar month in which the bonus applies. */
  month: { start: string; end: string };
  /** `today` falls in that month. */
  isThisMonth: boolean;
  /** Whole calendar months from today's month to the anniversary month (negative when past). */
  monthsAway: number;
}

/** When the policy's anniversary month is for a dealer who started on `partnerSince`, seen from `today`. */
export function anniversaryStatus(
  policy: AnniversaryBonusPolicy,
  partnerSince: string,
  today: string,
): AnniversaryStatus {
  if (!isIsoDate(partnerSince) || !isIsoDate(today)) throw new RangeError('dates must be YYYY-MM-DD');
  const anniversaryDate = addYears(partnerSince, policy.years);
  const month = monthOf(anniversaryDate);
  const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const monthsAway = monthIndex(anniversaryDate) - monthIndex(today);
  return { anniversaryDate, month, isThisMonth: monthsAway === 0, monthsAway };
}

/** Bonus (fen) on the qualifying amount of the anniversary month. */
export function anniversaryBonusFen(policy: AnniversaryBonusPolicy, monthAmountFen: number): number {
  if (!Number.isSafeInteger(monthAmountFen) || monthAmountFen < 0) {
    throw new RangeError('amount must be non-negative integer fen');
  }
  return applyRate(monthAmountFen, policy.bonusRate);
}
