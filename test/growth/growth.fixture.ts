import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { insertIntentsFixture, IX } from '../intents/intents.fixtures.js';

/**
 * The intents fixture (M102: D0101 core, D0103 regular, D0104 silent, D0105–D0107 regular; M103: D0102 key; all in
 * 浙江) plus, all known:
 * - C001 新品体验节 for core and key dealers, 11-20 to 12-20, 2 seats (D0105 made key: the third to apply finds it
 *   full);
 * - C002 浙江区域促销, 10-01 to 10-31 (ended), D0101 approved: POS ¥12,000 (8 units) in October against ¥8,000
 *   (5 units) in its baseline, 08-31 to 09-30 — a sale on 08-30 and one on 11-01 fall outside both;
 * - C003 橱柜焕新季 for 橱柜专长 dealers, ahead (12-10 to 2027-01-10);
 * - the contact log: D0101 (core, weekly) last on 11-15, so overdue since 11-22; D0103 (regular, every two weeks)
 *   on 11-20, due 12-04; the others never.
 */
export const GX = {
  ...IX,
  thirdKey: 'D0105',
  c002: { campaignFen: 1_200_000, baselineFen: 800_000, campaignQty: 8, baselineQty: 5 },
} as const;

export async function insertGrowthFixture(db: Kysely<Database>, now: Date): Promise<void> {
  await insertIntentsFixture(db, now);
  await db.updateTable('dealers').set({ tier: 'key' }).where('code', '=', GX.thirdKey).execute();
  await db
    .insertInto('campaigns')
    .values([
      {
        code: 'C001',
        name: '新品体验节',
        description: '新品样窗优先试销，门店办体验活动。',
        tiers: ['core', 'key'],
        starts_on: '2026-11-20',
        ends_on: '2026-12-20',
        subsidy_fen: 500_000,
        seats: 2,
      },
      {
        code: 'C002',
        name: '浙江区域促销',
        description: '门店满额立减。',
        provinces: ['浙江'],
        starts_on: '2026-10-01',
        ends_on: '2026-10-31',
        subsidy_fen: 300_000,
        seats: 10,
      },
      {
        code: 'C003',
        name: '橱柜焕新季',
        tags: ['橱柜专长'],
        starts_on: '2026-12-10',
        ends_on: '2027-01-10',
        seats: 5,
      },
    ])
    .execute();
  await db
    .insertInto('campaign_entries')
    .values({
      campaign_code: 'C002',
      dealer_code: GX.coreDealer,
      status: 'approved',
      applied_at: '2026-09-25T10:00:00+08:00',
      approved_at: '2026-09-26T10:00:00+08:00',
      approved_by: GX.accountA,
    })
    .execute();
  const region = await db.selectFrom('regions').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('stores')
    .values({
      code: 'D0101-S01',
      dealer_code: GX.coreDealer,
      name: '恒远城东店',
      type: 'retail',
      region_id: region.id,
      market_level: '二线',
      opened_on: '2022-01-01',
    })
    .execute();
  const sale = (day: string, qty: number, yuan: number) => ({
    store_code: 'D0101-S01',
    dealer_code: GX.coreDealer,
    sku: 'KW-N60',
    day,
    qty,
    amount_fen: yuan * 100,
  });
  await db
    .insertInto('store_sales')
    .values([
      sale('2026-08-30', 9, 90_000),
      sale('2026-08-31', 2, 3_000),
      sale('2026-09-30', 3, 5_000),
      sale('2026-10-01', 5, 7_000),
      sale('2026-10-31', 3, 5_000),
      sale('2026-11-01', 9, 90_000),
    ])
    .execute();
  await db
    .insertInto('manager_contacts')
    .values([
      {
        manager_code: GX.accountA,
        dealer_code: GX.coreDealer,
        note: '聊了陈列',
        contacted_at: '2026-11-15T10:00:00+08:00',
      },
      {
        manager_code: GX.accountA,
        dealer_code: GX.regularDealer,
        note: '聊了回款',
        contacted_at: '2026-11-20T15:00:00+08:00',
      },
    ])
    .execute();
}
