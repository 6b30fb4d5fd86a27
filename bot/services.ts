import type { DirectoryService } from '../core/accounts/directory.service.js';
import type { StatementService } from '../core/accounts/statement.service.js';
import type { TierService } from '../core/accounts/tier.service.js';
import type { CareContent } from '../core/care/content.port.js';
import type { Notifier } from '../core/common/notifier.port.js';
import type { ErpSyncService } from '../core/erp/erp-sync.service.js';
import type { ImportService } from '../core/imports/import.service.js';
import type { ImportOfferDesk, ImportOfferReview } from '../core/imports/offer.service.js';
import type { ExportSource, ImportStore } from '../core/imports/ports.js';
import type { NluMissStore } from '../core/conversation/misses.js';
import type { ConversationStore } from '../core/conversation/ports.js';
import type { ConsoleReadModel, ConsoleSessionStore } from '../core/console/ports.js';
import type { CampaignService } from '../core/campaigns/campaign.service.js';
import type { CadenceService } from '../core/contacts/cadence.service.js';
import type { ContactLogService } from '../core/contacts/contact-log.service.js';
import type { PortfolioService } from '../core/contacts/portfolio.service.js';
import type { DealerDirectory } from '../core/dealers/directory.port.js';
import type { FollowupStore, PipelineStatusReader } from '../core/messaging/ports.js';
import type { SalesService } from '../core/insights/sales.service.js';
import type { TrendInsightService } from '../core/insights/trend-insights.service.js';
import type { TrendsService } from '../core/insights/trends.service.js';
import type { NeedsReport } from '../core/needs/ports.js';
import type { NeedsService } from '../core/needs/needs.service.js';
import type { OrderService } from '../core/orders/order.service.js';
import type { StatementLinks } from '../core/accounts/statement-link.js';
import type { PolicyFeedbackService } from '../core/policies/feedback.js';
import type { PolicyService } from '../core/policies/policy.service.js';
import type { RebateStatementService } from '../core/policies/rebate-statement.js';
import type { JobRunOutcome } from '../core/scheduling/ports.js';
import type { StockService } from '../core/stock/stock.service.js';
import type { HonourStore } from '../core/honours/ports.js';
import type { TrainingService } from '../core/training/training.service.js';

/**
 * Every service a turn, route or command may use, bound to one transaction (or to the database outside one).
 * Built only by the composition root (bot/composition.ts); everything else receives it.
 */
export interface Services {
  orders: OrderService;
  stock: StockService;
  needs: NeedsService;
  policies: PolicyService;
  directory: DealerDirectory;
  /** A dealer's statement of account. */
  statement: StatementService;
  /** Rebate statements per policy period and their settlements (netted against earlier ones). */
  rebates: RebateStatementService;
  /** Dealers' comments on pushed policies. */
  policyFeedback: PolicyFeedbackService;
  /** Signed, expiring links to a dealer's printable statement, and the address they start with. */
  statementLinks: { links: StatementLinks; baseUrl: string };
  /** A dealer's tier, scores and benefits. */
  tier: TierService;
  /** A dealer's own sell-through. */
  sales: SalesService;
  /** What sells in a dealer's region. */
  trends: TrendsService;
  /** The regional trend table: a dealer's position in it, a manager's region summary. */
  trendInsights: TrendInsightService;
  /** A manager's dealers found by (part of) their name. */
  dealerSearch: DirectoryService;
  /** The managers' contact log. */
  contacts: ContactLogService;
  /** The managers' contact cadence by tier: who is due, who is overdue. */
  cadence: CadenceService;
  /** A manager's own dealers at a glance and whom to contact first this week. */
  portfolio: PortfolioService;
  /** Joint campaigns: sign-up, approval, results. */
  campaigns: CampaignService;
  content: CareContent;
  /** Training sessions: enrolment, attendance, HQ's sessions and rosters. */
  training: TrainingService;
  /** Honours given (a dealer's, or all of a period). */
  honours: Pick<HonourStore, 'forDealer' | 'list'>;
  conversation: ConversationStore;
  /** Messages the assistant did not understand, for HQ to label. */
  nluMisses: NluMissStore;
  needsReport(period: { from: string; to: string; now: Date }): Promise<NeedsReport>;
  pipelineStatus: PipelineStatusReader;
  /** Follow-up items for account managers (messages the pipeline could not deliver or handle). */
  followups: FollowupStore;
  /** Runs a scheduled job (by name) now in its own slot (admin API, CLI); pushes keep their dedupe keys. */
  runJob(job: string, run: { slot: string; instance: string; now: Date; log: JobLog }): Promise<JobRunOutcome>;
  /** Scores and re-tiers every dealer for a month. */
  scoreDealers(month: string, now: Date): Promise<Record<string, number>>;
  /** The HQ console's read model (bot/console). */
  console: ConsoleReadModel;
  /** Console sign-ins and the audit log. */
  consoleSessions: ConsoleSessionStore;
  /** Recorded import runs, newest first. */
  importRuns: Pick<ImportStore, 'listRuns'>;
  /** Stages a manager's chat file as an import offer for HQ (in the turn's transaction). */
  importOffers: ImportOfferDesk;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a CLI command gets: the services on the configured database, and the sandbox delivery of due messages. */
export interface CliServices {
  services: Services;
  /** Where imports go; it opens its own transaction per import, so it is bound to the database, never a turn. */
  imports: ImportStore;
  /** The ERP sync, when an ERP is configured (config.erp); it opens its own transactions too. */
  erp: ErpSyncService | null;
  /** Runs imports into that store; each commit recomputes the dealers it touched (bot/composition.ts). */
  importer: ImportService;
  /** HQ's review of the files managers sent in chat (list, preview, apply, reject). */
  offers: ImportOfferReview;
  /** What `export` reads: every entity's stored rows in the import format. */
  exports: ExportSource;
  /** Delivers what is due now through the sandbox route (no WeCom configured); returns how many went. */
  deliverDue(): Promise<number>;
}

/**
 * One conversation turn's services, bound to the turn's transaction: given the worker's notifier for the turn (it
 * wakes the dispatcher after the commit); without one (the read-only `prepare`), the services' own.
 */
export type TurnServices = (notifier?: Notifier) => Services;
