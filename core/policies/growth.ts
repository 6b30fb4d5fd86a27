import { addYears } from './dates.js';
import { applyRate, rateToNano, RATE_SCALE, toSafeNumber } from './money.js';
import type { GrowthRewardPolicy, Period } from './policy.types.js';

export interface GrowthStatus {
  currentFen: number;
  previousFen: number;
  /** (current − previous) / previous, or null when there was nothing a year earlier. */
  growth: number | null;
  /** Growth strictly above `minGrowth` and a baseline to compare with. */
  qualifies: boolean;
  /** Reward earned now: bonusRate × the whole period amount when qualifying, else 0. Fen. */
  rewardFen: number;
  /** The smallest period amount that qualifies (fen), or null without a baseline. */
  thresholdFen: number | null;
  /** How much more to buy to qualify (0 when qualifying), or null without a baseline. */
  gapFen: number | null;
  /** Reward at exactly `thresholdFen`, or null without a baseline. */
  rewardAtThreshold: number | null;
  reason: 'qualifies' | 'below_threshold' | 'no_baseline';
}

/** The same period a year earlier (29 Feb → 28 Feb). */
export function previousYearPeriod(period: Period): Period {
  return { start: addYears(period.start, -1), end: addYears(period.end, -1) };
}

/**
 * Growth reward: qualifies when current > previous × (1 + minGrowth), computed exactly in integers.
 * Without a previous-year amount there is no baseline and no reward.
 */
export function growthStatus(policy: GrowthRewardPolicy, currentFen: number, previousFen: number): GrowthStatus {
  for (const v of [currentFen, previousFen]) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('amounts must be non-negative integer fen');
  }
  if (previousFen === 0) {
    return {
      currentFen,
      previousFen,
      growth: null,
      qualifies: false,
      rewardFen: 0,
      thresholdFen: null,
      gapFen: null,
      rewardAtThreshold: null,
      reason: 'no_baseline',
    };
  }
  // limit = previous × (1 + minGrowth) as an exact fraction over RATE_SCALE; qualify when current > limit.
  const limitScaled = BigInt(previousFen) * (RATE_SCALE + rateToNano(policy.minGrowth));
  const thresholdFen = toSafeNumber(limitScaled / RATE_SCALE + 1n); // smallest integer strictly above the limit
  const qualifies = BigInt(currentFen) * RATE_SCALE > limitScaled;
  return {
    currentFen,
    previousFen,
    growth: (currentFen - previousFen) / previousFen,
    qualifies,
    rewardFen: qualifies ? applyRate(currentFen, policy.bonusRate) : 0,
    thresholdFen,
    gapFen: qualifies ? 0 : thresholdFen - currentFen,
    rewardAtThreshold: applyRate(thresholdFen, policy.bonusRate),
    reason: qualifies ? 'qualifies' : 'below_threshold',
  };
}
