import type { Kysely } from 'kysely';
import type { SlaTable } from '../../core/needs/sla.js';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { Database } from '../../db/schema.js';
import type { JobServiceOptions, JobServices } from './job.services.js';

export interface JobContext {
  db: Kysely<Database>;
  kv: KeyValueStore;
  /** The business instant the run is for (the slot time, or --date for a manual run). */
  now: Date;
  /**
   * The earliest moment its pushes may go, when later than `now` (a late run: a restart's catch-up at 22:00 for the
   * 09:10 slot must still respect quiet hours). Defaults to `now`.
   */
  sendFrom?: Date;
  /** A notifier writing into the outbox of the given transaction (or of `db` outside one). */
  notifier(db: Kysely<Database>): Notifier;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Deployment settings jobs need (from config); defaults apply when absent (CLI what-ifs, tests). */
  settings?: { needSla?: SlaTable; outboxRetentionDays?: number };
  /** The core services on a transaction (the composition root may supply its own; default: job.services.ts). */
  services?: (trx: Kysely<Database>, opts: JobServiceOptions) => JobServices;
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
