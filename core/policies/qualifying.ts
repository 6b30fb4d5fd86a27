import { inPeriod, shanghaiDate } from './dates.js';
import type { Period } from './policy.types.js';

/** One order line as the policies capability sees it. `amountFen` is after the tier discount. */
export interface PolicyOrderLine {
  amountFen: number;
  /** The line's share of a promotion discount (满减) on its order, fen; 0 or absent without one. */
  discountFen?: number;
  category: string;
  /** Order status; `cancelled` (and an unplaced `draft`) never counts. */
  orderStatus: string;
  /** When the order was placed (Date or ISO timestamp); its Asia/Shanghai date decides the period. */
  placedAt: Date | string;
}

export interface QualifyingBasis {
  period: Period;
  excludeCategories?: readonly string[];
}

export interface QualifyingAmount {
  /** What counts for the policy, fen (never below 0). */
  amountFen: number;
  /** Lines in the period left out because of an excluded category, fen. */
  excludedFen: number;
  /** Lines in the period of cancelled orders, netted out, fen. */
  cancelledFen: number;
  /** Number of lines that counted. */
  countedLines: number;
}

const NOT_COUNTED_STATUSES = new Set(['cancelled', 'canceled', 'draft']);

/**
 * Sums the order lines that count for a policy: inside its period, not excluded, not cancelled. Rebates are earned
 * on what the dealer actually pays: a line counts net of its promotion discount (`amountFen − discountFen`), so a
 * 满减 and a ladder rebate are never both granted on the same fen.
 */
export function qualifyingAmount(lines: readonly PolicyOrderLine[], basis: QualifyingBasis): QualifyingAmount {
  const excluded = new Set(basis.excludeCategories ?? []);
  let amount = 0;
  let excludedFen = 0;
  let cancelledFen = 0;
  let countedLines = 0;
  for (const line of lines) {
    const discount = line.discountFen ?? 0;
    if (!Number.isSafeInteger(line.amountFen) || !Number.isSafeInteger(discount) || discount < 0)
      throw new RangeError('order line amount and discount must be integer fen');
    const net = line.amountFen - discount;
    if (!inPeriod(shanghaiDate(line.placedAt), basis.period)) continue;
    const status = line.orderStatus.toLowerCase();
    if (NOT_COUNTED_STATUSES.has(status)) {
      if (status !== 'draft') cancelledFen += net;
      continue;
    }
    if (excluded.has(line.category)) {
      excludedFen += net;
      continue;
    }
    amount += net;
    countedLines++;
  }
  return { amountFen: Math.max(0, amount), excludedFen, cancelledFen, countedLines };
}
