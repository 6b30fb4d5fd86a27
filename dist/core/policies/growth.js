import { addYears } from './dates.js';
import { applyRate, rateToNano, RATE_SCALE, toSafeNumber } from './money.js';
/** The same period a year earlier (29 Feb → 28 Feb). */
export function previousYearPeriod(period) {
    return { start: addYears(period.start, -1), end: addYears(period.end, -1) };
}
/**
 * Growth reward: qualifies when current > previous × (1 + minGrowth), computed exactly in integers.
 * Without a previous-year amount there is no baseline and no reward.
 */
export function growthStatus(policy, currentFen, previousFen) {
    for (const v of [currentFen, previousFen]) {
        if (!Number.isSafeInteger(v) || v < 0)
            throw new RangeError('amounts must be non-negative integer fen');
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
//# sourceMappingURL=growth.js.map