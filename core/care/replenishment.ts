import { daysOfCover, replenishmentAdvice } from '../stock/stock.rules.js';

/**
 * Stock-cover rules of the care jobs. Replenishment reuses core/stock's rule (lead time + 7 days safety, a
 * 30-day quantity rounded up to MOQ and order multiple) so the chat answer and the daily push agree; overstock
 * (> 90 days of cover) is the care-side anomaly.
 */

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
  /** One decimal. */
  daysOfCover: number;
  leadTimeDays: number;
  suggestQty: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** A dealer's products to restock, most urgent first. */
export function adviseReplenishment(positions: readonly StockPosition[]): ReplenishmentAdvice[] {
  const bySku = new Map(positions.map((p) => [p.sku, p]));
  return replenishmentAdvice(positions.map((p) => ({ ...p, stockQty: p.onHand }))).map((s) => {
    const p = bySku.get(s.sku)!;
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

export interface Overstock {
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  /** null: nothing sold in 30 days. */
  daysOfCover: number | null;
}

/** Stock over 90 days of cover, or at least an MOQ's worth that has not sold at all in 30 days. */
export function overstockOf(p: StockPosition): Overstock | null {
  if (p.onHand <= 0) return null;
  const cover = daysOfCover(p.onHand, p.sold30);
  if (cover === null ? p.onHand < p.moq : cover <= OVERSTOCK_DAYS) return null;
  return {
    sku: p.sku,
    name: p.name,
    unit: p.unit,
    onHand: p.onHand,
    daysOfCover: cover === null ? null : round1(cover),
  };
}
