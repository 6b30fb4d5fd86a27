import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryService } from '../../core/accounts/directory.service.js';
import { StatementService } from '../../core/accounts/statement.service.js';
import { TierService } from '../../core/accounts/tier.service.js';
import { openTestDatabase } from '../../test/helpers/db.js';
import { TEST_NOW } from '../../test/helpers/seed-test-data.js';
import type { DatabaseHandle } from '../connect.js';
import { AccountsRepository } from './accounts.repository.js';
import { DealerSearchRepository } from './dealer-search.repository.js';

// The seeded K demo (30 dealers) at TEST_NOW = 2026-11-26 10:00 Shanghai; expected numbers are summed directly in SQL
// on Shanghai calendar dates, independently of the repository's instant ranges.
describe('statements, tiers and the dealer directory on the seeded demo', () => {
  let h: DatabaseHandle;
  const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(h.db)).rows[0]!;

  beforeAll(async () => {
    h = await openTestDatabase({ seeded: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  const statement = (dealerCode: string, period?: string) =>
    new StatementService(new AccountsRepository(h.db)).statement({ dealerCode, period, now: TEST_NOW });

  it('a long-overdue dealer: overdue items, balance and credit match direct sums, and ordering is blocked', async () => {
    const { dealer_code: code } = await one(sql<{ dealer_code: string }>`
      select dealer_code from receivables where paid_fen < amount_fen and due_date < date '2026-11-26' - 30
      order by dealer_code limit 1`);
    const s = await statement(code);
    const open = await one(sql<{ open: number; overdue: number; blocking: number; n: number; max_days: number }>`
      select sum(amount_fen - paid_fen)::int8 as open,
             sum(amount_fen - paid_fen) filter (where due_date < date '2026-11-26')::int8 as overdue,
             sum(amount_fen - paid_fen) filter (where due_date < date '2026-11-26' - 30)::int8 as blocking,
             count(*) filter (where due_date < date '2026-11-26')::int as n,
             max(date '2026-11-26' - due_date)::int as max_days
      from receivables where dealer_code = ${code} and paid_fen < amount_fen`);
    const unpaid = await one(sql<{ fen: number }>`
      select coalesce(sum(total_fen), 0)::int8 as fen from orders o
      where dealer_code = ${code} and status = 'placed' and paid_at is null
        and not exists (select 1 from receivables r where r.order_no = o.order_no)`);
    const limit = await one(sql<{ fen: number }>`select credit_limit_fen as fen from dealers where code = ${code}`);
    expect(s.overdue.items.length).toBe(Number(open.n));
    expect(s.overdue.totalFen).toBe(Number(open.overdue));
    expect(s.overdue.blockingFen).toBe(Number(open.blocking));
    expect(s.overdue.maxDays).toBe(Number(open.max_days));
    expect(s.overdue.items.some((i) => i.blocking)).toBe(true);
    expect(s.balance.openReceivablesFen).toBe(Number(open.open));
    expect(s.balance.totalFen).toBe(Number(open.open) + Number(unpaid.fen));
    expect(s.credit.leftFen).toBe(Number(limit.fen) - s.balance.totalFen);
    expect(s.credit.canOrder).toBe(false);
    expect(s.credit.settleFen).toBeGreaterThanOrEqual(Number(open.blocking));
  });

  it("the period's orders, payments and invoices match sums on Shanghai dates", async () => {
    const { dealer_code: code } = await one(sql<{ dealer_code: string }>`
      select dealer_code from orders
      where (placed_at at time zone 'Asia/Shanghai')::date between date '2026-10-01' and date '2026-10-31'
      group by dealer_code order by count(*) desc, dealer_code limit 1`);
    for (const [period, from, to] of [
      ['2026-10', '2026-10-01', '2026-10-31'],
      [undefined, '2026-11-01', '2026-11-26'],
      ['2026-Q4', '2026-10-01', '2026-11-26'],
    ] as const) {
      const s = await statement(code, period);
      const o = await one(sql<{ n: number; fen: number; cn: number; cfen: number }>`
        select count(*) filter (where status <> 'cancelled')::int as n,
               coalesce(sum(total_fen) filter (where status <> 'cancelled'), 0)::int8 as fen,
               count(*) filter (where status = 'cancelled')::int as cn,
               coalesce(sum(total_fen) filter (where status = 'cancelled'), 0)::int8 as cfen
        from orders where dealer_code = ${code}
          and (placed_at at time zone 'Asia/Shanghai')::date between ${from}::date and ${to}::date`);
      const p = await one(sql<{ n: number; fen: number }>`
        select count(*)::int as n, coalesce(sum(total_fen), 0)::int8 as fen from orders
        where dealer_code = ${code} and status <> 'cancelled'
          and (paid_at at time zone 'Asia/Shanghai')::date between ${from}::date and ${to}::date`);
      const b = await one(sql<{ n: number; amount: number; paid: number }>`
        select count(*)::int as n, coalesce(sum(amount_fen), 0)::int8 as amount, coalesce(sum(paid_fen), 0)::int8 as paid
        from receivables where dealer_code = ${code}
          and (created_at at time zone 'Asia/Shanghai')::date between ${from}::date and ${to}::date`);
      expect(s.period).toMatchObject({ start: from, end: to });
      expect(s.orders.count).toBe(Number(o.n));
      expect(s.orders.totalFen).toBe(Number(o.fen));
      expect(s.orders.cancelledCount).toBe(Number(o.cn));
      expect(s.orders.cancelledFen).toBe(Number(o.cfen));
      expect(s.payments).toEqual({ count: Number(p.n), totalFen: Number(p.fen) });
      expect(s.billed).toEqual({
        count: Number(b.n),
        amountFen: Number(b.amount),
        paidFen: Number(b.paid),
        openFen: Number(b.amount) - Number(b.paid),
      });
    }
    expect((await statement(code, '2026-10')).orders.count).toBeGreaterThan(0);
  });

  it('tier status reads the latest score, the last re-tier and its reasons', async () => {
    const { code } = await one(
      sql<{ code: string }>`select code from dealers where tier = 'key' order by code limit 1`,
    );
    const dims = {
      purchase_scale: 70,
      category_expertise: 62,
      store_coverage: 35.5,
      growth_potential: 58,
      collaboration: 81,
    };
    await h.db
      .insertInto('dealer_scores')
      .values([
        {
          dealer_code: code,
          month: '2026-09-01',
          ...dims,
          total: 61.2,
          tier_before: 'regular',
          tier_after: 'key',
          reasons: ['近3个月订货增长35%'],
        },
        {
          dealer_code: code,
          month: '2026-10-01',
          ...dims,
          total: 64.8,
          tier_before: 'key',
          tier_after: 'key',
          reasons: ['门窗动销率88%'],
        },
      ])
      .execute();
    const t = await new TierService(new AccountsRepository(h.db)).status({ dealerCode: code });
    expect(t.dealer.tier).toBe('key');
    expect(t.latest).toMatchObject({ month: '2026-10', total: 64.8, reasons: ['门窗动销率88%'] });
    expect(t.latest?.dimensions).toEqual({
      purchaseScale: 70,
      categoryExpertise: 62,
      storeCoverage: 35.5,
      growthPotential: 58,
      collaboration: 81,
    });
    expect(t.lastChange).toMatchObject({ month: '2026-09', tierBefore: 'regular', tierAfter: 'key' });
    expect(t.weakest).toBe('storeCoverage');
    expect(t.next).toEqual({ tier: 'core', minTotal: 75, gap: 10.2 });
  });

  it("finds an account manager's dealer by part of its name, and never another manager's", async () => {
    const d = await one(sql<{ code: string; name: string; manager_code: string }>`
      select d.code, d.name, d.manager_code from dealers d join managers m on m.code = d.manager_code
      where m.role = 'account' order by d.code limit 1`);
    const other = await one(sql<{ code: string; name: string }>`
      select code, name from dealers where manager_code <> ${d.manager_code} order by code limit 1`);
    const dir = new DirectoryService(new DealerSearchRepository(h.db));
    // The name without its place (first two characters) and trade suffix, with a request around it.
    const core = d.name.slice(2).replace(/(贸易有限公司|有限公司|经营部|门市部|专卖店|商行)$/, '');
    const hits = await dir.searchByName({ managerCode: d.manager_code, text: `找下${core}` });
    expect(hits[0]?.entry).toMatchObject({ code: d.code, name: d.name });
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(await dir.searchByName({ managerCode: d.manager_code, text: other.name })).not.toContainEqual(
      expect.objectContaining({ entry: expect.objectContaining({ code: other.code }) }),
    );
  });

  it("a regional manager's directory is every dealer of the account managers under them, and their own", async () => {
    const { code } = await one(sql<{ code: string }>`
      select r.code from managers r where r.role = 'regional'
      order by (select count(*) from managers a where a.regional_code = r.code) desc, r.code limit 1`);
    const expected = await one(sql<{ n: number }>`
      select count(*)::int as n from dealers d
      where d.manager_code = ${code} or d.manager_code in (select code from managers where regional_code = ${code})`);
    const entries = await new DealerSearchRepository(h.db).dealersInScope({ code, role: 'regional' });
    expect(entries.length).toBe(Number(expected.n));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.contactNames.length > 0 && e.city.length > 0)).toBe(true);
  });
});
