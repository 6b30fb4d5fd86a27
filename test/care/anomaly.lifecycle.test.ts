import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { anomalyJob } from '../../bot/scheduler/jobs/care.jobs.js';
import { addDays, shanghaiDate } from '../../core/common/time.js';
import { CARE_NOW, useCareFixture } from '../helpers/care-fixture.js';
import { jobContext } from '../helpers/jobs.js';

const fx = useCareFixture();
const log = { info: () => {}, warn: () => {} };
const day = (n: number) => new Date(CARE_NOW.getTime() + n * 86_400_000);
const run = (n: number) => anomalyJob.run(jobContext(fx.h.db, { now: day(n), log }));
const notices = async () =>
  (
    await fx.h.db
      .selectFrom('outbox')
      .select(['recipient', 'kind', 'body'])
      .where('kind', 'in', ['anomaly.opened', 'anomaly.opened.manager'])
      .orderBy('id')
      .execute()
  ).map((r) => `${r.kind}>${r.recipient}`);
const open = async () =>
  (
    await fx.h.db
      .selectFrom('dealer_anomalies')
      .select(['dealer_code', 'kind', 'subject'])
      .where('closed_at', 'is', null)
      .orderBy('dealer_code')
      .orderBy('kind')
      .orderBy('subject')
      .execute()
  ).map((a) => `${a.dealer_code} ${a.kind} ${a.subject}`);

describe('anomalies with a lifecycle (the daily job for every dealer, on the database)', () => {
  it('opens what appears and tells the dealer and their manager once', async () => {
    expect(await run(0)).toMatchObject({ opened: 4, seen: 0, closed: 0, queued: 4 });
    const ar = await fx.h.db.selectFrom('receivables').select('id').where('dealer_code', '=', 'D0002').execute();
    expect(await open()).toEqual([
      'D0002 overdue_payment AR#' + ar[0]!.id,
      'D0002 overstock KC-L01',
      'D0003 overstock KW-N60',
      'D0003 sell_through_drop ',
    ]);
    expect(await notices()).toEqual([
      'anomaly.opened>D0002',
      'anomaly.opened.manager>M001',
      'anomaly.opened>D0003',
      'anomaly.opened.manager>M002',
    ]);
  });

  it('sends nothing while they persist: the next days only refresh last seen', async () => {
    for (const n of [1, 2]) expect(await run(n)).toMatchObject({ opened: 0, seen: 4, closed: 0, queued: 0 });
    expect(await notices()).toHaveLength(4);
    const seen = await fx.h.db.selectFrom('dealer_anomalies').select(['opened_at', 'last_seen_at']).execute();
    for (const a of seen) {
      expect(a.opened_at).toEqual(day(0));
      expect(a.last_seen_at).toEqual(day(2));
    }
  });

  it('closes one that clears, without a message; tells a new one at once', async () => {
    // D0002 pays its overdue bill; D0003 gets an overdue payment.
    await fx.h.db
      .updateTable('receivables')
      .set({ paid_fen: sql`amount_fen` })
      .where('dealer_code', '=', 'D0002')
      .execute();
    await fx.h.db
      .insertInto('receivables')
      .values({
        dealer_code: 'D0003',
        bill_no: 'AR-D3',
        amount_fen: 500_000,
        paid_fen: 0,
        due_date: addDays(shanghaiDate(day(3)), -5),
      })
      .execute();
    expect(await run(3)).toMatchObject({ opened: 1, closed: 1, queued: 2 });
    const last = await fx.h.db
      .selectFrom('outbox')
      .select(['recipient', 'body'])
      .where('kind', '=', 'anomaly.opened')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.recipient).toBe('D0003');
    expect(last.body).toContain('货款逾期：AR-D3 未付¥5,000');
    expect(last.body).not.toContain('库存积压');
    const closed = await fx.h.db
      .selectFrom('dealer_anomalies')
      .selectAll()
      .where('dealer_code', '=', 'D0002')
      .where('kind', '=', 'overdue_payment')
      .executeTakeFirstOrThrow();
    expect(closed.closed_at).toEqual(day(3));
  });

  it('reopens (and tells again) one that comes back after it closed', async () => {
    await fx.h.db
      .insertInto('receivables')
      .values({
        dealer_code: 'D0002',
        bill_no: 'AR-D2',
        amount_fen: 100_000,
        paid_fen: 0,
        due_date: addDays(shanghaiDate(day(4)), -1),
      })
      .execute();
    expect(await run(4)).toMatchObject({ opened: 1, closed: 0, queued: 2 });
    expect((await notices()).slice(-2)).toEqual(['anomaly.opened>D0002', 'anomaly.opened.manager>M001']);
  });
});
