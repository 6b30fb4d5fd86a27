import type { Kysely } from 'kysely';
import { jobRuns, jobUnitOfWork } from '../../bot/composition.js';
import { runJobInSlot } from '../../bot/scheduler/job-runner.js';
import type { JobContext, JobDefinition } from '../../bot/scheduler/job.types.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { SlaTable } from '../../core/needs/sla.js';
import type { Database } from '../../db/schema.js';
import { dbNotifier } from './pipeline.js';

/** A job run's context on a test database, wired as the composition root wires it. */
export interface DbJobRun {
  now: Date;
  log: JobContext['log'];
  sendFrom?: Date;
  settings?: { needSla?: SlaTable; outboxRetentionDays?: number };
  /** Default: the outbox notifier of the run's transaction. */
  notifier?: (db: Kysely<Database>) => Notifier;
}

/** The job services on `db`, as the composition root builds them. */
export const jobServicesOn = (db: Kysely<Database>, run: Pick<DbJobRun, 'notifier' | 'settings'> = {}) =>
  jobUnitOfWork(db, { notifier: run.notifier ?? ((tx) => dbNotifier(tx)), settings: run.settings });

export function jobContext(db: Kysely<Database>, run: DbJobRun): JobContext {
  const { notifier: _, ...rest } = run;
  return { ...rest, services: jobServicesOn(db, run) };
}

/** runJobInSlot on a test database: its job_runs and its services. */
export function runJobOn(db: Kysely<Database>, job: JobDefinition, slot: string, instance: string, run: DbJobRun) {
  return runJobInSlot(jobRuns(db), job, slot, instance, jobContext(db, run));
}
