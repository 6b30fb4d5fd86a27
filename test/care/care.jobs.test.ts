import { describe, expect, it } from 'vitest';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { routeToDealer } from '../../bot/pipeline/outbox.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import { pipelineStores, pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { slotOf } from '../../bot/scheduler/job-runner.js';
import { type DbJobRun, jobServicesOn, runJobOn } from '../helpers/jobs.js';
import { scoreMonth, tierApplyJob } from '../../bot/scheduler/jobs/dealer-score.job.js';
import { sendPushes } from '../../bot/scheduler/jobs/pushes.js';
import { dailyJob, successCaseJob } from '../../bot/scheduler/jobs/care.jobs.js';
import { isQuietTime, isSendableMinute } from '../../core/care/quiet-hours.js';
import { DealerScoreRepository } from '../../db/repositories/dealers.repository.js';
import { CARE_NOW, useCareFixture } from '../helpers/care-fixture.js';

const fx = useCareFixture();
const log = { info: () => {}, warn: () => {} };
const ctx = (now = CARE_NOW): DbJobRun => ({ now, log });
const outbox = () =>
  fx.h.db
    .selectFrom('outbox')
    .select(['id', 'recipient', 'route', 'kind', 'body', 'status', 'dedupe_key', 'next_attempt_at'])
    .orderBy('id')
    .execute();

describe('daily care jobs on the hand-built fixture', () => {
  it('two scheduler instances on the same slot: one runs, the other skips', async () => {
    const slot = slotOf(CARE_NOW);
    const [a, b] = await Promise.all([
      runJobOn(fx.h.db, dailyJob, slot, 'instance-a', ctx()),
      runJobOn(fx.h.db, dailyJob, slot, 'instance-b', ctx()),
    ]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    const ran = (a.ran ? a : b) as { result: Record<string, number> };
    expect(ran.result).toMatchObject({
      'care.birthday.birthdays': 2,
      'care.anniversary.anniversaries': 2,
      'care.anniversary.bonusNotices': 2,
      'care.replenishment.dealersLow': 1,
      'care.anomalies.opened': 4,
      'care.anomalies.closed': 0,
      'care.anomalies.queued': 4,
      'care.silent.silent': 1,
    });
    const runs = await fx.h.db.selectFrom('job_runs').selectAll().where('job', '=', 'daily').execute();
    expect(runs).toHaveLength(1);
  });

  it('sends each message with the right words, once', async () => {
    const rows = await outbox();
    const of = (kind: string) => rows.filter((r) => r.kind === kind);
    expect(of('care.birthday').map((r) => r.recipient)).toEqual(['D0001', 'D0003']);
    expect(of('care.birthday')[0]!.body).toContain('王强，生日快乐');
    expect(of('care.anniversary').map((r) => r.recipient)).toEqual(['D0002', 'D0006']);
    expect(of('care.anniversary')[0]!.body).toContain('合作6周年');
    expect(of('care.anniversary')[0]!.body).not.toContain('返利');
    // The 3rd anniversary today: greeting and bonus in one message.
    expect(of('care.anniversary')[1]!.body).toContain('合作3周年');
    expect(of('care.anniversary')[1]!.body).toContain('额外享受3%返利。本月至今计入订货¥12,000，已可得额外返利¥360');
    const bonus = of('care.anniversary.bonus');
    expect(bonus.map((r) => r.recipient)).toEqual(['D0005']);
    // 10 × ¥1,200 of windows this month (accessories excluded) → 3% = ¥360.
    expect(bonus[0]!.body).toContain('本月至今计入订货¥12,000，已可得额外返利¥360');
    const restock = of('care.replenishment');
    expect(restock.map((r) => r.recipient)).toEqual(['D0001']);
    expect(restock[0]!.body).toContain('库存20套，约够卖10天（到货需14天），建议补60套');
    const anomaly = of('anomaly.opened');
    expect(anomaly.map((r) => r.recipient)).toEqual(['D0002', 'D0003']);
    expect(anomaly[0]!.body).toContain('约够卖300天');
    expect(anomaly[0]!.body).toContain('¥8,000');
    const toManagers = of('anomaly.opened.manager');
    expect(toManagers.map((r) => r.recipient)).toEqual(['M001', 'M002']);
    expect(toManagers[1]!.body).toContain('近4周卖出10件，前4周40件（-75%）');
    const silent = of('care.silent');
    expect(silent.map((r) => r.recipient)).toEqual(['M002']);
    expect(silent[0]!.body).toContain('阜宁老街建材（D0004）已120天未订货');
    for (const r of rows) {
      expect(isQuietTime(r.next_attempt_at)).toBe(false);
      expect(isSendableMinute(r.next_attempt_at)).toBe(true);
    }
  });

  it('a re-run sends nothing twice', async () => {
    const before = (await outbox()).length;
    const again = await runJobOn(fx.h.db, dailyJob, 'manual-rerun', 'cli', ctx());
    expect(again.ran).toBe(true);
    const r = (again as { result: Record<string, number> }).result;
    expect(Object.entries(r).filter(([k, v]) => k.endsWith('.queued') && v !== 0)).toEqual([]);
    expect(r['care.replenishment.recentlyAdvised']).toBe(1);
    expect((await outbox()).length).toBe(before);
    // Two days later the replenishment advice is still held back (at most once per 3 days); three days later it goes.
    const in2 = await runJobOn(fx.h.db, dailyJob, 'plus-2', 'cli', ctx(new Date(CARE_NOW.getTime() + 2 * 86_400_000)));
    expect((in2 as { result: Record<string, number> }).result['care.replenishment.queued']).toBe(0);
    const in3 = await runJobOn(fx.h.db, dailyJob, 'plus-3', 'cli', ctx(new Date(CARE_NOW.getTime() + 3 * 86_400_000)));
    expect((in3 as { result: Record<string, number> }).result['care.replenishment.queued']).toBe(1);
  });

  it('routes each push: WeCom app for members, KF inside the window, a manager follow-up outside it', async () => {
    const dispatcher = new OutboxDispatcher(pipelineUnitOfWork(fx.h.db), new PipelineBus(), {
      kv: fx.kv,
      transports: null,
      kf: null,
      maxAttempts: 3,
      texts: pipelineReplies,
      batchSize: 100,
      now: () => new Date(CARE_NOW.getTime() + 2 * 3600_000),
    });
    for (let n = await dispatcher.runOnce(); n > 0; n = await dispatcher.runOnce()) {}
    const rows = await outbox();
    const first = (recipient: string, kind: string) => rows.find((r) => r.recipient === recipient && r.kind === kind)!;
    expect(first('D0001', 'care.birthday')).toMatchObject({ route: 'wecom_app', status: 'sent' });
    expect(first('D0002', 'care.anniversary')).toMatchObject({ route: 'kf', status: 'sent' });
    expect(first('D0003', 'care.birthday')).toMatchObject({ route: 'kf', status: 'followup' });
    expect(first('D0005', 'care.anniversary.bonus')).toMatchObject({ route: 'sandbox', status: 'sent' });
    expect(first('M001', 'anomaly.opened.manager')).toMatchObject({ route: 'wecom_appchat', status: 'sent' });
    expect(first('M002', 'care.silent')).toMatchObject({ route: 'sandbox', status: 'sent' });
    const handed = rows.filter((r) => r.kind === 'followup' && r.recipient === 'M002');
    expect(handed.some((r) => r.body.includes('孙丽，生日快乐'))).toBe(true);
    const followups = await fx.h.db.selectFrom('followups').select(['manager_code', 'dealer_code']).execute();
    expect(followups.every((f) => f.manager_code === 'M002' && f.dealer_code === 'D0003')).toBe(true);
  });

  it('routes in bulk exactly as routeToDealer does', async () => {
    for (const code of ['D0001', 'D0002', 'D0003', 'D0005']) {
      await fx.h.db.transaction().execute(async (trx) => {
        await sendPushes(pipelineStores(trx), [
          { to: 'dealer', code, body: 'x', kind: 'test', dedupeKey: `route-check:${code}` },
        ]);
        const row = await trx
          .selectFrom('outbox')
          .select(['route', 'address'])
          .where('dedupe_key', '=', `route-check:${code}`)
          .executeTakeFirstOrThrow();
        expect(row).toEqual(await routeToDealer(pipelineStores(trx).recipients, code));
      });
    }
  });

  it('weekly success case: the best match, never the same case twice', async () => {
    const monday = new Date('2026-11-23T10:10:00+08:00');
    const first = await runJobOn(fx.h.db, successCaseJob, 'w1', 'a', ctx(monday));
    expect((first as { result: Record<string, number> }).result.queued).toBeGreaterThan(0);
    const sentTo = async (code: string) =>
      (await outbox()).filter((r) => r.kind === 'care.success_case' && r.recipient === code).map((r) => r.dedupe_key);
    expect(await sentTo('D0002')).toEqual([expect.stringMatching(/^care\.case:D0002:2026-11-23:/)]);
    const sameWeek = await runJobOn(fx.h.db, successCaseJob, 'w1-again', 'a', ctx(monday));
    expect((sameWeek as { result: Record<string, number> }).result.queued).toBe(0);
    // Week 2: the case already sent is skipped; the dealer gets the next best (same tier), not the same one again.
    const added = await fx.h.db
      .insertInto('success_cases')
      .values({ title: '县城门店的社群团购', body: '某经销商用社群团购带动到店。', tags: [], tier: 'regular' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await runJobOn(fx.h.db, successCaseJob, 'w2', 'a', ctx(new Date(monday.getTime() + 7 * 86_400_000)));
    const keys = await sentTo('D0002');
    expect(keys.map((k) => k.split(':').slice(2).join(':'))).toEqual(['2026-11-23:2', `2026-11-30:${added.id}`]);
  });
});

describe('monthly scoring on the fixture', () => {
  it('computes metrics set-based, writes dealer_scores, re-tiers and tells the changed dealers once', async () => {
    const metrics = await new DealerScoreRepository(fx.h.db).metrics(new Date('2026-11-01T00:00:00+08:00'));
    const d1 = metrics.find((m) => m.dealerCode === 'D0001')!;
    expect(d1).toMatchObject({
      marketLevel: '二线',
      amount12Fen: 132_000_000,
      windowDoorFen: 132_000_000,
      windowDoorOnHand: 20,
    });
    expect(metrics.find((m) => m.dealerCode === 'D0004')!.lastOrderDate).toBe('2026-07-29');

    const sixTen = new Date('2026-12-01T06:10:00+08:00');
    const r = await scoreMonth(jobServicesOn(fx.h.db), '2026-11', sixTen);
    expect(r).toMatchObject({ scored: 6, silent: 1 });
    const scores = await fx.h.db
      .selectFrom('dealer_scores')
      .selectAll()
      .where('month', '=', '2026-11-01')
      .orderBy('dealer_code')
      .execute();
    expect(scores).toHaveLength(6);
    const d4 = scores.find((s) => s.dealer_code === 'D0004')!;
    expect(d4).toMatchObject({ tier_before: 'regular', tier_after: 'silent' });
    expect(d4.reasons[0]).toMatch(/^已连续\d+天未订货/);
    const dealers = await fx.h.db
      .selectFrom('dealers')
      .select(['code', 'tier', 'tags', 'tier_pending', 'tier_pending_at'])
      .orderBy('code')
      .execute();
    // The new tier (and its prices) waits for its notice: at 06:10 D0004 is still 'regular', 'silent' is pending.
    const d4row = dealers.find((d) => d.code === 'D0004')!;
    expect(d4row).toMatchObject({ tier: 'regular', tier_pending: 'silent' });
    expect(dealers.find((d) => d.code === 'D0001')!.tags).toContain('门窗专长');

    const changed = scores.filter((s) => s.tier_before !== s.tier_after);
    const tierMsgs = (await outbox()).filter((o) => o.kind === 'dealers.tier_change');
    expect(tierMsgs.map((o) => o.recipient).sort()).toEqual(changed.map((s) => s.dealer_code).sort());
    // Scored at 06:10: dealer messages wait for the end of quiet hours.
    for (const m of tierMsgs)
      expect(m.next_attempt_at.getTime()).toBeGreaterThanOrEqual(new Date('2026-12-01T08:31:00+08:00').getTime());
    expect(tierMsgs.find((o) => o.recipient === 'D0004')!.body).toContain('调整为「沉默」');
    // …and starts exactly when the notice may go out, not hours earlier.
    const notice = tierMsgs.find((o) => o.recipient === 'D0004')!;
    expect(d4row.tier_pending_at!.getTime()).toBe(notice.next_attempt_at.getTime());
    const tierOf = async (code: string) =>
      (await fx.h.db.selectFrom('dealers').select('tier').where('code', '=', code).executeTakeFirstOrThrow()).tier;
    await runJobOn(fx.h.db, tierApplyJob, 'apply-early', 'a', ctx(new Date('2026-12-01T08:25:00+08:00')));
    expect(await tierOf('D0004')).toBe('regular');
    await runJobOn(fx.h.db, tierApplyJob, 'apply-due', 'a', ctx(new Date(notice.next_attempt_at.getTime() + 60_000)));
    expect(await tierOf('D0004')).toBe('silent');
    expect((await outbox()).filter((o) => o.kind === 'dealers.tier_summary').map((o) => o.recipient)).toEqual([
      'M001',
      'M002',
    ]);

    const again = await scoreMonth(jobServicesOn(fx.h.db), '2026-11', sixTen);
    expect(again.queued).toBe(0);
    const d4again = await fx.h.db
      .selectFrom('dealer_scores')
      .selectAll()
      .where('dealer_code', '=', 'D0004')
      .executeTakeFirstOrThrow();
    expect(d4again.tier_before).toBe('regular');
  });

  it('re-scoring an old month writes its scores but leaves current tiers alone and tells nobody', async () => {
    const dealersNow = () =>
      fx.h.db.selectFrom('dealers').select(['code', 'tier', 'tags', 'tier_reasons']).orderBy('code').execute();
    const before = await dealersNow();
    const outboxBefore = (await outbox()).length;
    const r = await scoreMonth(jobServicesOn(fx.h.db), '2026-03', new Date('2026-12-02T10:00:00+08:00'));
    expect(r).toMatchObject({ historical: 1, tiersUpdated: 0, scored: 6, queued: 0 });
    const march = await fx.h.db
      .selectFrom('dealer_scores')
      .selectAll()
      .where('month', '=', '2026-03-01')
      .orderBy('dealer_code')
      .execute();
    expect(march).toHaveLength(6);
    // In March D0002 had not ordered yet (silent then); today it is 'regular' and must stay so, untold.
    expect(march.find((s) => s.dealer_code === 'D0002')).toMatchObject({
      tier_before: 'regular',
      tier_after: 'silent',
    });
    expect(before.find((d) => d.code === 'D0002')!.tier).toBe('regular');
    expect(await dealersNow()).toEqual(before);
    expect((await outbox()).length).toBe(outboxBefore);

    // A month scored later than that, the latest again, still re-tiers (and a re-run still sends nothing twice).
    const latest = await scoreMonth(jobServicesOn(fx.h.db), '2026-11', new Date('2026-12-01T06:10:00+08:00'));
    expect(latest).toMatchObject({ historical: 0, tiersUpdated: 1, queued: 0 });
  });

  it("an old month first scored after a later one takes its 'before' from the month before it", async () => {
    await scoreMonth(jobServicesOn(fx.h.db), '2026-02', new Date('2026-12-02T10:00:00+08:00'));
    await scoreMonth(jobServicesOn(fx.h.db), '2026-04', new Date('2026-12-02T10:00:00+08:00'));
    const rows = await fx.h.db
      .selectFrom('dealer_scores')
      .select(['dealer_code', 'month', 'tier_before', 'tier_after'])
      .where('month', 'in', ['2026-03-01', '2026-04-01'])
      .orderBy('dealer_code')
      .execute();
    for (const apr of rows.filter((x) => x.month === '2026-04-01')) {
      const mar = rows.find((x) => x.month === '2026-03-01' && x.dealer_code === apr.dealer_code)!;
      expect(apr.tier_before).toBe(mar.tier_after);
    }
  });
});
