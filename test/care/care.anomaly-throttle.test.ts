import { describe, expect, it } from 'vitest';
import { anomalyJob } from '../../bot/scheduler/jobs/care.jobs.js';
import { jobContext } from '../helpers/jobs.js';
import { addDays, shanghaiDate } from '../../core/common/time.js';
import { sellThroughWindow } from '../../core/stock/stock.rules.js';
import { CareRepository } from '../../db/repositories/care.repository.js';
import { CARE_NOW, useCareFixture } from '../helpers/care-fixture.js';

const fx = useCareFixture();
const log = { info: () => {}, warn: () => {} };
const day = (n: number) => new Date(CARE_NOW.getTime() + n * 86_400_000);
const run = (n: number) => anomalyJob.run(jobContext(fx.h.db, { now: day(n), log }));
const sentOn = async (kind: string, n: number) =>
  (
    await fx.h.db
      .selectFrom('outbox')
      .select(['recipient', 'dedupe_key'])
      .where('kind', '=', kind)
      .orderBy('recipient')
      .execute()
  )
    .filter((r) => r.dedupe_key.split(':')[2] === shanghaiDate(day(n)))
    .map((r) => r.recipient);

describe('anomaly notices: once a week per dealer for the same anomalies, the manager summary daily', () => {
  it('tells the dealers on day 0', async () => {
    expect(await run(0)).toMatchObject({ dealerNotices: 2, recentlyNotified: 0 });
    expect(await sentOn('care.anomaly', 0)).toEqual(['D0002', 'D0003']);
    expect(await sentOn('care.anomaly.summary', 0)).toEqual(['M001', 'M002']);
  });

  it('holds the same anomalies back the next days, while managers still get their daily summary', async () => {
    for (const n of [1, 2]) {
      expect(await run(n)).toMatchObject({ dealerNotices: 0, recentlyNotified: 2 });
      expect(await sentOn('care.anomaly', n)).toEqual([]);
      expect(await sentOn('care.anomaly.summary', n)).toEqual(['M001', 'M002']);
    }
  });

  it('tells a dealer at once when their set of anomalies changes', async () => {
    // D0003 (overstock so far) now also has an overdue payment.
    await fx.h.db
      .insertInto('receivables')
      .values({ dealer_code: 'D0003', amount_fen: 500_000, paid_fen: 0, due_date: addDays(shanghaiDate(day(3)), -5) })
      .execute();
    expect(await run(3)).toMatchObject({ dealerNotices: 1, recentlyNotified: 1 });
    expect(await sentOn('care.anomaly', 3)).toEqual(['D0003']);
    const body = (await fx.h.db.selectFrom('outbox').select('body').where('kind', '=', 'care.anomaly').execute()).at(
      -1,
    )!;
    expect(body.body).toContain('¥5,000');
  });

  it('repeats an unchanged notice after 7 days', async () => {
    expect(await run(6)).toMatchObject({ dealerNotices: 0 });
    expect(await run(7)).toMatchObject({ dealerNotices: 1, recentlyNotified: 1 });
    expect(await sentOn('care.anomaly', 7)).toEqual(['D0002']);
  });
});

describe("the replenishment push counts sell-through over core/stock's window, like the chat", () => {
  it('counts [date − 30, date): not today, not the 31st day back', async () => {
    const date = shanghaiDate(CARE_NOW);
    const { from, before } = sellThroughWindow(date);
    expect([from, before]).toEqual([addDays(date, -30), date]);
    // The fixture sold 2 a day on each of the 30 days before; these two fall just outside the window.
    await fx.h.db
      .insertInto('sell_through')
      .values([
        { dealer_code: 'D0001', sku: 'KW-N60', day: date, qty: 100 },
        { dealer_code: 'D0001', sku: 'KW-N60', day: addDays(date, -31), qty: 100 },
      ])
      .execute();
    const p = (await new CareRepository(fx.h.db).stockPositions(date)).get('D0001')!.find((x) => x.sku === 'KW-N60')!;
    expect(p.sold30).toBe(60);
  });
});
