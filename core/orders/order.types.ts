import type { QuantityCheck } from '../catalog/pricing.js';
import type { CreditCheck } from './credit.rules.js';
import type { OrderRecord } from './ports.js';

export interface DraftLineView {
  sku: string;
  name: string;
  unit: string;
  category: string;
  qty: number;
  unitPriceFen: number;
  amountFen: number;
  /** HQ availability now (on hand − reserved). */
  available: number;
  shortfall: number;
  expectedDate: string | null;
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
}

export type DateNote =
  | { kind: 'past'; date: string }
  /** The wanted date looked past and was read as a later one: asked back, not accepted. */
  | { kind: 'rolled'; date: string }
  | { kind: 'before_stock'; date: string; expectedDate: string };

export interface DraftView {
  id: string;
  lines: DraftLineView[];
  totalFen: number;
  deliveryDate: string | null;
  expiresAt: Date;
  credit: CreditCheck;
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
}

export interface DateRequest {
  date: string;
  /** The parser moved a past-looking date forward (e.g. to next month): double-check it with the dealer. */
  rolledForward?: boolean;
}

export type DraftChange =
  | { kind: 'set'; sku: string; qty: number }
  | { kind: 'add'; sku: string; qty: number }
  | { kind: 'subtract'; sku: string; qty: number }
  | { kind: 'remove'; sku: string }
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
