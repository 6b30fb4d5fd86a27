/**
 * Raw per-dealer figures the scoring reads, computed set-based for all dealers at once
 * (db/repositories/dealers.repository.ts). Money is fen; windows are the days before `asOf`.
 */
export interface DealerMetrics {
  dealerCode: string;
  /** The market level of the dealer's own region (the percentile group for purchase scale). */
  marketLevel: string;
  /** Days from the partnership start to asOf. */
  partnershipDays: number;
  /** Non-cancelled order lines over the last 365 days. */
  amount12Fen: number;
  /** Of which windows + doors (门窗) and cabinets (橱柜). */
  windowDoorFen: number;
  cabinetFen: number;
  /** Of which products tagged 工程渠道 (engineering products). */
  engineeringProductFen: number;
  /** Units sold (POS sell-through) in the last 30 days and units on hand now, per category group. */
  windowDoorSold30: number;
  windowDoorOnHand: number;
  cabinetSold30: number;
  cabinetOnHand: number;
  /** Active stores, how many distinct regions (counties) they are in, and by type / market level. */
  activeStores: number;
  storeRegions: number;
  retailStores: number;
  engineeringStores: number;
  /** Active stores in 县城 or 乡镇 markets. */
  townStores: number;
  /** Order amounts: last 3 months (91 days), the 3 months before, last 6 months (182 days), the 6 before. */
  last3Fen: number;
  prev3Fen: number;
  last6Fen: number;
  prev6Fen: number;
  /** Of the last 12 months (30-day buckets), how many had at least one order. */
  monthsWithOrders: number;
  /** Needs raised in the last 365 days, and how many of them the dealer rated. */
  needsRaised: number;
  needsRated: number;
  /** Policy pushes received (pilot/all cohorts) and how many the dealer answered (feedback). */
  policyDeliveries: number;
  policyFeedback: number;
  /** Proactive pushes to the dealer in the last 90 days, and how many got a message back within 48 h. */
  pushes: number;
  pushesAnswered: number;
  /** Business date of the last non-cancelled order, and days since (null: never ordered). */
  lastOrderDate: string | null;
  daysSinceLastOrder: number | null;
}
