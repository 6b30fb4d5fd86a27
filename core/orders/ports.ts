import type { Product } from '../catalog/catalog.types.js';
import type { ItemConfig } from '../catalog/options.js';
import type { Tier } from '../catalog/pricing.js';
import type { Period, PolicyOrderLine, PolicyRecord } from '../policies/index.js';
import type { CreditFacts } from './credit.rules.js';

/** What ordering needs to know about a dealer. */
export interface DealerAccount {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  managerCode: string;
  creditLimitFen: number;
}

/** A product with the dealer's unit price. */
export interface PricedProduct extends Product {
  priceFen: number;
}

export interface StockLevel {
  onHand: number;
  reserved: number;
}

export interface DraftItem {
  sku: string;
  qty: number;
  unit: string;
  /** A made-to-size line: its checked configuration (priced by area). */
  config?: ItemConfig;
}

export type DraftStatus = 'open' | 'confirmed' | 'cancelled' | 'expired';

export interface StoredDraft {
  id: string;
  dealerCode: string;
  items: DraftItem[];
  deliveryDate: string | null;
  /** The delivery date is a deadline ("月底前"): deliver by it, not on it. */
  deliveryBy?: boolean;
  status: DraftStatus;
  expiresAt: Date;
  orderNo: string | null;
}

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

export interface OrderLineRecord {
  lineNo: number;
  sku: string;
  name: string;
  unit: string;
  category: string;
  qty: number;
  unitPriceFen: number;
  /** qty × unit price, before the promotion discount. */
  amountFen: number;
  /** The line's share of the order's promotion discount. */
  discountFen: number;
  /** A made-to-size line's configuration (sizes, glass, opening, colour). */
  config?: ItemConfig;
}

export interface OrderRecord {
  orderNo: string;
  dealerCode: string;
  status: OrderStatus;
  /** What the dealer pays: Σ line amounts − discountFen. */
  totalFen: number;
  /** Promotion discount (满减) on the order. */
  discountFen: number;
  deliveryDate: string | null;
  /** The delivery date is a deadline ("月底前"). */
  deliveryBy?: boolean;
  placedAt: Date;
  shippedAt: Date | null;
  cancelledAt: Date | null;
  lines: OrderLineRecord[];
  /** The voucher the order took (part of `discountFen`), when it was just placed. */
  voucher?: { kind: OpenVoucher['kind']; amountFen: number };
}

export interface NewOrder {
  orderNo: string;
  dealerCode: string;
  /** Σ line amounts − discountFen. */
  totalFen: number;
  discountFen: number;
  deliveryDate: string | null;
  deliveryBy?: boolean;
  placedAt: Date;
  draftId: string;
  lines: Array<Omit<OrderLineRecord, 'name' | 'unit'>>;
}

/** A birthday or anniversary voucher the dealer still holds (core/care issues them with the greetings). */
export interface OpenVoucher {
  id: number;
  kind: 'birthday' | 'anniversary';
  amountFen: number;
  minOrderFen: number;
  validUntil: string;
}

/** What `OrderStore.draftFacts` reads. */
export interface DraftFactsQuery {
  skus: readonly string[];
  dealerCode: string;
  today: string;
  overdueDays: number;
  ladderPeriod: Period | null;
}

/** What pricing a draft reads besides its products and the policies (`OrderStore.draftFacts`). */
export interface DraftFacts {
  stock: Map<string, StockLevel>;
  credit: CreditFacts;
  vouchers: OpenVoucher[];
  /** The dealer's order lines in the ladder's period; null when no period was asked. */
  ladderLines: PolicyOrderLine[] | null;
}

/** Storage the orders capability needs; every call runs in the caller's transaction. */
export interface OrderStore {
  dealer(code: string): Promise<DealerAccount | null>;
  /**
   * The dealer, with its row locked until the transaction ends (SELECT … FOR UPDATE): confirmations of one
   * dealer run one after another, so each credit check sees the orders the others placed.
   */
  lockDealer(code: string): Promise<DealerAccount | null>;
  /** Active products with the tier's price (missing SKUs are absent from the map). */
  pricedProducts(skus: readonly string[], tier: Tier): Promise<Map<string, PricedProduct>>;
  hqStock(skus: readonly string[]): Promise<Map<string, StockLevel>>;
  creditFacts(dealerCode: string, today: string, overdueDays: number): Promise<CreditFacts>;
  /** Every stored policy with its switches (core/policies decides which apply: currentLadderFor, currentPromotionsFor). */
  policyRecords(): Promise<PolicyRecord[]>;
  /**
   * The dealer's order lines placed inside the period (any status; the policy rules decide what counts), with
   * their promotion discount.
   */
  policyLines(dealerCode: string, period: Period): Promise<PolicyOrderLine[]>;

  /**
   * What pricing a draft reads besides its products and the policies, in one read: as `hqStock(skus)`,
   * `creditFacts(dealerCode, today, overdueDays)`, `openVouchers(dealerCode, today)` and, given the period of the
   * dealer's ladder, `policyLines(dealerCode, ladderPeriod)` (null without one).
   *
   * @example
   * const { stock, credit, vouchers, ladderLines } = await store.draftFacts({
   *   skus: ['KW-N60'], dealerCode: 'D0012', today: '2026-11-26', overdueDays: 30, ladderPeriod: ladder?.period ?? null,
   * });
   */
  draftFacts(q: DraftFactsQuery): Promise<DraftFacts>;

  insertDraft(draft: StoredDraft, now: Date): Promise<void>;
  draft(id: string, dealerCode: string): Promise<StoredDraft | null>;
  /** Rewrites an open draft (`deliveryBy`: the date is a deadline); false when it is no longer open. */
  updateDraft(
    id: string,
    dealerCode: string,
    items: DraftItem[],
    deliveryDate: string | null,
    expiresAt: Date,
    now: Date,
    deliveryBy?: boolean,
  ): Promise<boolean>;
  /** Atomically claims an open, unexpired draft for confirmation (open → confirmed); false when it is not. */
  claimDraft(id: string, dealerCode: string, now: Date): Promise<boolean>;
  /** Moves an open draft to cancelled or expired; false when it was not open. */
  closeDraft(id: string, dealerCode: string, status: 'cancelled' | 'expired', now: Date): Promise<boolean>;
  setDraftOrder(id: string, orderNo: string): Promise<void>;

  /** The dealer's unused vouchers valid on `today` (inclusive window). */
  openVouchers(dealerCode: string, today: string): Promise<OpenVoucher[]>;
  /** Marks a voucher used by an order (compare-and-set); false when it was used already. */
  useVoucher(id: number, dealerCode: string, orderNo: string, now: Date): Promise<boolean>;

  /** The next number of a Shanghai business day's sequence (atomic). */
  nextOrderSeq(day: string): Promise<number>;
  insertOrder(order: NewOrder): Promise<void>;
  /** hq_stock.reserved += qty (or −= qty when releasing). */
  adjustReserved(items: ReadonlyArray<{ sku: string; qty: number }>, sign: 1 | -1, now: Date): Promise<void>;
  order(orderNo: string, dealerCode: string): Promise<OrderRecord | null>;
  recentOrders(dealerCode: string, limit: number): Promise<OrderRecord[]>;
  /** The latest order that was not cancelled. */
  lastOrder(dealerCode: string): Promise<OrderRecord | null>;
  /** placed → cancelled; false when the order is not (or no longer) in status placed. */
  cancelOrder(orderNo: string, dealerCode: string, now: Date): Promise<boolean>;
}
