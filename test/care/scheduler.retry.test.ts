import { describe, expect, it } from 'vitest';
import { jobRuns } from '../../bot/composition.js';
import type { JobDefinition } from '../../bot/scheduler/job.types.js';
import { type DbJobRun, jobServicesOn, runJobOn } from '../helpers/jobs.js';
import { anomalyJob, dailyJob } from '../../bot/scheduler/jobs/care.jobs.js';
import { Scheduler, todaysFiring } from '../../bot/scheduler/scheduler.js';
import { isQuietTime } from '../../core/care/quiet-hours.js';
import { CARE_NOW, useCareFixture } from '../helpers/care-fixture.js';

const fx = useCareFixture();
const log = { info: () => {}, warn: () => {} };
const ctx = (now = CARE_NOW): DbJobRun => ({ now, log });
const sh = (s: string) => new Date(`${s}+08:00`);

/** A job that fails its first `failures` runs, then counts its successful runs. */
function flaky(name: string, failures: number, extra: Partial<JobDefinition> = {}) {
  const calls = { runs: 0 };
  const job: JobDefinition = {
    name,
    cron: '10 9 * * *',
    description: name,
    ...extra,
    async run() {
      calls.runs++;
      if (calls.runs <= failures) throw new Error(`boom ${calls.runs}`);
      return { ok: calls.runs };
    },
  };
  return { job, calls };
}
const row = (job: string, slot: string) =>
  fx.h.db.selectFrom('job_runs').selectAll().where('job', '=', job).where('slot', '=', slot).executeTakeFirstOrThrow();
const ageRun = (job: string, slot: string, minutes: number) =>
  fx.h.db
    .updateTable('job_runs')
    .set({ started_at: new Date(Date.now() - minutes * 60_000) })
    .where('job', '=', job)
    .where('slot', '=', slot)
    .execute();

describe('job slots: a failed or crashed run is retried, a live or finished one is not', () => {
  it('a failed slot is re-run by the next claim, then stays done', async () => {
    const { job, calls } = flaky('t.failed', 1);
    const first = await runJobOn(fx.h.db, job, 's1', 'a', ctx());
    expect(first).toMatchObject({ ran: true, error: 'Error: boom 1' });
    expect(await row(job.name, 's1')).toMatchObject({ status: 'failed' });
    const retry = await runJobOn(fx.h.db, job, 's1', 'b', ctx());
    expect(retry).toMatchObject({ ran: true, result: { ok: 2 } });
    expect(await row(job.name, 's1')).toMatchObject({ status: 'done', instance: 'b' });
    expect(await runJobOn(fx.h.db, job, 's1', 'c', ctx())).toEqual({ ran: false, reason: 'slot taken' });
    expect(calls.runs).toBe(2);
  });

  it('a fresh running slot is not stolen; one older than the stale threshold is', async () => {
    const { job, calls } = flaky('t.crashed', 0);
    await fx.h.db.insertInto('job_runs').values({ job: job.name, slot: 's1', instance: 'crashed' }).execute();
    expect(await runJobOn(fx.h.db, job, 's1', 'a', ctx())).toEqual({ ran: false, reason: 'slot taken' });
    await ageRun(job.name, 's1', 29);
    expect(await runJobOn(fx.h.db, job, 's1', 'a', ctx())).toEqual({ ran: false, reason: 'slot taken' });
    await ageRun(job.name, 's1', 31);
    expect(await runJobOn(fx.h.db, job, 's1', 'a', ctx())).toMatchObject({ ran: true, result: { ok: 1 } });
    expect(calls.runs).toBe(1);
    // A job may set its own threshold.
    const quick = flaky('t.quick', 0, { staleAfterMs: 5 * 60_000 });
    await fx.h.db.insertInto('job_runs').values({ job: 't.quick', slot: 's1', instance: 'crashed' }).execute();
    await ageRun('t.quick', 's1', 6);
    expect(await runJobOn(fx.h.db, quick.job, 's1', 'a', ctx())).toMatchObject({ ran: true });
  });

  it('two instances on a failed slot: one retries, the other skips', async () => {
    const { job, calls } = flaky('t.race', 1);
    await runJobOn(fx.h.db, job, 's1', 'a', ctx());
    const [a, b] = await Promise.all([
      runJobOn(fx.h.db, job, 's1', 'a', ctx()),
      runJobOn(fx.h.db, job, 's1', 'b', ctx()),
    ]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect(calls.runs).toBe(2);
  });

  it('gives up a slot that keeps failing after maxAttempts claims', async () => {
    const { job, calls } = flaky('t.broken', 99, { maxAttempts: 3 });
    for (let i = 0; i < 3; i++) expect(await runJobOn(fx.h.db, job, 's1', 'a', ctx())).toMatchObject({ ran: true });
    expect(await runJobOn(fx.h.db, job, 's1', 'a', ctx())).toEqual({ ran: false, reason: 'slot taken' });
    expect(calls.runs).toBe(3);
    expect((await row(job.name, 's1')).result).toMatchObject({ attempts: 3, error: 'Error: boom 3' });
  });
});

describe('scheduler catch-up', () => {
  it("knows today's fixed-time firings once they have passed", () => {
    expect(todaysFiring('10 9 * * *', sh('2026-11-26T09:30:00'))).toEqual(sh('2026-11-26T09:10:00'));
    expect(todaysFiring('10 9 * * *', sh('2026-11-26T09:09:00'))).toBeNull();
    expect(todaysFiring('*/5 * * * *', sh('2026-11-26T09:30:00'))).toBeNull();
    // Monthly on the 1st, weekly on Monday (2026-11-23 is a Monday).
    expect(todaysFiring('10 6 1 * *', sh('2026-12-01T07:00:00'))).toEqual(sh('2026-12-01T06:10:00'));
    expect(todaysFiring('10 6 1 * *', sh('2026-12-02T07:00:00'))).toBeNull();
    expect(todaysFiring('10 10 * * 1', sh('2026-11-23T11:00:00'))).toEqual(sh('2026-11-23T10:10:00'));
    expect(todaysFiring('10 10 * * 1', sh('2026-11-24T11:00:00'))).toBeNull();
  });

  it("a restart at 09:30 still sends 09:10's pushes, once, however many instances start", async () => {
    const at0930 = () => sh('2026-11-26T09:30:00');
    const mk = () =>
      new Scheduler(jobRuns(fx.h.db), [dailyJob], { services: jobServicesOn(fx.h.db), log }, { now: at0930 });
    const [a, b] = await Promise.all([mk().catchUp(), mk().catchUp()]);
    const ran = [...a, ...b].filter((r) => r.outcome.ran);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.slot).toBe('2026-11-26T09:10');
    const birthdays = await fx.h.db
      .selectFrom('outbox')
      .select('recipient')
      .where('kind', '=', 'care.birthday')
      .execute();
    expect(birthdays.map((r) => r.recipient).sort()).toEqual(['D0001', 'D0003']);
    expect(await row('daily', '2026-11-26T09:10')).toMatchObject({ status: 'done' });
    // Done: a later sweep runs nothing.
    expect((await mk().catchUp()).filter((r) => r.outcome.ran)).toEqual([]);
  });

  it('a failed daily run is retried by the next sweep and sends nothing twice', async () => {
    let fail = true;
    const bad: JobDefinition = {
      ...anomalyJob,
      run: async (c) => {
        const r = await anomalyJob.run(c);
        if (fail) throw new Error('step failed after its pushes');
        return r;
      },
    };
    const sched = new Scheduler(
      jobRuns(fx.h.db),
      [bad],
      { services: jobServicesOn(fx.h.db), log },
      {
        now: () => sh('2026-11-27T10:00:00'),
      },
    );
    const [first] = await sched.catchUp();
    expect(first!.outcome).toMatchObject({ ran: true, error: 'Error: step failed after its pushes' });
    const count = async () => (await fx.h.db.selectFrom('outbox').select('id').execute()).length;
    const before = await count();
    fail = false;
    const [retry] = await sched.catchUp();
    expect(retry!.outcome).toMatchObject({ ran: true, result: { queued: 0 } });
    expect(await count()).toBe(before);
  });

  it('a late catch-up (22:00) keeps quiet hours: its pushes wait for the next morning', async () => {
    const sched = new Scheduler(
      jobRuns(fx.h.db),
      [anomalyJob],
      { services: jobServicesOn(fx.h.db), log },
      {
        now: () => sh('2026-11-28T22:00:00'),
      },
    );
    // A payment falls overdue on the 28th: a new anomaly, told to the dealer and the manager.
    await fx.h.db
      .insertInto('receivables')
      .values({ dealer_code: 'D0004', amount_fen: 300_000, paid_fen: 0, due_date: '2026-11-27' })
      .execute();
    const [r] = await sched.catchUp();
    expect(r!.outcome).toMatchObject({ ran: true, result: { opened: 1, queued: 2 } });
    const rows = await fx.h.db
      .selectFrom('outbox')
      .select(['next_attempt_at'])
      .where('dedupe_key', 'like', 'anomaly.opened%:D0004:%')
      .execute();
    expect(rows).toHaveLength(2);
    for (const x of rows) {
      expect(isQuietTime(x.next_attempt_at)).toBe(false);
      expect(x.next_attempt_at.getTime()).toBeGreaterThanOrEqual(sh('2026-11-29T08:31:00').getTime());
    }
  });
});
