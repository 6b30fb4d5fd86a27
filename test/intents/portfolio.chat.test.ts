import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { commonReplies } from '../../bot/replies/common.replies.js';
import type { Database } from '../../db/schema.js';
import { useSandboxChat } from '../helpers/chat.js';
import { seedOrderRow } from '../helpers/needs-fixture.js';
import { insertIntentsFixture, IX } from './intents.fixtures.js';

/**
 * An account manager asks for their own dealers ("我名下几家经销商") and whom to contact first this week ("这周该联系谁"),
 * through the sandbox pipeline. M102's dealers (D0101 core, D0103 D0105 D0106 D0107 regular, D0104 silent) each carry
 * one known signal; M103's D0102 carries the strongest ones, so it would top any list it leaked into.
 */

const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');

async function insertPortfolioFixture(db: Kysely<Database>, now: Date): Promise<void> {
  await insertIntentsFixture(db, now);
  // D0106 sits in 绍兴, the others in 杭州.
  const shaoxing = await db
    .insertInto('regions')
    .values({ province: '浙江', city: '绍兴', county: '越城区', market_level: '三四线' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // D0106: partnership anniversary (3 years) on 12-02, within the week ahead.
  await db
    .updateTable('dealers')
    .set({ region_id: shaoxing.id, partnership_start: '2023-12-02' })
    .where('code', '=', IX.wangDa)
    .execute();
  // D0105: re-tiered down to silent, the notice still to go out.
  await db
    .updateTable('dealers')
    .set({ tier_pending: 'silent', tier_pending_at: '2026-12-01T09:00:00+08:00' })
    .where('code', '=', IX.wangJi)
    .execute();
  // D0103: their contact's birthday is 11-28. M103's D0102 has one too (tomorrow) and an overdue payment.
  await db
    .insertInto('dealer_contacts')
    .values([
      { dealer_code: IX.regularDealer, name: '赵磊', phone: '13800000103', birthday: '1985-11-28', is_primary: true },
      { dealer_code: IX.keyDealerB, name: '孙悦', phone: '13800000102', birthday: '1979-11-27', is_primary: true },
    ])
    .execute();
  const anomaly = (dealer: string) => ({
    dealer_code: dealer,
    kind: 'overdue_payment' as const,
    subject: `AR-${dealer}`,
    opened_at: '2026-11-20T09:00:00+08:00',
    last_seen_at: '2026-11-25T09:00:00+08:00',
    details: JSON.stringify({ outstandingFen: 1_000_000, dueDate: '2026-11-10', daysOverdue: 15 }),
  });
  await db
    .insertInto('dealer_anomalies')
    .values([anomaly(IX.jinhua), anomaly(IX.keyDealerB)])
    .execute();
  // D0101: ¥2,500,000 by this time last year against ¥1,400,000 this year (−44%); N60 sold 5 in 30 days, none left.
  await db
    .insertInto('orders')
    .values(seedOrderRow('SO202506100001', IX.coreDealer, 250_000_000, '2025-06-10T10:00:00+08:00', 'delivered'))
    .execute();
  await db
    .insertInto('dealer_inventory')
    .values({ dealer_code: IX.coreDealer, sku: 'KW-N60', qty: 0, synced_at: '2026-11-25T20:00:00+08:00' })
    .execute();
  // Every M102 dealer but D0104 was contacted three days ago (within the cadence); D0104 never was.
  await db
    .insertInto('manager_contacts')
    .values(
      [IX.coreDealer, IX.regularDealer, IX.wangJi, IX.wangDa, IX.jinhua].map((code) => ({
        manager_code: IX.accountA,
        dealer_code: code,
        note: '电话回访',
        contacted_at: '2026-11-23T15:00:00+08:00',
      })),
    )
    .execute();
}

const { at, one } = useSandboxChat({ now: TEST_NOW, prepare: (d) => insertPortfolioFixture(d, TEST_NOW) });

describe("a manager's own dealers (am.dealer.list)", () => {
  it('lists them all, counted by tier, biggest first, with how each is doing; never another manager’s', async () => {
    const list = await one(IX.accountA, '我名下有几家经销商啊');
    expect(list).toContain('【我负责的经销商】共 6 家：核心 1、普通 4、沉默 1');
    const lines = list.split('\n').filter((l) => l.startsWith('· '));
    expect(lines).toHaveLength(6);
    // Core first; this year's ¥1,400,000 against ¥2,500,000 a year before; the last order; no open need.
    expect(lines[0]).toBe('· D0101 杭州恒远门窗｜核心｜今年进货 ¥140万（同比-44%）｜末单 11月20日');
    expect(lines.at(-1)).toContain('D0104 嘉兴旧时光门业｜沉默｜今年未进货｜无订单');
    expect(list).not.toContain('D0102');
    expect(list).not.toContain('宁波安居建材');
    expect(list).toContain('“查 D0101”');

    // Another manager sees only their own one dealer; the regional manager above M102 sees M102's.
    const other = await one(IX.accountB, '我负责的客户都有哪些');
    expect(other).toContain('共 1 家');
    expect(other).toContain('D0102 宁波安居建材');
    expect(other).not.toContain('D0101');
    expect(await one(IX.regionalA, '列一下我名下的经销商')).toContain('共 6 家');
  });

  it('narrows by a tier or a place named, and shows open needs on the dealer’s line', async () => {
    const core = await one(IX.accountA, '我的核心客户');
    expect(core).toContain('【我负责的核心经销商】共 1 家（您一共负责 6 家）');
    expect(core).toContain('D0101');
    expect(core).not.toContain('D0103');

    const shaoxing = await one(IX.accountA, '我在绍兴那边的经销商有哪些');
    expect(shaoxing).toContain('【我负责的绍兴经销商】共 1 家');
    expect(shaoxing).toContain('D0106 绍兴旺达建材');
    expect(shaoxing).not.toContain('D0101');

    expect(await one(IX.accountA, '我手上重点的经销商有哪些')).toContain('您负责的 6 家里没有重点培育的');

    const ack = await one(IX.regularDealer, '展厅的样窗玻璃裂了 麻烦安排人来换一下');
    const id = /N(\d+)/.exec(ack)?.[1];
    expect(id).toBeDefined();
    at(80);
    const withNeed = await one(IX.accountA, '我管的客户列表');
    expect(withNeed).toMatch(/D0103 湖州良匠家居｜普通｜[^\n]*｜需求 1 条（1 条超时）/);
    // Resolved again so the plan below starts from the fixture's signals.
    expect(await one(IX.accountA, `N${id} 搞定 已换好`)).toContain(`已办结 N${id}`);
  });
});

describe('whom to contact this week (am.contact.plan)', () => {
  it('ranks the manager’s dealers by what is pressing, each with its reasons, and nobody else’s', async () => {
    const plan = await one(IX.accountA, '这礼拜我该先去跑哪几家');
    expect(plan).toContain('【这周先联系谁】11月26日起7天，按轻重排了 6 家：');
    const rows = plan.split('\n').filter((l) => /^\d\. /.test(l));
    expect(rows).toHaveLength(6);
    // Each dealer scores the sum of its reasons' weights plus 5 a tier step (silent 0 … core 15); a tie goes to the
    // higher tier.
    expect(rows.map((r) => /（(D\d{4})）/.exec(r)?.[1])).toEqual([
      IX.coreDealer, // falling purchases 35 + restock 25 + routine visit due 10 + core 15
      IX.regularDealer, // birthday 60 + 5
      IX.wangDa, // anniversary 55 + 5
      IX.silentDealer, // silent 30 + never contacted 30 (a tier below D0106)
      IX.wangJi, // downgrade 50 + 5
      IX.jinhua, // overdue payment 45 + 5
    ]);
    expect(rows[0]).toBe('1. 杭州恒远门窗（D0101）：今年进货同比-44%、1款该补货、11月30日前该回访');
    expect(rows[1]).toBe('2. 湖州良匠家居（D0103）：11月28日赵磊生日');
    expect(rows[2]).toBe('3. 绍兴旺达建材（D0106）：12月2日合作满3周年');
    expect(rows[3]).toBe('4. 嘉兴旧时光门业（D0104）：沉默，从未下单、从未联系');
    expect(rows[4]).toBe('5. 杭州王记建材（D0105）：即将降为沉默');
    expect(rows[5]).toBe('6. 杭州锦华门窗（D0107）：回款逾期');
    expect(plan).not.toContain('D0102');
    expect(plan).toContain('“已联系D0101 聊了陈列”');

    // M103 gets their one dealer with its own reasons.
    const other = await one(IX.accountB, '今天先跟进哪几个客户');
    expect(other).toContain('1. 宁波安居建材（D0102）：11月27日孙悦生日、回款逾期');
    expect(other).not.toContain('D0101');
  });

  it('an overdue need puts its dealer first', async () => {
    const ack = await one(IX.jinhua, '门头灯箱坏了 想申请换个新的');
    const id = /N(\d+)/.exec(ack)?.[1];
    at(80);
    const plan = await one(IX.accountA, '这周该联系谁');
    expect(plan.split('\n')[1]).toBe('1. 杭州锦华门窗（D0107）：1条需求已超时、回款逾期');
    expect(await one(IX.accountA, `N${id} 搞定 已补发灯箱`)).toContain(`已办结 N${id}`);
  });
});

describe('the same words from a dealer', () => {
  it('are not understood and show no manager data', async () => {
    for (const text of [
      '我名下有几家经销商啊',
      '这礼拜我该先去跑哪几家',
      '我负责的客户都有哪些',
      '今天先跟进哪几个客户',
    ]) {
      const r = await one(IX.coreDealer, text);
      expect(r).toBe(commonReplies.unknown('dealer'));
      expect(r).not.toMatch(/D01\d\d|湖州良匠家居|这周先联系/);
      // An understood message between them: a second miss in a row would offer the account manager instead.
      await one(IX.coreDealer, '你好');
    }
  });
});

describe('help', () => {
  it("names both in the manager's help", async () => {
    const help = await one(IX.accountA, '帮助');
    expect(help).toContain('“我名下有哪些经销商”');
    expect(help).toContain('“这周该先联系哪几家”');
  });
});
