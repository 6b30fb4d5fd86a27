import { shanghaiDate } from '../../core/common/time.js';
import { type Kysely, sql } from 'kysely';
import type { DealerMetrics } from '../../core/dealers/metrics.js';
import type { DealerScoreStore, DealerTierRow, ScoreWrite } from '../../core/dealers/ports.js';
import type { Tier } from '../../core/dealers/tiers.js';
import type { Database } from '../schema.js';

/**
 * Raw scoring metrics of every dealer as of `asOf`, in one set-based statement (each source aggregated by dealer
 * once, then joined), never a per-dealer loop.
 */
async function loadDealerMetrics(db: Kysely<Database>, asOf: Date): Promise<DealerMetrics[]> {
  const day = 86_400_000;
  const at = (days: number) => new Date(asOf.getTime() - days * day);
  const { rows } = await sql<Record<string, unknown>>`
    with lines as (
      select o.dealer_code, o.placed_at, ol.amount_fen, ol.category, p.tags @> array['工程渠道'] as eng
      from orders o
      join order_lines ol on ol.order_no = o.order_no
      join products p on p.sku = ol.sku
      where o.status <> 'cancelled' and o.placed_at >= ${at(365)} and o.placed_at < ${asOf}
    ),
    buy as (
      select dealer_code,
        sum(amount_fen) as amount12,
        sum(amount_fen) filter (where category in ('windows','doors')) as wd,
        sum(amount_fen) filter (where category = 'cabinets') as cab,
        sum(amount_fen) filter (where eng) as eng
      from lines group by dealer_code
    ),
    ord as (
      select dealer_code,
        sum(total_fen) filter (where placed_at >= ${at(91)}) as last3,
        sum(total_fen) filter (where placed_at >= ${at(182)} and placed_at < ${at(91)}) as prev3,
        sum(total_fen) filter (where placed_at >= ${at(182)}) as last6,
        sum(total_fen) filter (where placed_at >= ${at(364)} and placed_at < ${at(182)}) as prev6,
        count(distinct floor(extract(epoch from (${asOf}::timestamptz - placed_at)) / 2592000))
          filter (where placed_at >= ${at(360)}) as months
      from orders
      where status <> 'cancelled' and placed_at >= ${at(365)} and placed_at < ${asOf}
      group by dealer_code
    ),
    last_order as (
      select dealer_code, max(placed_at) as last_at
      from orders where status <> 'cancelled' and placed_at < ${asOf} group by dealer_code
    ),
    sold as (
      select st.dealer_code,
        sum(st.qty) filter (where p.category in ('windows','doors')) as wd,
        sum(st.qty) filter (where p.category = 'cabinets') as cab
      from sell_through st join products p on p.sku = st.sku
      where st.day >= (${asOf}::timestamptz at time zone 'Asia/Shanghai')::date - 30
        and st.day < (${asOf}::timestamptz at time zone 'Asia/Shanghai')::date
      group by st.dealer_code
    ),
    stock as (
      select di.dealer_code,
        sum(di.qty) filter (where p.category in ('windows','doors')) as wd,
        sum(di.qty) filter (where p.category = 'cabinets') as cab
      from dealer_inventory di join products p on p.sku = di.sku
      group by di.dealer_code
    ),
    st as (
      select dealer_code, count(*) as n, count(distinct region_id) as regions,
        count(*) filter (where type = 'retail') as retail,
        count(*) filter (where type = 'engineering') as engineering,
        count(*) filter (where market_level in ('县城','乡镇')) as town
      from stores where active and opened_on < (${asOf}::timestamptz at time zone 'Asia/Shanghai')::date
      group by dealer_code
    ),
    nd as (
      select dealer_code, count(*) as raised, count(rating) as rated
      from needs where created_at >= ${at(365)} and created_at < ${asOf} group by dealer_code
    ),
    pol as (
      select dealer_code, count(*) as delivered, count(feedback) as answered
      from policy_deliveries where cohort <> 'holdout' and pushed_at < ${asOf} group by dealer_code
    ),
    push as (
      select o.recipient as dealer_code, count(*) as pushes,
        count(*) filter (where exists (
          select 1 from channel_identities ci
          join inbound_messages im on im.channel = ci.channel and im.sender = ci.external_id
          where ci.dealer_code = o.recipient
            and im.received_at > o.created_at and im.received_at <= o.created_at + interval '48 hours'
        )) as answered
      from outbox o
      join dealers d on d.code = o.recipient
      where o.kind not in ('reply', 'followup') and o.created_at >= ${at(90)} and o.created_at < ${asOf}
      group by o.recipient
    )
    select d.code, r.market_level, d.partnership_start,
      coalesce(buy.amount12, 0) as amount12, coalesce(buy.wd, 0) as wd_fen, coalesce(buy.cab, 0) as cab_fen,
      coalesce(buy.eng, 0) as eng_fen,
      coalesce(sold.wd, 0) as wd_sold, coalesce(stock.wd, 0) as wd_stock,
      coalesce(sold.cab, 0) as cab_sold, coalesce(stock.cab, 0) as cab_stock,
      coalesce(st.n, 0) as stores, coalesce(st.regions, 0) as regions, coalesce(st.retail, 0) as retail,
      coalesce(st.engineering, 0) as engineering, coalesce(st.town, 0) as town,
      coalesce(ord.last3, 0) as last3, coalesce(ord.prev3, 0) as prev3,
      coalesce(ord.last6, 0) as last6, coalesce(ord.prev6, 0) as prev6, coalesce(ord.months, 0) as months,
      coalesce(nd.raised, 0) as raised, coalesce(nd.rated, 0) as rated,
      coalesce(pol.delivered, 0) as delivered, coalesce(pol.answered, 0) as pol_answered,
      coalesce(push.pushes, 0) as pushes, coalesce(push.answered, 0) as push_answered,
      to_char(last_order.last_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as last_order_date
    from dealers d
    join regions r on r.id = d.region_id
    left join buy on buy.dealer_code = d.code
    left join ord on ord.dealer_code = d.code
    left join last_order on last_order.dealer_code = d.code
    left join sold on sold.dealer_code = d.code
    left join stock on stock.dealer_code = d.code
    left join st on st.dealer_code = d.code
    left join nd on nd.dealer_code = d.code
    left join pol on pol.dealer_code = d.code
    left join push on push.dealer_code = d.code
    order by d.code`.execute(db);
  const asOfDay = shanghaiDate(asOf);
  const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / day);
  const n = (v: unknown) => Number(v ?? 0);
  return rows.map((r) => {
    const lastOrderDate = (r.last_order_date as string | null) ?? null;
    return {
      dealerCode: r.code as string,
      marketLevel: r.market_level as string,
      partnershipDays: daysBetween(r.partnership_start as string, asOfDay),
      amount12Fen: n(r.amount12),
      windowDoorFen: n(r.wd_fen),
      cabinetFen: n(r.cab_fen),
      engineeringProductFen: n(r.eng_fen),
      windowDoorSold30: n(r.wd_sold),
      windowDoorOnHand: n(r.wd_stock),
      cabinetSold30: n(r.cab_sold),
      cabinetOnHand: n(r.cab_stock),
      activeStores: n(r.stores),
      storeRegions: n(r.regions),
      retailStores: n(r.retail),
      engineeringStores: n(r.engineering),
      townStores: n(r.town),
      last3Fen: n(r.last3),
      prev3Fen: n(r.prev3),
      last6Fen: n(r.last6),
      prev6Fen: n(r.prev6),
      monthsWithOrders: n(r.months),
      needsRaised: n(r.raised),
      needsRated: n(r.rated),
      policyDeliveries: n(r.delivered),
      policyFeedback: n(r.pol_answered),
      pushes: n(r.pushes),
      pushesAnswered: n(r.push_answered),
      lastOrderDate,
      daysSinceLastOrder: lastOrderDate ? daysBetween(lastOrderDate, asOfDay) : null,
    };
  });
}

async function loadDealerTiers(db: Kysely<Database>): Promise<DealerTierRow[]> {
  const rows = await db
    .selectFrom('dealers')
    .select(['code', 'name', 'tier', 'manager_code', 'manual_tags'])
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    tier: r.tier,
    managerCode: r.manager_code,
    manualTags: r.manual_tags,
  }));
}

/** The latest month scored so far ('YYYY-MM-01'), or null before the first scoring. */
async function latestScoredMonth(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('dealer_scores')
    .select((eb) => eb.fn.max('month').as('month'))
    .executeTakeFirst();
  return row?.month ?? null;
}

/** The tier a dealer had before `month` was first scored (a re-run must not see its own tier change). */
async function tiersBeforeMonth(db: Kysely<Database>, month: string): Promise<Map<string, Tier>> {
  const rows = await db
    .selectFrom('dealer_scores')
    .select(['dealer_code', 'tier_before'])
    .where('month', '=', month)
    .execute();
  return new Map(rows.map((r) => [r.dealer_code, r.tier_before]));
}

/** Each dealer's tier as of the latest month scored before `month` (the "before" of a historical re-score). */
async function tiersScoredBefore(db: Kysely<Database>, month: string): Promise<Map<string, Tier>> {
  const { rows } = await sql<{ dealer_code: string; tier_after: Tier }>`
    select distinct on (dealer_code) dealer_code, tier_after from dealer_scores
    where month < ${month}::date
    order by dealer_code, month desc`.execute(db);
  return new Map(rows.map((r) => [r.dealer_code, r.tier_after]));
}

/** Writes one month's scores (upsert; a re-run keeps the first run's tier_before), in batched statements. */
async function saveDealerScores(db: Kysely<Database>, month: string, scores: readonly ScoreWrite[]): Promise<void> {
  for (let i = 0; i < scores.length; i += 1000) {
    const chunk = scores.slice(i, i + 1000);
    await db
      .insertInto('dealer_scores')
      .values(
        chunk.map((s) => ({
          dealer_code: s.dealerCode,
          month,
          purchase_scale: s.dimensions.purchaseScale,
          category_expertise: s.dimensions.categoryExpertise,
          store_coverage: s.dimensions.storeCoverage,
          growth_potential: s.dimensions.growthPotential,
          collaboration: s.dimensions.collaboration,
          total: s.total,
          tier_before: s.tierBefore,
          tier_after: s.tier,
          reasons: s.reasons,
          tags: s.tags,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['dealer_code', 'month']).doUpdateSet((eb) => ({
          purchase_scale: eb.ref('excluded.purchase_scale'),
          category_expertise: eb.ref('excluded.category_expertise'),
          store_coverage: eb.ref('excluded.store_coverage'),
          growth_potential: eb.ref('excluded.growth_potential'),
          collaboration: eb.ref('excluded.collaboration'),
          total: eb.ref('excluded.total'),
          tier_after: eb.ref('excluded.tier_after'),
          reasons: eb.ref('excluded.reasons'),
          tags: eb.ref('excluded.tags'),
          computed_at: sql`now()`,
        })),
      )
      .execute();
  }
}

/**
 * Sets the dealers' own tier, reasons and tags from the latest month's scores (only the latest month: an old month
 * re-scored must not overwrite today's tiers). One UPDATE … FROM (VALUES …) per chunk.
 */
async function applyDealerTiers(db: Kysely<Database>, scores: readonly ScoreWrite[], now: Date): Promise<void> {
  for (let i = 0; i < scores.length; i += 1000) {
    const values = sql.join(
      scores
        .slice(i, i + 1000)
        .map(
          (s) =>
            sql`(${s.dealerCode}, ${s.tier}, ${s.reasons}::text[], ${s.tags}::text[], ${s.tierFrom ?? null}::timestamptz)`,
        ),
    );
    // Pending: a new tier announced later (v.from_at), or one a re-run finds still waiting for its notice.
    await sql`
      update dealers d set
        tier = case when v.from_at > ${now} or (d.tier_pending = v.tier and d.tier_pending_at > ${now})
                    then d.tier else v.tier end,
        tier_pending = case when v.from_at > ${now} then v.tier
                            when d.tier_pending = v.tier and d.tier_pending_at > ${now} then d.tier_pending end,
        tier_pending_at = case when v.from_at > ${now} then v.from_at
                               when d.tier_pending = v.tier and d.tier_pending_at > ${now} then d.tier_pending_at end,
        tier_reasons = v.reasons, tags = v.tags
      from (values ${values}) as v(code, tier, reasons, tags, from_at)
      where d.code = v.code`.execute(db);
  }
}

async function applyDueDealerTiers(db: Kysely<Database>, now: Date): Promise<number> {
  const r = await db
    .updateTable('dealers')
    .set((eb) => ({ tier: eb.fn.coalesce('tier_pending', 'tier'), tier_pending: null, tier_pending_at: null }))
    .where('tier_pending_at', '<=', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** DealerScoreStore on Kysely; `db` is the caller's transaction. */
export class DealerScoreRepository implements DealerScoreStore {
  constructor(private readonly db: Kysely<Database>) {}

  metrics(asOf: Date) {
    return loadDealerMetrics(this.db, asOf);
  }
  dealerTiers() {
    return loadDealerTiers(this.db);
  }
  async managerNames(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('managers').select(['code', 'name']).execute();
    return new Map(rows.map((m) => [m.code, m.name]));
  }
  latestScoredMonth() {
    return latestScoredMonth(this.db);
  }
  tiersBeforeMonth(month: string) {
    return tiersBeforeMonth(this.db, month);
  }
  tiersScoredBefore(month: string) {
    return tiersScoredBefore(this.db, month);
  }
  saveScores(month: string, scores: readonly ScoreWrite[]) {
    return saveDealerScores(this.db, month, scores);
  }
  applyTiers(scores: readonly ScoreWrite[], now: Date) {
    return applyDealerTiers(this.db, scores, now);
  }
  applyDueTiers(now: Date) {
    return applyDueDealerTiers(this.db, now);
  }
}
