import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotOf } from '../../bot/scheduler/job-runner.js';
import { needPredictionJob, trendInsightJob, trendSummaryJob } from '../../bot/scheduler/jobs/insights.jobs.js';
import { NEED_HEADS_UP_KIND, NEED_PUSH_KIND } from '../../core/insights/need-prediction.service.js';
import { DEALER_INSIGHT_KIND, REGION_SUMMARY_KIND } from '../../core/insights/trend-insights.service.js';
import { trendWindows } from '../../core/insights/regional.js';
import { InsightsRepository } from '../../db/repositories/insights.repository.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { runJobOn } from '../helpers/jobs.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';

let app: TestApp;
const db = () => app.database.db;
const log = { info: () => {}, warn: () => {} };
const DEC_1 = new Date('2026-12-01T09:20:00+08:00');

const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

/** Dealers of a market level that bought something in the last 3 months (they get an insight), by code. */
const dealersAt = async (level: string) =>
  (
    await sql<{ code: string }>`
      select d.code from dealers d join regions r on r.id = d.region_id
      where r.market_level = ${level}
        and exists (select 1 from orders o where o.dealer_code = d.code and o.status <> 'cancelled'
                    and o.placed_at >= ${new Date('2026-08-27T00:00:00+08:00')})
      order by d.code`.execute(db())
  ).rows.map((r) => r.code);

beforeAll(async () => {
  app = await startTestApp({ now: () => TEST_NOW });
});
afterAll(async () => {
  await app?.close();
});

describe('the regional trend table on the seeded demo', () => {
  it("per dealer and product group, the repository's sums match the order lines", async () => {
    const w = trendWindows('2026-11-26');
    const rows = await new InsightsRepository(db()).groupPurchases(w.lastYear.start, w.lastYear.end);
    const direct = (
      await sql<{ dealer_code: string; series: string; fen: number }>`
        select o.dealer_code, p.series, sum(l.amount_fen - l.discount_fen)::int8 as fen
        from order_lines l join orders o on o.order_no = l.order_no join products p on p.sku = l.sku
        where o.status <> 'cancelled'
          and (o.placed_at at time zone 'Asia/Shanghai')::date between ${w.lastYear.start} and ${w.lastYear.end}
        group by 1, 2`.execute(db())
    ).rows;
    expect(rows.length).toBe(direct.length);
    expect(rows.length).toBeGreaterThan(20);
    for (const d of direct) {
      expect(rows.find((r) => r.dealerCode === d.dealer_code && r.series === d.series)?.fen).toBe(Number(d.fen));
    }
  });

  it("a county dealer's view: its scope, every group with the dealer's share, the group the insight is about", async () => {
    const code = (await dealersAt('县城'))[0]!;
    const view = await app.services(db()).trendInsights.dealerView({ dealerCode: code, now: TEST_NOW });
    expect(view.trend.scope.marketLevel).toBe('县城');
    expect(view.positions.map((p) => p.group)).toEqual(view.trend.groups);
    const own = await sql<{ fen: number }>`
      select coalesce(sum(l.amount_fen - l.discount_fen), 0)::int8 as fen
      from order_lines l join orders o on o.order_no = l.order_no join products p on p.sku = l.sku
      where o.dealer_code = ${code} and o.status <> 'cancelled' and p.series = '铝合金' and l.category = 'windows'
        and (o.placed_at at time zone 'Asia/Shanghai')::date between '2026-08-27' and '2026-11-26'`.execute(db());
    const alu = view.positions.find((p) => p.group.series === '铝合金' && p.group.category === 'windows');
    expect(alu?.dealerFen ?? 0).toBe(Number(own.rows[0]!.fen));
    const expected = view.trend.rising ?? view.trend.falling ?? view.trend.groups[0];
    expect(view.focus?.position.group).toBe(expected);
  });
});

describe('monthly pushes', () => {
  it('every buying dealer gets one insight for the month, a second run in another slot sends nothing', async () => {
    const first = await runJobOn(db(), trendInsightJob, slotOf(DEC_1), 'a', { now: DEC_1, log });
    expect(first.ran).toBe(true);
    const again = await runJobOn(db(), trendInsightJob, `${slotOf(DEC_1)}-retry`, 'b', { now: DEC_1, log });
    expect(again).toMatchObject({ ran: true, result: { queued: 0 } });
    const sent = await db()
      .selectFrom('care_deliveries')
      .select(['subject', 'key'])
      .where('kind', '=', DEALER_INSIGHT_KIND)
      .execute();
    expect(first).toMatchObject({ result: { queued: sent.length, dealers: sent.length } });
    expect(new Set(sent.map((s) => s.key))).toEqual(new Set(['2026-12']));
    const county = (await dealersAt('县城'))[0]!;
    const [insight] = (await app.outbox(county)).filter((m) => m.kind === DEALER_INSIGHT_KIND);
    expect(insight?.body).toMatch(/县城市场】.+您好，近3个月（9月1日–11月30日）同类 \d+ 家经销商的进货：/);
    expect(insight?.body).toMatch(/您的.+占比 \d+%，同区域平均 \d+%/);
  });

  it('every manager with dealers gets the region summary once a month', async () => {
    const r = await runJobOn(db(), trendSummaryJob, slotOf(DEC_1), 'a', { now: DEC_1, log });
    const managers = await sql<{ n: number }>`
      select count(*)::int as n from managers m
      where exists (select 1 from dealers d join regions r on r.id = d.region_id
                    where d.manager_code = m.code or (m.role = 'regional' and r.province = any(string_to_array(m.province, ','))))`.execute(
      db(),
    );
    expect(r).toMatchObject({ ran: true, result: { managers: managers.rows[0]!.n, queued: managers.rows[0]!.n } });
    const { manager_code } = await db()
      .selectFrom('dealers')
      .select('manager_code')
      .where('code', '=', (await dealersAt('县城'))[0]!)
      .executeTakeFirstOrThrow();
    const [summary] = (await app.outbox(manager_code)).filter((m) => m.kind === REGION_SUMMARY_KIND);
    expect(summary?.body).toContain('【区域趋势】');
    expect(summary?.body).toContain('县城市场');
    expect(summary?.body).toMatch(/县城市场（\d+家）：合计 ¥[\d,]+（同比 [+-]\d+%）/);
  });
});

describe('need prediction', () => {
  it('predicts from the orders up to November, pushes each need with its resource and tells the managers, once', async () => {
    const r = await runJobOn(db(), needPredictionJob, slotOf(DEC_1), 'a', { now: DEC_1, log });
    expect(r.ran).toBe(true);
    const result = (r as { result: Record<string, number> }).result;
    expect(result.predicted).toBeGreaterThan(0);
    expect(result.dealersTold).toBe(result.predicted);
    const told = await db()
      .selectFrom('care_deliveries')
      .select(['subject', 'key'])
      .where('kind', '=', NEED_PUSH_KIND)
      .execute();
    expect(told).toHaveLength(result.predicted!);
    for (const t of told) expect(t.key).toMatch(/^2026-12:(training|display|restock|promotion)$/);
    const { subject } = told[0]!;
    const [push] = (await app.outbox(subject)).filter((m) => m.kind === NEED_PUSH_KIND);
    expect(push?.body).toMatch(/^(\*\*)?【经营提示｜(产品培训|陈列物料|旺季备货|促销支持)】(\*\*)?.+您好：/);
    const { manager_code } = await db()
      .selectFrom('dealers')
      .select('manager_code')
      .where('code', '=', subject)
      .executeTakeFirstOrThrow();
    const [headsUp] = (await app.outbox(manager_code)).filter((m) => m.kind === NEED_HEADS_UP_KIND);
    expect(headsUp?.body).toContain(`${subject} `);
    expect(result.queued).toBe(result.dealersTold! + result.managers!);
    const again = await runJobOn(db(), needPredictionJob, `${slotOf(DEC_1)}-again`, 'b', { now: DEC_1, log });
    expect(again).toMatchObject({ ran: true, result: { dealersTold: 0, managers: 0, queued: 0 } });
  });
});

describe('trend.query in chat', () => {
  it('"我们这边铝合金门窗卖得怎么样": the group in the dealer\'s region and their own share', async () => {
    const county = (await dealersAt('县城'))[0]!;
    const r = await one(county, '我们这边铝合金门窗卖得怎么样');
    expect(r).toContain('县城市场】');
    expect(r).toMatch(/县城铝合金窗 同比 ([+-]\d+%|持平)（¥[\d,]+），您的铝合金窗占比 \d+%，同区域平均 \d+%。/);
  });

  it('"乡镇市场最近啥卖得好" from a city dealer: answered from the county dealers who supply the townships', async () => {
    const [city] = await dealersAt('二线');
    const r = await one(city!, '乡镇市场最近啥卖得好');
    expect(r).toContain('乡镇门店由县城经销商供货');
    expect(r).toContain('县城市场】');
    expect(r).toMatch(/您的.+占比 \d+%，同区域平均 \d+%/);
  });

  it("a general question keeps the categories and adds the biggest movers with the dealer's share", async () => {
    const county = (await dealersAt('县城'))[0]!;
    const r = await one(county, '我们这边最近什么卖得好');
    expect(r).toContain('近3个月');
    const view = await app.services(db()).trendInsights.dealerView({ dealerCode: county, now: TEST_NOW });
    expect(view.trend.rising ?? view.trend.falling).not.toBeNull();
    expect(r).toMatch(/(涨得最快|降得最多)：.+ 同比 [+-]\d+%，您的占比 \d+%，同区域平均 \d+%/);
    expect(r).toContain('卖得最好的产品');
  });

  it('a manager asking gets their region', async () => {
    const { manager_code } = await db()
      .selectFrom('dealers')
      .select('manager_code')
      .where('code', '=', (await dealersAt('县城'))[0]!)
      .executeTakeFirstOrThrow();
    const r = await one(manager_code, '我负责的区域最近什么卖得好');
    expect(r).toContain('【区域趋势】');
    expect(r).toContain('您负责区域近3个月（8月27日–11月26日）');
    expect(r).toContain('县城市场');
  });
});
