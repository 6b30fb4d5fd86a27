import { type Kysely, sql } from 'kysely';
import { type HonourCandidate, type HonourPeriod, yearBefore } from '../../core/honours/honour.rules.js';
import type { Honour, HonourStore, RegionRecipients } from '../../core/honours/ports.js';
import { shanghaiMidnight } from '../../core/common/time.js';
import type { Database } from '../schema.js';

type Row = {
  id: number;
  dealer_code: string;
  title: string;
  awarded_on: string;
  rule_code: string | null;
  period: string | null;
  reason: string | null;
};

const toHonour = (r: Row): Honour => ({
  id: Number(r.id),
  dealerCode: r.dealer_code,
  title: r.title,
  awardedOn: r.awarded_on,
  ruleCode: r.rule_code,
  period: r.period,
  reason: r.reason,
});

const COLUMNS = ['h.id', 'h.dealer_code', 'h.title', 'h.awarded_on', 'h.rule_code', 'h.period', 'h.reason'] as const;

/** The latest `per` honour titles of each dealer (for success cases). */
export async function honourTitlesOf(
  db: Kysely<Database>,
  codes: readonly string[],
  per = 2,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (codes.length === 0) return out;
  const rows = await db
    .selectFrom('honours')
    .select(['dealer_code', 'title'])
    .where('dealer_code', 'in', [...new Set(codes)])
    .orderBy('awarded_on', 'desc')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.dealer_code) ?? [];
    if (list.length < per) list.push(r.title);
    out.set(r.dealer_code, list);
  }
  return out;
}

/** core/honours' HonourStore on Kysely (honours, orders, dealer_scores). */
export class HonoursRepository implements HonourStore {
  constructor(private readonly db: Kysely<Database>) {}

  async candidates(period: HonourPeriod): Promise<HonourCandidate[]> {
    const base = yearBefore(period);
    const [start, end] = [shanghaiMidnight(period.start), shanghaiMidnight(period.end)];
    const [bStart, bEnd] = [shanghaiMidnight(base.start), shanghaiMidnight(base.end)];
    const { rows } = await sql<{
      code: string;
      name: string;
      province: string;
      manager_code: string;
      orders: number;
      amount: number;
      base: number;
      collaboration: number | null;
    }>`
with o as (
  select dealer_code,
    count(*) filter (where placed_at >= ${start} and placed_at < ${end})::int as orders,
    coalesce(sum(total_fen) filter (where placed_at >= ${start} and placed_at < ${end}), 0)::bigint as amount,
    coalesce(sum(total_fen) filter (where placed_at >= ${bStart} and placed_at < ${bEnd}), 0)::bigint as base
  from orders
  where status <> 'cancelled' and placed_at >= ${bStart} and placed_at < ${end}
  group by dealer_code
), s as (
  select dealer_code, avg(collaboration)::float8 as collaboration
  from dealer_scores where month >= ${period.start}::date and month < ${period.end}::date
  group by dealer_code
)
select d.code, d.name, r.province, d.manager_code, o.orders, o.amount, o.base, s.collaboration
from o
join dealers d on d.code = o.dealer_code
join regions r on r.id = d.region_id
left join s on s.dealer_code = d.code
where o.orders > 0
order by d.code`.execute(this.db);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      province: r.province,
      managerCode: r.manager_code,
      orders: Number(r.orders),
      amountFen: Number(r.amount),
      baseAmountFen: Number(r.base),
      collaboration: r.collaboration === null ? null : Number(r.collaboration),
    }));
  }

  async insertAwards(rows: ReadonlyArray<Omit<Honour, 'id'>>): Promise<Honour[]> {
    if (rows.length === 0) return [];
    const inserted = await this.db
      .insertInto('honours')
      .values(
        rows.map((r) => ({
          dealer_code: r.dealerCode,
          title: r.title,
          awarded_on: r.awardedOn,
          rule_code: r.ruleCode,
          period: r.period,
          reason: r.reason,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['rule_code', 'period', 'dealer_code']).where('rule_code', 'is not', null).doNothing(),
      )
      .returning(['id', 'dealer_code', 'title', 'awarded_on', 'rule_code', 'period', 'reason'])
      .execute();
    return inserted.map(toHonour);
  }

  async awardsOf(period: string): Promise<Honour[]> {
    const rows = await this.db
      .selectFrom('honours as h')
      .select(COLUMNS)
      .where('h.period', '=', period)
      .orderBy('h.id')
      .execute();
    return rows.map(toHonour);
  }

  async forDealer(code: string): Promise<Honour[]> {
    const rows = await this.db
      .selectFrom('honours as h')
      .select(COLUMNS)
      .where('h.dealer_code', '=', code)
      .orderBy('h.awarded_on', 'desc')
      .orderBy('h.id')
      .execute();
    return rows.map(toHonour);
  }

  async list(opts: { period?: string; limit: number }) {
    let q = this.db
      .selectFrom('honours as h')
      .innerJoin('dealers as d', 'd.code', 'h.dealer_code')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select([...COLUMNS, 'd.name', 'r.province']);
    if (opts.period) q = q.where('h.period', '=', opts.period);
    const rows = await q.orderBy('h.awarded_on', 'desc').orderBy('h.id').limit(opts.limit).execute();
    return rows.map((r) => ({ ...toHonour(r), dealerName: r.name, province: r.province }));
  }

  async region(province: string): Promise<RegionRecipients> {
    const dealers = await this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['d.code', 'd.manager_code'])
      .where('r.province', '=', province)
      .orderBy('d.code')
      .execute();
    const accountManagers = [...new Set(dealers.map((d) => d.manager_code))];
    const regional =
      accountManagers.length === 0
        ? []
        : await this.db
            .selectFrom('managers')
            .select('regional_code')
            .where('code', 'in', accountManagers)
            .where('regional_code', 'is not', null)
            .execute();
    const managers = [...new Set([...accountManagers, ...regional.map((r) => r.regional_code!)])].sort();
    return { dealers: dealers.map((d) => d.code), managers };
  }
}
