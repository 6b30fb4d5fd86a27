import { inPeriod } from './dates.js';
import { applyRate } from './money.js';
export function isPromotedProduct(policy, tags) {
    return tags.some((t) => policy.productTagsAny.includes(t));
}
/** The promotion's discount for one order placed on `orderDate` (Asia/Shanghai `YYYY-MM-DD`). */
export function promotionForOrder(policy, lines, orderDate) {
    let eligibleFen = 0;
    const eligibleSkus = [];
    for (const line of lines) {
        if (!Number.isSafeInteger(line.amountFen) || line.amountFen < 0) {
            throw new RangeError('line amount must be non-negative integer fen');
        }
        if (!isPromotedProduct(policy, line.tags))
            continue;
        eligibleFen += line.amountFen;
        if (!eligibleSkus.includes(line.sku))
            eligibleSkus.push(line.sku);
    }
    const active = inPeriod(orderDate, policy.period);
    const reached = active && eligibleFen >= policy.minOrderAmount;
    return {
        inPeriod: active,
        eligibleFen,
        eligibleSkus,
        reached,
        discountFen: reached ? applyRate(eligibleFen, policy.discountRate) : 0,
        gapFen: Math.max(0, policy.minOrderAmount - eligibleFen),
        discountAtMin: applyRate(policy.minOrderAmount, policy.discountRate),
    };
}
/**
 * The promotion discount of one order. Promotions do not stack: a line belongs to the first promotion (in the given
 * order) whose product tags it carries, and each promotion's minimum is checked on its own lines. A reached
 * promotion's discount is split over its lines in proportion to their amounts (largest remainder, exact to the fen),
 * so every line knows its net amount (what rebates count, see qualifyingAmount).
 */
export function orderDiscount(promotions, lines, orderDate) {
    const lineDiscountsFen = lines.map(() => 0);
    const taken = new Set();
    const out = [];
    for (const policy of promotions) {
        const own = lines.flatMap((l, i) => (!taken.has(i) && isPromotedProduct(policy, l.tags) ? [i] : []));
        if (own.length === 0)
            continue;
        for (const i of own)
            taken.add(i);
        const result = promotionForOrder(policy, own.map((i) => lines[i]), orderDate);
        out.push({ policy, result });
        if (result.discountFen === 0 || result.eligibleFen === 0)
            continue;
        const total = BigInt(result.eligibleFen);
        const d = BigInt(result.discountFen);
        const shares = own.map((i) => {
            const exact = d * BigInt(lines[i].amountFen);
            return { i, fen: exact / total, rest: exact % total };
        });
        let left = result.discountFen - shares.reduce((s, x) => s + Number(x.fen), 0);
        for (const s of [...shares].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : a.i - b.i))) {
            if (left <= 0)
                break;
            s.fen += 1n;
            left--;
        }
        for (const s of shares)
            lineDiscountsFen[s.i] = Number(s.fen);
    }
    return { promotions: out, lineDiscountsFen, discountFen: lineDiscountsFen.reduce((s, x) => s + x, 0) };
}
//# sourceMappingURL=promotion.js.map