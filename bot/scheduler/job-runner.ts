import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { JobContext, JobDefinition } from './job.types.js';

export type JobRunOutcome =
  | { ran: true; result: Record<string, number>; ms: number }
  | { ran: false; reason: 'slot taken' }
  | { ran: true; error: string; ms: number };

/**
 * Runs a job for one slot at most once across every instance: the first to insert (job, slot) into job_runs
 * runs it, the others skip. The pushes it writes carry their own dedupe keys, so even a re-run sends nothing twice.
 */
export async function runJobInSlot(
  db: Kysely<Database>,
  job: JobDefinition,
  slot: string,
  instance: string,
  ctx: Omit<JobContext, 'db'>,
): Promise<JobRunOutcome> {
  const claimed = await db
    .insertInto('job_runs')
    .values({ job: job.name, slot, instance })
    .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
    .returning('job')
    .executeTakeFirst();
  if (!claimed) return { ran: false, reason: 'slot taken' };
  const started = Date.now();
  try {
    const result = await job.run({ ...ctx, db });
    await db
      .updateTable('job_runs')
      .set({ status: 'done', finished_at: new Date(), result: JSON.stringify(result) })
      .where('job', '=', job.name)
      .where('slot', '=', slot)
      .execute();
    return { ran: true, result, ms: Date.now() - started };
  } catch (e) {
    const error = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500);
    await db
      .updateTable('job_runs')
      .set({ status: 'failed', finished_at: new Date(), result: JSON.stringify({ error }) })
      .where('job', '=', job.name)
      .where('slot', '=', slot)
      .execute();
    ctx.log.warn({ job: job.name, slot, error }, 'job failed');
    return { ran: true, error, ms: Date.now() - started };
  }
}

/** The slot of a scheduled firing: its minute in Asia/Shanghai, so every instance names it the same. */
export function slotOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
}
