import { shanghaiMidnight } from '../../core/common/time.js';
import { type Kysely, sql } from 'kysely';
import type { PastOrder } from '../../core/care/activation.js';
import type { SellThroughTrend } from '../../core/care/anomalies.js';
import type { StockPosition } from '../../core/care/replenishment.js';
import type { SuccessCase } from '../../core/care/success-case.js';
import type { CareDealer, CareStore, Delivery, DeliveryLog, PeerPurchase, SilentRow } from '../../core/care/ports.js';
import type { Policy, Tier } from '../../core/policies/policy.types.js';
import { policySchema } from '../../core/policies/policy.types.js';
import { sellThroughWindow } from '../../core/stock/stock.rules.js';
import type { PolicyOrderLine } from '../../core/policies/qualifying.js';
import { honourTitlesOf } from './honours.repository.js';
import type { Database } from '../schema.js';

/**
 * Set-based reads for the care and outreach jobs: each returns the rows of every dealer concerned in one statement.
 * `date` is the business date (Asia/Shanghai); windows end the day before it.
 */

const dealerColumns = sql`d.code, d.name, d.tier, d.tags, d.manager_code, r.market_level, d.partnership_start`;
const toDealer = (r: Record<string, unknown>): CareDealer => ({
  code: r.code as string,
  name: r.name as string,
  tier: r.tier as Tier,
  tags: r.tags as string[],
  managerCode: r.manager_code as string,
  marketLevel: r.market_level as string,
  partnershipStart: r.partnership_start as string,
});

/** Dealers by code (all when `codes` is omitted). */
export async function loadCareDealers(db: Kysely<Database>, codes?: readonly string[]): Promise<CareDealer[]> {
  if (codes && codes.length === 0) return [];
  const { rows } = await sql<Record<string, unknown>>`
    select ${dealerColumns} from dealers d join regions r on r.id = d.region_id
    ${codes ? sql`where d.code = any(${codes as string[]})` : sql``}
    order by d.code`.execute(db);
  return rows.map(toDealer);
}

/** Contacts whose birthday is `date` (month-day; 29 Feb on 28 Feb in other years), with their dealer. */
async function birthdaysOn(db: Kysely<Database>, date: string): Promise<Array<CareDealer & { contacts: string[] }>> {
  const md = date.slice(5);
  const y = Number(date.slice(0, 4));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const mds = md === '02-28' && !leap ? ['02-28', '02-29'] : [md];
  const { rows } = await sql<Record<string, unknown>>`
    select ${dealerColumns}, array_agg(c.name order by c.is_primary desc, c.id) as contacts
    from dealer_contacts c
    join dealers d on d.code = c.dealer_code
    join regions r on r.id = d.region_id
    where to_char(c.birthday, 'MM-DD') = any(${mds})
    group by d.code, r.market_level
    order by d.code`.execute(db);
  return rows.map((r) => ({ ...toDealer(r), contacts: r.contacts as string[] }));
}

/** Dealers whose partnership started on this day of the year in an earlier year. */
async function anniversariesOn(db: Kysely<Database>, date: string): Promise<CareDealer[]> {
  const md = date.slice(5);
  const y = Number(date.slice(0, 4));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const mds = md === '02-28' && !leap ? ['02-28', '02-29'] : [md];
  const { rows } = await sql<Record<string, unknown>>`
    select ${dealerColumns} from dealers d join regions r on r.id = d.region_id
    where to_char(d.partnership_start, 'MM-DD') = any(${mds}) and d.partnership_start < ${`${y}-01-01`}::date
    order by d.code`.execute(db);
  return rows.map(toDealer);
}

/** Dealers whose partnership started between two dates (the Nth-anniversary month, shifted back N years). */
async function dealersStartedBetween(db: Kysely<Database>, from: string, to: string): Promise<CareDealer[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${dealerColumns} from dealers d join regions r on r.id = d.region_id
    where d.partnership_start between ${from}::date and ${to}::date
    order by d.code`.execute(db);
  return rows.map(toDealer);
}

/** Order lines of some dealers placed in [from, before), for the policy engine's qualifying amount. */
async function orderLinesBetween(
  db: Kysely<Database>,
  codes: readonly string[],
  from: Date,
  before: Date,
): Promise<Map<string, PolicyOrderLine[]>> {
  const out = new Map<string, PolicyOrderLine[]>();
  if (codes.length === 0) return out;
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('order_lines as l', 'l.order_no', 'o.order_no')
    .select(['o.dealer_code', 'o.placed_at', 'o.status', 'l.category', 'l.amount_fen'])
    .where('o.dealer_code', 'in', codes as string[])
    .where('o.placed_at', '>=', from)
    .where('o.placed_at', '<', before)
    .execute();
  for (const r of rows) {
    const list = out.get(r.dealer_code) ?? [];
    list.push({ placedAt: r.placed_at, orderStatus: r.status, category: r.category, amountFen: r.amount_fen });
    out.set(r.dealer_code, list);
  }
  return out;
}

/** Every active policy (validated), e.g. ANNIV-3Y. */
async function loadActivePolicies(db: Kysely<Database>): Promise<Policy[]> {
  const rows = await db
    .selectFrom('policies')
    .select(['code', 'spec'])
    .where('active', '=', true)
    .orderBy('code')
    .execute();
  const out: Policy[] = [];
  for (const r of rows) {
    const spec = typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec;
    const parsed = policySchema.safeParse(spec);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/**
 * Every dealer's stock positions: on hand, units sold in core/stock's sell-through window (`[date − 30, date)`, the
 * window the chat's stock answers use, so push and chat agree), lead time and MOQ.
 */
/** `and <column> = any(codes)`, or nothing for every dealer. */
const ofDealers = (column: string, codes?: readonly string[]) =>
  codes ? sql`and ${sql.ref(column)} = any(${codes as string[]})` : sql``;

/** Stock positions per dealer (only `codes` when given). */
export async function stockPositions(
  db: Kysely<Database>,
  date: string,
  codes?: readonly string[],
): Promise<Map<string, StockPosition[]>> {
  const window = sellThroughWindow(date);
  const { rows } = await sql<Record<string, unknown>>`
    with sold as (
      select dealer_code, sku, sum(qty) as qty from sell_through
      where day >= ${window.from}::date and day < ${window.before}::date ${ofDealers('dealer_code', codes)}
      group by dealer_code, sku
    )
    select di.dealer_code, di.sku, p.name, p.unit, di.qty as on_hand, coalesce(s.qty, 0) as sold30,
      p.lead_time_days, p.moq, p.order_multiple
    from dealer_inventory di
    join products p on p.sku = di.sku
    left join sold s on s.dealer_code = di.dealer_code and s.sku = di.sku
    where true ${ofDealers('di.dealer_code', codes)}
    order by di.dealer_code, di.sku`.execute(db);
  const out = new Map<string, StockPosition[]>();
  for (const r of rows) {
    const code = r.dealer_code as string;
    const list = out.get(code) ?? [];
    list.push({
      sku: r.sku as string,
      name: r.name as string,
      unit: r.unit as string,
      onHand: Number(r.on_hand),
      sold30: Number(r.sold30),
      leadTimeDays: Number(r.lead_time_days),
      moq: Number(r.moq),
      orderMultiple: Number(r.order_multiple),
    });
    out.set(code, list);
  }
  return out;
}

/** Units sold per dealer (only `codes` when given) in the last 28 days and the 28 before. */
export async function sellThroughTrends(
  db: Kysely<Database>,
  date: string,
  codes?: readonly string[],
): Promise<Map<string, SellThroughTrend>> {
  const { rows } = await sql<{ dealer_code: string; last28: number; prev28: number }>`
    select dealer_code,
      coalesce(sum(qty) filter (where day >= ${date}::date - 28), 0) as last28,
      coalesce(sum(qty) filter (where day < ${date}::date - 28), 0) as prev28
    from sell_through
    where day >= ${date}::date - 56 and day < ${date}::date ${ofDealers('dealer_code', codes)}
    group by dealer_code`.execute(db);
  return new Map(rows.map((r) => [r.dealer_code, { last28: Number(r.last28), prev28: Number(r.prev28) }]));
}

/** Dealers without an order for `days` days (or none since a partnership at least that old). */
async function silentDealers(db: Kysely<Database>, date: string, days = 90): Promise<SilentRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with last as (
      select dealer_code, max((placed_at at time zone 'Asia/Shanghai')::date) as last_day
      from orders where status <> 'cancelled' and placed_at < ${shanghaiMidnight(date).toISOString()}::timestamptz
      group by dealer_code
    )
    select ${dealerColumns}, to_char(last.last_day, 'YYYY-MM-DD') as last_day, ${date}::date - last.last_day as since
    from dealers d
    join regions r on r.id = d.region_id
    left join last on last.dealer_code = d.code
    where (last.last_day is null and d.partnership_start <= ${date}::date - ${days}::int)
       or last.last_day <= ${date}::date - ${days}::int
    order by d.code`.execute(db);
  return rows.map((r) => ({
    ...toDealer(r),
    lastOrderDate: (r.last_day as string | null) ?? null,
    daysSinceLastOrder: r.since === null || r.since === undefined ? null : Number(r.since),
  }));
}

/** The last `n` non-cancelled orders of some dealers, each with its three biggest lines' product names. */
async function lastOrders(db: Kysely<Database>, codes: readonly string[], n = 3): Promise<Map<string, PastOrder[]>> {
  const out = new Map<string, PastOrder[]>();
  if (codes.length === 0) return out;
  const { rows } = await sql<{ dealer_code: string; day: string; total_fen: number; products: string[] }>`
    with ranked as (
      select o.order_no, o.dealer_code, o.placed_at, o.total_fen,
        row_number() over (partition by o.dealer_code order by o.placed_at desc, o.order_no desc) as rn
      from orders o
      where o.dealer_code = any(${codes as string[]}) and o.status <> 'cancelled'
    )
    select k.dealer_code, to_char(k.placed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, k.total_fen,
      (select array_agg(x.name) from (
         select p.name from order_lines l join products p on p.sku = l.sku
         where l.order_no = k.order_no order by l.amount_fen desc, l.line_no limit 3) x) as products
    from ranked k where k.rn <= ${n}
    order by k.dealer_code, k.placed_at desc, k.order_no desc`.execute(db);
  for (const r of rows) {
    const list = out.get(r.dealer_code) ?? [];
    list.push({ date: r.day, amountFen: Number(r.total_fen), products: r.products ?? [] });
    out.set(r.dealer_code, list);
  }
  return out;
}

/**
 * What active dealers (an order in the last 90 days) bought in the last 90 days, by market level, tag ('' = all
 * dealers of the level) and product: the "similar dealers order …" part of an activation plan.
 */
async function peerPurchases(db: Kysely<Database>, date: string): Promise<PeerPurchase[]> {
  const since = shanghaiMidnight(date).toISOString();
  const { rows } = await sql<{ market_level: string; tag: string; name: string; amount: number }>`
    with active_lines as (
      select r.market_level, d.tags, l.sku, l.amount_fen
      from orders o
      join order_lines l on l.order_no = o.order_no
      join dealers d on d.code = o.dealer_code
      join regions r on r.id = d.region_id
      where o.status <> 'cancelled'
        and o.placed_at >= ${since}::timestamptz - interval '90 days' and o.placed_at < ${since}::timestamptz
    ),
    tagged as (
      select market_level, unnest(tags || array['']) as tag, sku, amount_fen from active_lines
    )
    select t.market_level, t.tag, p.name, sum(t.amount_fen) as amount
    from tagged t join products p on p.sku = t.sku
    group by t.market_level, t.tag, p.name`.execute(db);
  return rows.map((r) => ({ marketLevel: r.market_level, tag: r.tag, name: r.name, amountFen: Number(r.amount) }));
}

async function loadSuccessCases(db: Kysely<Database>): Promise<SuccessCase[]> {
  const rows = await db.selectFrom('success_cases').selectAll().orderBy('id').execute();
  const honours = await honourTitlesOf(
    db,
    rows.flatMap((r) => (r.dealer_code ? [r.dealer_code] : [])),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    tags: r.tags,
    tier: r.tier,
    dealerCode: r.dealer_code,
    honours: r.dealer_code ? (honours.get(r.dealer_code) ?? []) : [],
  }));
}

/** CareStore on Kysely; `db` is the caller's transaction. */
export class CareRepository implements CareStore {
  constructor(private readonly db: Kysely<Database>) {}

  dealers(codes?: readonly string[]) {
    return loadCareDealers(this.db, codes);
  }
  birthdaysOn(date: string) {
    return birthdaysOn(this.db, date);
  }
  anniversariesOn(date: string) {
    return anniversariesOn(this.db, date);
  }
  dealersStartedBetween(from: string, to: string) {
    return dealersStartedBetween(this.db, from, to);
  }
  orderLinesBetween(codes: readonly string[], from: Date, before: Date) {
    return orderLinesBetween(this.db, codes, from, before);
  }
  activePolicies() {
    return loadActivePolicies(this.db);
  }
  stockPositions(date: string) {
    return stockPositions(this.db, date);
  }
  silentDealers(date: string, days?: number) {
    return silentDealers(this.db, date, days);
  }
  lastOrders(codes: readonly string[], n?: number) {
    return lastOrders(this.db, codes, n);
  }
  peerPurchases(date: string) {
    return peerPurchases(this.db, date);
  }
  successCases() {
    return loadSuccessCases(this.db);
  }
}

/** The delivery log in care_deliveries; `db` is the caller's transaction (the outbox rows commit with it). */
export class DeliveryLogRepository implements DeliveryLog {
  constructor(private readonly db: Kysely<Database>) {}

  async sentKeys(
    kind: string,
    subjects: readonly string[] | 'all',
    keys?: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if ((subjects !== 'all' && subjects.length === 0) || keys?.length === 0) return out;
    const { rows } = await sql<{ subject: string; key: string }>`
      select subject, key from care_deliveries
      where kind = ${kind}
        ${subjects === 'all' ? sql`` : sql`and subject = any(${subjects as string[]})`}
        ${keys ? sql`and key = any(${keys as string[]})` : sql``}`.execute(this.db);
    for (const r of rows) {
      const set = out.get(r.subject) ?? new Set<string>();
      set.add(r.key);
      out.set(r.subject, set);
    }
    return out;
  }

  async record(deliveries: readonly Delivery[], at: Date): Promise<number> {
    let added = 0;
    for (let i = 0; i < deliveries.length; i += 1000) {
      const rows = await this.db
        .insertInto('care_deliveries')
        .values(
          deliveries.slice(i, i + 1000).map((d) => ({ kind: d.kind, subject: d.subject, key: d.key, sent_at: at })),
        )
        .onConflict((oc) => oc.columns(['kind', 'subject', 'key']).doNothing())
        .returning('kind')
        .execute();
      added += rows.length;
    }
    return added;
  }
}
