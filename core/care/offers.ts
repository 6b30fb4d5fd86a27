import { addDays } from '../common/time.js';

/**
 * The offers birthday and anniversary greetings carry (HQ's configuration): a voucher off the dealer's next order,
 * from the greeting's day for `validDays` days, on an order of at least `minOrderFen` (after promotions), used once.
 */
export interface CareOfferConfig {
  amountFen: number;
  minOrderFen: number;
  validDays: number;
}

export type VoucherKind = 'birthday' | 'anniversary';

export const CARE_OFFERS: Readonly<Record<VoucherKind, CareOfferConfig>> = Object.freeze({
  birthday: { amountFen: 50_000, minOrderFen: 500_000, validDays: 30 },
  anniversary: { amountFen: 100_000, minOrderFen: 1_000_000, validDays: 30 },
});

/** A voucher as issued with a greeting; `occasion` (the greeting's date) makes issuing it again a no-op. */
export interface Voucher {
  dealerCode: string;
  kind: VoucherKind;
  occasion: string;
  amountFen: number;
  minOrderFen: number;
  /** Inclusive business dates (Asia/Shanghai). */
  validFrom: string;
  validUntil: string;
}

export function voucherFor(
  kind: VoucherKind,
  dealerCode: string,
  date: string,
  cfg: Readonly<Record<VoucherKind, CareOfferConfig>> = CARE_OFFERS,
): Voucher {
  const c = cfg[kind];
  return {
    dealerCode,
    kind,
    occasion: date,
    amountFen: c.amountFen,
    minOrderFen: c.minOrderFen,
    validFrom: date,
    validUntil: addDays(date, c.validDays - 1),
  };
}

/** Where issued vouchers are kept (idempotent per dealer, kind and occasion); returns how many were new. */
export interface VoucherIssuer {
  issue(vouchers: readonly Voucher[], now: Date): Promise<number>;
}
