import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type {
  AuditEntry,
  CareOffersSummary,
  BoardNeed,
  ConsoleReadModel,
  ConsoleSessionStore,
  DealerDetail,
  DealerFilter,
  DealerFilterOptions,
  DealerListRow,
  JobRunRow,
  OpsMetrics,
  OutcomeFacts,
  PolicyRow,
  TierMovement,
} from '../../core/console/ports.js';
import { lastMonths } from '../../core/console/outcomes.js';
import type { ConsoleSession } from '../../core/console/session.rules.js';
import type { ConsoleViewer } from '../../core/console/viewer.js';
import { shanghaiMidnight } from '../../core/common/time.js';
import type { NeedEvent, Tier } from '../../core/needs/needs.types.js';
import type { Database } from '../schema.js';
import { toNeed } from './needs.repository.js';

const SHANGHAI_MONTH = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'Asia/Shanghai', 'YYYY-MM')`;
const DAY_MS = 86_400_000;

/**
 * What a viewer may see, as a condition on a dealers alias: everything for HQ; for a manager their own dealers and
 * those of the account managers reporting to them (for an account manager that subquery is empty).
 */
function visible(viewer: ConsoleViewer, alias = 'd'): Expression<SqlBool> {
  if (viewer.role === 'hq') return sql<SqlBool>`true`;
  const own = sql.ref(`${alias}.manager_code`);
  return sql<SqlBool>`(${own} = ${viewer.managerCode} or ${own} in (select code from managers where regional_code = ${viewer.managerCode}))`;
}

/** `visible` for a table that has only the dealer's code: no join at all for HQ. */
function visibleDealer(viewer: ConsoleViewer, column: string): Expression<SqlBool> {
  if (viewer.role === 'hq') return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(column)} in (select d.code from dealers d where ${visible(viewer)})`;
}

/** The console's queries (core/console/ports.ts). */
export class ConsoleRepository implements ConsoleReadModel {
  constructor(private readonly db: Kysely<Database>) {}

  async outcomeFacts(viewer: ConsoleViewer, since: string): Promise<OutcomeFacts> {
    const from = shanghaiMidnight(since);
    const [dealers, activity, orders, needs, campaigns] = await Promise.all([
      this.db
        .selectFrom('dealers as d')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(visible(viewer))
        .executeTakeFirstOrThrow(),
      // From the monthly summary the order triggers keep (migration 0013), not the order history: one row per
      // dealer, the months of the window it ordered in and whether it ordered before the window.
      // Months as one string: 6,000 short strings parse faster than 6,000 arrays.
      sql<{ dealer_code: string; months: string | null; before: boolean }>`
        select s.dealer_code,
               string_agg(to_char(s.month, 'YYYY-MM'), ',') filter (where s.month >= ${since}::date) as months,
               min(s.month) < ${since}::date as before
        from dealer_order_months s
        where ${visibleDealer(viewer, 's.dealer_code')}
        group by 1`
        .execute(this.db)
        .then((r) => r.rows),
      this.db
        .selectFrom('dealer_order_months as s')
        .select([
          sql<string>`to_char(s.month, 'YYYY-MM')`.as('month'),
          's.source',
          (eb) => eb.fn.sum<number>('s.orders').as('orders'),
          (eb) => eb.fn.sum<number>('s.amount_fen').as('amount'),
        ])
        .where('s.month', '>=', since)
        .where(visibleDealer(viewer, 's.dealer_code'))
        .groupBy(['s.month', 's.source'])
        .execute(),
      this.db
        .selectFrom('needs as n')
        .innerJoin('dealers as d', 'd.code', 'n.dealer_code')
        .select(['n.tier', 'n.created_at', 'n.first_response_due', 'n.resolution_due', 'n.first_response_at'])
        .select('n.resolved_at')
        .where('n.created_at', '>=', from)
        .where(visible(viewer))
        .execute(),
      this.db
        .selectFrom('policy_deliveries as p')
        .innerJoin('dealers as d', 'd.code', 'p.dealer_code')
        .select([SHANGHAI_MONTH('p.pushed_at').as('month'), sql<number>`count(distinct p.dealer_code)`.as('dealers')])
        .where('p.pushed_at', '>=', from)
        .where(visible(viewer))
        .groupBy(sql`1`)
        .execute(),
    ]);
    return {
      dealers: Number(dealers.n),
      activity: activity.map((r) => {
        const months = new Set(r.months ? r.months.split(',') : []);
        // Orders before the window only tell that the dealer had ordered before: any month earlier than it will do.
        if (r.before) months.add('0000-00');
        return { dealerCode: r.dealer_code, months };
      }),
      ordersByMonth: orders.map((r) => ({
        month: r.month,
        source: r.source,
        orders: Number(r.orders),
        amountFen: Number(r.amount ?? 0),
      })),
      needs: needs.map((n) => ({
        tier: n.tier,
        createdAt: new Date(n.created_at),
        firstResponseDue: new Date(n.first_response_due),
        resolutionDue: new Date(n.resolution_due),
        firstResponseAt: n.first_response_at ? new Date(n.first_response_at) : null,
        resolvedAt: n.resolved_at ? new Date(n.resolved_at) : null,
      })),
      campaignDealersByMonth: campaigns.map((c) => ({ month: c.month, dealers: Number(c.dealers) })),
    };
  }

  async dealerFilters(viewer: ConsoleViewer): Promise<DealerFilterOptions> {
    const [tags, places, managers] = await Promise.all([
      this.db
        .selectFrom('dealers as d')
        .select(sql<string>`unnest(d.tags || d.manual_tags)`.as('tag'))
        .where(visible(viewer))
        .distinct()
        .execute(),
      this.db
        .selectFrom('dealers as d')
        .innerJoin('regions as r', 'r.id', 'd.region_id')
        .select(['r.province', 'r.market_level'])
        .where(visible(viewer))
        .distinct()
        .execute(),
      this.db
        .selectFrom('managers as m')
        .select(['m.code', 'm.name'])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('dealers as d')
              .select('d.code')
              .whereRef('d.manager_code', '=', 'm.code')
              .where(visible(viewer)),
          ),
        )
        .orderBy('m.code')
        .execute(),
    ]);
    return {
      tags: tags.map((t) => t.tag).sort(),
      provinces: [...new Set(places.map((p) => p.province))].sort(),
      marketLevels: [...new Set(places.map((p) => p.market_level))].sort(),
      managers,
    };
  }

  private dealerQuery(viewer: ConsoleViewer, now: Date) {
    const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
    return this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .innerJoin('managers as m', 'm.code', 'd.manager_code')
      .select([
        'd.code',
        'd.name',
        'd.tier',
        'd.tags',
        'd.manual_tags',
        'r.province',
        'r.city',
        'r.market_level',
        'd.manager_code',
        'm.name as manager_name',
        'd.partnership_start',
        'd.tier_reasons',
      ])
      .select([
        // Kept by the order triggers (migration 0013).
        sql<Date | null>`(select l.last_order_at from dealer_last_orders l where l.dealer_code = d.code)`.as(
          'last_order_at',
        ),
        sql<number>`(select coalesce(sum(o.total_fen), 0) from orders o where o.dealer_code = d.code and o.status <> 'cancelled' and o.placed_at >= ${yearAgo})`.as(
          'amount_12m',
        ),
      ])
      .where(visible(viewer));
  }

  async dealers(viewer: ConsoleViewer, f: DealerFilter, now: Date): Promise<{ total: number; rows: DealerListRow[] }> {
    const silentSince = new Date(now.getTime() - 90 * DAY_MS);
    const filtered = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
      let out = q;
      if (f.tier) out = out.where('d.tier', '=', f.tier);
      if (f.tag) out = out.where(sql<SqlBool>`${f.tag} = any(d.tags || d.manual_tags)`);
      if (f.province) out = out.where('r.province', '=', f.province);
      if (f.marketLevel) out = out.where('r.market_level', '=', f.marketLevel);
      if (f.manager) out = out.where('d.manager_code', '=', f.manager);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        out = out.where(sql<SqlBool>`(d.name like ${like} or d.code like ${like})`);
      }
      if (f.silent !== undefined) {
        // From each dealer's last order (kept by the order triggers): no scan of the recent orders of every dealer.
        const recent = sql<SqlBool>`exists (select 1 from dealer_last_orders l where l.dealer_code = d.code and l.last_order_at >= ${silentSince})`;
        out = out.where(f.silent ? sql<SqlBool>`not ${recent}` : recent);
      }
      return out;
    };
    const base = this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .where(visible(viewer));
    // The filters run once: the page of codes carries the total; only its rows get their 12-month amount.
    const page = filtered(base.select(['d.code', sql<number>`count(*) over ()`.as('total')]))
      .orderBy('d.code')
      .offset(f.offset)
      .limit(f.limit);
    const rows = await this.dealerQuery(viewer, now)
      .innerJoin(page.as('p'), 'p.code', 'd.code')
      .select('p.total')
      .orderBy('d.code')
      .execute();
    if (rows.length > 0) return { total: Number(rows[0]!.total), rows: rows.map(toListRow) };
    // Past the last page the window has no row to carry the total.
    const count =
      f.offset > 0
        ? Number((await filtered(base.select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow()).n)
        : 0;
    return { total: count, rows: [] };
  }

  async dealer(viewer: ConsoleViewer, code: string, now: Date): Promise<DealerDetail | null> {
    const row = await this.dealerQuery(viewer, now).where('d.code', '=', code).executeTakeFirst();
    if (!row) return null;
    const since30 = new Date(now.getTime() - 30 * DAY_MS).toISOString().slice(0, 10);
    const from24 = `${lastMonths(now, 24)[0]}-01`;
    const [scores, orders, stock, needs, received, stores] = await Promise.all([
      this.db.selectFrom('dealer_scores').selectAll().where('dealer_code', '=', code).orderBy('month').execute(),
      // The 24 months the page draws, from the monthly summary (migration 0013).
      this.db
        .selectFrom('dealer_order_months')
        .select([
          sql<string>`to_char(month, 'YYYY-MM')`.as('month'),
          (eb) => eb.fn.sum<number>('orders').as('orders'),
          (eb) => eb.fn.sum<number>('amount_fen').as('amount'),
        ])
        .where('dealer_code', '=', code)
        .where('month', '>=', from24)
        .groupBy('month')
        .orderBy('month')
        .execute(),
      this.db
        .selectFrom('dealer_inventory as i')
        .innerJoin('products as p', 'p.sku', 'i.sku')
        .select(['i.sku', 'p.name', 'p.unit', 'p.moq', 'p.order_multiple', 'p.lead_time_days', 'i.qty'])
        .select(
          sql<number>`(select coalesce(sum(s.qty), 0) from sell_through s where s.dealer_code = i.dealer_code and s.sku = i.sku and s.day >= ${since30})`.as(
            'sold30',
          ),
        )
        .where('i.dealer_code', '=', code)
        .orderBy('i.sku')
        .execute(),
      this.db.selectFrom('needs').selectAll().where('dealer_code', '=', code).orderBy('id', 'desc').limit(50).execute(),
      this.db
        .selectFrom('outbox')
        .select(['kind', 'body', 'status', 'created_at'])
        .where('recipient', '=', code)
        .where('in_reply_to', 'is', null)
        .orderBy('id', 'desc')
        .limit(30)
        .execute(),
      this.db
        .selectFrom('stores')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('dealer_code', '=', code)
        .where('active', '=', true)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      ...toListRow(row),
      partnershipStart: row.partnership_start,
      tierReasons: row.tier_reasons,
      scores: scores.map((s) => ({
        month: String(s.month).slice(0, 7),
        purchaseScale: Number(s.purchase_scale),
        categoryExpertise: Number(s.category_expertise),
        storeCoverage: Number(s.store_coverage),
        growthPotential: Number(s.growth_potential),
        collaboration: Number(s.collaboration),
        total: Number(s.total),
        tierBefore: s.tier_before,
        tierAfter: s.tier_after,
        reasons: s.reasons,
      })),
      ordersByMonth: orders.map((o) => ({
        month: o.month,
        orders: Number(o.orders),
        amountFen: Number(o.amount ?? 0),
      })),
      stock: stock.map((s) => ({
        sku: s.sku,
        name: s.name,
        unit: s.unit,
        onHand: Number(s.qty),
        sold30: Number(s.sold30),
        leadTimeDays: s.lead_time_days,
        moq: s.moq,
        orderMultiple: s.order_multiple,
      })),
      needs: needs.map(toNeed),
      received: received.map((r) => ({ kind: r.kind, body: r.body, status: r.status, at: new Date(r.created_at) })),
      stores: Number(stores.n),
    };
  }

  private needsQuery(viewer: ConsoleViewer) {
    return this.db
      .selectFrom('needs as n')
      .innerJoin('dealers as d', 'd.code', 'n.dealer_code')
      .innerJoin('managers as m', 'm.code', 'n.owner_code')
      .selectAll('n')
      .select(['d.name as dealer_name', 'm.name as owner_name'])
      .where((eb) =>
        viewer.role === 'hq'
          ? sql<SqlBool>`true`
          : eb.or([eb('n.owner_code', '=', viewer.managerCode), visible(viewer)]),
      );
  }

  async openNeeds(viewer: ConsoleViewer): Promise<BoardNeed[]> {
    const rows = await this.needsQuery(viewer).where('n.status', 'in', ['open', 'claimed']).orderBy('n.id').execute();
    return rows.map((r) => ({ need: toNeed(r), dealerName: r.dealer_name, ownerName: r.owner_name }));
  }

  async need(viewer: ConsoleViewer, id: number): Promise<{ need: BoardNeed; events: NeedEvent[] } | null> {
    const r = await this.needsQuery(viewer).where('n.id', '=', id).executeTakeFirst();
    if (!r) return null;
    const events = await this.db
      .selectFrom('need_events')
      .select(['need_id', 'kind', 'actor', 'body', 'at'])
      .where('need_id', '=', id)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return {
      need: { need: toNeed(r), dealerName: r.dealer_name, ownerName: r.owner_name },
      events: events.map((e) => ({
        needId: Number(e.need_id),
        kind: e.kind,
        actor: e.actor,
        body: e.body,
        at: new Date(e.at),
      })),
    };
  }

  async tierMovements(months: readonly string[]): Promise<TierMovement[]> {
    if (months.length === 0) return [];
    // `month` is a date (the month's first day): the console speaks YYYY-MM.
    const firstDays = months.map((m) => `${m}-01`);
    const [moves, reasons] = await Promise.all([
      this.db
        .selectFrom('dealer_scores')
        .select([sql<string>`to_char(month, 'YYYY-MM')`.as('month'), 'tier_before', 'tier_after'])
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('month', 'in', firstDays)
        .groupBy(['month', 'tier_before', 'tier_after'])
        .execute(),
      // The reasons given for changes only (an unchanged tier's reasons say why it stayed).
      sql<{ month: string; tier_before: Tier; tier_after: Tier; reason: string; n: number }>`
        select to_char(month, 'YYYY-MM') as month, tier_before, tier_after, reason, count(*) as n
        from dealer_scores, unnest(reasons) as reason
        where month = any(${firstDays}::date[]) and tier_before <> tier_after
        group by 1, 2, 3, 4`
        .execute(this.db)
        .then((r) => r.rows),
    ]);
    return moves.map((m) => ({
      month: m.month,
      from: m.tier_before,
      to: m.tier_after,
      dealers: Number(m.n),
      reasons: reasons
        .filter((r) => r.month === m.month && r.tier_before === m.tier_before && r.tier_after === m.tier_after)
        .map((r) => ({ reason: r.reason, n: Number(r.n) }))
        .sort((a, b) => b.n - a.n || a.reason.localeCompare(b.reason))
        .slice(0, 3),
    }));
  }

  async careOffers(today: string): Promise<CareOffersSummary> {
    const pending = await this.db
      .selectFrom('dealers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tier_pending_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('care_vouchers')
      .select([
        'kind',
        sql<number>`count(*)`.as('issued'),
        sql<number>`count(*) filter (where used_order_no is not null)`.as('used'),
        sql<number>`count(*) filter (where used_order_no is null and valid_until >= ${today}::date)`.as('open'),
        sql<number>`count(*) filter (where used_order_no is null and valid_until < ${today}::date)`.as('expired'),
        sql<number>`coalesce(sum(amount_fen) filter (where used_order_no is not null), 0)`.as('used_fen'),
      ])
      .groupBy('kind')
      .orderBy('kind')
      .execute();
    return {
      pendingTiers: Number(pending.n),
      vouchers: rows.map((r) => ({
        kind: r.kind,
        issued: Number(r.issued),
        used: Number(r.used),
        open: Number(r.open),
        expired: Number(r.expired),
        usedFen: Number(r.used_fen),
      })),
    };
  }

  async tierDistribution(): Promise<Array<{ tier: Tier; dealers: number }>> {
    const rows = await this.db
      .selectFrom('dealers')
      .select(['tier', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('tier')
      .execute();
    return rows.map((r) => ({ tier: r.tier, dealers: Number(r.n) }));
  }

  async policies(): Promise<PolicyRow[]> {
    const rows = await this.db
      .selectFrom('policies as p')
      .select(['p.code', 'p.name', 'p.kind', 'p.active', 'p.promoted', 'p.spec'])
      .select([
        sql<number>`(select count(*) from policy_deliveries x where x.policy_code = p.code)`.as('deliveries'),
        sql<number>`(select count(*) from policy_deliveries x where x.policy_code = p.code and x.feedback is not null)`.as(
          'with_feedback',
        ),
      ])
      .orderBy('p.code')
      .execute();
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      kind: r.kind,
      active: r.active,
      promoted: r.promoted,
      spec: (r.spec ?? {}) as Record<string, unknown>,
      deliveries: Number(r.deliveries),
      withFeedback: Number(r.with_feedback),
    }));
  }

  async policyFeedback(code: string, limit: number) {
    const rows = await this.db
      .selectFrom('policy_deliveries')
      .select(['dealer_code', 'feedback', 'pushed_at'])
      .where('policy_code', '=', code)
      .where('feedback', 'is not', null)
      .orderBy('pushed_at', 'desc')
      .limit(limit)
      .execute();
    // Dealers' comments on the policy (policy_feedback, migration 0016) beside the questions asked after a push.
    const comments = await this.db
      .selectFrom('policy_feedback')
      .select(['dealer_code', 'text', 'created_at'])
      .where('policy_code', '=', code)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return [
      ...comments.map((c) => ({ dealerCode: c.dealer_code, feedback: c.text, at: new Date(c.created_at) })),
      ...rows.map((r) => ({ dealerCode: r.dealer_code, feedback: r.feedback ?? '', at: new Date(r.pushed_at) })),
    ]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit);
  }

  async setPolicyActive(code: string, active: boolean): Promise<boolean> {
    const r = await this.db.updateTable('policies').set({ active }).where('code', '=', code).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async importErrors(runId: number): Promise<unknown[] | null> {
    const r = await this.db.selectFrom('import_runs').select('errors').where('id', '=', runId).executeTakeFirst();
    return r ? (Array.isArray(r.errors) ? r.errors : []) : null;
  }

  async jobRuns(limit: number): Promise<JobRunRow[]> {
    const rows = await this.db.selectFrom('job_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      job: r.job,
      slot: r.slot,
      instance: r.instance,
      status: r.status,
      startedAt: new Date(r.started_at),
      finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    }));
  }

  async opsMetrics(): Promise<OpsMetrics> {
    const [inbound, outbox, jobs, breaches] = await Promise.all([
      this.db
        .selectFrom('inbound_messages')
        .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['channel', 'status'])
        .execute(),
      this.db
        .selectFrom('outbox')
        .select(['route', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .select(sql<number>`count(*) filter (where last_error is not null)`.as('failed'))
        .groupBy(['route', 'status'])
        .execute(),
      this.db
        .selectFrom('job_runs as j')
        .select(['j.job', 'j.status', (eb) => eb.fn.countAll<number>().as('runs')])
        .select(
          sql<
            number | null
          >`(select extract(epoch from (l.finished_at - l.started_at)) from job_runs l where l.job = j.job and l.finished_at is not null order by l.started_at desc limit 1)`.as(
            'last_seconds',
          ),
        )
        .groupBy(['j.job', 'j.status'])
        .execute(),
      this.db
        .selectFrom('need_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'escalated')
        .executeTakeFirstOrThrow(),
    ]);
    return {
      inbound: inbound.map((r) => ({ channel: r.channel, status: r.status, n: Number(r.n) })),
      outbox: outbox.map((r) => ({
        route: r.route,
        status: r.status,
        n: Number(r.n),
        failedAttempts: Number(r.failed),
      })),
      jobs: jobs.map((r) => ({
        job: r.job,
        status: r.status,
        runs: Number(r.runs),
        lastSeconds: r.last_seconds === null ? null : Number(r.last_seconds),
      })),
      slaBreaches: Number(breaches.n),
    };
  }

  async audit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('console_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      at: new Date(r.at),
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      detail: r.detail ?? {},
      ip: r.ip,
    }));
  }
}

function toListRow(r: {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  manual_tags: string[];
  province: string;
  city: string;
  market_level: string;
  manager_code: string;
  manager_name: string;
  last_order_at: Date | string | null;
  amount_12m: number | string;
}): DealerListRow {
  return {
    code: r.code,
    name: r.name,
    tier: r.tier,
    tags: [...new Set([...r.tags, ...r.manual_tags])],
    province: r.province,
    city: r.city,
    marketLevel: r.market_level,
    managerCode: r.manager_code,
    managerName: r.manager_name,
    lastOrderAt: r.last_order_at ? new Date(r.last_order_at) : null,
    amount12mFen: Number(r.amount_12m),
  };
}

/** Console sign-ins and the audit log (core/console/ports.ts). */
export class ConsoleSessionRepository implements ConsoleSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: ConsoleSession): Promise<void> {
    await this.db
      .insertInto('console_sessions')
      .values({
        id: s.id,
        role: s.role,
        manager_code: s.managerCode,
        csrf: s.csrf,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
      })
      .execute();
  }

  async find(id: string): Promise<ConsoleSession | null> {
    const r = await this.db
      .selectFrom('console_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return r
      ? {
          id: r.id,
          role: r.role,
          managerCode: r.manager_code,
          csrf: r.csrf,
          createdAt: new Date(r.created_at),
          lastSeenAt: new Date(r.last_seen_at),
        }
      : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('console_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async end(id: string, at: Date): Promise<void> {
    await this.db.updateTable('console_sessions').set({ ended_at: at }).where('id', '=', id).execute();
  }

  async record(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('console_audit')
      .values({
        at: e.at,
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        detail: JSON.stringify(e.detail),
        ip: e.ip,
      })
      .execute();
  }

  async managerByWecomUser(userid: string): Promise<{ code: string; name: string } | null> {
    const r = await this.db
      .selectFrom('managers')
      .select(['code', 'name'])
      .where('wecom_userid', '=', userid)
      .executeTakeFirst();
    return r ?? null;
  }

  async managerName(code: string): Promise<string | null> {
    const r = await this.db.selectFrom('managers').select('name').where('code', '=', code).executeTakeFirst();
    return r?.name ?? null;
  }
}
