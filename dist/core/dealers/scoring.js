import { DEFAULT_TAG_RULES, deriveTags } from './tags.js';
import { DEFAULT_TIER_THRESHOLDS, tierFor } from './tiers.js';
export const DEFAULT_SCORING = Object.freeze({
    weights: {
        purchaseScale: 0.3,
        categoryExpertise: 0.25,
        storeCoverage: 0.2,
        growthPotential: 0.15,
        collaboration: 0.1,
    },
    thresholds: DEFAULT_TIER_THRESHOLDS,
    tagRules: DEFAULT_TAG_RULES,
    fullCoverageStores: 40,
    fullCoverageRegions: 10,
});
const clamp01 = (x) => Math.min(1, Math.max(0, x));
/** One decimal, half-up (what numeric(5,1) stores). */
export const round1 = (x) => Math.round(x * 10 + 1e-9) / 10;
const pct = (x) => `${Math.round(x * 100)}%`;
/** Growth of `recent` over `before`; a start from nothing counts as +100%, nothing at all as 0. */
export function growthRate(recent, before) {
    if (before > 0)
        return recent / before - 1;
    return recent > 0 ? 1 : 0;
}
/**
 * Percentile of each value within its group: the share of the other members strictly below it (0–100, the
 * PostgreSQL percent_rank). A group of one scores 100 when it bought anything.
 */
export function percentileWithinGroups(rows) {
    const groups = new Map();
    for (const r of rows) {
        const g = groups.get(r.group) ?? [];
        g.push(r.value);
        groups.set(r.group, g);
    }
    for (const g of groups.values())
        g.sort((a, b) => a - b);
    const out = new Map();
    for (const r of rows) {
        const g = groups.get(r.group);
        if (g.length === 1) {
            out.set(r.key, r.value > 0 ? 100 : 0);
            continue;
        }
        // Binary search: how many values are strictly below r.value.
        let lo = 0;
        let hi = g.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (g[mid] < r.value)
                lo = mid + 1;
            else
                hi = mid;
        }
        out.set(r.key, (100 * lo) / (g.length - 1));
    }
    return out;
}
/** Category expertise: the strongest category group's share of purchases and its sell-through rate (动销率). */
export function strongestCategory(m) {
    const wd = m.amount12Fen > 0 ? m.windowDoorFen / m.amount12Fen : 0;
    const cab = m.amount12Fen > 0 ? m.cabinetFen / m.amount12Fen : 0;
    const rate = (sold, onHand) => (sold + onHand > 0 ? sold / (sold + onHand) : 0);
    return cab > wd
        ? { name: '橱柜', share: cab, sellThrough: rate(m.cabinetSold30, m.cabinetOnHand) }
        : { name: '门窗', share: wd, sellThrough: rate(m.windowDoorSold30, m.windowDoorOnHand) };
}
/** Collaboration parts on 0–1; a part the dealer had no occasion for (no pushes, no policy) counts as 0.5. */
export function collaborationParts(m) {
    return {
        regularity: clamp01(m.monthsWithOrders / 12),
        needs: m.needsRaised > 0 ? 0.5 * clamp01(m.needsRaised / 3) + 0.5 * clamp01(m.needsRated / m.needsRaised) : 0.5,
        policy: m.policyDeliveries > 0 ? clamp01(m.policyFeedback / m.policyDeliveries) : 0.5,
        response: m.pushes > 0 ? clamp01(m.pushesAnswered / m.pushes) : 0.5,
    };
}
function dimensionsOf(m, purchasePercentile, cfg) {
    const cat = strongestCategory(m);
    const g3 = growthRate(m.last3Fen, m.prev3Fen);
    const g6 = growthRate(m.last6Fen, m.prev6Fen);
    const c = collaborationParts(m);
    return {
        purchaseScale: round1(purchasePercentile),
        categoryExpertise: round1(100 * (0.5 * cat.share + 0.5 * cat.sellThrough)),
        storeCoverage: round1(100 *
            (0.6 * clamp01(m.activeStores / cfg.fullCoverageStores) +
                0.4 * clamp01(m.storeRegions / cfg.fullCoverageRegions))),
        // −50% → 0, flat → 33.3, +100% → 100 (blend of the 3-month and 6-month trends).
        growthPotential: round1(100 * clamp01((0.5 * g3 + 0.5 * g6 + 0.5) / 1.5)),
        collaboration: round1(100 * (0.4 * c.regularity + 0.2 * c.needs + 0.2 * c.policy + 0.2 * c.response)),
    };
}
export function totalOf(d, w) {
    return round1(d.purchaseScale * w.purchaseScale +
        d.categoryExpertise * w.categoryExpertise +
        d.storeCoverage * w.storeCoverage +
        d.growthPotential * w.growthPotential +
        d.collaboration * w.collaboration);
}
const wan = (fen) => {
    const w = fen / 1_000_000;
    return `${w >= 100 ? Math.round(w) : round1(w)}万元`;
};
/** Up to three plain-Chinese reasons, the most telling first ("近3个月订货增长52%，门窗动销率90%"). */
export function reasonsFor(m, d, tier) {
    if (tier === 'silent') {
        return [
            m.lastOrderDate ? `已连续${m.daysSinceLastOrder}天未订货（最近一次${m.lastOrderDate}）` : `合作以来尚未订货`,
        ];
    }
    const out = [];
    const g3 = growthRate(m.last3Fen, m.prev3Fen);
    if (m.prev3Fen > 0 && Math.abs(g3) >= 0.1)
        out.push(`近3个月订货${g3 > 0 ? '增长' : '下降'}${pct(Math.abs(g3))}`);
    else if (m.prev3Fen === 0 && m.last3Fen > 0)
        out.push('近3个月恢复订货');
    const cat = strongestCategory(m);
    if (cat.sellThrough > 0)
        out.push(`${cat.name}动销率${pct(cat.sellThrough)}`);
    const top = 100 - d.purchaseScale;
    out.push(d.purchaseScale >= 50
        ? `近12个月订货${wan(m.amount12Fen)}，在同级（${m.marketLevel}）市场前${Math.max(1, Math.round(top))}%`
        : `近12个月订货${wan(m.amount12Fen)}`);
    if (out.length < 3 && m.activeStores > 0)
        out.push(`在营门店${m.activeStores}家，覆盖${m.storeRegions}个区县`);
    return out.slice(0, 3);
}
/** Scores every dealer of the set (purchase scale is a percentile within the dealer's market level). */
export function scoreDealers(metrics, cfg = DEFAULT_SCORING) {
    const percentiles = percentileWithinGroups(metrics.map((m) => ({ key: m.dealerCode, group: m.marketLevel, value: m.amount12Fen })));
    return metrics.map((m) => {
        const dimensions = dimensionsOf(m, percentiles.get(m.dealerCode) ?? 0, cfg);
        const total = totalOf(dimensions, cfg.weights);
        const tier = tierFor(total, m.daysSinceLastOrder, m.partnershipDays, cfg.thresholds);
        return {
            dealerCode: m.dealerCode,
            dimensions,
            total,
            tier,
            derivedTags: deriveTags(m, tier === 'silent', cfg.tagRules),
            reasons: reasonsFor(m, dimensions, tier),
        };
    });
}
//# sourceMappingURL=scoring.js.map