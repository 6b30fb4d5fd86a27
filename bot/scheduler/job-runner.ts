import { shanghaiMinute } from '../../core/common/time.js';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { JobContext, JobDefinition } from './job.types.js';

export type JobRunOutcome =
  | { ran: true; result: Record<string, number>; ms: number }
  | { ran: false; reason: 'slot taken' }
  | { ran: true; error: string; ms: number };

/** A 'running' slot older than this is taken to be a crashed run and may be claimed again. */
export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;
/** Claims of one slot (first run + retries) before a failing slot is left failed. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Claims (job, slot) in one atomic statement: a new slot, or one whose run failed, or one still 'running' after the
 * job's stale threshold (its instance crashed). A done slot, a fresh running one, or one out of attempts is not
 * claimed. `result.attempts` counts the claims.
 */
async function claimSlot(db: Kysely<Database>, job: JobDefinition, slot: string, instance: string): Promise<boolean> {
  const staleSeconds = (job.staleAfterMs ?? DEFAULT_STALE_AFTER_MS) / 1000;
  const maxAttempts = job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const { rows } = await sql<{ job: string }>`
    insert into job_runs (job, slot, instance, result) values (${job.name}, ${slot}, ${instance}, '{"attempts":1}'::jsonb)
    on conflict (job, slot) do update
      set instance = excluded.instance, started_at = now(), finished_at = null, status = 'running',
        result = jsonb_build_object('attempts', coalesce((job_runs.result->>'attempts')::int, 1) + 1,
          'lastError', job_runs.result->'error')
      where coalesce((job_runs.result->>'attempts')::int, 1) < ${maxAttempts}
        and (job_runs.status = 'failed'
          or (job_runs.status = 'running' and job_runs.started_at < now() - make_interval(secs => ${staleSeconds})))
    returning job`.execute(db);
  return rows.length > 0;
}

/**
 * Runs a job for one slot at most once across every instance: whoever claims (job, slot) in job_runs runs it, the
 * others skip. A failed run, or one left 'running' by a crash, may be claimed again (the scheduler's catch-up does):
 * the pushes a job writes carry their own dedupe keys, so a retry sends nothing twice.
 */
export async function runJobInSlot(
  db: Kysely<Database>,
  job: JobDefinition,
  slot: string,
  instance: string,
  ctx: Omit<JobContext, 'db'>,
): Promise<JobRunOutcome> {
  if (!(await claimSlot(db, job, slot, instance))) return { ran: false, reason: 'slot taken' };
  // Only the claimer's own row: a run that outlived the stale threshold must not overwrite its successor's record.
  const mine = () =>
    db
      .updateTable('job_runs')
      .where('job', '=', job.name)
      .where('slot', '=', slot)
      .where('instance', '=', instance)
      .where('status', '=', 'running');
  const started = Date.now();
  try {
    const result = await job.run({ ...ctx, db });
    await mine()
      .set({ status: 'done', finished_at: new Date(), result: JSON.stringify(result) })
      .execute();
    return { ran: true, result, ms: Date.now() - started };
  } catch (e) {
    const error = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500);
    await mine()
      .set({
        status: 'failed',
        finished_at: new Date(),
        result: sql`coalesce(result, '{}'::jsonb) || jsonb_build_object('error', ${error}::text)`,
      })
      .execute();
    ctx.log.warn({ job: job.name, slot, error }, 'job failed');
    return { ran: true, error, ms: Date.now() - started };
  }
}

/** The slot of a scheduled firing: its minute in Asia/Shanghai, so every instance names it the same. */
export function slotOf(at: Date): string {
  return shanghaiMinute(at);
}
