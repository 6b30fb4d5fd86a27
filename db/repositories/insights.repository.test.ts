import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesService } from '../../core/insights/sales.service.js';
import { TrendsService } from '../../core/insights/trends.service.js';
import { openTestDatabase } from '../../test/helpers/db.js';
import { TEST_NOW } from '../../test/helpers/seed-test-data.js';
import type { DatabaseHandle } from '../connect.js';
import { InsightsRepository } from './insights.repository.js';

describe('sell-through and regional trends on the seeded demo', () => {
  let h: DatabaseHandle;
  let dealer: string;
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(h.db)).rows[0]!;

  beforeAll(async () => {
    h = await openTestDatabase({ seeded: true });
    dealer = (
      await one(sql<{ code: string }>`
        select dealer_code as code from sell_through group by dealer_code order by sum(qty) desc, dealer_code limit 1`)
    ).code;
  });
  afterAll(async () => {
    await h?.close();
  });

  const sales = (input: { skus?: string[]; period?: string; span?: 'week' }) =>
    new SalesService(new InsightsRepository(h.db)).report({ dealerCode: dealer, now: TEST_NOW, ...input });

  it("last month's units per product and the month before match direct sums", async () => {
    const r = await sales({ period: '2026-10' });
    const rows = (
      await sql<{ sku: string; cur: number; prev: number }>`
        select sku, coalesce(sum(qty) filter (where day between '2026-10-01' and '2026-10-31'), 0)::int as cur,
               coalesce(sum(qty) filter (where day between '2026-09-01' and '2026-09-30'), 0)::int as prev
        from sell_through where dealer_code = ${dealer} and day between '2026-09-01' and '2026-10-31'
        group by sku`.execute(h.db)
    ).rows;
    expect(r.lines.length).toBe(rows.length);
    for (const row of rows) {
      expect(r.lines.find((l) => l.sku === row.sku)).toMatchObject({ qty: row.cur, previousQty: row.prev });
    }
    expect(r.hasRecentData).toBe(true);
    const stores = await one(
      sql<{ n: number }>`select count(*)::int as n from stores where dealer_code = ${dealer} and active`,
    );
    expect(r.activeStores).toBe(stores.n);
  });

  it('one product this week against the same days last week', async () => {
    const { sku } = await one(sql<{ sku: string }>`
      select sku from sell_through where dealer_code = ${dealer} group by sku order by sum(qty) desc, sku limit 1`);
    const r = await sales({ skus: [sku], span: 'week' });
    const s = await one(sql<{ cur: number; prev: number }>`
      select coalesce(sum(qty) filter (where day between '2026-11-23' and '2026-11-26'), 0)::int as cur,
             coalesce(sum(qty) filter (where day between '2026-11-16' and '2026-11-19'), 0)::int as prev
      from sell_through where dealer_code = ${dealer} and sku = ${sku}`);
    expect(r.lines.map((l) => l.sku)).toEqual(s.cur + s.prev > 0 ? [sku] : []);
    expect(r.totals.reduce((t, x) => t + x.qty, 0)).toBe(s.cur);
    expect(r.totals.reduce((t, x) => t + x.previousQty, 0)).toBe(s.prev);
  });

  it('a dealer without sell-through has no recent data', async () => {
    const { code } = await one(sql<{ code: string }>`
      select code from dealers d where not exists (select 1 from sell_through s where s.dealer_code = d.code)
      order by code limit 1`);
    const r = await new SalesService(new InsightsRepository(h.db)).report({ dealerCode: code, now: TEST_NOW });
    expect(r.lines).toEqual([]);
    expect(r.hasRecentData).toBe(false);
  });

  it("the region's purchases by category over the last 3 months and the 3 before match direct sums", async () => {
    const t = await new TrendsService(new InsightsRepository(h.db)).regional({ dealerCode: dealer, now: TEST_NOW });
    const scope = t.scope.province === null ? sql`true` : sql`r.province = ${t.scope.province}`;
    const rows = (
      await sql<{ category: string; cur: number; prev: number; mine: number }>`
        select l.category,
          coalesce(sum(l.amount_fen - l.discount_fen) filter (where (o.placed_at at time zone 'Asia/Shanghai')::date
            between '2026-08-27' and '2026-11-26'), 0)::int8 as cur,
          coalesce(sum(l.amount_fen - l.discount_fen) filter (where (o.placed_at at time zone 'Asia/Shanghai')::date
            between '2026-05-27' and '2026-08-26'), 0)::int8 as prev,
          coalesce(sum(l.amount_fen - l.discount_fen) filter (where o.dealer_code = ${dealer}
            and (o.placed_at at time zone 'Asia/Shanghai')::date between '2026-08-27' and '2026-11-26'), 0)::int8 as mine
        from order_lines l join orders o on o.order_no = l.order_no
        join dealers d on d.code = o.dealer_code join regions r on r.id = d.region_id
        where o.status <> 'cancelled' and r.market_level = ${t.scope.marketLevel} and ${scope}
        group by l.category having sum(l.amount_fen) filter (where (o.placed_at at time zone 'Asia/Shanghai')::date
            between '2026-05-27' and '2026-11-26') > 0`.execute(h.db)
    ).rows;
    expect(t.categories.map((c) => c.category).sort()).toEqual(rows.map((r) => r.category).sort());
    for (const row of rows) {
      expect(t.categories.find((c) => c.category === row.category)).toMatchObject({
        regionFen: Number(row.cur),
        regionPreviousFen: Number(row.prev),
        dealerFen: Number(row.mine),
      });
    }
    const n = await one(sql<{ n: number }>`
      select count(*)::int as n from dealers d join regions r on r.id = d.region_id
      where r.market_level = ${t.scope.marketLevel} and ${scope}`);
    expect(t.scope.dealers).toBe(n.n);
    expect(t.categories.reduce((s, c) => s + c.dealerShare, 0)).toBeCloseTo(t.dealerTotalFen > 0 ? 1 : 0, 9);
    // Sell-through starts 90 days back: the window before is not covered, so it is "unknown", not zero.
    expect(t.categories.every((c) => c.sellThrough.every((u) => u.previousQty === null))).toBe(true);
    const units = (
      await sql<{ category: string; unit: string; qty: number }>`
        select p.category, p.unit, sum(s.qty)::int as qty from sell_through s join products p on p.sku = s.sku
        join dealers d on d.code = s.dealer_code join regions r on r.id = d.region_id
        where s.day between '2026-08-27' and '2026-11-26' and r.market_level = ${t.scope.marketLevel} and ${scope}
        group by p.category, p.unit`.execute(h.db)
    ).rows;
    expect(units.length).toBeGreaterThan(0);
    for (const u of units) {
      const c = t.categories.find((x) => x.category === u.category);
      expect(c?.sellThrough.find((x) => x.unit === u.unit)?.qty).toBe(u.qty);
    }
    expect(t.topProducts.length).toBeGreaterThan(0);
  });
});
