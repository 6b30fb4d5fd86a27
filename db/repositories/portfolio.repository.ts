import { type Kysely, sql } from 'kysely';
import type { AnomalyKind } from '../../core/care/anomaly.types.js';
import type { StockPosition } from '../../core/care/replenishment.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../../core/common/time.js';
import { yearToDateWindow } from '../../core/common/year-on-year.js';
import type { ContactManager } from '../../core/contacts/contacts.types.js';
import type { PortfolioStore } from '../../core/contacts/ports.js';
import type { PortfolioContact, PortfolioDealer } from '../../core/contacts/portfolio.js';
import type { Tier } from '../../core/dealers/tiers.js';
import type { Database } from '../schema.js';
import { stockPositions } from './care.repository.js';
import { dealerInScope } from './dealer-search.repository.js';

interface Row {
  code: string;
  name: string;
  tier: Tier;
  tier_pending: Tier | null;
  province: string;
  city: string;
  county: string | null;
  partnership_start: string;
  last_order: string | null;
  ytd: number | string;
  last_ytd: number | string;
  last_contact: Date | string | null;
  open_needs: number | string;
  overdue_needs: number | string;
  anomalies: AnomalyKind[] | null;
}

/** core/contacts' PortfolioStore: a manager's dealers with their standing, one statement per read. */
export class PortfolioRepository implements PortfolioStore {
  constructor(private readonly db: Kysely<Database>) {}

  async manager(code: string): Promise<ContactManager | null> {
    const r = await this.db.selectFrom('managers').select(['code', 'role']).where('code', '=', code).executeTakeFirst();
    return r ?? null;
  }

  async portfolio(manager: ContactManager, now: Date): Promise<PortfolioDealer[]> {
    // The window of every 同比 purchase figure (core/common/year-on-year.ts), whole Shanghai days as instants.
    const w = yearToDateWindow(shanghaiDate(now));
    const jan1 = shanghaiMidnight(w.current.start);
    const dayAfter = shanghaiMidnight(addDays(w.current.end, 1));
    const lastJan1 = shanghaiMidnight(w.previous.start);
    const lastNow = shanghaiMidnight(addDays(w.previous.end, 1));
    // Each dealer's orders are an index range (orders_dealer_live: dealer, time, amount); the last order comes from
    // the summary the order triggers keep (migration 0013).
    const { rows } = await sql<Row>`
      select d.code, d.name, d.tier, d.tier_pending, r.province, r.city, r.county,
        to_char(d.partnership_start, 'YYYY-MM-DD') as partnership_start,
        to_char((lo.last_order_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as last_order,
        o.ytd, o.last_ytd,
        (select max(c.contacted_at) from manager_contacts c where c.dealer_code = d.code) as last_contact,
        coalesce(n.open_needs, 0) as open_needs, coalesce(n.overdue_needs, 0) as overdue_needs,
        (select array_agg(distinct a.kind order by a.kind) from dealer_anomalies a
          where a.dealer_code = d.code and a.closed_at is null) as anomalies
      from dealers d
      join regions r on r.id = d.region_id
      left join dealer_last_orders lo on lo.dealer_code = d.code
      cross join lateral (
        select
          coalesce(sum(x.total_fen) filter (where x.placed_at >= ${jan1}), 0) as ytd,
          coalesce(sum(x.total_fen) filter (where x.placed_at < ${lastNow}), 0) as last_ytd
        from orders x
        where x.dealer_code = d.code and x.status <> 'cancelled'
          and ((x.placed_at >= ${jan1} and x.placed_at < ${dayAfter}) or (x.placed_at >= ${lastJan1} and x.placed_at < ${lastNow}))
      ) o
      left join lateral (
        select count(*) as open_needs,
          count(*) filter (where case when e.status = 'open' and e.first_response_at is null
            then e.first_response_due else e.resolution_due end < ${now}) as overdue_needs
        from needs e where e.dealer_code = d.code and e.status in ('open', 'claimed')
      ) n on true
      where ${dealerInScope(manager)}
      order by d.code`.execute(this.db);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      tier: r.tier,
      tierPending: r.tier_pending,
      province: r.province,
      city: r.city,
      county: r.county ?? '',
      partnershipStart: r.partnership_start,
      lastOrderDate: r.last_order,
      ytdFen: Number(r.ytd),
      lastYtdFen: Number(r.last_ytd),
      lastContactAt: r.last_contact === null ? null : new Date(r.last_contact),
      openNeeds: Number(r.open_needs),
      overdueNeeds: Number(r.overdue_needs),
      anomalies: r.anomalies ?? [],
    }));
  }

  async birthdays(codes: readonly string[]): Promise<PortfolioContact[]> {
    if (codes.length === 0) return [];
    const rows = await this.db
      .selectFrom('dealer_contacts')
      .select(['dealer_code', 'name', sql<string>`to_char(birthday, 'YYYY-MM-DD')`.as('birthday')])
      .where('dealer_code', 'in', codes as string[])
      .where('birthday', 'is not', null)
      .orderBy('dealer_code')
      .orderBy('is_primary', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ dealerCode: r.dealer_code, name: r.name, birthday: r.birthday }));
  }

  stockPositions(codes: readonly string[], date: string): Promise<Map<string, StockPosition[]>> {
    return codes.length === 0 ? Promise.resolve(new Map()) : stockPositions(this.db, date, codes);
  }
}
