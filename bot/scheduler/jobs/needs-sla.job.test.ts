import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeedsService } from '../../../core/needs/needs.service.js';
import type { DatabaseHandle } from '../../../db/connect.js';
import { NeedsRepository } from '../../../db/repositories/needs.repository.js';
import { openTestDatabase } from '../../../test/helpers/db.js';
import { insertNeedsFixture, NEEDS_FIXTURE as F } from '../../../test/helpers/needs-fixture.js';
import { TEST_NOW } from '../../../test/helpers/seed-test-data.js';
import { dbNotifier } from '../../../test/helpers/pipeline.js';
import { needNotices } from '../../replies/needs.replies.js';
import { jobContext, runJobOn } from '../../../test/helpers/jobs.js';
import { slotOf } from '../job-runner.js';
import { needsSlaJob, runNeedsSla } from './needs-sla.job.js';

const H = 3_600_000;
const log = pino({ level: 'silent' });

describe('needs SLA job (fake clock)', () => {
  let h: DatabaseHandle;
  const at = (hours: number) => new Date(TEST_NOW.getTime() + hours * H);
  const ctxAt = (now: Date) => ({ now, log });
  const submit = (dealerCode: string, hours: number) =>
    h.db.transaction().execute(async (trx) => {
      const service = new NeedsService({
        store: new NeedsRepository(trx),
        notifier: dbNotifier(trx),
        notices: needNotices,
      });
      return (await service.submit({ dealerCode, category: 'training', text: '想申请门店导购培训', now: at(hours) }))
        .need;
    });
  const sent = async (needId: number) =>
    (
      await h.db
        .selectFrom('outbox')
        .select(['recipient', 'kind', 'body'])
        .where('kind', 'in', ['need.warning', 'need.escalation'])
        .orderBy('id')
        .execute()
    ).filter((m) => m.body.includes(`N${needId}`));
  const keys = async (needId: number) =>
    (
      await h.db
        .selectFrom('need_events')
        .select('dedupe_key')
        .where('need_id', '=', needId)
        .where('dedupe_key', 'is not', null)
        .orderBy('id')
        .execute()
    ).map((e) => e.dedupe_key);

  beforeAll(async () => {
    h = await openTestDatabase({ seeded: false });
    await insertNeedsFixture(h.db, TEST_NOW);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('warns at 50% and 80%, escalates at breach, once each, even with two instances', async () => {
    const need = await submit(F.coreDealer, 0); // core: first response 12 h, resolution 24 h
    // Two instances fire the same slot concurrently: one runs it.
    const twice = async (hours: number) => {
      const now = at(hours);
      const outcomes = await Promise.all([
        runJobOn(h.db, needsSlaJob, slotOf(now), 'a', ctxAt(now)),
        runJobOn(h.db, needsSlaJob, slotOf(now), 'b', ctxAt(now)),
      ]);
      expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
      // Two different slots at the same instant (e.g. clock skew between hosts): need_events' dedupe key holds.
      await Promise.all([runNeedsSla(jobContext(h.db, ctxAt(now))), runNeedsSla(jobContext(h.db, ctxAt(now)))]);
      await runJobOn(h.db, needsSlaJob, `${slotOf(now)}-other`, 'c', ctxAt(now));
    };

    await twice(5.9);
    expect(await sent(need.id)).toEqual([]);

    await twice(6);
    expect((await sent(need.id)).map((m) => [m.recipient, m.kind])).toEqual([[F.accountA, 'need.warning']]);
    expect((await sent(need.id))[0]!.body).toContain('首次响应时限已过 50%');

    await twice(9.6);
    await twice(12);
    const all = await sent(need.id);
    expect(all.map((m) => [m.recipient, m.kind, /首次响应|解决/.exec(m.body)?.[0]]).sort()).toEqual(
      [
        [F.accountA, 'need.warning', '首次响应'], // 50%
        [F.accountA, 'need.warning', '首次响应'], // 80%
        [F.accountA, 'need.warning', '解决'], // resolution 50% (12 of 24 h)
        [F.regionalA, 'need.escalation', '首次响应'], // first response breached → the regional manager
      ].sort(),
    );
    expect(all.find((m) => m.kind === 'need.escalation')!.body).toContain('首次响应已超时');

    await twice(24);
    expect((await keys(need.id)).sort()).toEqual(
      [
        `warn50:first:${need.id}`,
        `warn80:first:${need.id}`,
        `breach:first:${need.id}`,
        `warn50:resolution:${need.id}`,
        `warn80:resolution:${need.id}`,
        `breach:resolution:${need.id}`,
      ].sort(),
    );
    expect((await sent(need.id)).filter((m) => m.kind === 'need.escalation')).toHaveLength(2);
    // Every checkpoint is in the timeline exactly once.
    const events = await h.db.selectFrom('need_events').select('kind').where('need_id', '=', need.id).execute();
    expect(events.filter((e) => e.kind === 'warned')).toHaveLength(4);
    expect(events.filter((e) => e.kind === 'escalated')).toHaveLength(2);
  });

  it('a claimed need stops the first-response clock; a job that was down announces only the latest checkpoint', async () => {
    const need = await submit(F.keyDealerB, 100); // key: 24 h / 48 h, owner M103 under regional M104
    await h.db.transaction().execute(async (trx) => {
      const service = new NeedsService({
        store: new NeedsRepository(trx),
        notifier: dbNotifier(trx),
        notices: needNotices,
      });
      await service.claim({ managerCode: F.accountB, needId: need.id, now: at(101) });
    });
    // First run only after the resolution deadline: 50%, 80% and breach are all recorded, one escalation is sent.
    const r = await runNeedsSla(jobContext(h.db, ctxAt(at(149))));
    expect(r).toMatchObject({ recorded: 3, warned: 0, escalated: 1 });
    expect((await sent(need.id)).map((m) => [m.recipient, m.kind])).toEqual([[F.regionalB, 'need.escalation']]);
    expect((await keys(need.id)).sort()).toEqual([
      `breach:resolution:${need.id}`,
      `warn50:resolution:${need.id}`,
      `warn80:resolution:${need.id}`,
    ]);
    expect(await runNeedsSla(jobContext(h.db, ctxAt(at(200))))).toMatchObject({ warned: 0, escalated: 0 });
  });
});
