import type { DirectoryService } from '../core/accounts/directory.service.js';
import type { StatementService } from '../core/accounts/statement.service.js';
import type { TierService } from '../core/accounts/tier.service.js';
import type { CareContent } from '../core/care/content.port.js';
import type { PipelineStatusReader } from '../core/common/pipeline-status.port.js';
import type { Notifier } from '../core/common/notifier.port.js';
import type { ConversationStore } from '../core/conversation/ports.js';
import type { ContactLogService } from '../core/contacts/contact-log.service.js';
import type { DealerDirectory } from '../core/dealers/directory.port.js';
import type { SalesService } from '../core/insights/sales.service.js';
import type { TrendsService } from '../core/insights/trends.service.js';
import type { NeedsReport } from '../core/needs/ports.js';
import type { NeedsService } from '../core/needs/needs.service.js';
import type { OrderService } from '../core/orders/order.service.js';
import type { PolicyService } from '../core/policies/policy.service.js';
import type { StockService } from '../core/stock/stock.service.js';
import type { Identity } from './pipeline/identity.js';
import type { StepInput } from './pipeline/worker.js';
import type { JobRunOutcome } from './scheduler/job-runner.js';
import type { JobDefinition } from './scheduler/job.types.js';

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
  /** A dealer's tier, scores and benefits. */
  tier: TierService;
  /** A dealer's own sell-through. */
  sales: SalesService;
  /** What sells in a dealer's region. */
  trends: TrendsService;
  /** A manager's dealers found by (part of) their name. */
  dealerSearch: DirectoryService;
  /** The managers' contact log. */
  contacts: ContactLogService;
  content: CareContent;
  conversation: ConversationStore;
  /** Who a chat account is: from the channel alone. */
  identity(channel: Identity['channel'], externalId: string): Promise<Identity>;
  needsReport(period: { from: string; to: string; now: Date }): Promise<NeedsReport>;
  pipelineStatus: PipelineStatusReader;
  /** Runs a job now in its own slot (admin API, CLI); pushes keep their dedupe keys. */
  runJob(job: JobDefinition, run: { slot: string; instance: string; now: Date; log: JobLog }): Promise<JobRunOutcome>;
  /** Scores and re-tiers every dealer for a month. */
  scoreDealers(month: string, now: Date): Promise<Record<string, number>>;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The unit of work: services on a transaction (the worker's turn) with that transaction's notifier. */
export type ServicesFactory = (tx: StepInput['db'], notifier?: Notifier) => Services;
