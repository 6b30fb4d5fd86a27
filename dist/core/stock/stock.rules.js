import { roundUpToValid } from '../catalog/pricing.js';
import { addDays } from '../common/time.js';
/** Days of stock a dealer should hold beyond the lead time. */
export const SAFETY_DAYS = 7;
/** A replenishment order covers this many days of the dealer's sell-through. */
export const COVER_TARGET_DAYS = 30;
/** Sell-through window used for the daily rate. */
export const SELL_THROUGH_WINDOW_DAYS = 30;
/**
 * The sell-through window for a Shanghai business date: the SELL_THROUGH_WINDOW_DAYS full days before it,
 * `[date − 30, date)` — today's sales are still coming in, so counting them would understate the rate. The chat
 * (stock and replenishment answers) and the daily replenishment push use this same window.
 */
export function sellThroughWindow(date) {
    return { from: addDays(date, -SELL_THROUGH_WINDOW_DAYS), before: date };
}
export function availableQty(onHand, reserved) {
    return Math.max(0, onHand - reserved);
}
/** HQ availability of `qty` units: a shortfall may still be ordered, it comes after the lead time. */
export function availability(qty, onHand, reserved, leadTimeDays, today) {
    const available = availableQty(onHand, reserved);
    const shortfall = Math.max(0, qty - available);
    return { available, shortfall, expectedDate: shortfall > 0 ? addDays(today, leadTimeDays) : null };
}
/** Days the stock lasts at the average daily sell-through of the window; null without sales. */
export function daysOfCover(stockQty, soldInWindow, windowDays = SELL_THROUGH_WINDOW_DAYS) {
    if (soldInWindow <= 0)
        return null;
    return Math.max(0, stockQty) / (soldInWindow / windowDays);
}
/**
 * Which products to restock: those whose days of cover fall below lead time + SAFETY_DAYS, with a quantity
 * covering COVER_TARGET_DAYS of sell-through (rounded up to valid order quantities). Most urgent first.
 * Pure: the chat handler and the care scheduler's daily push share it.
 */
export function replenishmentAdvice(inputs) {
    const out = [];
    for (const i of inputs) {
        const cover = daysOfCover(i.stockQty, i.sold30);
        if (cover === null)
            continue;
        const thresholdDays = i.leadTimeDays + SAFETY_DAYS;
        if (cover >= thresholdDays)
            continue;
        const need = Math.ceil((i.sold30 / SELL_THROUGH_WINDOW_DAYS) * COVER_TARGET_DAYS);
        out.push({ sku: i.sku, daysOfCover: cover, thresholdDays, qty: roundUpToValid(Math.max(1, need), i) });
    }
    return out.sort((a, b) => a.daysOfCover - b.daysOfCover || a.sku.localeCompare(b.sku));
}
//# sourceMappingURL=stock.rules.js.map