import type { CreditFacts } from '../orders/credit.rules.js';
import type {
  DirectoryEntry,
  DirectoryManager,
  PeriodOrder,
  PurchaseLine,
  ReceivableItem,
  SettledRebate,
  StatementDealer,
  TierFacts,
} from './accounts.types.js';

/** What a statement of account reads; db/repositories/accounts.repository.ts implements it. */
export interface StatementStore {
  statementDealer(code: string): Promise<StatementDealer | null>;
  /** Orders placed in [from, to) (instants), any status. */
  ordersPlaced(dealerCode: string, from: Date, to: Date): Promise<PeriodOrder[]>;
  /** The lines of the orders placed in [from, to) that were not cancelled. */
  purchaseLines(dealerCode: string, from: Date, to: Date): Promise<PurchaseLine[]>;
  /** Orders whose full payment (orders.paid_at) falls in [from, to). */
  ordersPaid(dealerCode: string, from: Date, to: Date): Promise<PeriodOrder[]>;
  /** Receivables invoiced in [from, to). */
  receivablesBilled(dealerCode: string, from: Date, to: Date): Promise<ReceivableItem[]>;
  /** Every receivable not fully paid. */
  openReceivables(dealerCode: string): Promise<ReceivableItem[]>;
  /** Whether the manager looks after the dealer (their own, or their region's for a regional manager). */
  managerSees(managerCode: string, dealerCode: string): Promise<boolean>;
  /** Rebate settlements (credit notes to the dealer) recorded in [from, to). */
  rebatesSettled(dealerCode: string, from: Date, to: Date): Promise<SettledRebate[]>;
  /** The same facts the order draft's credit check uses (core/orders' OrderStore.creditFacts). */
  creditFacts(dealerCode: string, today: string, overdueDays: number): Promise<CreditFacts>;
}

/** The dealer's tier and its scores (table dealer_scores). */
export interface TierStore {
  tierFacts(dealerCode: string): Promise<TierFacts | null>;
}

/** The manager's dealers, for finding one by name; db/repositories/dealer-search.repository.ts implements it. */
export interface DirectoryStore {
  manager(code: string): Promise<DirectoryManager | null>;
  /** The dealers the manager looks after: their own, and for a regional manager every dealer of their region. */
  dealersInScope(manager: DirectoryManager): Promise<DirectoryEntry[]>;
}
