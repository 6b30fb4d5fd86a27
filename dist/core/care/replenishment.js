import { daysOfCover, replenishmentAdvice } from '../stock/stock.rules.js';
/**
 * Stock-cover rules of the care jobs. Replenishment reuses core/stock's rule (lead time + 7 days safety, a
 * 30-day quantity rounded up to MOQ and order multiple) so the chat answer and the daily push agree; overstock
 * (> 90 days of cover) is the care-side anomaly.
 */
export const OVERSTOCK_DAYS = 90;
const round1 = (x) => Math.round(x * 10) / 10;
/** A dealer's products to restock, most urgent first. */
export function adviseReplenishment(positions) {
    const bySku = new Map(positions.map((p) => [p.sku, p]));
    return replenishmentAdvice(positions.map((p) => ({ ...p, stockQty: p.onHand }))).map((s) => {
        const p = bySku.get(s.sku);
        return {
            sku: s.sku,
            name: p.name,
            unit: p.unit,
            onHand: p.onHand,
            daysOfCover: round1(s.daysOfCover),
            leadTimeDays: p.leadTimeDays,
            suggestQty: s.qty,
        };
    });
}
/** Stock over 90 days of cover, or at least an MOQ's worth that has not sold at all in 30 days. */
export function overstockOf(p) {
    if (p.onHand <= 0)
        return null;
    const cover = daysOfCover(p.onHand, p.sold30);
    if (cover === null ? p.onHand < p.moq : cover <= OVERSTOCK_DAYS)
        return null;
    return {
        sku: p.sku,
        name: p.name,
        unit: p.unit,
        onHand: p.onHand,
        daysOfCover: cover === null ? null : round1(cover),
    };
}
//# sourceMappingURL=replenishment.js.map