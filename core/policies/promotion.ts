import { inPeriod } from './dates.js';
import { applyRate } from './money.js';
import type { PromotionPolicy } from './policy.types.js';

/** One line of an order (or draft) as the promotion sees it. `amountFen` is after the tier discount. */
export interface PromotionLine {
  sku: string;
  tags: readonly string[];
  amountFen: number;
}

export interface PromotionResult {
  /** The order date lies in the promotion period. */
  inPeriod: boolean;
  /** Amount of the order's products tagged with one of `productTagsAny`, fen. */
  eligibleFen: number;
  /** SKUs of those lines. */
  eligibleSkus: string[];
  /** eligibleFen reached `minOrderAmount` (and the date is in the period). */
  reached: boolean;
  /** Discount on the eligible lines, fen (0 unless reached). */
  discountFen: number;
  /** How much more of the tagged products reaches the minimum (0 when reached). */
  gapFen: number;
  /** Discount at exactly the minimum. */
  discountAtMin: number;
}

export function isPromotedProduct(policy: PromotionPolicy, tags: readonly string[]): boolean {
  return tags.some((t) => policy.productTagsAny.includes(t));
}

/** The promotion's discount for one order placed on `orderDate` (Asia/Shanghai `YYYY-MM-DD`). */
export function promotionForOrder(
  policy: PromotionPolicy,
  lines: readonly PromotionLine[],
  orderDate: string,
): PromotionResult {
  let eligibleFen = 0;
  const eligibleSkus: string[] = [];
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountFen) || line.amountFen < 0) {
      throw new RangeError('line amount must be non-negative integer fen');
    }
    if (!isPromotedProduct(policy, line.tags)) continue;
    eligibleFen += line.amountFen;
    if (!eligibleSkus.includes(line.sku)) eligibleSkus.push(line.sku);
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
