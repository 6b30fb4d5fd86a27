import type { Product } from './catalog.types.js';

export type Tier = 'core' | 'key' | 'regular' | 'silent';

/** Discount off the list price (the dealer base price) per tier, in percent. */
export const TIER_DISCOUNT_PCT: Readonly<Record<Tier, number>> = { core: 5, key: 3, regular: 0, silent: 0 };

/**
 * The dealer's unit price: the tier_prices row when there is one (it is the price list of record), otherwise
 * the list price less the tier discount, rounded half-up to the fen.
 */
export function tierPriceFen(listPriceFen: number, tier: Tier, fromPriceList?: number): number {
  if (fromPriceList !== undefined) return fromPriceList;
  const pct = 100 - TIER_DISCOUNT_PCT[tier];
  return Math.floor((listPriceFen * pct + 50) / 100);
}

/** More than this in one line is a typo, not an order. */
export const MAX_LINE_QTY = 10_000;

export type QuantityCheck =
  | { ok: true }
  | { ok: false; reason: 'not_positive' | 'not_integer' | 'too_large' }
  | { ok: false; reason: 'below_moq' | 'not_multiple'; nearest: number[] };

type Rules = Pick<Product, 'moq' | 'orderMultiple'>;

/** Valid quantities are MOQ, MOQ + multiple, MOQ + 2 × multiple … */
export function isValidQuantity(qty: number, p: Rules): boolean {
  return Number.isInteger(qty) && qty >= p.moq && (qty - p.moq) % p.orderMultiple === 0;
}

/** The valid quantities around `qty`: the one below (if any) and the one above. */
export function nearestValidQuantities(qty: number, p: Rules): number[] {
  if (qty <= p.moq) return [p.moq];
  const below = p.moq + Math.floor((qty - p.moq) / p.orderMultiple) * p.orderMultiple;
  return below === qty ? [qty] : [below, below + p.orderMultiple];
}

/** The smallest valid quantity at or above `qty`. */
export function roundUpToValid(qty: number, p: Rules): number {
  if (qty <= p.moq) return p.moq;
  return p.moq + Math.ceil((qty - p.moq) / p.orderMultiple) * p.orderMultiple;
}

/** Checks a line quantity against the product's MOQ and order multiple; never rounds. */
export function checkQuantity(qty: number, p: Rules): QuantityCheck {
  if (!Number.isFinite(qty) || qty <= 0) return { ok: false, reason: 'not_positive' };
  if (!Number.isInteger(qty)) return { ok: false, reason: 'not_integer' };
  if (qty > MAX_LINE_QTY) return { ok: false, reason: 'too_large' };
  if (qty < p.moq) return { ok: false, reason: 'below_moq', nearest: nearestValidQuantities(qty, p) };
  if (!isValidQuantity(qty, p)) return { ok: false, reason: 'not_multiple', nearest: nearestValidQuantities(qty, p) };
  return { ok: true };
}

/**
 * Whether a quantity said in `unit` counts in the product's own unit. A window, door or cabinet sold by 套 is counted
 * in 个 as dealers say it ("十个" is ten 套, "一个L01橱柜" one kitchen; the draft says how it was read), and a window or
 * door made to size in 樘. Any other unit is refused.
 */
export function unitAccepted(
  product: Pick<Product, 'unit' | 'category' | 'options'>,
  unit: string | undefined,
): boolean {
  if (unit === undefined || unit === product.unit) return true;
  if (unit === '樘') return product.options !== undefined;
  return unit === '个' && product.unit === '套' && product.category !== 'accessories';
}
