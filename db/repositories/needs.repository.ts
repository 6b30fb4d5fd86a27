import { type Expression, type Kysely, type Selectable, sql } from 'kysely';
import type { PolicyOrderLine, PolicyRecord } from '../../core/policies/index.js';
import type {
  DealerRef,
  ManagerRef,
  Need,
  NeedAttachment,
  NeedEvent,
  NeedStatus,
  OrderSummary,
} from '../../core/needs/needs.types.js';
import type {
  DealerProfile,
  FiredCheckpoint,
  NeedPatch,
  NeedsReport,
  NeedsReportRow,
  NeedStore,
  NewNeed,
} from '../../core/needs/ports.js';
import type { OpenNeedRow } from '../../core/needs/need-list.js';
import type { SlaClock, SlaStage } from '../../core/needs/sla.js';
import { addDays, shanghaiMidnight } from '../../core/common/time.js';
import type { Database, NeedsTable } from '../schema.js';
import { dealerInScope } from './dealer-search.repository.js';
import { PolicyRepository } from './policies.repository.js';

type NeedRow = Selectable<NeedsTable>;

const TIERS = ['core', 'key', 'regular', 'silent'] as const;

export const toNeed = (r: NeedRow): Need => ({
  id: Number(r.id),
  dealerCode: r.dealer_code,
  category: r.category,
  text: r.text,
  status: r.status,
  ownerCode: r.owner_code,
  tier: r.tier,
  firstResponseDue: new Date(r.first_response_due),
  resolutionDue: new Date(r.resolution_due),
  firstResponseAt: r.first_response_at ? new Date(r.first_response_at) : null,
  resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
  closedAt: r.closed_at ? new Date(r.closed_at) : null,
  resolution: r.resolution,
  rating: r.rating,
  ratingComment: r.rating_comment,
  attachments: (Array.isArray(r.attachments) ? r.attachments : []) as NeedAttachment[],
  createdAt: new Date(r.created_at),
  statementRef: r.statement_ref ?? null,
});

const PATCH_COLUMNS: Record<keyof NeedPatch, keyof NeedsTable> = {
  status: 'status',
  category: 'category',
  ownerCode: 'owner_code',
  firstResponseAt: 'first_response_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  resolution: 'resolution',
  rating: 'rating',
  ratingComment: 'rating_comment',
  resolutionDue: 'resolution_due',
};

/**
 * The dealer's need awaiting a rating (`NeedStore.awaitingRating`) as a one-row query of its id, also run as a
 * subquery of the conversation's turn read (`KyselyConversationStore.loadTurn`).
 */
export function awaitingRatingQuery(
  db: Kysely<Database>,
  dealerCode: string | Expression<string>,
  resolvedAfter: Date | Expression<Date>,
) {
  return db
    .selectFrom('needs')
    .select('id')
    .where('dealer_code', '=', dealerCode)
    .where('status', '=', 'resolved')
    .where('resolved_at', '>', resolvedAfter)
    .orderBy('resolved_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1);
}

/** core/needs' NeedStore on Kysely; give it the turn's (or job's) transaction. */
export class NeedsRepository implements NeedStore {
  constructor(private readonly db: Kysely<Database>) {}

  async dealer(code: string): Promise<DealerRef | null> {
    const r = await this.db
      .selectFrom('dealers as d')
      .innerJoin('managers as m', 'm.code', 'd.manager_code')
      .select(['d.code', 'd.name', 'd.tier', 'd.tags', 'd.manager_code', 'm.role', 'm.regional_code'])
      .where('d.code', '=', code)
      .executeTakeFirst();
    if (!r) return null;
    return {
      code: r.code,
      name: r.name,
      tier: r.tier,
      tags: r.tags,
      managerCode: r.manager_code,
      regionalCode: r.role === 'regional' ? r.manager_code : (r.regional_code ?? r.manager_code),
    };
  }

  async manager(code: string): Promise<ManagerRef | null> {
    const r = await this.db
      .selectFrom('managers')
      .select(['code', 'name', 'role', 'regional_code'])
      .where('code', '=', code)
      .executeTakeFirst();
    return r ? { code: r.code, name: r.name, role: r.role, regionalCode: r.regional_code } : null;
  }

  async insert(n: NewNeed): Promise<Need> {
    const row = await this.db
      .insertInto('needs')
      .values({
        dealer_code: n.dealerCode,
        category: n.category,
        text: n.text,
        status: 'open',
        owner_code: n.ownerCode,
        tier: n.tier,
        first_response_due: n.firstResponseDue,
        resolution_due: n.resolutionDue,
        created_at: n.createdAt,
        statement_ref: n.statementRef ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toNeed(row);
  }

  async get(id: number): Promise<Need | null> {
    const r = await this.db.selectFrom('needs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toNeed(r) : null;
  }

  async getForUpdate(id: number): Promise<Need | null> {
    const r = await this.db.selectFrom('needs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    return r ? toNeed(r) : null;
  }

  async update(id: number, patch: NeedPatch, from: readonly NeedStatus[]): Promise<Need | null> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[PATCH_COLUMNS[k as keyof NeedPatch]] = v;
    const r = await this.db
      .updateTable('needs')
      .set(set)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
    return r ? toNeed(r) : null;
  }

  async addAttachment(id: number, attachment: NeedAttachment): Promise<void> {
    await this.db
      .updateTable('needs')
      .set({ attachments: sql`attachments || ${JSON.stringify([attachment])}::jsonb` as never })
      .where('id', '=', id)
      .execute();
  }

  async addEvent(e: {
    needId: number;
    kind: string;
    actor: string | null;
    body?: string | null;
    dedupeKey?: string;
    at: Date;
  }): Promise<boolean> {
    const r = await this.db
      .insertInto('need_events')
      .values({
        need_id: e.needId,
        kind: e.kind,
        actor: e.actor,
        body: e.body ?? null,
        dedupe_key: e.dedupeKey ?? null,
        at: e.at,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  async events(needId: number): Promise<NeedEvent[]> {
    const rows = await this.db
      .selectFrom('need_events')
      .select(['need_id', 'kind', 'actor', 'body', 'at'])
      .where('need_id', '=', needId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      needId: Number(r.need_id),
      kind: r.kind,
      actor: r.actor,
      body: r.body,
      at: new Date(r.at),
    }));
  }

  async activeOfDealer(dealerCode: string, limit: number): Promise<Need[]> {
    const rows = await this.db
      .selectFrom('needs')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .where('status', 'in', ['open', 'claimed', 'resolved'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toNeed);
  }

  async awaitingRating(dealerCode: string, resolvedAfter: Date): Promise<number | undefined> {
    const r = await awaitingRatingQuery(this.db, dealerCode, resolvedAfter).executeTakeFirst();
    return r ? Number(r.id) : undefined;
  }

  async latestOpenSince(dealerCode: string, since: Date): Promise<Need | null> {
    const r = await this.db
      .selectFrom('needs')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .where('status', 'in', ['open', 'claimed'])
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r ? toNeed(r) : null;
  }

  async recentOrders(dealerCode: string, limit: number): Promise<OrderSummary[]> {
    const rows = await this.db
      .selectFrom('orders')
      .select(['order_no', 'status', 'total_fen', 'placed_at'])
      .where('dealer_code', '=', dealerCode)
      .orderBy('placed_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      orderNo: r.order_no,
      status: r.status,
      totalFen: r.total_fen,
      placedAt: new Date(r.placed_at),
    }));
  }

  async recordDueCheckpoints(now: Date): Promise<FiredCheckpoint[]> {
    // One statement for every open need: which clock stages are reached, recorded once by dedupe key.
    // A reopened need's resolution clock restarts at its latest reopen, with a new cycle in the key.
    const inserted = await sql<{ need_id: number; clock: SlaClock; stage: number }>`
      with clocks as (
        select n.id, 'first' as clock, n.created_at as started, n.first_response_due as due, 0::bigint as cycle
        from needs n
        where n.status = 'open' and n.first_response_at is null
        union all
        select n.id, 'resolution', coalesce(r.at, n.created_at), n.resolution_due, r.cycle
        from needs n
        cross join lateral (
          select max(e.at) as at, count(*) as cycle from need_events e where e.need_id = n.id and e.kind = 'reopened'
        ) r
        where n.status in ('open', 'claimed')
      ),
      reached as (
        select c.*, s.stage
        from clocks c
        cross join (values (50), (80), (100)) as s(stage)
        where ${now}::timestamptz >= c.started + (c.due - c.started) * (s.stage::float8 / 100)
      )
      insert into need_events (need_id, kind, actor, body, dedupe_key, at)
      select id,
             case when stage = 100 then 'escalated' else 'warned' end,
             'system',
             clock || ':' || stage,
             (case when stage = 100 then 'breach' else 'warn' || stage end) || ':' || clock || ':' || id
               || case when cycle > 0 then ':r' || cycle else '' end,
             ${now}::timestamptz
      from reached
      order by id, clock, stage
      on conflict (dedupe_key) do nothing
      returning need_id, split_part(body, ':', 1) as clock, split_part(body, ':', 2)::int as stage`.execute(this.db);
    if (inserted.rows.length === 0) return [];
    const ids = [...new Set(inserted.rows.map((r) => Number(r.need_id)))];
    const rows = await this.db
      .selectFrom('needs as n')
      .innerJoin('dealers as d', 'd.code', 'n.dealer_code')
      .innerJoin('managers as o', 'o.code', 'n.owner_code')
      .selectAll('n')
      .select([
        'd.name as dealer_name',
        'o.name as owner_name',
        'o.role as owner_role',
        'o.regional_code as owner_regional',
      ])
      .where('n.id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const fired: FiredCheckpoint[] = [];
    for (const i of inserted.rows) {
      const r = byId.get(Number(i.need_id));
      if (!r) continue;
      fired.push({
        need: toNeed(r),
        clock: i.clock,
        stage: Number(i.stage) as SlaStage,
        dealerName: r.dealer_name,
        ownerName: r.owner_name,
        regionalCode: r.owner_role === 'regional' ? r.owner_code : (r.owner_regional ?? r.owner_code),
      });
    }
    return fired;
  }

  async dealerProfile(code: string): Promise<DealerProfile | null> {
    const dealer = await this.dealer(code);
    if (!dealer) return null;
    const d = await this.db
      .selectFrom('dealers as d')
      .innerJoin('managers as m', 'm.code', 'd.manager_code')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['m.name as manager_name', 'r.province', 'r.city', 'r.county', 'd.partnership_start', 'd.tier_reasons'])
      .where('d.code', '=', code)
      .executeTakeFirstOrThrow();
    const score = await this.db
      .selectFrom('dealer_scores')
      .select(['month', 'total', 'tier_before', 'tier_after', 'reasons'])
      .where('dealer_code', '=', code)
      .orderBy('month', 'desc')
      .limit(1)
      .executeTakeFirst();
    const contact = await this.db
      .selectFrom('dealer_contacts')
      .select(['name', 'phone'])
      .where('dealer_code', '=', code)
      .orderBy('is_primary', 'desc')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const stores = await this.db
      .selectFrom('stores')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dealer_code', '=', code)
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    return {
      dealer,
      managerName: d.manager_name,
      region: [d.province, d.city, d.county].filter((x, i, a) => x && a.indexOf(x) === i).join(''),
      partnershipStart: d.partnership_start,
      tierReasons: d.tier_reasons,
      latestScore: score
        ? {
            month: score.month,
            total: Number(score.total),
            tierBefore: score.tier_before,
            tierAfter: score.tier_after,
            reasons: score.reasons,
          }
        : null,
      primaryContact: contact ?? null,
      stores: Number(stores.n),
    };
  }

  async orderLinesSince(dealerCode: string, since: Date): Promise<PolicyOrderLine[]> {
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .select(['l.amount_fen', 'l.discount_fen', 'l.category', 'o.status', 'o.placed_at'])
      .where('o.dealer_code', '=', dealerCode)
      .where('o.placed_at', '>=', since)
      .execute();
    return rows.map((r) => ({
      amountFen: Number(r.amount_fen),
      discountFen: Number(r.discount_fen),
      category: r.category,
      orderStatus: r.status,
      placedAt: r.placed_at,
    }));
  }

  policyRecords(): Promise<PolicyRecord[]> {
    return new PolicyRepository(this.db).listPolicies({ skipInvalid: true });
  }

  async openNeedsForManager(manager: ManagerRef): Promise<OpenNeedRow[]> {
    const rows = await this.db
      .selectFrom('needs as n')
      .innerJoin('dealers as d', 'd.code', 'n.dealer_code')
      .selectAll('n')
      .select('d.name as dealer_name')
      .where('n.status', 'in', ['open', 'claimed'])
      .where((eb) => eb.or([eb('n.owner_code', '=', manager.code), dealerInScope(manager, 'd')]))
      .orderBy('n.id')
      .execute();
    return rows.map((r) => ({ need: toNeed(r), dealerName: r.dealer_name }));
  }
}

/**
 * The needs report for needs submitted in [from, to] (Asia/Shanghai dates, inclusive): per tier and overall,
 * first-response and resolution medians and p90 (hours, percentile_cont), SLA hit rates over needs whose outcome
 * is decided, average rating, and needs still open by age at `now`.
 */
export async function needsReport(
  db: Kysely<Database>,
  opts: { from: string; to: string; now: Date },
): Promise<NeedsReport> {
  const start = shanghaiMidnight(opts.from);
  const end = shanghaiMidnight(addDays(opts.to, 1));
  const now = opts.now;
  const rows = await sql<{
    tier: string | null;
    submitted: number;
    fr_p50: number | null;
    fr_p90: number | null;
    res_p50: number | null;
    res_p90: number | null;
    fr_hit: number | null;
    res_hit: number | null;
    avg_rating: number | null;
    rated: number;
    lt12: number;
    h12: number;
    h24: number;
    h48: number;
    h72: number;
  }>`
    with n as (
      select tier, created_at, first_response_at, first_response_due, resolved_at, resolution_due, rating, status,
             extract(epoch from first_response_at - created_at) / 3600 as fr_h,
             extract(epoch from resolved_at - created_at) / 3600 as res_h,
             case when status in ('open', 'claimed') then extract(epoch from ${now}::timestamptz - created_at) / 3600 end as open_h
      from needs
      where created_at >= ${start}::timestamptz and created_at < ${end}::timestamptz
    )
    select tier,
           count(*)::int as submitted,
           percentile_cont(0.5) within group (order by fr_h) as fr_p50,
           percentile_cont(0.9) within group (order by fr_h) as fr_p90,
           percentile_cont(0.5) within group (order by res_h) as res_p50,
           percentile_cont(0.9) within group (order by res_h) as res_p90,
           avg(case when first_response_at is not null then (first_response_at <= first_response_due)::int
                    when ${now}::timestamptz > first_response_due then 0 end)::float8 as fr_hit,
           avg(case when resolved_at is not null then (resolved_at <= resolution_due)::int
                    when ${now}::timestamptz > resolution_due then 0 end)::float8 as res_hit,
           avg(rating)::float8 as avg_rating,
           count(rating)::int as rated,
           count(*) filter (where open_h < 12)::int as lt12,
           count(*) filter (where open_h >= 12 and open_h < 24)::int as h12,
           count(*) filter (where open_h >= 24 and open_h < 48)::int as h24,
           count(*) filter (where open_h >= 48 and open_h < 72)::int as h48,
           count(*) filter (where open_h >= 72)::int as h72
    from n
    group by grouping sets ((tier), ())
    order by grouping(tier), array_position(array['core', 'key', 'regular', 'silent'], tier)`.execute(db);
  const num = (v: number | null) => (v === null || v === undefined ? null : Number(v));
  const report: NeedsReportRow[] = rows.rows.map((r) => ({
    tier: r.tier ?? 'all',
    submitted: Number(r.submitted),
    firstResponseP50: num(r.fr_p50),
    firstResponseP90: num(r.fr_p90),
    resolutionP50: num(r.res_p50),
    resolutionP90: num(r.res_p90),
    firstResponseHitRate: num(r.fr_hit),
    resolutionHitRate: num(r.res_hit),
    avgRating: num(r.avg_rating),
    rated: Number(r.rated),
    openByAge: {
      lt12h: Number(r.lt12),
      h12to24: Number(r.h12),
      h24to48: Number(r.h24),
      h48to72: Number(r.h48),
      ge72h: Number(r.h72),
    },
  }));
  // Every tier gets a row, so a tier without needs reads as 0 rather than missing.
  const empty = (tier: string): NeedsReportRow => ({
    tier,
    submitted: 0,
    firstResponseP50: null,
    firstResponseP90: null,
    resolutionP50: null,
    resolutionP90: null,
    firstResponseHitRate: null,
    resolutionHitRate: null,
    avgRating: null,
    rated: 0,
    openByAge: { lt12h: 0, h12to24: 0, h24to48: 0, h48to72: 0, ge72h: 0 },
  });
  const rowsOut = [...TIERS, 'all'].map((t) => report.find((r) => r.tier === t) ?? empty(t));
  return { from: opts.from, to: opts.to, generatedAt: now.toISOString(), rows: rowsOut };
}
