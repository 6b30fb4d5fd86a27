import type { ConfigRequest, ItemConfig } from '../catalog/options.js';
import type { QuantityCheck } from '../catalog/pricing.js';
import type { CreditCheck } from './credit.rules.js';
import type { OrderLineRecord, OrderRecord } from './ports.js';

/** A draft line: the order line it would become (without its number), plus what the checks found. */
export interface DraftLineView extends Omit<OrderLineRecord, 'lineNo'> {
  /** HQ availability now (on hand − reserved). */
  available: number;
  shortfall: number;
  expectedDate: string | null;
  /** A made-to-size line: produced to order (no HQ stock, no MOQ), billed for this area per unit in mm². */
  billedAreaMm2?: number;
  /** Set when the quantity breaks the MOQ or order multiple (blocks confirmation). */
  qtyProblem?: Extract<QuantityCheck, { ok: false; nearest: number[] }>;
}

export interface RebateEffect {
  policyCode: string;
  policyName: string;
  amountBeforeFen: number;
  amountAfterFen: number;
  rateBefore: number;
  rateAfter: number;
  bandUp: boolean;
  rebateDeltaFen: number;
  /** 本季度 / 本年度 … */
  periodLabel: string;
  /** The band after the one the draft reaches: its rate and what is still missing to it (null at the top). */
  next: { rate: number; gapFen: number } | null;
}

/** A promotion (满减) the draft's products take part in: reached (discounted) or still short of the minimum. */
export interface PromotionEffect {
  policyCode: string;
  policyName: string;
  /** Product tags the promotion covers (e.g. 高性价比). */
  productTags: string[];
  discountRate: number;
  minOrderAmountFen: number;
  /** Amount of the draft's covered products. */
  eligibleFen: number;
  reached: boolean;
  discountFen: number;
  /** How much more of the covered products reaches the minimum (0 once reached). */
  gapFen: number;
}

/** The dealer's best voucher for this draft: applied (part of the discount), or short of its minimum order. */
export interface VoucherEffect {
  id: number;
  kind: 'birthday' | 'anniversary';
  amountFen: number;
  minOrderFen: number;
  validUntil: string;
  applied: boolean;
  /** How much more reaches the minimum (0 once applied). */
  gapFen: number;
}

export type DateNote =
  | { kind: 'past'; date: string }
  /** Today: too late to deliver; the draft view's `earliestDate` is offered instead. */
  | { kind: 'today'; date: string }
  /** The wanted date looked past and was read as a later one: asked back, not accepted. */
  | { kind: 'rolled'; date: string }
  | { kind: 'before_stock'; date: string; expectedDate: string };

export interface DraftView {
  id: string;
  lines: DraftLineView[];
  /** Sum of the lines. */
  subtotalFen: number;
  /** Promotion discount plus an applied voucher (sum of the lines' shares). */
  discountFen: number;
  /** A birthday/anniversary voucher the dealer holds, and whether this draft takes it. */
  voucher?: VoucherEffect;
  /** What the dealer pays: subtotal − discount (credit is checked against it). */
  totalFen: number;
  /** Promotions in force for the dealer that cover some of the draft's products. */
  promotions: PromotionEffect[];
  deliveryDate: string | null;
  /** The delivery date is a deadline ("月底前"), as the dealer asked in this turn. */
  deliveryBy?: boolean;
  /** The earliest day the draft can be delivered: tomorrow, or when HQ has all its lines. */
  earliestDate: string;
  expiresAt: Date;
  credit: CreditCheck;
  /** The projection is on amounts after the promotion discount (rebates are earned on what is paid). */
  rebate: RebateEffect | null;
  dateNote?: DateNote;
  /** No quantity problem and credit is fine. */
  canConfirm: boolean;
}

/** Requested line: quantity as the dealer said it (checked, never rounded). */
export interface ItemRequest {
  sku: string;
  qty: number;
  unit?: string;
  /** Sizes and options said for a made-to-size product (checked against its options, never guessed). */
  config?: ConfigRequest;
}

export type { ItemConfig };

export interface DateRequest {
  date: string;
  /** The parser moved a past-looking date forward (e.g. to next month): double-check it with the dealer. */
  rolledForward?: boolean;
  /** A deadline ("月底前送到"), not a day. */
  by?: boolean;
}

/**
 * Quantity changes carry the unit as said (checked against the product's, never silently replaced). `from` picks
 * one made-to-size line of the product by its configuration (a product may have several lines, one per size).
 */
export type DraftChange =
  | { kind: 'set'; sku: string; qty: number; unit?: string; from?: ItemConfig }
  /** `config`: a made-to-size line to add beside the product's other lines. */
  | { kind: 'add'; sku: string; qty: number; unit?: string; config?: ConfigRequest }
  | { kind: 'subtract'; sku: string; qty: number; unit?: string; from?: ItemConfig }
  | { kind: 'remove'; sku: string; from?: ItemConfig }
  /** A made-to-size line (the one of `sku` made as `from`) takes new options or a new size; what is not said stays. */
  | { kind: 'configure'; sku: string; from: ItemConfig; config: ConfigRequest }
  | { kind: 'date'; date: DateRequest };

export type DraftOutcome =
  | { kind: 'draft'; view: DraftView }
  /** The draft is no longer open (confirmed, cancelled, expired or not found): nothing changed. */
  | { kind: 'gone'; reason: 'expired' | 'confirmed' | 'cancelled' | 'not_found'; orderNo?: string | null }
  /** A change that does not apply (the product is not in the draft, the last line would go). */
  | { kind: 'no_change'; reason: 'not_in_draft' | 'last_line'; sku: string };

export type ConfirmOutcome =
  | { kind: 'placed'; order: OrderRecord; view: DraftView }
  | { kind: 'already'; orderNo: string }
  | { kind: 'expired' }
  | { kind: 'closed' }
  | { kind: 'not_found' }
  | { kind: 'blocked'; view: DraftView };

export type CancelOutcome =
  | { kind: 'cancelled'; order: OrderRecord }
  | { kind: 'not_found' }
  | { kind: 'already_cancelled'; order: OrderRecord }
  | { kind: 'not_cancellable'; order: OrderRecord };
