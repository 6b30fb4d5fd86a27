import { shanghaiMinute } from '../../core/common/time.js';
import type { JobRunOutcome, JobRunStore } from '../../core/scheduling/ports.js';
import type { JobContext, JobDefinition } from './job.types.js';

export type { JobRunOutcome };

/** A 'running' slot older than this is taken to be a crashed run and may be claimed again. */
export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;
/** Claims of one slot (first run + retries) before a failing slot is left failed. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Runs a job for one slot at most once across every instance: whoever claims (job, slot) in job_runs runs it, the
 * others skip. A failed run, or one left 'running' by a crash, may be claimed again (the scheduler's catch-up does):
 * what a job sends is recorded in the delivery log with its outbox rows, so a retry sends nothing twice.
 */
export async function runJobInSlot(
  runs: JobRunStore,
  job: JobDefinition,
  slot: string,
  instance: string,
  ctx: JobContext,
): Promise<JobRunOutcome> {
  const claimed = await runs.claim(job.name, slot, instance, {
    staleAfterMs: job.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
  if (!claimed) return { ran: false, reason: 'slot taken' };
  const started = Date.now();
  try {
    const result = await job.run(ctx);
    await runs.finish(job.name, slot, instance, result, new Date());
    return { ran: true, result, ms: Date.now() - started };
  } catch (e) {
    const error = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500);
    await runs.fail(job.name, slot, instance, error, new Date());
    ctx.log.warn({ job: job.name, slot, error }, 'job failed');
    return { ran: true, error, ms: Date.now() - started };
  }
}

/** The slot of a scheduled firing: its minute in Asia/Shanghai, so every instance names it the same. */
export function slotOf(at: Date): string {
  return shanghaiMinute(at);
}
