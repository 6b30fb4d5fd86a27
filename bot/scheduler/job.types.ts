import type { AnomalyService } from '../../core/care/anomaly.service.js';
import type { CareService } from '../../core/care/care.service.js';
import type { CampaignService } from '../../core/campaigns/campaign.service.js';
import type { CadenceService } from '../../core/contacts/cadence.service.js';
import type { RetieringService } from '../../core/dealers/retiering.service.js';
import type { NeedPredictionService } from '../../core/insights/need-prediction.service.js';
import type { TrendInsightService } from '../../core/insights/trend-insights.service.js';
import type { UnitOfWork } from '../../core/messaging/ports.js';
import type { NeedsService } from '../../core/needs/needs.service.js';
import type { OutboxRetentionStore } from '../../core/scheduling/ports.js';
import type { HonoursService } from '../../core/honours/honours.service.js';
import type { TrainingReminders } from '../../core/training/training.service.js';

/** The core services scheduled jobs call, bound to one transaction (built by the composition root). */
export interface JobServices {
  care: CareService;
  /** The anomaly lifecycle (care.anomalies runs it for every dealer). */
  anomalies: AnomalyService;
  retiering: RetieringService;
  outboxRetention: OutboxRetentionStore;
  needs: NeedsService;
  trendInsights: TrendInsightService;
  needPredictions: NeedPredictionService;
  /** The day-before training reminders. */
  trainingReminders: TrainingReminders;
  /** Honours of each finished quarter and year. */
  honours: HonoursService;
  /** Campaign invitations and results. */
  campaigns: CampaignService;
  /** The managers' weekly contact plan and overdue reminders. */
  cadence: CadenceService;
}

export interface JobContext {
  /**
   * The job services: `transaction(work)` binds them to one transaction, so a run's reads, outbox rows and delivery
   * records commit together.
   */
  services: UnitOfWork<JobServices>;
  /** The business instant the run is for (the slot time, or --date for a manual run). */
  now: Date;
  /**
   * The earliest moment its pushes may go, when later than `now` (a late run: a restart's catch-up at 22:00 for the
   * 09:10 slot must still respect quiet hours). Defaults to `now`.
   */
  sendFrom?: Date;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Deployment settings jobs need (from config); defaults apply when absent (CLI what-ifs, tests). */
  settings?: { outboxRetentionDays?: number };
}

/** A scheduled job: a plain service call, also runnable from the CLI (`npm run cli -- jobs run NAME`). */
export interface JobDefinition {
  name: string;
  /** node-cron expression, evaluated in Asia/Shanghai. */
  cron: string;
  description: string;
  /** A slot still 'running' after this long counts as crashed and may be re-claimed (default 30 min). */
  staleAfterMs?: number;
  /** Claims of one slot, first run included, before a failing slot is given up (default 3). */
  maxAttempts?: number;
  /** Returns counts for the run's record and the CLI (e.g. { sent: 12, skipped: 3 }). */
  run(ctx: JobContext): Promise<Record<string, number>>;
}
