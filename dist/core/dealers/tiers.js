export const TIER_NAMES_ZH = {
    core: '核心',
    key: '重点培育',
    regular: '普通',
    silent: '沉默',
};
/** Higher is better; used to tell an upgrade from a downgrade. */
export const TIER_RANK = { silent: 0, regular: 1, key: 2, core: 3 };
export const DEFAULT_TIER_THRESHOLDS = Object.freeze({ core: 75, key: 60, silentDays: 90 });
export const TIER_BENEFITS = Object.freeze({
    core: {
        discountRate: 0.05,
        needSlaHours: 24,
        perks: ['专属客户经理一对一服务', '旺季优先排产与发货', '新品首批试销资格'],
    },
    key: { discountRate: 0.03, needSlaHours: 48, perks: ['季度经营复盘', '总部培训名额优先'] },
    regular: { discountRate: 0, needSlaHours: 72, perks: ['标准订货与售后服务'] },
    silent: { discountRate: 0, needSlaHours: 72, perks: ['客户经理上门回访', '复购激活支持'] },
});
/** One line per benefit, in the words a dealer reads. */
export function describeBenefits(tier) {
    const b = TIER_BENEFITS[tier];
    const lines = [];
    if (b.discountRate > 0)
        lines.push(`订货价在目录价基础上优惠${Math.round(b.discountRate * 100)}%`);
    lines.push(`提出的需求${b.needSlaHours}小时内处理`);
    lines.push(...b.perks);
    return lines;
}
/**
 * The tier for a total score. No order for `silentDays` (or none ever, once the partnership is that old) means
 * `silent`; a new partner without orders yet stays `regular`.
 */
export function tierFor(total, daysSinceLastOrder, partnershipDays, t = DEFAULT_TIER_THRESHOLDS) {
    const silent = daysSinceLastOrder === null ? partnershipDays >= t.silentDays : daysSinceLastOrder >= t.silentDays;
    if (silent)
        return 'silent';
    if (total >= t.core)
        return 'core';
    if (total >= t.key)
        return 'key';
    return 'regular';
}
//# sourceMappingURL=tiers.js.map