/** Tags the rules derive; anything else on a dealer is a manual tag and is kept. */
export const DERIVED_TAGS = ['门窗专长', '橱柜专长', '零售终端', '工程渠道', '下沉市场', '高成长'];
export const DEFAULT_TAG_RULES = Object.freeze({
    windowDoorShare: 0.75,
    cabinetShare: 0.6,
    retailStoreShare: 0.85,
    retailMinStores: 10,
    engineeringStoreShare: 0.3,
    engineeringProductShare: 0.2,
    townStoreShare: 0.5,
    growthRatio: 1.5,
});
const share = (part, whole) => (whole > 0 ? part / whole : 0);
/** The rule-derived tags of a dealer (a silent dealer is never 高成长). */
export function deriveTags(m, silent, r = DEFAULT_TAG_RULES) {
    const tags = [];
    if (m.amount12Fen > 0 && share(m.windowDoorFen, m.amount12Fen) >= r.windowDoorShare)
        tags.push('门窗专长');
    if (m.amount12Fen > 0 && share(m.cabinetFen, m.amount12Fen) >= r.cabinetShare)
        tags.push('橱柜专长');
    if (m.activeStores >= r.retailMinStores && share(m.retailStores, m.activeStores) >= r.retailStoreShare)
        tags.push('零售终端');
    if ((m.activeStores > 0 && share(m.engineeringStores, m.activeStores) >= r.engineeringStoreShare) ||
        (m.amount12Fen > 0 && share(m.engineeringProductFen, m.amount12Fen) >= r.engineeringProductShare))
        tags.push('工程渠道');
    if (m.activeStores > 0 && share(m.townStores, m.activeStores) >= r.townStoreShare)
        tags.push('下沉市场');
    if (!silent && m.last6Fen > 0 && m.last6Fen >= r.growthRatio * m.prev6Fen)
        tags.push('高成长');
    return tags;
}
/** dealers.tags = derived ∪ manual (derived first, no duplicates). */
export function mergeTags(derived, manual) {
    return [...new Set([...derived, ...manual])];
}
//# sourceMappingURL=tags.js.map