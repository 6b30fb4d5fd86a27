import { type Kysely, sql } from 'kysely';
import type { ClaimPolicy, JobRunStore } from '../../core/scheduling/ports.js';
import type { Database } from '../schema.js';

/** JobRunStore on job_runs (primary key (job, slot)): the claim is one atomic upsert. */
export class JobRunsRepository implements JobRunStore {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(job: string, slot: string, instance: string, policy: ClaimPolicy): Promise<boolean> {
    const staleSeconds = policy.staleAfterMs / 1000;
    // `result.attempts` counts the claims; a re-claim keeps the previous error as `lastError`.
    const { rows } = await sql<{ job: string }>`
      insert into job_runs (job, slot, instance, result) values (${job}, ${slot}, ${instance}, '{"attempts":1}'::jsonb)
      on conflict (job, slot) do update
        set instance = excluded.instance, started_at = now(), finished_at = null, status = 'running',
          result = jsonb_build_object('attempts', coalesce((job_runs.result->>'attempts')::int, 1) + 1,
            'lastError', job_runs.result->'error')
        where coalesce((job_runs.result->>'attempts')::int, 1) < ${policy.maxAttempts}
          and (job_runs.status = 'failed'
            or (job_runs.status = 'running' and job_runs.started_at < now() - make_interval(secs => ${staleSeconds})))
      returning job`.execute(this.db);
    return rows.length > 0;
  }

  /** Only the claimer's own running row: a run that outlived the stale threshold must not overwrite its successor. */
  private mine(job: string, slot: string, instance: string) {
    return this.db
      .updateTable('job_runs')
      .where('job', '=', job)
      .where('slot', '=', slot)
      .where('instance', '=', instance)
      .where('status', '=', 'running');
  }

  async finish(job: string, slot: string, instance: string, result: Record<string, number>, at: Date): Promise<void> {
    await this.mine(job, slot, instance)
      .set({ status: 'done', finished_at: at, result: JSON.stringify(result) })
      .execute();
  }

  async fail(job: string, slot: string, instance: string, error: string, at: Date): Promise<void> {
    await this.mine(job, slot, instance)
      .set({
        status: 'failed',
        finished_at: at,
        result: sql`coalesce(result, '{}'::jsonb) || jsonb_build_object('error', ${error}::text)`,
      })
      .execute();
  }
}
