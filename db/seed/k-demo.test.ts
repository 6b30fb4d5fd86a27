import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../connect.js';
import type { Database } from '../schema.js';
import { DATA_TABLES, truncateDataTables } from './insert.js';
import { generateDemoData, isDatabaseEmpty, type SeedSummary, seedDemoData } from './k-demo.js';
import { Prng } from './prng.js';
import { parseSeedArgs, runSeedCli } from './seed.cli.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const NOW_ARG = '2026-11-26T10:00:00+08:00';
/** Orders' Asia/Shanghai date, for SQL. */
const placedDay = sql`(placed_at at time zone 'Asia/Shanghai')::date`;

let handle: DatabaseHandle;
let db: Kysely<Database>;

beforeAll(async () => {
  handle = await openDatabase({ kind: 'pglite-memory' });
  db = handle.db;
  await migrateToLatest(db);
});

afterAll(async () => {
  await handle?.close();
});

async function checksum(): Promise<string> {
  const parts: string[] = [];
  for (const table of DATA_TABLES) {
    const { rows } = await sql<{ h: string | null; n: number }>`
      select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h, count(*)::int as n
      from ${sql.table(table)} t`.execute(db);
    parts.push(`${table}:${rows[0]!.n}:${rows[0]!.h}`);
  }
  return parts.join('\n');
}

async function scalar<T = number>(query: ReturnType<typeof sql<{ v: T }>>): Promise<T> {
  const { rows } = await query.execute(db);
  return rows[0]!.v;
}

describe('prng', () => {
  it('is deterministic and stays in range', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const xs = Array.from({ length: 1000 }, () => a.int(3, 9));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(3, 9)));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(9);
    expect(new Prng(8).next()).not.toBe(new Prng(7).next());
  });
});

describe('seed CLI arguments', () => {
  it('parses flags and rejects bad values', () => {
    expect(parseSeedArgs(['--scale', '10', '--seed=5', '--force'])).toMatchObject({ scale: 10, seed: 5, force: true });
    expect(parseSeedArgs(['--now', NOW_ARG])).toMatchObject({ now: NOW });
    expect(parseSeedArgs(['--scale', '0'])).toHaveProperty('error');
    expect(parseSeedArgs(['--scale', '17'])).toHaveProperty('error');
    expect(parseSeedArgs(['--now', 'yesterday'])).toHaveProperty('error');
    expect(parseSeedArgs(['--bogus'])).toHaveProperty('error');
  });
});

describe('determinism (small subset)', () => {
  it('the same seed, scale and now give identical data; --force reseeds; a non-empty db is refused', async () => {
    const out: string[] = [];
    const io = { isTTY: false, write: (t: string) => out.push(t) };
    const argv = ['--scale', '0.05', '--now', NOW_ARG];

    expect(await isDatabaseEmpty(db)).toBe(true);
    expect(await runSeedCli(db, argv, io)).toBe(0);
    expect(out.at(-1)).toMatch(/^seeded K demo \(scale 0\.05, .*30 dealers/);
    const first = await checksum();

    expect(await runSeedCli(db, argv, io)).toBe(1);
    expect(out.at(-1)).toMatch(/--force/);
    expect(await checksum()).toBe(first);

    expect(await runSeedCli(db, [...argv, '--force'], io)).toBe(0);
    expect(await checksum()).toBe(first);

    expect(await runSeedCli(db, [...argv, '--force', '--seed', '99'], io)).toBe(0);
    expect(await checksum()).not.toBe(first);
    // The migrations table survives --force.
    expect(await scalar(sql<{ v: number }>`select count(*)::int as v from kysely_migration`)).toBeGreaterThan(0);
  });

  it('generation alone is pure', () => {
    const a = generateDemoData({ scale: 0.02, now: NOW, seed: 3 });
    const b = generateDemoData({ scale: 0.02, now: NOW, seed: 3 });
    expect(JSON.stringify(a.tables.map((t) => t.data))).toBe(JSON.stringify(b.tables.map((t) => t.data)));
    expect(a.facts).toEqual(b.facts);
  });
});

describe('K demo at scale 1', () => {
  let summary: SeedSummary;

  beforeAll(async () => {
    await truncateDataTables(db);
    summary = await seedDemoData(db, { scale: 1, now: NOW });
  }, 300_000); // about 40 s on an idle 2-core machine, minutes while the rest of the suite runs beside it

  // Seeding time is measured (summary.ms, printed by `npm run seed`), not asserted: it depends on the machine's load.
  it('loads with the expected counts', async () => {
    expect(summary.ms).toBeGreaterThan(0);
    const count = (t: keyof Database) => scalar(sql<{ v: number }>`select count(*)::int as v from ${sql.table(t)}`);
    expect(await count('dealers')).toBe(600);
    expect(await count('stores')).toBe(12_000);
    expect(await count('products')).toBe(23);
    expect(await count('tier_prices')).toBe(92);
    expect(await count('policies')).toBe(5);
    expect(await count('success_cases')).toBe(15);
    expect(await count('courses')).toBe(11);
    // 20 honours from before the rules, plus those the published rules give for the finished periods.
    expect(await scalar(sql<{ v: number }>`select count(*)::int as v from honours where rule_code is null`)).toBe(20);
    expect(await count('honours')).toBe(20 + summary.counts.honours_by_rule!);
    expect(await count('managers')).toBe(46);
    expect(summary.counts.dealers).toBe(600);
  });

  it('has 6 regional and 40 account managers with chats and identities', async () => {
    const managers = await db.selectFrom('managers').selectAll().orderBy('code').execute();
    expect(managers.filter((m) => m.role === 'regional').map((m) => m.code)).toEqual([
      'M001',
      'M002',
      'M003',
      'M004',
      'M005',
      'M006',
    ]);
    const accounts = managers.filter((m) => m.role === 'account');
    expect(accounts).toHaveLength(40);
    expect(accounts[0]).toMatchObject({ code: 'M007', wecom_userid: 'm007', alert_chat_id: 'chat_M007' });
    for (const m of accounts) expect(m.regional_code).toMatch(/^M00[1-6]$/);
    const dealersOutsideRegion = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealers d
      join regions r on r.id = d.region_id
      join managers am on am.code = d.manager_code
      join managers rm on rm.code = am.regional_code
      where am.province <> r.province or not (r.province = any(string_to_array(rm.province, ',')))`);
    expect(dealersOutsideRegion).toBe(0);
    const ids = await db.selectFrom('channel_identities').selectAll().execute();
    expect(ids.filter((i) => i.channel === 'sandbox')).toHaveLength(646);
    const wecomDealers = ids.filter((i) => i.channel === 'wecom' && i.dealer_code).length;
    const kfDealers = ids.filter((i) => i.channel === 'kf').length;
    expect(wecomDealers + kfDealers).toBe(600);
    expect(wecomDealers / 600).toBeGreaterThan(0.54);
    expect(wecomDealers / 600).toBeLessThan(0.66);
    expect(ids.find((i) => i.external_id === 'm012')).toMatchObject({ channel: 'wecom', manager_code: 'M012' });
    expect(ids.filter((i) => i.channel === 'kf').every((i) => i.open_kfid === 'wkKdemo01')).toBe(true);
  });

  it('has tiers in the expected shares and tags consistent with the data (last 12 months)', async () => {
    const tiers = await db
      .selectFrom('dealers')
      .select(['tier'])
      .select(sql<number>`count(*)::int`.as('n'))
      .groupBy('tier')
      .execute();
    const byTier = Object.fromEntries(tiers.map((t) => [t.tier, t.n]));
    expect(byTier).toEqual({ core: 60, key: 120, regular: 240, silent: 180 });
    const windowShare = await db
      .selectFrom('dealers as d')
      .innerJoin('orders as o', 'o.dealer_code', 'd.code')
      .innerJoin('order_lines as l', 'l.order_no', 'o.order_no')
      .where(sql<boolean>`'门窗专长' = any(d.tags)`)
      .where('o.status', '<>', 'cancelled')
      .where(sql<boolean>`(o.placed_at at time zone 'Asia/Shanghai')::date > '2025-11-26'`)
      .select(
        sql<number>`sum(l.amount_fen) filter (where l.category in ('windows','doors'))::float8 / sum(l.amount_fen)`.as(
          'v',
        ),
      )
      .executeTakeFirstOrThrow();
    expect(windowShare.v).toBeGreaterThan(0.75);
    const engineering = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealers where '工程渠道' = any(tags)`);
    expect(engineering).toBeGreaterThan(20);
    expect(summary.facts.windowSpecialists.length).toBeGreaterThan(100);
    expect(summary.facts.cabinetSpecialists.length).toBeGreaterThan(60);
    // 高成长: active, the last 12 months ≥ 1.5× the 12 months before (which had orders).
    const growth = await sql<{ code: string; tagged: boolean; derived: boolean }>`
      select d.code, '高成长' = any(d.tags) as tagged,
             d.tier <> 'silent' and coalesce(y.before, 0) > 0 and coalesce(y.last, 0) >= 1.5 * y.before as derived
      from dealers d left join (
        select dealer_code,
               sum(total_fen) filter (where ${placedDay} > '2025-11-26')::float8 as last,
               sum(total_fen) filter (where ${placedDay} <= '2025-11-26')::float8 as before
        from orders where status <> 'cancelled' group by dealer_code
      ) y on y.dealer_code = d.code order by d.code`.execute(db);
    expect(growth.rows.filter((r) => r.tagged !== r.derived)).toEqual([]);
    const tagged = growth.rows.filter((r) => r.tagged).map((r) => r.code);
    expect(tagged).toEqual(summary.facts.growthDealers);
    expect(tagged.length).toBeGreaterThan(30);
    expect(tagged.length).toBeLessThan(90);
  });

  it('gives every order a well-formed number and continues the daily sequences', async () => {
    const bad = await scalar(sql<{ v: number }>`
      select count(*)::int as v from orders
      where order_no !~ '^SO[0-9]{12}$'
         or substr(order_no, 3, 8) <> to_char(placed_at at time zone 'Asia/Shanghai', 'YYYYMMDD')`);
    expect(bad).toBe(0);
    const mismatched = await scalar(sql<{ v: number }>`
      select count(*)::int as v from order_sequences s
      full join (
        select to_date(substr(order_no, 3, 8), 'YYYYMMDD') as day, max(substr(order_no, 11, 4)::int) as m, count(*) as n
        from orders group by 1
      ) o on o.day = s.day
      where s.last_seq is distinct from o.m or o.m <> o.n`);
    expect(mismatched).toBe(0);
    const future = await scalar(sql<{ v: number }>`select count(*)::int as v from orders where placed_at > ${NOW}`);
    expect(future).toBe(0);
    const beforePartnership = await scalar(sql<{ v: number }>`
      select count(*)::int as v from orders o join dealers d on d.code = o.dealer_code
      where (o.placed_at at time zone 'Asia/Shanghai')::date < d.partnership_start`);
    expect(beforePartnership).toBe(0);
    // The invariant has something to bite on: dealers that partnered within the 24 months do order.
    const recentPartners = await scalar(sql<{ v: number }>`
      select count(distinct d.code)::int as v from dealers d join orders o on o.dealer_code = d.code
      where d.partnership_start > '2024-11-26'`);
    expect(recentPartners).toBeGreaterThan(5);
  });

  it('totals about 4 billion CNY in the last 12 months at tier prices, with realistic statuses', async () => {
    const total = await scalar(sql<{ v: number }>`
      select sum(total_fen)::float8 as v from orders where status <> 'cancelled' and ${placedDay} > '2025-11-26'`);
    expect(total).toBeGreaterThan(3.7e11);
    expect(total).toBeLessThan(4.3e11);
    expect(summary.orderAmountFen).toBe(total);
    // The year before is there too, a little smaller (most dealers grew a little, a few a lot, silent ones stopped).
    const yearBefore = await scalar(sql<{ v: number }>`
      select sum(total_fen)::float8 as v from orders where status <> 'cancelled' and ${placedDay} <= '2025-11-26'`);
    expect(yearBefore / total).toBeGreaterThan(0.8);
    expect(yearBefore / total).toBeLessThan(1.05);
    expect(summary.orderAmount24mFen).toBe(total + yearBefore);
    const span = await sql<{ first: string; last: string }>`
      select min(${placedDay})::text as first, max(${placedDay})::text as last from orders`.execute(db);
    expect(span.rows[0]).toEqual({ first: '2024-11-27', last: '2026-11-26' });
    const wrongTotals = await scalar(sql<{ v: number }>`
      select count(*)::int as v from orders o
      where o.total_fen <> (select sum(amount_fen) from order_lines l where l.order_no = o.order_no)`);
    expect(wrongTotals).toBe(0);
    const wrongPrice = await scalar(sql<{ v: number }>`
      select count(*)::int as v from order_lines l
      join orders o on o.order_no = l.order_no
      join dealers d on d.code = o.dealer_code
      join tier_prices tp on tp.sku = l.sku and tp.tier = d.tier
      where l.unit_price_fen <> tp.price_fen or l.amount_fen <> l.qty * l.unit_price_fen`);
    expect(wrongPrice).toBe(0);
    const statuses = await db
      .selectFrom('orders')
      .select(['status'])
      .select(sql<number>`count(*)::int`.as('n'))
      .groupBy('status')
      .execute();
    const n = Object.fromEntries(statuses.map((s) => [s.status, s.n])) as Record<string, number>;
    const all = Object.values(n).reduce((a, b) => a + b, 0);
    expect(n.delivered! / all).toBeGreaterThan(0.9);
    expect(n.cancelled! / all).toBeGreaterThan(0.01);
    expect(n.cancelled! / all).toBeLessThan(0.03);
    expect(n.placed).toBeGreaterThan(0);
    expect(n.shipped).toBeGreaterThan(0);
    const unpaidRecent = await scalar(sql<{ v: number }>`
      select count(*)::int as v from orders where paid_at is null and status <> 'cancelled' and placed_at > ${NOW}::timestamptz - interval '30 days'`);
    expect(unpaidRecent).toBeGreaterThan(100);
    const s06 = await scalar(sql<{ v: number }>`select max(qty)::int as v from order_lines where sku = 'KC-S06'`);
    expect(s06).toBeGreaterThanOrEqual(100);
  });

  it('applies tier prices: core -5%, key -3%, regular and silent at list, rounded half-up', async () => {
    const rows = await db
      .selectFrom('tier_prices as t')
      .innerJoin('products as p', 'p.sku', 't.sku')
      .select(['t.sku', 't.tier', 't.price_fen', 'p.list_price_fen', 'p.category', 'p.lead_time_days'])
      .execute();
    for (const r of rows) {
      const pct = r.tier === 'core' ? 95 : r.tier === 'key' ? 97 : 100;
      expect(r.price_fen).toBe(Math.floor((r.list_price_fen * pct + 50) / 100));
      expect(r.lead_time_days).toBe(r.category === 'cabinets' ? 21 : 14);
    }
    expect(rows.find((r) => r.sku === 'KW-N60' && r.tier === 'core')?.price_fen).toBe(121_600);
  });

  it('puts about 35% of the stores in townships', async () => {
    const share = await scalar(sql<{ v: number }>`
      select (count(*) filter (where market_level = '乡镇'))::float8 / count(*) as v from stores`);
    expect(share).toBeGreaterThan(0.33);
    expect(share).toBeLessThan(0.37);
    const mismatched = await scalar(sql<{ v: number }>`
      select count(*)::int as v from stores s join regions r on r.id = s.region_id where r.market_level <> s.market_level`);
    expect(mismatched).toBe(0);
  });

  it('has birthdays this week (some today) and 3rd anniversaries this month', async () => {
    // 2026-11-26 is a Thursday: the week runs 11-23 .. 11-29.
    const week = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealer_contacts where to_char(birthday, 'MM-DD') between '11-23' and '11-29'`);
    expect(week).toBeGreaterThanOrEqual(8);
    expect(week).toBeLessThanOrEqual(12);
    const today = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealer_contacts where to_char(birthday, 'MM-DD') = '11-26'`);
    expect(today).toBeGreaterThanOrEqual(2);
    expect(summary.facts.birthdaysToday).toHaveLength(today);
    const anniversaries = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealers where partnership_start between '2023-11-01' and '2023-11-30'`);
    expect(anniversaries).toBeGreaterThanOrEqual(6);
    expect(anniversaries).toBeLessThanOrEqual(10);
    const phones = await db.selectFrom('dealer_contacts').select('phone').execute();
    expect(new Set(phones.map((p) => p.phone)).size).toBe(phones.length);
    for (const { phone } of phones) expect(phone).toMatch(/^1[358][0-9]{9}$/);
  });

  it('has ~30% silent dealers with no order in 90 days and every other dealer ordering recently', async () => {
    const rows = await sql<{ tier: string; recent: boolean }>`
      select d.tier, exists (
        select 1 from orders o where o.dealer_code = d.code and o.placed_at > ${NOW}::timestamptz - interval '90 days'
      ) as recent
      from dealers d`.execute(db);
    const quiet = rows.rows.filter((r) => !r.recent);
    expect(quiet.length / 600).toBeGreaterThan(0.27);
    expect(quiet.length / 600).toBeLessThan(0.33);
    expect(quiet.every((r) => r.tier === 'silent')).toBe(true);
    expect(rows.rows.filter((r) => r.tier === 'silent').every((r) => !r.recent)).toBe(true);
    const longAgo = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealers d where d.tier = 'silent'
        and exists (select 1 from orders o where o.dealer_code = d.code and o.placed_at < ${NOW}::timestamptz - interval '90 days')`);
    expect(longAgo).toBe(180);
    // …and they stopped 3–10 months ago (their last order falls a few weeks before they stop at the latest).
    const lastOrders = await sql<{ last: string }>`
      select max(${placedDay})::text as last from orders o join dealers d on d.code = o.dealer_code
      where d.tier = 'silent' group by d.code`.execute(db);
    expect(lastOrders.rows).toHaveLength(180);
    for (const { last } of lastOrders.rows) {
      expect(last < '2026-08-28').toBe(true);
      expect(last >= '2025-12-26').toBe(true);
    }
  });

  it('has the year before for year-over-year comparisons: growth dealers > +50%, most others −30%…+40%', async () => {
    // Every dealer that partnered well before the last 12 months ordered in the year before them.
    const withoutYearBefore = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealers d where d.partnership_start <= '2025-09-26'
        and not exists (select 1 from orders o where o.dealer_code = d.code
                        and (o.placed_at at time zone 'Asia/Shanghai')::date <= '2025-11-26')`);
    expect(withoutYearBefore).toBe(0);
    const counts = await sql<{ last: number; before: number }>`
      select count(*) filter (where ${placedDay} > '2025-11-26')::int as last,
             count(*) filter (where ${placedDay} <= '2025-11-26')::int as before from orders`.execute(db);
    const { last, before } = counts.rows[0]!;
    expect(before / last).toBeGreaterThan(0.8);
    expect(before / last).toBeLessThan(1.2);

    // Year to date (2026-01-01..11-26) against the same days of 2025.
    const ytd = await sql<{ code: string; tier: string; growth: boolean; now: number; then: number }>`
      select d.code, d.tier, '高成长' = any(d.tags) as growth,
             coalesce(sum(o.total_fen) filter (where ${placedDay} between '2026-01-01' and '2026-11-26'), 0)::float8 as now,
             coalesce(sum(o.total_fen) filter (where ${placedDay} between '2025-01-01' and '2025-11-26'), 0)::float8 as then
      from dealers d left join orders o on o.dealer_code = d.code and o.status <> 'cancelled'
      group by d.code, d.tier, d.tags order by d.code`.execute(db);
    const yoy = (r: { now: number; then: number }) => r.now / r.then - 1;
    const growth = ytd.rows.filter((r) => r.growth);
    expect(growth.length).toBeGreaterThan(30);
    for (const r of growth) {
      expect(r.then).toBeGreaterThan(0);
      expect(yoy(r)).toBeGreaterThan(0.5);
    }
    const others = ytd.rows.filter((r) => !r.growth && r.tier !== 'silent');
    expect(others.every((r) => r.then > 0)).toBe(true);
    const steady = others.filter((r) => yoy(r) >= -0.3 && yoy(r) <= 0.4);
    expect(steady.length / others.length).toBeGreaterThanOrEqual(0.8);
    // Not flat either: some shrink, most grow a little.
    expect(others.filter((r) => yoy(r) < -0.05).length).toBeGreaterThan(20);
    expect(others.filter((r) => yoy(r) > 0.05).length).toBeGreaterThan(others.length / 4);
    for (const r of ytd.rows.filter((x) => x.tier === 'silent')) expect(yoy(r)).toBeLessThan(0);

    // GROWTH-2026 (core and key only) compares this year so far with the whole of 2025: several qualify, most don't.
    const qualifying = ytd.rows.filter((r) => r.tier === 'core' || r.tier === 'key');
    const annual2025 = await sql<{ code: string; v: number }>`
      select dealer_code as code, sum(total_fen)::float8 as v from orders
      where status <> 'cancelled' and ${placedDay} between '2025-01-01' and '2025-12-31' group by dealer_code`.execute(
      db,
    );
    const base = new Map(annual2025.rows.map((r) => [r.code, r.v]));
    const qualifiers = qualifying
      .filter((r) => (base.get(r.code) ?? 0) > 0 && r.now > 1.5 * base.get(r.code)!)
      .map((r) => r.code);
    expect(qualifiers.length).toBeGreaterThanOrEqual(5);
    expect(qualifiers.length / qualifying.length).toBeLessThan(0.3);
    expect(summary.facts.growthRewardQualifiers.map((q) => q.dealerCode)).toEqual(qualifiers);
    expect(summary.facts.growthRewardQualifiers.every((q) => q.policyCode === 'GROWTH-2026' && q.growth > 0.5)).toBe(
      true,
    );
  });

  it('has overdue receivables for about 5% of dealers', async () => {
    const overdue = await scalar(sql<{ v: number }>`
      select count(distinct dealer_code)::int as v from receivables
      where paid_fen < amount_fen and due_date < ${'2026-11-26'}::date - 30`);
    expect(overdue).toBeGreaterThanOrEqual(20);
    expect(overdue).toBeLessThanOrEqual(40);
    expect(summary.facts.overdueDealers).toHaveLength(overdue);
  });

  it('has sell-through consistent with purchases, a few drops, and inventory that triggers anomalies', async () => {
    const days = await scalar(sql<{ v: number }>`select count(distinct day)::int as v from sell_through`);
    expect(days).toBe(90);
    const unbought = await scalar(sql<{ v: number }>`
      select count(*)::int as v from (select distinct dealer_code, sku from sell_through) s
      where not exists (select 1 from orders o join order_lines l on l.order_no = o.order_no
                        where o.dealer_code = s.dealer_code and l.sku = s.sku)`);
    expect(unbought).toBe(0);
    const drops = await sql<{ dealer_code: string }>`
      select dealer_code from sell_through group by dealer_code
      having sum(qty) filter (where day > '2026-10-29') <= 0.7 * sum(qty) filter (where day > '2026-10-01' and day <= '2026-10-29')`.execute(
      db,
    );
    expect(drops.rows.length).toBeGreaterThanOrEqual(5);
    expect(drops.rows.map((r) => r.dealer_code).sort()).toEqual(summary.facts.sellThroughDrop);
    const stale = await scalar(sql<{ v: number }>`
      select count(*)::int as v from dealer_inventory where synced_at < ${NOW}::timestamptz - interval '1 day' or synced_at > ${NOW}`);
    expect(stale).toBe(0);
    const cover = await sql<{ dealer_code: string; sku: string; cover: number; lead: number }>`
      select i.dealer_code, i.sku, i.qty / (sum(s.qty)::float8 / 28) as cover, p.lead_time_days as lead
      from dealer_inventory i
      join products p on p.sku = i.sku
      join sell_through s on s.dealer_code = i.dealer_code and s.sku = i.sku and s.day > '2026-10-29'
      group by i.dealer_code, i.sku, i.qty, p.lead_time_days`.execute(db);
    const over = cover.rows.filter((r) => r.cover > 90);
    const low = cover.rows.filter((r) => r.cover < r.lead + 7);
    expect(over.length).toBeGreaterThanOrEqual(5);
    expect(low.length).toBeGreaterThanOrEqual(5);
    expect(new Set(over.map((r) => r.dealer_code)).size).toBeLessThan(40);
    expect(new Set(low.map((r) => r.dealer_code)).size).toBeLessThan(40);
  });

  it('has training sessions with seats taken, a full one with a waitlist, attendance of the held one, rule honours', async () => {
    const sessions = await db
      .selectFrom('courses as c')
      .select([
        'c.title',
        'c.seats',
        'c.starts_at',
        sql<number>`(select count(*)::int from course_enrolments e where e.course_id = c.id and e.status = 'enrolled')`.as(
          'enrolled',
        ),
        sql<number>`(select count(*)::int from course_enrolments e where e.course_id = c.id and e.status = 'waitlisted')`.as(
          'waiting',
        ),
        sql<number>`(select count(attended_at)::int from course_enrolments e where e.course_id = c.id)`.as('attended'),
      ])
      .execute();
    for (const s of sessions) {
      expect(s.enrolled).toBeGreaterThan(0);
      expect(s.enrolled).toBeLessThanOrEqual(s.seats);
      // Nobody waits for a session with free seats.
      if (s.waiting > 0) expect(s.enrolled).toBe(s.seats);
      if (s.starts_at > NOW) expect(s.attended).toBe(0);
    }
    expect(sessions.filter((s) => s.waiting > 0).map((s) => s.title)).toContain('旗舰店终端陈列大师班');
    const held = sessions.find((s) => s.starts_at <= NOW)!;
    expect(held.attended).toBeGreaterThan(0);
    expect(held.attended).toBeLessThan(held.enrolled);
    // Key and core dealers' seats are free.
    const paidByKey = await scalar(
      sql<{ v: number }>`select count(*)::int as v from course_enrolments e join dealers d on d.code = e.dealer_code
        where d.tier in ('core', 'key') and e.fee_fen > 0`,
    );
    expect(paidByKey).toBe(0);
    expect(summary.counts.honours_by_rule).toBeGreaterThan(0);
    const rule = await db
      .selectFrom('honours')
      .select(['title', 'period', 'reason'])
      .where('rule_code', 'is not', null)
      .execute();
    expect(rule.every((h) => h.title.includes(h.period!.slice(0, 4)) && h.reason)).toBe(true);
  });

  it('stores the policies as given and dates the courses ahead', async () => {
    const policy = await db
      .selectFrom('policies')
      .selectAll()
      .where('code', '=', 'LADDER-2026Q4')
      .executeTakeFirstOrThrow();
    expect(policy.spec).toMatchObject({ kind: 'ladder_rebate', mode: 'retroactive' });
    // One session was held five days ago (its attendance is recorded); every other one is ahead.
    const past = await scalar(sql<{ v: number }>`select count(*)::int as v from courses where starts_at <= ${NOW}`);
    expect(past).toBe(1);
    const linked = await scalar(sql<{ v: number }>`select count(dealer_code)::int as v from success_cases`);
    expect(linked).toBe(15);
  });

  it('refuses to seed again without --force', async () => {
    const out: string[] = [];
    expect(await runSeedCli(db, ['--scale', '0.05'], { isTTY: false, write: (t) => out.push(t) })).toBe(1);
    expect(await scalar(sql<{ v: number }>`select count(*)::int as v from dealers`)).toBe(600);
  });
});
