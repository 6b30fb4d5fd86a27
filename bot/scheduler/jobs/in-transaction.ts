import { jobServices, type JobServices } from '../job.services.js';
import type { JobContext } from '../job.types.js';

/** Runs `fn` with the job services bound to one transaction: its reads, outbox rows and delivery records commit together. */
export function inTransaction<T>(
  ctx: Pick<JobContext, 'db' | 'services' | 'notifier' | 'settings'>,
  fn: (s: JobServices) => Promise<T>,
): Promise<T> {
  const services = ctx.services ?? jobServices;
  return ctx.db.transaction().execute((trx) => fn(services(trx, ctx)));
}
