import type {
  DealerRef,
  ManagerRef,
  Need,
  NeedAttachment,
  NeedEvent,
  NeedStatus,
  OrderSummary,
} from './needs.types.js';
import type { PolicyOrderLine, PolicyRecord } from '../policies/index.js';
import type { SlaClock, SlaStage } from './sla.js';
import type { OpenNeedRow } from './need-list.js';

export interface NewNeed {
  dealerCode: string;
  category: string;
  text: string;
  ownerCode: string;
  tier: DealerRef['tier'];
  firstResponseDue: Date;
  resolutionDue: Date;
  createdAt: Date;
  /** The statement a payment dispute is about. */
  statementRef?: string | null;
}

export type NeedPatch = Partial<
  Pick<
    Need,
    | 'status'
    | 'category'
    | 'ownerCode'
    | 'firstResponseAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'resolution'
    | 'rating'
    | 'ratingComment'
    | 'resolutionDue'
  >
>;

/** A checkpoint the SLA clock just recorded (its need_events row was new), with what the notice needs. */
export interface FiredCheckpoint {
  need: Need;
  clock: SlaClock;
  stage: SlaStage;
  dealerName: string;
  ownerName: string;
  /** The regional manager above the owner (the owner itself when regional). */
  regionalCode: string;
}

/** Persistence the needs service needs; db/repositories/needs.repository.ts implements it in one transaction. */
export interface NeedStore {
  dealer(code: string): Promise<DealerRef | null>;
  manager(code: string): Promise<ManagerRef | null>;
  insert(need: NewNeed): Promise<Need>;
  get(id: number): Promise<Need | null>;
  /** Locks the row for the rest of the transaction (claim/resolve/rate race against each other). */
  getForUpdate(id: number): Promise<Need | null>;
  /** Updates only when the status is still one of `from`; returns the new row or null. */
  update(id: number, patch: NeedPatch, from: readonly NeedStatus[]): Promise<Need | null>;
  addAttachment(id: number, attachment: NeedAttachment): Promise<void>;
  /** Appends to the timeline; false when `dedupeKey` was recorded already. */
  addEvent(event: {
    needId: number;
    kind: string;
    actor: string | null;
    body?: string | null;
    dedupeKey?: string;
    at: Date;
  }): Promise<boolean>;
  events(needId: number): Promise<NeedEvent[]>;
  /** The dealer's needs not yet closed (open, claimed, resolved awaiting a rating), newest first. */
  activeOfDealer(dealerCode: string, limit: number): Promise<Need[]>;
  /**
   * The dealer's need awaiting a rating: resolved after `resolvedAfter`, the latest resolved first (then the newest
   * created); undefined when none.
   */
  awaitingRating(dealerCode: string, resolvedAfter: Date): Promise<number | undefined>;
  /** The dealer's latest open or claimed need created at or after `since`. */
  latestOpenSince(dealerCode: string, since: Date): Promise<Need | null>;
  recentOrders(dealerCode: string, limit: number): Promise<OrderSummary[]>;
  /**
   * Records every SLA checkpoint reached by `now` on open needs (set-based, once each by dedupe key) and returns
   * those recorded by this call.
   */
  recordDueCheckpoints(now: Date): Promise<FiredCheckpoint[]>;
  /** What a manager's dealer lookup shows besides needs and orders. */
  dealerProfile(code: string): Promise<DealerProfile | null>;
  /** Order lines placed on or after `since`, with their promotion discount (for the rebate position). */
  orderLinesSince(dealerCode: string, since: Date): Promise<PolicyOrderLine[]>;
  /** Every stored policy with its switches (the rebate position uses core/policies' currentLadderFor). */
  policyRecords(): Promise<PolicyRecord[]>;
  /**
   * Open and claimed needs a manager answers for: those they own, and those of their dealers (a regional manager:
   * every dealer of their region), with the dealer's name.
   */
  openNeedsForManager(manager: ManagerRef): Promise<OpenNeedRow[]>;
}

export interface DealerProfile {
  dealer: DealerRef;
  managerName: string;
  region: string;
  partnershipStart: string;
  tierReasons: string[];
  latestScore: { month: string; total: number; tierBefore: string; tierAfter: string; reasons: string[] } | null;
  primaryContact: { name: string; phone: string } | null;
  stores: number;
}

/** The words of every notice the service sends; bot/replies/needs.replies.ts implements them in Chinese. */
export interface NeedNotices {
  managerAlert(input: { need: Need; dealer: DealerRef; orders: OrderSummary[] }): string;
  dealerClaimed(input: { need: Need; manager: ManagerRef }): string;
  dealerResolved(input: { need: Need; manager: ManagerRef }): string;
  transferred(input: { need: Need; dealer: DealerRef; from: ManagerRef; orders: OrderSummary[] }): string;
  warning(input: FiredCheckpoint): string;
  escalation(input: FiredCheckpoint): string;
  lowRating(input: { need: Need; dealer: DealerRef; rating: number; comment: string | null }): string;
  withdrawn(input: { need: Need; dealer: DealerRef }): string;
}

/** One row of the needs report (per tier, plus `all`). Hours; rates 0–1; null when there is nothing to measure. */
export interface NeedsReportRow {
  tier: string;
  submitted: number;
  firstResponseP50: number | null;
  firstResponseP90: number | null;
  resolutionP50: number | null;
  resolutionP90: number | null;
  firstResponseHitRate: number | null;
  resolutionHitRate: number | null;
  avgRating: number | null;
  rated: number;
  /** Needs still open or claimed, by age now: <12h, 12–24h, 24–48h, 48–72h, ≥72h. */
  openByAge: { lt12h: number; h12to24: number; h24to48: number; h48to72: number; ge72h: number };
}

export interface NeedsReport {
  from: string;
  to: string;
  generatedAt: string;
  rows: NeedsReportRow[];
}
