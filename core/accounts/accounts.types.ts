/** The accounts capability's domain types: statements of account, tier status, the manager's dealer directory. */
import type { Tier } from '../catalog/pricing.js';
import type { TierBenefits } from '../dealers/tiers.js';

export type { Tier };

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

/** A statement's period: a calendar month or quarter, clipped at today while it is still running. */
export interface StatementPeriod {
  kind: 'month' | 'quarter';
  /** 'YYYY-MM' or 'YYYY-Qn'. */
  label: string;
  start: string;
  /** Last day covered: the period's end, or today while it runs. */
  end: string;
  running: boolean;
}

export interface StatementDealer {
  code: string;
  name: string;
  tier: Tier;
  creditLimitFen: number;
  paymentTermsDays: number;
}

export interface PeriodOrder {
  orderNo: string;
  placedAt: Date;
  status: OrderStatus;
  totalFen: number;
  paidAt: Date | null;
}

/** One line of an order that was not cancelled (the dealer's purchases). */
export interface PurchaseLine {
  orderNo: string;
  sku: string;
  name: string;
  unit: string;
  qty: number;
  /** The line's amount after its share of the promotion discount. */
  amountFen: number;
}

/** What the dealer bought over a period (订/买/进货): orders not cancelled, and their lines per product. */
export interface Purchases {
  /** 'year' this year to date; otherwise the statement period's label ('2026-11'). */
  label: string;
  start: string;
  end: string;
  running: boolean;
  /** The products asked about (SKUs); empty for everything. */
  skus: string[];
  orderCount: number;
  totalFen: number;
  /** Per product, the largest amount first. */
  products: Array<{ sku: string; name: string; unit: string; qty: number; amountFen: number }>;
}

export interface ReceivableItem {
  orderNo: string | null;
  amountFen: number;
  paidFen: number;
  dueDate: string;
  createdAt: Date;
}

/** A rebate settlement credited to the dealer (a credit note against their account). */
export interface SettledRebate {
  policyCode: string;
  /** The settlement's number within its policy period: 2 and up net against earlier ones. */
  seq: number;
  paidFen: number;
  settledAt: Date;
}

export interface OverdueItem {
  orderNo: string | null;
  dueDate: string;
  openFen: number;
  daysOverdue: number;
  /** Overdue long enough to block new orders (core/orders' OVERDUE_BLOCK_DAYS). */
  blocking: boolean;
}

export interface DueSoonItem {
  orderNo: string | null;
  dueDate: string;
  openFen: number;
  daysLeft: number;
}

export interface Statement {
  dealer: { code: string; name: string; tier: Tier };
  period: StatementPeriod;
  /** The Shanghai date the balances are taken on. */
  asOf: string;
  orders: {
    /** Orders placed in the period and not cancelled, newest first. */
    items: PeriodOrder[];
    count: number;
    totalFen: number;
    cancelledCount: number;
    cancelledFen: number;
  };
  /** Orders paid in full inside the period (the data dates full payments only). */
  payments: { count: number; totalFen: number };
  /** Rebates settled in the period (credit notes; a negative one claws back an earlier over-payment). */
  rebates: { items: SettledRebate[]; count: number; totalFen: number };
  /** Receivables invoiced in the period and how much of them is paid. */
  billed: { count: number; amountFen: number; paidFen: number; openFen: number };
  /** What the dealer owes today: open receivables plus placed orders not yet invoiced. */
  balance: { openReceivablesFen: number; unpaidPlacedFen: number; totalFen: number };
  overdue: { items: OverdueItem[]; totalFen: number; blockingFen: number; maxDays: number };
  dueSoon: { items: DueSoonItem[]; totalFen: number; withinDays: number };
  credit: {
    limitFen: number;
    usedFen: number;
    /** May be negative when the dealer is over the limit. */
    leftFen: number;
    /** False when something blocks new orders (long overdue or over the limit). */
    canOrder: boolean;
    /** What to pay to order again (0 when nothing blocks). */
    settleFen: number;
  };
}

/** The five dimensions of a dealer score (0–100 each). */
export interface ScoreDimensions {
  purchaseScale: number;
  categoryExpertise: number;
  storeCoverage: number;
  growthPotential: number;
  collaboration: number;
}

export interface ScoreRecord {
  /** 'YYYY-MM'. */
  month: string;
  dimensions: ScoreDimensions;
  total: number;
  tierBefore: Tier;
  tierAfter: Tier;
  reasons: string[];
}

export interface TierFacts {
  dealer: { code: string; name: string; tier: Tier; tierReasons: string[] };
  /** The latest monthly score. */
  latest: ScoreRecord | null;
  /** The latest score that changed the tier. */
  lastChange: ScoreRecord | null;
}

export interface TierStatus {
  dealer: { code: string; name: string; tier: Tier };
  /** What the current tier brings (discount, need SLA, perks). */
  benefits: TierBenefits;
  latest: ScoreRecord | null;
  lastChange: ScoreRecord | null;
  /** Why the dealer is where it is: the latest score's reasons, else the stored tier reasons. */
  reasons: string[];
  /** The weakest dimension of the latest score: where points are easiest to gain. */
  weakest: keyof ScoreDimensions | null;
  /** The next tier up by score and the points missing (null at the top, for silent dealers, or without a score). */
  next: { tier: Tier; minTotal: number; gap: number } | null;
}

/** A dealer as the manager's directory search sees it. */
export interface DirectoryEntry {
  code: string;
  name: string;
  tier: Tier;
  province: string;
  city: string;
  county: string;
  contactNames: string[];
}

export interface DirectoryMatch {
  entry: DirectoryEntry;
  /** 0–1; 1 is an exact name or code. */
  score: number;
}

export interface DirectoryManager {
  code: string;
  role: 'account' | 'regional';
}
