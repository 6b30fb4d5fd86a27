/**
 * Replenishment and stock-cover rules (no shared stock rule exists in core/stock yet, so they live here).
 * Average daily sell-through is over the last 30 days; days of cover = on hand / that average.
 */

export const SELL_WINDOW_DAYS = 30;
export const SAFETY_DAYS = 7;
/** A suggested order covers this many days of sales after it arrives. */
export const TARGET_COVER_DAYS = 30;
export const OVERSTOCK_DAYS = 90;

export interface StockPosition {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  /** Units sold in the last 30 days. */
  sold30: number;
  leadTimeDays: number;
  moq: number;
  orderMultiple: number;
}

export interface ReplenishmentAdvice {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  daysOfCover: number;
  leadTimeDays: number;
  suggestQty: number;
}

/** Days of cover, one decimal; null when nothing sold in the window (cover cannot be measured). */
export function daysOfCover(onHand: number, sold30: number): number | null {
  if (sold30 <= 0) return null;
  return Math.round((Math.max(0, onHand) / (sold30 / SELL_WINDOW_DAYS)) * 10) / 10;
}

/** At least the MOQ, and above it a multiple of the order multiple. */
export function roundOrderQty(need: number, moq: number, orderMultiple: number): number {
  if (need <= moq) return moq;
  const m = Math.max(1, orderMultiple);
  return Math.ceil(need / m) * m;
}

/** Advice when cover is under lead time + safety days: enough to hold 30 days of sales once the order arrives. */
export function adviseReplenishment(p: StockPosition): ReplenishmentAdvice | null {
  const cover = daysOfCover(p.onHand, p.sold30);
  if (cover === null || cover >= p.leadTimeDays + SAFETY_DAYS) return null;
  const daily = p.sold30 / SELL_WINDOW_DAYS;
  const need = Math.ceil(daily * (p.leadTimeDays + TARGET_COVER_DAYS) - Math.max(0, p.onHand));
  return {
    sku: p.sku,
    name: p.name,
    unit: p.unit,
    onHand: p.onHand,
    daysOfCover: cover,
    leadTimeDays: p.leadTimeDays,
    suggestQty: roundOrderQty(need, p.moq, p.orderMultiple),
  };
}

export interface Overstock {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  /** null: nothing sold in 30 days. */
  daysOfCover: number | null;
}

/** Stock over 90 days of cover, or stock that has not sold at all in 30 days. */
export function overstockOf(p: StockPosition): Overstock | null {
  if (p.onHand <= 0) return null;
  const cover = daysOfCover(p.onHand, p.sold30);
  if (cover !== null && cover <= OVERSTOCK_DAYS) return null;
  return { sku: p.sku, name: p.name, unit: p.unit, onHand: p.onHand, daysOfCover: cover };
}
