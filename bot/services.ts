import type { CareContent } from '../core/care/content.port.js';
import type { Notifier } from '../core/common/notifier.port.js';
import type { NluMissStore } from '../core/conversation/misses.js';
import type { ConversationStore } from '../core/conversation/ports.js';
import type { DealerDirectory } from '../core/dealers/directory.port.js';
import type { FollowupStore, PipelineStatusReader } from '../core/messaging/ports.js';
import type { NeedsReport } from '../core/needs/ports.js';
import type { NeedsService } from '../core/needs/needs.service.js';
import type { OrderService } from '../core/orders/order.service.js';
import type { PolicyService } from '../core/policies/policy.service.js';
import type { StockService } from '../core/stock/stock.service.js';
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
  content: CareContent;
  conversation: ConversationStore;
  /** Messages the assistant did not understand, for HQ to label. */
  nluMisses: NluMissStore;
  needsReport(period: { from: string; to: string; now: Date }): Promise<NeedsReport>;
  pipelineStatus: PipelineStatusReader;
  /** Follow-up items for account managers (messages the pipeline could not deliver or handle). */
  followups: FollowupStore;
  /** Runs a job now in its own slot (admin API, CLI); pushes keep their dedupe keys. */
  runJob(job: JobDefinition, run: { slot: string; instance: string; now: Date; log: JobLog }): Promise<JobRunOutcome>;
  /** Scores and re-tiers every dealer for a month. */
  scoreDealers(month: string, now: Date): Promise<Record<string, number>>;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * One conversation turn's services, bound to the turn's transaction: given the worker's notifier for the turn (it
 * wakes the dispatcher after the commit); without one (the read-only `prepare`), the services' own.
 */
export type TurnServices = (notifier?: Notifier) => Services;
