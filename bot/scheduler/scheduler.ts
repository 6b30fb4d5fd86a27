import { randomUUID } from 'node:crypto';
import { type CronExpression, CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import { BUSINESS_TIME_ZONE, shanghaiDate } from '../../core/common/time.js';
import type { JobRunStore } from '../../core/scheduling/ports.js';
import { type JobRunOutcome, runJobInSlot, slotOf } from './job-runner.js';
import type { JobContext, JobDefinition } from './job.types.js';

/** How often a running scheduler looks for today's missed or failed slots (restart catch-up runs at start too). */
export const DEFAULT_CATCH_UP_EVERY_MS = 10 * 60_000;

/**
 * Today's firing of a job whose cron names one minute and hour (daily, or weekly/monthly on a fixed day), once that
 * moment has passed; null for interval crons (`*\/5 * * * *`), days the cron does not fire, and firings still ahead.
 * The previous firing comes from cron-parser in Asia/Shanghai.
 */
export function todaysFiring(cronExpr: string, now: Date): Date | null {
  let expr: CronExpression;
  try {
    // 1 ms on: a firing exactly at `now` counts as passed.
    expr = CronExpressionParser.parse(cronExpr, { currentDate: new Date(now.getTime() + 1), tz: BUSINESS_TIME_ZONE });
  } catch {
    return null;
  }
  if (expr.fields.minute.values.length !== 1 || expr.fields.hour.values.length !== 1) return null;
  const at = expr.prev().toDate();
  return shanghaiDate(at) === shanghaiDate(now) ? at : null;
}

export interface SchedulerOptions {
  /** The clock (tests). */
  now?: () => Date;
  /** How often to retry today's missed or failed slots; 0 = only at start. */
  catchUpEveryMs?: number;
}

/**
 * node-cron in Asia/Shanghai; each firing claims its slot in job_runs, so one instance runs it. At start and then
 * every few minutes it also claims today's slot of each fixed-time job whose moment has passed (a restart at 09:30
 * still sends 09:10's pushes; a failed or crashed run is retried) — the same slot key, so still one run per slot.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private catchingUp: Promise<unknown> | null = null;
  readonly instance = randomUUID().slice(0, 8);

  constructor(
    private readonly runs: JobRunStore,
    private readonly jobs: JobDefinition[],
    private readonly ctx: Omit<JobContext, 'now' | 'sendFrom'>,
    private readonly opts: SchedulerOptions = {},
  ) {}

  private track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return tracked;
  }

  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(
        job.cron,
        () => {
          const now = new Date();
          // The claim or the failure record can reject (the database gone): log it, the catch-up retries the slot.
          void this.track(
            runJobInSlot(this.runs, job, slotOf(now), this.instance, { ...this.ctx, now }).catch((e: Error) =>
              this.ctx.log.warn({ job: job.name, err: e.message }, 'scheduled run could not start or be recorded'),
            ),
          );
        },
        { timezone: BUSINESS_TIME_ZONE, name: job.name, noOverlap: true },
      );
      this.tasks.push(task);
    }
    const sweep = () => {
      if (this.catchingUp) return;
      this.catchingUp = this.track(
        this.catchUp().catch((e) => this.ctx.log.warn({ err: (e as Error).message }, 'scheduler catch-up failed')),
      ).finally(() => {
        this.catchingUp = null;
      });
    };
    sweep();
    const every = this.opts.catchUpEveryMs ?? DEFAULT_CATCH_UP_EVERY_MS;
    if (every > 0) {
      this.timer = setInterval(sweep, every);
      this.timer.unref();
    }
  }

  /**
   * Claims and runs, one after another, today's slot of every fixed-time job whose moment has passed and whose slot
   * is not done (new, failed, or stale 'running'); a done or freshly running slot is skipped by the claim itself.
   */
  async catchUp(): Promise<Array<{ job: string; slot: string; outcome: JobRunOutcome }>> {
    const now = this.opts.now?.() ?? new Date();
    const out: Array<{ job: string; slot: string; outcome: JobRunOutcome }> = [];
    for (const job of this.jobs) {
      const at = todaysFiring(job.cron, now);
      if (!at) continue;
      const slot = slotOf(at);
      // The run stands for its scheduled moment (business date, windows); its pushes go from now, quiet hours apply.
      const outcome = await runJobInSlot(this.runs, job, slot, this.instance, { ...this.ctx, now: at, sendFrom: now });
      if (outcome.ran) this.ctx.log.info({ job: job.name, slot }, 'scheduler caught up a missed or failed slot');
      out.push({ job: job.name, slot, outcome });
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.tasks) await t.stop();
    await Promise.allSettled([...this.running]);
  }
}
