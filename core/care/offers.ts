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

export type CareOffers = Readonly<Record<VoucherKind, CareOfferConfig>>;

/** K's defaults; CARE_OFFERS (bot/config.ts, `parseCareOffers`) replaces them. */
export const CARE_OFFERS: CareOffers = Object.freeze({
  birthday: { amountFen: 50_000, minOrderFen: 500_000, validDays: 30 },
  anniversary: { amountFen: 100_000, minOrderFen: 1_000_000, validDays: 30 },
});

const OFFER_RE = /^(birthday|anniversary)=(\d{1,6})\/(\d{1,8})\/(\d{1,3})$/;

/**
 * "birthday=500/5000/30,anniversary=1000/10000/30": per occasion the voucher in yuan, the smallest order it applies
 * to in yuan and the days it is valid (1–365); an occasion not named keeps its default. Null when malformed (an
 * amount of 0, a minimum below the amount, a repeated occasion).
 */
export function parseCareOffers(text: string): CareOffers | null {
  const out: Record<VoucherKind, CareOfferConfig> = { ...CARE_OFFERS };
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = OFFER_RE.exec(part);
    if (!m || seen.has(m[1]!)) return null;
    seen.add(m[1]!);
    const [amount, min, days] = [Number(m[2]), Number(m[3]), Number(m[4])];
    if (amount <= 0 || min < amount || days < 1 || days > 365) return null;
    out[m[1] as VoucherKind] = { amountFen: amount * 100, minOrderFen: min * 100, validDays: days };
  }
  return Object.freeze(out);
}

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
  cfg: CareOffers = CARE_OFFERS,
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
