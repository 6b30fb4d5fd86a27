import { type Kysely, sql } from 'kysely';
import type {
  Campaign,
  CampaignDealer,
  CampaignEntry,
  CampaignWithCounts,
  EntryResult,
  NewCampaign,
  ReportEntry,
} from '../../core/campaigns/campaigns.types.js';
import type { CampaignStore } from '../../core/campaigns/ports.js';
import type { Tier } from '../../core/dealers/tiers.js';
import type { Database } from '../schema.js';
import { dealerInScope } from './dealer-search.repository.js';

type CampaignRow = {
  code: string;
  name: string;
  description: string;
  provinces: string[];
  tags: string[];
  tiers: string[];
  starts_on: string;
  ends_on: string;
  subsidy_fen: number;
  seats: number;
  results_at: Date | null;
};

const toCampaign = (r: CampaignRow): Campaign => ({
  code: r.code,
  name: r.name,
  description: r.description,
  provinces: r.provinces,
  tags: r.tags,
  tiers: r.tiers as Tier[],
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  subsidyFen: Number(r.subsidy_fen),
  seats: r.seats,
  resultsAt: r.results_at,
});

type EntryRow = {
  campaign_code: string;
  dealer_code: string;
  status: 'applied' | 'approved';
  applied_at: Date;
  approved_at: Date | null;
  approved_by: string | null;
  baseline_fen: number | null;
  campaign_fen: number | null;
  baseline_qty: number | null;
  campaign_qty: number | null;
};

const toEntry = (r: EntryRow): CampaignEntry => ({
  campaignCode: r.campaign_code,
  dealerCode: r.dealer_code,
  status: r.status,
  appliedAt: r.applied_at,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  result:
    r.campaign_fen === null
      ? null
      : {
          baselineFen: Number(r.baseline_fen ?? 0),
          campaignFen: Number(r.campaign_fen),
          baselineQty: Number(r.baseline_qty ?? 0),
          campaignQty: Number(r.campaign_qty ?? 0),
        },
});

const CAMPAIGN_COLS = [
  'c.code',
  'c.name',
  'c.description',
  'c.provinces',
  'c.tags',
  'c.tiers',
  'c.starts_on',
  'c.ends_on',
  'c.subsidy_fen',
  'c.seats',
  'c.results_at',
] as const;

const ENTRY_COLS = [
  'e.campaign_code',
  'e.dealer_code',
  'e.status',
  'e.applied_at',
  'e.approved_at',
  'e.approved_by',
  'e.baseline_fen',
  'e.campaign_fen',
  'e.baseline_qty',
  'e.campaign_qty',
] as const;

/** core/campaigns' CampaignStore on Kysely (tables campaigns and campaign_entries, migration 0018). */
export class CampaignsRepository implements CampaignStore {
  constructor(private readonly db: Kysely<Database>) {}

  private withCounts() {
    return this.db
      .selectFrom('campaigns as c')
      .select(CAMPAIGN_COLS)
      .select((eb) => [
        eb
          .selectFrom('campaign_entries as e')
          .whereRef('e.campaign_code', '=', 'c.code')
          .where('e.status', '=', 'applied')
          .select(eb.fn.countAll<number>().as('n'))
          .as('applied'),
        eb
          .selectFrom('campaign_entries as e')
          .whereRef('e.campaign_code', '=', 'c.code')
          .where('e.status', '=', 'approved')
          .select(eb.fn.countAll<number>().as('n'))
          .as('approved'),
      ]);
  }

  private static counted(r: CampaignRow & { applied: number | null; approved: number | null }): CampaignWithCounts {
    return { ...toCampaign(r), applied: Number(r.applied ?? 0), approved: Number(r.approved ?? 0) };
  }

  async insert(c: NewCampaign): Promise<Campaign> {
    // Codes C001, C002 …: the next after the highest (the primary key refuses a concurrent duplicate).
    const last = await this.db
      .selectFrom('campaigns')
      .select(sql<number>`coalesce(max(substring(code from 2)::int), 0)`.as('n'))
      .executeTakeFirstOrThrow();
    const code = `C${String(Number(last.n) + 1).padStart(3, '0')}`;
    const r = await this.db
      .insertInto('campaigns')
      .values({
        code,
        name: c.name,
        description: c.description,
        provinces: c.provinces,
        tags: c.tags,
        tiers: c.tiers,
        starts_on: c.startsOn,
        ends_on: c.endsOn,
        subsidy_fen: c.subsidyFen,
        seats: c.seats,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCampaign(r);
  }

  async get(code: string): Promise<CampaignWithCounts | null> {
    const r = await this.withCounts().where('c.code', '=', code).executeTakeFirst();
    return r ? CampaignsRepository.counted(r) : null;
  }

  async list(opts: { openOn?: string } = {}): Promise<CampaignWithCounts[]> {
    let q = this.withCounts().orderBy('c.starts_on', 'desc').orderBy('c.code', 'desc');
    if (opts.openOn) q = q.where('c.ends_on', '>=', opts.openOn);
    return (await q.execute()).map((r) => CampaignsRepository.counted(r));
  }

  async endedWithoutResults(today: string): Promise<Campaign[]> {
    const rows = await this.db
      .selectFrom('campaigns as c')
      .select(CAMPAIGN_COLS)
      .where('c.ends_on', '<', today)
      .where('c.results_at', 'is', null)
      .orderBy('c.code')
      .execute();
    return rows.map(toCampaign);
  }

  private dealers() {
    return this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['d.code', 'd.name', 'd.tier', 'd.tags', 'r.province', 'd.manager_code']);
  }

  private static dealer(r: {
    code: string;
    name: string;
    tier: Tier;
    tags: string[];
    province: string;
    manager_code: string;
  }): CampaignDealer {
    return {
      code: r.code,
      name: r.name,
      tier: r.tier,
      tags: r.tags,
      province: r.province,
      managerCode: r.manager_code,
    };
  }

  async dealer(code: string): Promise<CampaignDealer | null> {
    const r = await this.dealers().where('d.code', '=', code).executeTakeFirst();
    return r ? CampaignsRepository.dealer(r) : null;
  }

  async dealerForManager(managerCode: string, dealerCode: string): Promise<CampaignDealer | null> {
    const m = await this.db
      .selectFrom('managers')
      .select(['code', 'role'])
      .where('code', '=', managerCode)
      .executeTakeFirst();
    if (!m) return null;
    const r = await this.dealers().where('d.code', '=', dealerCode).where(dealerInScope(m)).executeTakeFirst();
    return r ? CampaignsRepository.dealer(r) : null;
  }

  async isManager(code: string): Promise<boolean> {
    return !!(await this.db.selectFrom('managers').select('code').where('code', '=', code).executeTakeFirst());
  }

  async targetedDealers(c: Campaign): Promise<CampaignDealer[]> {
    let q = this.dealers();
    if (c.provinces.length) q = q.where('r.province', 'in', c.provinces);
    if (c.tiers.length) q = q.where('d.tier', 'in', c.tiers);
    if (c.tags.length) q = q.where(sql<boolean>`d.tags && ${sql.val(c.tags)}::text[]`);
    return (await q.orderBy('d.code').execute()).map((r) => CampaignsRepository.dealer(r));
  }

  async entriesOf(dealerCode: string): Promise<CampaignEntry[]> {
    const rows = await this.db
      .selectFrom('campaign_entries as e')
      .select(ENTRY_COLS)
      .where('e.dealer_code', '=', dealerCode)
      .orderBy('e.applied_at')
      .execute();
    return rows.map(toEntry);
  }

  async lockCounts(code: string): Promise<{ applied: number; approved: number }> {
    await this.db.selectFrom('campaigns').select('code').where('code', '=', code).forUpdate().execute();
    const rows = await this.db
      .selectFrom('campaign_entries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_code', '=', code)
      .groupBy('status')
      .execute();
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { applied: n('applied'), approved: n('approved') };
  }

  async apply(campaignCode: string, dealerCode: string, at: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('campaign_entries')
      .values({ campaign_code: campaignCode, dealer_code: dealerCode, status: 'applied', applied_at: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async approve(campaignCode: string, dealerCode: string, managerCode: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('campaign_entries')
      .set({ status: 'approved', approved_at: at, approved_by: managerCode })
      .where('campaign_code', '=', campaignCode)
      .where('dealer_code', '=', dealerCode)
      .where('status', '=', 'applied')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async report(code: string): Promise<ReportEntry[]> {
    const rows = await this.db
      .selectFrom('campaign_entries as e')
      .innerJoin('dealers as d', 'd.code', 'e.dealer_code')
      .select(ENTRY_COLS)
      .select(['d.name as dealer_name', 'd.manager_code'])
      .where('e.campaign_code', '=', code)
      .orderBy('e.status', 'desc')
      .orderBy('e.dealer_code')
      .execute();
    return rows.map((r) => ({ ...toEntry(r), dealerName: r.dealer_name, managerCode: r.manager_code, liftPct: null }));
  }

  async sellThrough(dealerCode: string, from: string, to: string): Promise<{ fen: number; qty: number }> {
    const r = await this.db
      .selectFrom('store_sales')
      .select([sql<number>`coalesce(sum(amount_fen), 0)`.as('fen'), sql<number>`coalesce(sum(qty), 0)`.as('qty')])
      .where('dealer_code', '=', dealerCode)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .executeTakeFirstOrThrow();
    return { fen: Number(r.fen), qty: Number(r.qty) };
  }

  async saveResult(campaignCode: string, dealerCode: string, r: EntryResult): Promise<void> {
    await this.db
      .updateTable('campaign_entries')
      .set({
        baseline_fen: r.baselineFen,
        campaign_fen: r.campaignFen,
        baseline_qty: r.baselineQty,
        campaign_qty: r.campaignQty,
      })
      .where('campaign_code', '=', campaignCode)
      .where('dealer_code', '=', dealerCode)
      .execute();
  }

  async markResults(code: string, at: Date): Promise<void> {
    await this.db.updateTable('campaigns').set({ results_at: at }).where('code', '=', code).execute();
  }
}
