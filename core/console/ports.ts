import type { StockPosition } from '../care/replenishment.js';
import type { Need, NeedEvent, Tier } from '../needs/needs.types.js';
import type { ConsoleSession } from './session.rules.js';
import type { DealerActivity, NeedTiming } from './outcomes.js';
import type { ConsoleViewer } from './viewer.js';

/** The console's read model: what its pages show, always cut to what the viewer may see. */
export interface ConsoleReadModel {
  /** Facts behind the overview's outcome metrics, for orders and needs since `since` (Shanghai date). */
  outcomeFacts(viewer: ConsoleViewer, since: string): Promise<OutcomeFacts>;
  dealerFilters(viewer: ConsoleViewer): Promise<DealerFilterOptions>;
  dealers(viewer: ConsoleViewer, filter: DealerFilter, now: Date): Promise<{ total: number; rows: DealerListRow[] }>;
  /** Null when the dealer does not exist or the viewer may not see it. */
  dealer(viewer: ConsoleViewer, code: string, now: Date): Promise<DealerDetail | null>;
  /** Open and claimed needs, with the dealer's name and the owner's. */
  openNeeds(viewer: ConsoleViewer): Promise<BoardNeed[]>;
  need(viewer: ConsoleViewer, id: number): Promise<{ need: BoardNeed; events: NeedEvent[] } | null>;
  /** Tier changes between consecutive months (from the monthly scoring), and the current distribution. */
  tierMovements(months: readonly string[]): Promise<TierMovement[]>;
  tierDistribution(): Promise<Array<{ tier: Tier; dealers: number }>>;
  /** Re-tiers waiting for their notice, and the birthday/anniversary vouchers by kind as of `today`. */
  careOffers(today: string): Promise<CareOffersSummary>;
  policies(): Promise<PolicyRow[]>;
  policyFeedback(code: string, limit: number): Promise<Array<{ dealerCode: string; feedback: string; at: Date }>>;
  setPolicyActive(code: string, active: boolean): Promise<boolean>;
  importErrors(runId: number): Promise<unknown[] | null>;
  jobRuns(limit: number): Promise<JobRunRow[]>;
  /** The latest console actions, newest first. */
  audit(limit: number): Promise<AuditEntry[]>;
  /** Counts behind the Prometheus /metrics page. */
  opsMetrics(): Promise<OpsMetrics>;
}

export interface CareOffersSummary {
  pendingTiers: number;
  vouchers: Array<{ kind: string; issued: number; used: number; open: number; expired: number; usedFen: number }>;
}

/** What /metrics exposes, read from the tables at scrape time (so every instance reports the same totals). */
export interface OpsMetrics {
  inbound: Array<{ channel: string; status: string; n: number }>;
  /** Outbox rows by route and status; `failedAttempts`: rows whose last send attempt failed (WeCom errors). */
  outbox: Array<{ route: string; status: string; n: number; failedAttempts: number }>;
  jobs: Array<{ job: string; status: string; runs: number; lastSeconds: number | null }>;
  /** SLA deadlines passed (need_events 'escalated'). */
  slaBreaches: number;
}

export interface OutcomeFacts {
  dealers: number;
  activity: DealerActivity[];
  ordersByMonth: Array<{ month: string; source: string; orders: number; amountFen: number }>;
  needs: NeedTiming[];
  /** Distinct dealers a policy push went to, per month. */
  campaignDealersByMonth: Array<{ month: string; dealers: number }>;
}

export interface DealerFilter {
  tier?: Tier;
  tag?: string;
  province?: string;
  marketLevel?: string;
  manager?: string;
  /** No order in the last 90 days. */
  silent?: boolean;
  /** Part of the name or the code. */
  q?: string;
  offset: number;
  limit: number;
}

export interface DealerFilterOptions {
  tags: string[];
  provinces: string[];
  marketLevels: string[];
  managers: Array<{ code: string; name: string }>;
}

export interface DealerListRow {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  province: string;
  city: string;
  marketLevel: string;
  managerCode: string;
  managerName: string;
  lastOrderAt: Date | null;
  /** Not cancelled, last 12 months. */
  amount12mFen: number;
}

export interface DealerDetail extends DealerListRow {
  partnershipStart: string;
  tierReasons: string[];
  scores: Array<{
    month: string;
    purchaseScale: number;
    categoryExpertise: number;
    storeCoverage: number;
    growthPotential: number;
    collaboration: number;
    total: number;
    tierBefore: Tier;
    tierAfter: Tier;
    reasons: string[];
  }>;
  ordersByMonth: Array<{ month: string; orders: number; amountFen: number }>;
  /** The dealer's stock with its last 30 days of sell-through (overstock: core/care's rule). */
  stock: StockPosition[];
  needs: Need[];
  /** Care messages and pushes sent to the dealer (the outbox, not replies), newest first. */
  received: Array<{ kind: string; body: string; status: string; at: Date }>;
  stores: number;
}

export interface BoardNeed {
  need: Need;
  dealerName: string;
  ownerName: string;
}

export interface TierMovement {
  month: string;
  from: Tier;
  to: Tier;
  dealers: number;
  /** The most frequent reasons given, with their counts. */
  reasons: Array<{ reason: string; n: number }>;
}

export interface PolicyRow {
  code: string;
  name: string;
  kind: string;
  active: boolean;
  promoted: boolean;
  spec: Record<string, unknown>;
  deliveries: number;
  withFeedback: number;
}

export interface JobRunRow {
  job: string;
  slot: string;
  instance: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** Console sign-ins and the audit log. */
export interface ConsoleSessionStore {
  create(session: ConsoleSession): Promise<void>;
  /** The session unless it was ended (expiry is the caller's rule: session.rules.ts). */
  find(id: string): Promise<ConsoleSession | null>;
  touch(id: string, at: Date): Promise<void>;
  end(id: string, at: Date): Promise<void>;
  record(entry: AuditEntry): Promise<void>;
  /** The manager a WeCom member is (by userid), if any. */
  managerByWecomUser(userid: string): Promise<{ code: string; name: string } | null>;
  managerName(code: string): Promise<string | null>;
}
