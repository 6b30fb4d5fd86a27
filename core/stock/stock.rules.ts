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
export function sellThroughWindow(date: string): { from: string; before: string } {
  return { from: addDays(date, -SELL_THROUGH_WINDOW_DAYS), before: date };
}

export interface Availability {
  /** On hand minus reserved (never below 0). */
  available: number;
  /** How much of the wanted quantity HQ cannot ship now. */
  shortfall: number;
  /** When the shortfall is expected (today + lead time), or null without shortfall. */
  expectedDate: string | null;
}

export function availableQty(onHand: number, reserved: number): number {
  return Math.max(0, onHand - reserved);
}

/** HQ availability of `qty` units: a shortfall may still be ordered, it comes after the lead time. */
export function availability(
  qty: number,
  onHand: number,
  reserved: number,
  leadTimeDays: number,
  today: string,
): Availability {
  const available = availableQty(onHand, reserved);
  const shortfall = Math.max(0, qty - available);
  return { available, shortfall, expectedDate: shortfall > 0 ? addDays(today, leadTimeDays) : null };
}

/** Days the stock lasts at the average daily sell-through of the window; null without sales. */
export function daysOfCover(
  stockQty: number,
  soldInWindow: number,
  windowDays = SELL_THROUGH_WINDOW_DAYS,
): number | null {
  if (soldInWindow <= 0) return null;
  return Math.max(0, stockQty) / (soldInWindow / windowDays);
}

export interface ReplenishInput {
  sku: string;
  leadTimeDays: number;
  moq: number;
  orderMultiple: number;
  /** The dealer's own stock of the product. */
  stockQty: number;
  /** The dealer's sell-through over the last SELL_THROUGH_WINDOW_DAYS days. */
  sold30: number;
}

export interface ReplenishSuggestion {
  sku: string;
  daysOfCover: number;
  /** lead time + safety days: below this the product needs restocking. */
  thresholdDays: number;
  /** Cover COVER_TARGET_DAYS days of sell-through, rounded up to the MOQ and order multiple. */
  qty: number;
}

/**
 * Which products to restock: those whose days of cover fall below lead time + SAFETY_DAYS, with a quantity
 * covering COVER_TARGET_DAYS of sell-through (rounded up to valid order quantities). Most urgent first.
 * Pure: the chat handler and the care scheduler's daily push share it.
 */
export function replenishmentAdvice(inputs: readonly ReplenishInput[]): ReplenishSuggestion[] {
  const out: ReplenishSuggestion[] = [];
  for (const i of inputs) {
    const cover = daysOfCover(i.stockQty, i.sold30);
    if (cover === null) continue;
    const thresholdDays = i.leadTimeDays + SAFETY_DAYS;
    if (cover >= thresholdDays) continue;
    const need = Math.ceil((i.sold30 / SELL_THROUGH_WINDOW_DAYS) * COVER_TARGET_DAYS);
    out.push({ sku: i.sku, daysOfCover: cover, thresholdDays, qty: roundUpToValid(Math.max(1, need), i) });
  }
  return out.sort((a, b) => a.daysOfCover - b.daysOfCover || a.sku.localeCompare(b.sku));
}
