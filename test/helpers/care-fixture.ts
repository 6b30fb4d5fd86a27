import { afterAll, beforeAll } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { openTestDatabase } from './db.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The instant the care fixture is built around: the daily run of 2026-11-26 (09:10 Shanghai). */
export const CARE_NOW = new Date('2026-11-26T09:10:00+08:00');
const DAY = 86_400_000;
const daysAgo = (n: number, hour = 10) => new Date(CARE_NOW.getTime() - n * DAY + (hour - 9) * 3600_000);
const dateAgo = (n: number) => new Date(CARE_NOW.getTime() - n * DAY + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * A hand-built network with known answers:
 * D0001 WeCom member, contact's birthday today, KW-N60 at 10 days of cover (restock 60 套);
 * D0002 on KF with an open window, 6th anniversary today, KC-L01 at 300 days of cover, a receivable 40 days overdue;
 * D0003 on KF with the window closed, contact's birthday today, sell-through down 75%;
 * D0004 no order for 120 days (silent); D0006 3rd anniversary today (greeting and bonus in one message); D0005 no channel (sandbox), 3rd anniversary on 2026-11-10 with ¥12,000 of
 * windows and ¥500 of accessories ordered this month. M001 has a WeCom account and an alert chat; M002 has neither.
 */
export async function seedCareFixture(db: Kysely<Database>): Promise<void> {
  const [r1, r2] = await db
    .insertInto('regions')
    .values([
      { province: '江苏', city: '南京', county: '鼓楼区', market_level: '二线' },
      { province: '江苏', city: '盐城', county: '阜宁县', market_level: '县城' },
    ])
    .returning('id')
    .execute();
  await db
    .insertInto('managers')
    .values([
      { code: 'M001', name: '张伟', role: 'account', wecom_userid: 'zhangwei', alert_chat_id: 'chat-m001' },
      { code: 'M002', name: '李娜', role: 'account' },
    ])
    .execute();
  const dealer = (
    code: string,
    name: string,
    region: number,
    manager: string,
    start: string,
    tier: Database['dealers']['tier'],
  ) => ({
    code,
    name,
    region_id: region,
    tier,
    manager_code: manager,
    partnership_start: start,
  });
  await db
    .insertInto('dealers')
    .values([
      dealer('D0001', '南京恒信门窗', r1!.id, 'M001', '2018-03-01', 'key'),
      dealer('D0002', '南京美居橱柜', r1!.id, 'M001', '2020-11-26', 'regular'),
      dealer('D0003', '阜宁顺发门窗', r2!.id, 'M002', '2019-05-20', 'regular'),
      dealer('D0004', '阜宁老街建材', r2!.id, 'M002', '2017-06-01', 'regular'),
      dealer('D0005', '南京新开门窗', r1!.id, 'M001', '2023-11-10', 'regular'),
      dealer('D0006', '南京三年门窗', r1!.id, 'M001', '2023-11-26', 'regular'),
    ])
    .execute();
  await db
    .insertInto('dealer_contacts')
    .values([
      { dealer_code: 'D0001', name: '王强', phone: '13800000001', birthday: '1980-11-26', is_primary: true },
      { dealer_code: 'D0002', name: '赵敏', phone: '13800000002', birthday: '1985-03-02', is_primary: true },
      { dealer_code: 'D0003', name: '孙丽', phone: '13800000003', birthday: '1990-11-26', is_primary: true },
    ])
    .execute();
  await db
    .insertInto('channel_identities')
    .values([
      { channel: 'wecom', external_id: 'wx-d0001', dealer_code: 'D0001' },
      { channel: 'kf', external_id: 'kf-d0002', dealer_code: 'D0002', open_kfid: 'wk1' },
      { channel: 'kf', external_id: 'kf-d0003', dealer_code: 'D0003', open_kfid: 'wk1' },
      { channel: 'wecom', external_id: 'zhangwei', manager_code: 'M001' },
    ])
    .execute();
  await db
    .insertInto('kf_sessions')
    .values([
      { external_userid: 'kf-d0002', open_kfid: 'wk1', last_inbound_at: new Date(CARE_NOW.getTime() - 3600_000) },
      { external_userid: 'kf-d0003', open_kfid: 'wk1', last_inbound_at: new Date(CARE_NOW.getTime() - 72 * 3600_000) },
    ])
    .execute();
  await db
    .insertInto('products')
    .values([
      {
        sku: 'KW-N60',
        name: '窄边框平开窗 N60',
        category: 'windows',
        series: '窄边框',
        unit: '套',
        list_price_fen: 128_000,
        moq: 10,
        lead_time_days: 14,
      },
      {
        sku: 'KC-L01',
        name: '经典L型橱柜 L01',
        category: 'cabinets',
        series: '橱柜',
        unit: '套',
        list_price_fen: 500_000,
        moq: 1,
        lead_time_days: 21,
      },
      {
        sku: 'KA-H01',
        name: '五金配件包 H01',
        category: 'accessories',
        series: '五金',
        unit: '包',
        list_price_fen: 1_000,
        moq: 50,
        lead_time_days: 7,
      },
    ])
    .execute();
  let seq = 0;
  const order = async (dealer_code: string, at: Date, lines: Array<[string, string, number, number]>) => {
    seq++;
    const order_no = `SO2026${String(seq).padStart(8, '0')}`;
    const total = lines.reduce((s, l) => s + l[2] * l[3], 0);
    await db
      .insertInto('orders')
      .values({ order_no, dealer_code, status: 'delivered', total_fen: total, placed_at: at, source: 'seed' })
      .execute();
    await db
      .insertInto('order_lines')
      .values(
        lines.map(([sku, category, qty, price], i) => ({
          order_no,
          line_no: i + 1,
          sku,
          category,
          qty,
          unit_price_fen: price,
          amount_fen: qty * price,
        })),
      )
      .execute();
  };
  for (let m = 0; m < 12; m++) await order('D0001', daysAgo(5 + m * 30), [['KW-N60', 'windows', 100, 120_000]]);
  for (let m = 0; m < 6; m++) await order('D0002', daysAgo(10 + m * 30), [['KC-L01', 'cabinets', 4, 480_000]]);
  for (let m = 0; m < 6; m++) await order('D0003', daysAgo(20 + m * 30), [['KW-N60', 'windows', 20, 128_000]]);
  await order('D0004', daysAgo(120), [['KW-N60', 'windows', 10, 128_000]]);
  await order('D0006', daysAgo(5), [['KW-N60', 'windows', 10, 120_000]]);
  await order('D0005', daysAgo(3), [
    ['KW-N60', 'windows', 10, 120_000],
    ['KA-H01', 'accessories', 50, 1_000],
  ]);
  await db
    .insertInto('dealer_inventory')
    .values([
      { dealer_code: 'D0001', sku: 'KW-N60', qty: 20, synced_at: CARE_NOW },
      { dealer_code: 'D0002', sku: 'KC-L01', qty: 300, synced_at: CARE_NOW },
      { dealer_code: 'D0003', sku: 'KW-N60', qty: 200, synced_at: CARE_NOW },
    ])
    .execute();
  const sales: Array<{ dealer_code: string; sku: string; day: string; qty: number }> = [];
  for (let d = 1; d <= 56; d++) {
    if (d <= 30) sales.push({ dealer_code: 'D0001', sku: 'KW-N60', day: dateAgo(d), qty: 2 });
    if (d <= 30) sales.push({ dealer_code: 'D0002', sku: 'KC-L01', day: dateAgo(d), qty: 1 });
    // D0003: 10 units in the last 28 days against 40 in the 28 before (−75%).
    if (d <= 28 && d % 14 === 0) sales.push({ dealer_code: 'D0003', sku: 'KW-N60', day: dateAgo(d), qty: 5 });
    if (d > 28 && d % 7 === 0) sales.push({ dealer_code: 'D0003', sku: 'KW-N60', day: dateAgo(d), qty: 10 });
  }
  await db.insertInto('sell_through').values(sales).execute();
  await db
    .insertInto('receivables')
    .values({ dealer_code: 'D0002', amount_fen: 1_000_000, paid_fen: 200_000, due_date: dateAgo(40) })
    .execute();
  await db
    .insertInto('policies')
    .values({
      code: 'ANNIV-3Y',
      name: '合作三周年额外返利',
      kind: 'anniversary_bonus',
      spec: JSON.stringify({
        code: 'ANNIV-3Y',
        name: '合作三周年额外返利',
        kind: 'anniversary_bonus',
        years: 3,
        bonusRate: 0.03,
        excludeCategories: ['accessories'],
        target: { tiers: ['core', 'key', 'regular', 'silent'], tagsAny: [] },
        pilotRatio: null,
      }),
    })
    .execute();
  await db
    .insertInto('success_cases')
    .values([
      { title: '门窗专卖店的旺季打法', body: '某门窗商提前备货，旺季销量翻番。', tags: ['门窗专长'], tier: 'key' },
      { title: '橱柜套餐提升客单价', body: '某橱柜商推套餐，客单价提升30%。', tags: ['橱柜专长'], tier: 'regular' },
    ])
    .execute();
}

/**
 * A suite on the hand-built care fixture: a fresh database seeded with it before the suite, closed after, and a
 * memory KV. Call at module level; use `fx.h` inside tests.
 */
export function useCareFixture(): { h: DatabaseHandle; kv: MemoryKeyValueStore } {
  const fx = { h: undefined as unknown as DatabaseHandle, kv: new MemoryKeyValueStore() };
  beforeAll(async () => {
    fx.h = await openTestDatabase({ seeded: false });
    await seedCareFixture(fx.h.db);
  });
  afterAll(async () => {
    await fx.h?.close();
    await fx.kv.close();
  });
  return fx;
}
