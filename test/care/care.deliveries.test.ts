import { describe, expect, it } from 'vitest';
import { birthdayJob, dailyJob, successCaseJob } from '../../bot/scheduler/jobs/care.jobs.js';
import { outboxPruneJob } from '../../bot/scheduler/jobs/outbox-prune.job.js';
import { backfillDeliveries } from '../../db/migrations/0004_care_deliveries.js';
import { CARE_NOW, useCareFixture } from '../helpers/care-fixture.js';
import { type DbJobRun, jobContext, runJobOn } from '../helpers/jobs.js';

const log = { info: () => {}, warn: () => {} };
const DAY = 86_400_000;

describe('the outbox is a delivery queue: pruning it sends nothing twice', () => {
  const fx = useCareFixture();
  const ctx = (now = CARE_NOW, extra: Partial<DbJobRun> = {}): DbJobRun => ({ now, log, ...extra });
  const outboxCount = async () =>
    Number(
      (
        await fx.h.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('records every push of the daily run in care_deliveries, in the same transaction as its outbox row', async () => {
    await runJobOn(fx.h.db, dailyJob, 'd0', 'a', ctx());
    const outbox = await fx.h.db.selectFrom('outbox').select(['kind', 'recipient', 'dedupe_key']).execute();
    const deliveries = await fx.h.db.selectFrom('care_deliveries').selectAll().execute();
    expect(outbox.length).toBeGreaterThan(0);
    expect(deliveries).toHaveLength(outbox.length);
    expect(deliveries).toContainEqual(
      expect.objectContaining({ kind: 'care.birthday', subject: 'D0001', key: '2026-11-26' }),
    );
  });

  it('prunes sent and dead rows older than the retention, keeps the rest', async () => {
    await fx.h.db.updateTable('outbox').set({ status: 'sent', sent_at: CARE_NOW }).execute();
    await fx.h.db.updateTable('outbox').set({ status: 'pending' }).where('kind', '=', 'care.silent').execute();
    const before = await outboxCount();
    // 120 days later at the default retention: nothing is old enough yet.
    const early = await runJobOn(fx.h.db, outboxPruneJob, 'p1', 'a', ctx(new Date(CARE_NOW.getTime() + 100 * DAY)));
    expect((early as { result: Record<string, number> }).result).toEqual({ pruned: 0, retentionDays: 120 });
    const later = new Date(CARE_NOW.getTime() + 200 * DAY);
    const r = await runJobOn(fx.h.db, outboxPruneJob, 'p2', 'a', ctx(later, { settings: { outboxRetentionDays: 91 } }));
    const pending = await fx.h.db.selectFrom('outbox').select('kind').execute();
    expect(pending.map((x) => x.kind)).toEqual(['care.silent']);
    expect((r as { result: Record<string, number> }).result).toEqual({ pruned: before - 1, retentionDays: 91 });
  });

  it('re-running the daily jobs and the weekly case after the prune sends nothing twice', async () => {
    const again = await runJobOn(fx.h.db, dailyJob, 'd0-again', 'a', ctx());
    const r = (again as { result: Record<string, number> }).result;
    expect(Object.entries(r).filter(([k, v]) => k.endsWith('.queued') && v !== 0)).toEqual([]);
    expect(r['care.birthday.birthdays']).toBe(2);
    expect(await outboxCount()).toBe(1);
    // The weekly case: sent once, then the outbox is emptied; the next week's run still skips the case sent.
    const monday = new Date('2026-11-23T10:10:00+08:00');
    await runJobOn(fx.h.db, successCaseJob, 'w1', 'a', ctx(monday));
    await fx.h.db.deleteFrom('outbox').execute();
    await runJobOn(fx.h.db, successCaseJob, 'w1-again', 'a', ctx(monday));
    expect(await outboxCount()).toBe(0);
    const w2 = await runJobOn(fx.h.db, successCaseJob, 'w2', 'a', ctx(new Date(monday.getTime() + 7 * DAY)));
    expect((w2 as { result: Record<string, number> }).result).toMatchObject({ queued: 0 });
    const keys = await fx.h.db
      .selectFrom('care_deliveries')
      .select(['subject', 'key'])
      .where('kind', '=', 'care.success_case')
      .orderBy('subject')
      .execute();
    // Each dealer got the one case that matches it, and nothing else matches: never the same case twice.
    expect(new Set(keys.map((k) => k.subject)).size).toBe(keys.length);
  });
});

describe('migration 0004 backfills the delivery log from the outbox', () => {
  const fx = useCareFixture();

  it('an upgraded database resends nothing the old outbox keys recorded', async () => {
    // What the outbox held before 0004: today's birthday greeting to D0001 (split in two), a case, an anomaly.
    const row = (dedupe_key: string, kind: string, recipient: string) => ({
      dedupe_key,
      kind,
      recipient,
      address: recipient,
      route: 'sandbox' as const,
      body: 'x',
      created_at: new Date(CARE_NOW.getTime() - 3600_000),
    });
    await fx.h.db
      .insertInto('outbox')
      .values([
        row('care.birthday:D0001:2026-11-26', 'care.birthday', 'D0001'),
        row('care.birthday:D0001:2026-11-26#2', 'care.birthday', 'D0001'),
        row('care.case:D0002:2026-11-16:2', 'care.success_case', 'D0002'),
        row('care.anomaly:D0002:2026-11-25:0a1b2c3d', 'care.anomaly', 'D0002'),
        row('reply:17', 'reply', 'D0002'),
      ])
      .execute();
    await backfillDeliveries(fx.h.db);
    const recorded = await fx.h.db
      .selectFrom('care_deliveries')
      .select(['kind', 'subject', 'key'])
      .orderBy('kind')
      .execute();
    expect(recorded).toEqual([
      { kind: 'care.anomaly', subject: 'D0002', key: '2026-11-25:0a1b2c3d' },
      { kind: 'care.birthday', subject: 'D0001', key: '2026-11-26' },
      { kind: 'care.success_case', subject: 'D0002', key: '2026-11-16:2' },
    ]);
    // The old rows are pruned; the birthday job then greets D0003 only, never D0001 again.
    await fx.h.db.deleteFrom('outbox').execute();
    const r = await birthdayJob.run(jobContext(fx.h.db, { now: CARE_NOW, log }));
    expect(r).toEqual({ birthdays: 2, vouchers: 1, queued: 1 });
    const sent = await fx.h.db.selectFrom('outbox').select('recipient').execute();
    expect(sent.map((s) => s.recipient)).toEqual(['D0003']);
  });
});
