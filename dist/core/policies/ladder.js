import { applyRate, divRoundHalfUp, RATE_SCALE, rateToNano, toSafeNumber } from './money.js';
import { PolicyError } from './policy.types.js';
function bandIndex(policy, amountFen) {
    let idx = 0;
    for (let i = 0; i < policy.ladder.length; i++) {
        if (amountFen >= (policy.ladder[i]?.from ?? Number.POSITIVE_INFINITY))
            idx = i;
    }
    return idx;
}
/** Rebate (fen) earned on `amountFen` under the policy's mode, rounded half-up once at the end. */
export function ladderRebate(policy, amountFen) {
    checkAmount(amountFen);
    const idx = bandIndex(policy, amountFen);
    if (policy.mode === 'retroactive')
        return applyRate(amountFen, policy.ladder[idx]?.rate ?? 0);
    // marginal: each rate on the part of the amount inside its band; sum exactly, round once.
    const amount = BigInt(amountFen);
    let total = 0n;
    for (let i = 0; i <= idx; i++) {
        const band = policy.ladder[i];
        if (!band)
            continue;
        const lo = BigInt(band.from);
        const nextFrom = policy.ladder[i + 1]?.from;
        const hi = nextFrom === undefined ? amount : BigInt(nextFrom) < amount ? BigInt(nextFrom) : amount;
        if (hi > lo)
            total += (hi - lo) * rateToNano(band.rate);
    }
    return toSafeNumber(divRoundHalfUp(total, RATE_SCALE));
}
function checkAmount(amountFen) {
    if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
        throw new PolicyError('POLICY.INVALID_AMOUNT', 'amount must be a non-negative integer number of fen');
    }
}
/** The band reached by `amountFen`, its rebate, and the next band (gap and rebate at exactly its start). */
export function ladderPosition(policy, amountFen) {
    checkAmount(amountFen);
    const idx = bandIndex(policy, amountFen);
    const band = policy.ladder[idx];
    const nextBand = policy.ladder[idx + 1];
    return {
        rate: band?.rate ?? 0,
        rebate: ladderRebate(policy, amountFen),
        band: idx,
        bandFrom: band?.from ?? 0,
        next: nextBand
            ? { from: nextBand.from, gap: nextBand.from - amountFen, rebateAtNext: ladderRebate(policy, nextBand.from) }
            : null,
    };
}
/** Effect of an order draft on the dealer's ladder position. */
export function projectDraft(policy, currentFen, draftFen) {
    checkAmount(currentFen);
    checkAmount(draftFen);
    const before = ladderPosition(policy, currentFen);
    const after = ladderPosition(policy, currentFen + draftFen);
    return {
        before,
        after,
        amountBefore: currentFen,
        amountAfter: currentFen + draftFen,
        rebateDelta: after.rebate - before.rebate,
        bandUp: after.band > before.band,
    };
}
//# sourceMappingURL=ladder.js.map