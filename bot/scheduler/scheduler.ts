import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { runJobInSlot, slotOf } from './job-runner.js';
import type { JobContext, JobDefinition } from './job.types.js';

/** node-cron in Asia/Shanghai; each firing claims its slot in job_runs, so one instance runs it. */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();
  readonly instance = randomUUID().slice(0, 8);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobs: JobDefinition[],
    private readonly ctx: Omit<JobContext, 'db' | 'now'>,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(
        job.cron,
        () => {
          const now = new Date();
          const p = runJobInSlot(this.db, job, slotOf(now), this.instance, { ...this.ctx, now }).finally(() =>
            this.running.delete(p),
          );
          this.running.add(p);
        },
        { timezone: 'Asia/Shanghai', name: job.name, noOverlap: true },
      );
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    await Promise.allSettled([...this.running]);
  }
}
