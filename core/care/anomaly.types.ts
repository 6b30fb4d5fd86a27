import type { CareDealer } from './ports.js';
import type { StockPosition } from './replenishment.js';
import type { SellThroughTrend } from './anomalies.js';

/** The anomalies with a lifecycle (table dealer_anomalies): one open row per dealer, kind and subject. */
export const ANOMALY_KINDS = ['overstock', 'sell_through_drop', 'overdue_payment', 'expiring_batch'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** What each kind records about its subject when last seen (shown in notices). */
export interface AnomalyDetailsByKind {
  /** Subject: the SKU. daysOfCover null: nothing sold in 30 days. */
  overstock: { name: string; unit: string; onHand: number; daysOfCover: number | null };
  /** Subject: '' (the dealer's whole sell-through). fraction 0.45 = −45%. */
  sell_through_drop: { fraction: number; last28: number; prev28: number };
  /** Subject: the receivable's bill number. */
  overdue_payment: { outstandingFen: number; dueDate: string; daysOverdue: number };
  /** Subject: the SKU (its earliest expiry in the latest stock snapshot). daysLeft < 0: already expired. */
  expiring_batch: { name: string; unit: string; qty: number; expiresOn: string; daysLeft: number };
}
export type AnomalyDetails = AnomalyDetailsByKind[AnomalyKind];

/** An anomaly found on a business date (not yet stored). */
export type AnomalyFinding = {
  [K in AnomalyKind]: { dealerCode: string; kind: K; subject: string; details: AnomalyDetailsByKind[K] };
}[AnomalyKind];

/** A stored anomaly; open while closedAt is null. */
export type Anomaly = AnomalyFinding & {
  id: number;
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
};

/** A receivable past its due date, not fully paid. */
export interface OverdueBill {
  billNo: string;
  outstandingFen: number;
  dueDate: string;
}

/** Dealer stock carrying an expiry date (dealer-stock's optional `expires_on`). */
export interface DatedStock {
  sku: string;
  name: string;
  unit: string;
  qty: number;
  expiresOn: string;
}

/** What the rules read for one set of dealers on one business date (windows end the day before it). */
export interface AnomalyInputs {
  positions: Map<string, StockPosition[]>;
  trends: Map<string, SellThroughTrend>;
  overdueBills: Map<string, OverdueBill[]>;
  datedStock: Map<string, DatedStock[]>;
}

/** Which dealers a refresh looks at: some (after an import touched them) or all (the daily job). */
export type AnomalyScope = readonly string[] | 'all';

/**
 * The lifecycle's storage. `open` inserts only where no open row of the same (dealer, kind, subject) exists, so two
 * refreshes racing open it once; it returns the rows it inserted.
 */
export interface AnomalyStore {
  inputs(date: string, scope: AnomalyScope): Promise<AnomalyInputs>;
  /** Open anomalies of the scope's dealers. */
  openAnomalies(scope: AnomalyScope): Promise<Anomaly[]>;
  open(findings: readonly AnomalyFinding[], at: Date): Promise<Anomaly[]>;
  /** Still there: last seen now, details refreshed. */
  seen(updates: ReadonlyArray<{ id: number; details: AnomalyDetails }>, at: Date): Promise<void>;
  close(ids: readonly number[], at: Date): Promise<void>;
  dealers(codes: readonly string[]): Promise<CareDealer[]>;
}

/** The notice texts (bot/replies): core decides who hears what, the bot words it. */
export interface AnomalyNotices {
  dealer(dealer: CareDealer, opened: readonly Anomaly[]): string;
  manager(dealer: CareDealer, opened: readonly Anomaly[]): string;
}
