import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { insertN60Order, insertSeedPolicy, seedOrderRow } from '../helpers/needs-fixture.js';
import { insertIntentsFixture, IX } from '../intents/intents.fixtures.js';

/**
 * Data questions answered with the right data, and figures that agree (try-out finds): purchases are the orders,
 * sell-through the POS; one 同比 for the dealer and the manager; no "enough stock" without stock data; silence from
 * the latest order. Clock: Thursday 2026-11-26 (the intents fixture: D0101's orders ¥600,000 + ¥500,000 in October,
 * ¥300,000 on 11-20 and a cancelled ¥200,000; N60 sold 3 on 11-20 and 2 on 11-24).
 */
const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');
let app: TestApp;
const all = async (from: string, text: string) => (await app.say(from, text)).join('\n');
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

/** Last year's orders (¥500,000 by 26 November, ¥600,000 after), the growth reward, per-store POS. */
let database: Kysely<Database>;
async function prepare(db: Kysely<Database>) {
  database = db;
  await insertIntentsFixture(db, TEST_NOW);
  const lastYear: Array<[string, number, string]> = [
    ['SO202503010001', 50_000_000, '2025-03-01T10:00:00+08:00'],
    ['SO202512100001', 60_000_000, '2025-12-10T10:00:00+08:00'],
  ];
  for (const [no, fen, at] of lastYear) await insertN60Order(db, no, IX.coreDealer, fen, at, 'delivered');
  await insertSeedPolicy(db, 'GROWTH-2026');
  // The fixture's two stores get their POS codes and their own sales (3 at 西湖 on 11-20, 2 at 滨江 on 11-24).
  for (const [name, code] of [
    ['恒远西湖店', 'D0101-S01'],
    ['恒远滨江店', 'D0101-S02'],
  ] as const) {
    await db.updateTable('stores').set({ code }).where('name', '=', name).execute();
  }
  await db
    .insertInto('store_sales')
    .values([
      { store_code: 'D0101-S01', dealer_code: IX.coreDealer, sku: 'KW-N60', day: '2026-11-20', qty: 3, amount_fen: 0 },
      { store_code: 'D0101-S02', dealer_code: IX.coreDealer, sku: 'KW-N60', day: '2026-11-24', qty: 2, amount_fen: 0 },
    ])
    .execute();
}

beforeAll(async () => {
  app = await startTestApp({ seeded: false, now: () => TEST_NOW, prepare });
});
afterAll(async () => {
  await app?.close();
});

describe('purchases (订/买/进货) are the orders, not the POS', () => {
  it('"这个月订了多少" and "我这个月买了多少钱的货": the month\'s orders, counted and summed', async () => {
    for (const text of ['这个月订了多少', '我这个月买了多少钱的货']) {
      const r = await all(IX.coreDealer, text);
      expect(r).toContain('本月订单 1 笔，合计 ¥300,000');
      expect(r).not.toContain('门店动销');
    }
  });

  it('"上次订的啥": the last order and its lines, never a reorder draft', async () => {
    const r = await one(IX.coreDealer, '上次订的啥');
    expect(r).toMatch(/^订单 SO202611200004/);
    expect(r).toContain('窄边框平开窗');
    expect(r).not.toContain('重新核算');
  });
});

describe('purchases of a product or over a period (订/买/进货)', () => {
  // [question, what the answer must say]: the orders not cancelled and their lines, never the stock card or the
  // running month's statement.
  it.each([
    ['N60上个月进了多少', ['2026年10月进货（窄边框平开窗）：订单 2 笔，合计 ¥1,100,000', '窄边框平开窗：20套']],
    ['N60今年一共进了多少套', ['今年（1月1日–11月26日）进货（窄边框平开窗）：订单 3 笔', '窄边框平开窗：30套']],
    // The same year-to-date figure as the manager's list (core/common/year-on-year.ts), the cancelled order left out.
    ['今年一共进了多少货', ['今年（1月1日–11月26日）进货：订单 3 笔，合计 ¥1,400,000']],
    ['我上个月买了哪些东西', ['2026年10月进货：订单 2 笔，合计 ¥1,100,000', '· 窄边框平开窗：20套，¥1,100,000']],
  ])('"%s"', async (text, says) => {
    const r = await one(IX.coreDealer, text);
    for (const s of says) expect(r).toContain(s);
    expect(r).not.toMatch(/库存|没有订单和回款/);
  });
});

it('"各个门店呢" right after "这周卖的怎么样": this week per store, not the last 30 days', async () => {
  expect(await one(IX.coreDealer, '这周卖的怎么样')).toContain('本周（11月23日–11月26日）');
  const r = await one(IX.coreDealer, '各个门店呢');
  expect(r).toContain('本周（11月23日–11月26日）');
  expect(r).toContain('分门店：');
  expect(r).not.toContain('近30天');
});

it('"SO到哪了": the recent orders, as "我的订单到哪了" gets', async () => {
  const r = await one(IX.coreDealer, 'SO到哪了');
  expect(r).toMatch(/^您最近的 \d+ 个订单：/);
  expect(r).toBe(await one(IX.coreDealer, '我的订单到哪了'));
});

describe("the dealer's own sell-through", () => {
  // [question, what the answer must say, what it must not]
  it.each([
    // Own POS over the last 7 days, not the regional trend.
    ['我们这边最近一周卖的怎么样啊', ['门店动销｜近7天（11月20日–11月26日）', '合计卖出 5套（前7天 0套'], ['区域趋势']],
    // Split per store, the weakest named.
    ['哪个店卖的最差', ['分门店：', '卖得最少的是 恒远滨江店（D0101-S02）：2套'], []],
    // The best named first, one count of stores (the split's own).
    ['哪个门店卖得最好', ['卖得最多的是 恒远西湖店（D0101-S01）：3套', '数据来自以上 2 家门店的 POS'], ['在营门店']],
    // The regional trend names each comparison: no "与前3个月相比" over a 同比 figure.
    ['最近我们这边什么卖得好', ['区域趋势', '环比：与前3个月相比；同比：与去年同期相比'], ['与前3个月相比，同类']],
  ] as const)('"%s"', async (text, says, never) => {
    const r = await one(IX.coreDealer, text);
    for (const t of says) expect(r).toContain(t);
    for (const t of never) expect(r).not.toContain(t);
  });

  it('a store that sold nothing is the weakest, not left out', async () => {
    await app.database.db
      .insertInto('stores')
      .values({
        dealer_code: IX.coreDealer,
        code: 'D0101-S03',
        name: '恒远萧山店',
        type: 'retail',
        region_id: (await app.database.db.selectFrom('regions').select('id').executeTakeFirstOrThrow()).id,
        market_level: '二线',
        opened_on: '2026-11-01',
      })
      .execute();
    const r = await one(IX.coreDealer, '哪个店卖的最差');
    expect(r).toContain('恒远萧山店（D0101-S03）：没有卖出');
    expect(r).toContain('卖得最少的是 恒远萧山店（D0101-S03）：没有卖出');
  });
});

describe('one 同比 for the dealer and the manager', () => {
  it("the growth reward's 去年同期 is the manager list's: the same days last year (¥500,000), +180%", async () => {
    const mine = await one(IX.coreDealer, '返利到哪了');
    expect(mine).toContain('年度成长奖励：今年累计 ¥1,400,000，去年同期 ¥500,000（同比+180%）');
    // The reward itself still compares whole periods: last year's ¥1,100,000.
    expect(mine).toContain('去年整期 ¥1,100,000');
    const list = await one(IX.accountA, '我负责的经销商');
    expect(list).toContain('今年进货 ¥140万（同比+180%）');
  });
});

describe('replenishment without the data it needs', () => {
  it('no sales and no stock data: said so, not "暂时不用补货"', async () => {
    const r = await one(IX.regularDealer, '我该补什么货');
    expect(r).toContain('没有您门店的销售数据，也没有库存同步数据');
    expect(r).not.toContain('暂时不用补货');
  });

  it('sales but no stock data: the advice says the stock is unknown', async () => {
    expect(await one(IX.coreDealer, '我该补什么货')).toContain('还没有您的库存同步数据');
  });
});

describe('the rebate an order added', () => {
  it('"我这次下单返利加了多少" after placing one: the increase the draft showed', async () => {
    const draft = await one(IX.coreDealer, 'N60 来10套');
    const delta = /预计返利增加 (¥[\d,]+)/.exec(draft)?.[1];
    expect(delta).toBeDefined();
    const placed = await one(IX.coreDealer, '确认');
    const orderNo = /SO\d{12}/.exec(placed)?.[0];
    const r = await one(IX.coreDealer, '我这次下单返利加了多少');
    expect(r).toContain(`您最近一单 ${orderNo}（11月26日）`);
    expect(r).toContain(`返利增加 ${delta}`);
    expect(r).toContain('您当前的返利和政策进度');
  });
});

describe('silence is counted from the latest order', () => {
  it('a silent dealer who ordered today is no "沉默，0天没进货" on the plan, and the profile says it resumed', async () => {
    await app.database.db
      .insertInto('dealer_scores')
      .values({
        dealer_code: IX.silentDealer,
        month: '2026-11-01',
        purchase_scale: 10,
        category_expertise: 10,
        store_coverage: 10,
        growth_potential: 10,
        collaboration: 10,
        total: 10,
        tier_before: 'silent',
        tier_after: 'silent',
        reasons: ['已连续129天未订货（最近一次2026-06-23）'],
        computed_at: '2026-11-01T06:00:00+08:00',
      })
      .execute();
    await app.database.db
      .insertInto('orders')
      .values(seedOrderRow('SO202611260099', IX.silentDealer, 5_000_000, '2026-11-26T09:00:00+08:00', 'placed'))
      .execute();
    const plan = await one(IX.accountA, '今天先跟进哪几家');
    expect(plan).not.toContain('0天没进货');
    expect(plan).toContain('沉默后恢复下单（11月26日）');
    const profile = await one(IX.accountA, '查 D0104');
    expect(profile).toContain('评定后已恢复订货：最近一单 2026-11-26');
  });
});

// Last: the stock synced here would change the answers above.
describe('replenishment of a product asked', () => {
  it('"N60要补货吗" with N60 synced: its own stock and cover, not the blanket "都还够卖"', async () => {
    await database
      .insertInto('dealer_inventory')
      .values({ dealer_code: IX.coreDealer, sku: 'KW-N60', qty: 100, synced_at: TEST_NOW })
      .execute();
    const r = await one(IX.coreDealer, 'N60要补货吗');
    expect(r).toMatch(/窄边框平开窗：库存 100套，约可卖 \d+ 天，高于到货周期/);
    expect(r).not.toContain('都还够卖');
  });
});
