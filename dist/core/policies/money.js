/**
 * Exact money arithmetic for policies. Amounts are integer fen; rates are decimals with at most 9 places,
 * held as integer "nano" units (rate × 10^9) so that 125000000 × 0.03 is exact. Rounding is half-up, once.
 */
export const RATE_SCALE = 1000000000n;
/** 0.03 → 30000000n (exact for decimals with up to 9 places). */
export function rateToNano(rate) {
    if (!Number.isFinite(rate) || rate < 0)
        throw new RangeError('rate must be a finite number ≥ 0');
    const fixed = rate.toFixed(9); // decimal representation rounded to 9 places
    const [int = '0', frac = ''] = fixed.split('.');
    return BigInt(int) * RATE_SCALE + BigInt(frac.padEnd(9, '0').slice(0, 9));
}
/** Divides and rounds half-up (half away from zero for negatives). */
export function divRoundHalfUp(num, den) {
    if (den <= 0n)
        throw new RangeError('denominator must be positive');
    const neg = num < 0n;
    const abs = neg ? -num : num;
    const q = (abs * 2n + den) / (den * 2n);
    return neg ? -q : q;
}
/** Converts a bigint fen amount back to a JS number, refusing values that would lose precision. */
export function toSafeNumber(v) {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new RangeError('amount out of safe integer range');
    }
    return Number(v);
}
/** amountFen × rate, rounded half-up to the fen. */
export function applyRate(amountFen, rate) {
    return toSafeNumber(divRoundHalfUp(BigInt(amountFen) * rateToNano(rate), RATE_SCALE));
}
export function assertFen(amountFen, what = 'amount') {
    if (!Number.isSafeInteger(amountFen))
        throw new RangeError(`${what} must be an integer number of fen`);
}
//# sourceMappingURL=money.js.map