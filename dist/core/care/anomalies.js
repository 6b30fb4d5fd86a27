import { stableHash32 } from '../policies/targeting.js';
/** Sell-through drop and overdue receivables (overstock is in replenishment.ts, beside cover). */
export const DROP_RATIO = 0.3;
/** Below this many units in the previous 4 weeks a drop is noise, not a signal. */
export const DROP_MIN_UNITS = 10;
/** The drop as a fraction (0.45 = −45%) when last 4 weeks fell ≥ 30% against the 4 before, else null. */
export function sellThroughDrop(t) {
    if (t.prev28 < DROP_MIN_UNITS)
        return null;
    const drop = 1 - t.last28 / t.prev28;
    return drop >= DROP_RATIO - 1e-9 ? drop : null;
}
/** A dealer hears about the same anomalies at most once in this many days (a changed set is news at once). */
export const ANOMALY_NOTICE_EVERY_DAYS = 7;
/**
 * Which anomalies a dealer notice is about — the overstocked products and whether payments are overdue — as a
 * short stable token (amounts and day counts drift daily and are not part of it). Same set, same token.
 */
export function anomalySetKey(overstockSkus, overdue) {
    const items = [...new Set(overstockSkus)].sort().map((sku) => `overstock:${sku}`);
    if (overdue)
        items.push('overdue');
    return stableHash32(items.join('|')).toString(16).padStart(8, '0');
}
//# sourceMappingURL=anomalies.js.map