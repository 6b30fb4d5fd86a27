import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeBenefits } from '../../bot/replies/accounts.replies.js';
import { TIER_NAMES_ZH } from '../../core/dealers/tiers.js';
import { formatYuan } from '../../bot/replies/policy.explain.js';
import { accountReplies } from '../../bot/replies/accounts.replies.js';
import { statementReplies } from '../../bot/replies/statements.replies.js';
import { campaignReplies } from '../../bot/replies/campaigns.replies.js';
import { commonReplies } from '../../bot/replies/common.replies.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { insertIntentsFixture, IX } from './intents.fixtures.js';

const HOUR = 3_600_000;
const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');

let app: TestApp;
let clock = TEST_NOW;
const at = (hours: number) => {
  clock = new Date(TEST_NOW.getTime() + hours * HOUR);
};
const db = () => app.database.db;
const services = () => app.services(db());
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
/** A statement comes as the summary plus its signed printable link (issue 13). */
const statementOf = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(2);
  expect(replies[1]).toMatch(/\/statements\/D\d{4}\/\d{4}-(\d{2}|Q\d)\?exp=\d+&sig=/);
  return replies[0]!;
};
const idIn = (text: string) => Number(/N(\d+)/.exec(text)?.[1]);
const needRow = (id: number) => db().selectFrom('needs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  app = await startTestApp({ seeded: false, now: () => clock, prepare: (d) => insertIntentsFixture(d, TEST_NOW) });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => at(0));

describe("a dealer's own accounts", () => {
  it('account.statement: this month, a named month and the quarter, with numbers from the receivables and orders', async () => {
    const month = await statementOf(IX.coreDealer, '本月对账单');
    const s = await services().statement.statement({ dealerCode: IX.coreDealer, now: clock });
    // Known from the fixture: ¥400,000 overdue + ¥500,000 due 12-01 + the placed ¥300,000 order not yet invoiced.
    expect(s.overdue.totalFen).toBe(IX.overdueFen);
    expect(s.dueSoon.totalFen).toBe(IX.dueSoonFen);
    expect(s.balance.totalFen).toBe(120_000_000);
    expect(month).toContain('对账单｜2026年11月（截至11月26日）');
    expect(month).toContain('本月订单 1 笔，合计 ¥300,000（另有 1 笔已取消，¥200,000）');
    expect(month).toContain('当前欠款 ¥1,200,000');
    expect(month).toContain('逾期 1 笔，共 ¥400,000');
    expect(month).toContain('SO202610080001 未付 ¥400,000，11月7日到期，已逾期 19 天');
    expect(month).toContain('7 天内到期 ¥500,000');
    expect(month).toContain(
      `信用额度 ${formatYuan(IX.creditLimitFen)}，已用 ${formatYuan(s.credit.usedFen)}，剩余 ${formatYuan(s.credit.leftFen)}`,
    );
    expect(s.credit.leftFen).toBe(IX.creditLimitFen - s.credit.usedFen);

    const october = await statementOf(IX.coreDealer, '10月的对账单');
    expect(october).toContain('对账单｜2026年10月');
    expect(october).toContain('2026年10月订单 2 笔，合计 ¥1,100,000');

    const quarter = await statementOf(IX.coreDealer, '这个季度的对账单');
    expect(quarter).toContain('2026年第4季度');
    expect(quarter).toContain('本季度订单 3 笔，合计 ¥1,400,000');
  });

  it("refuses another dealer's code, a manager, and a month not yet begun", async () => {
    // Also when nothing else of the message is understood: why nothing is shown, not "没太明白".
    for (const text of ['D0102 的对账单', 'D0102 现在什么等级', 'D0102的订单给我看看', '查一下d0102的返利']) {
      const r = await one(IX.coreDealer, text);
      expect(r).toBe(accountReplies.otherDealer(IX.coreDealer, 'D0102'));
      expect(r).not.toContain('宁波安居建材');
    }
    // Their own code is fine.
    expect(await statementOf(IX.coreDealer, `${IX.coreDealer} 的对账单`)).toContain('杭州恒远门窗');
    // A manager's statement request names the dealer ("D0012 对账单").
    expect(await one(IX.accountA, '我的对账单')).toBe(statementReplies.managerNeedsCode);
    // A manager gets the dealer's statement and link, without the dealer's "tell me if it is off" line (try-out find).
    const forManager = await app.say(IX.accountA, `${IX.coreDealer}对账单`);
    expect(forManager).toHaveLength(2);
    expect(forManager[1]).toContain(`/statements/${IX.coreDealer}/`);
    expect(forManager[1]).not.toContain('对账有出入');
    expect((await app.say(IX.coreDealer, '本月对账单'))[1]).toContain('对账有出入直接告诉我');
    expect(await one(IX.coreDealer, '2027年3月对账单')).toBe(accountReplies.futurePeriod('2027-03'));
  });

  it('tier.query: the tier, the re-tier and its reasons, the five scores and the benefits', async () => {
    const r = await one(IX.coreDealer, '我现在是什么等级');
    expect(r).toContain(`目前是「${TIER_NAMES_ZH.core}」经销商`);
    expect(r).toContain(
      `2026年10月评估由「${TIER_NAMES_ZH.key}」升为「${TIER_NAMES_ZH.core}」，依据：采购规模进入前 10%；门店覆盖扩大到 18 家`,
    );
    expect(r).toContain('2026年11月评分 85.6 分');
    for (const [name, score] of [
      ['采购规模', 92],
      ['品类专长', 88],
      ['门店覆盖', 80],
      ['成长潜力', 70],
      ['协同配合', 90],
    ] as const) {
      expect(r).toMatch(new RegExp(`${name}（权重 \\d+%）：${score}`));
    }
    for (const benefit of describeBenefits('core')) expect(r).toContain(benefit);
    const t = await services().tier.status({ dealerCode: IX.coreDealer });
    expect(t.latest?.total).toBe(85.6);
  });

  it('sales.query: a product last month, this week, and the last 30 days against the 30 before', async () => {
    const october = await one(IX.coreDealer, 'N60 上个月卖了多少');
    expect(october).toContain('门店动销｜2026年10月');
    expect(october).toContain('合计卖出 5套');
    expect(october).toContain('窄边框平开窗：5套');

    const week = await one(IX.coreDealer, '这周卖了多少');
    expect(week).toContain('门店动销｜本周（11月23日–11月26日）');
    expect(week).toContain('合计卖出 2套（上周同期 0套');

    // "上上周" is the week before last (Mon 9 – Sun 15 Nov), not the 30-day default.
    const twoBack = await one(IX.coreDealer, '上上周卖了多少');
    expect(twoBack).toContain('门店动销｜上上周（11月9日–11月15日）');
    expect(twoBack).toContain('前一周');

    const recent = await one(IX.coreDealer, '门店动销怎么样');
    const r = await services().sales.report({ dealerCode: IX.coreDealer, now: clock });
    expect(r.totals).toEqual([{ unit: '套', qty: 6, previousQty: 4, change: 0.5 }]);
    expect(recent).toContain('合计卖出 6套（前30天 4套，+50%）');
    expect(recent).toContain('2 家在营门店');
  });

  it('trend.query: the region against the dealer, from the orders', async () => {
    const r = await one(IX.coreDealer, '我们这边什么好卖');
    const t = await services().trends.regional({ dealerCode: IX.coreDealer, now: clock });
    // Seven dealers in 浙江 二线; only D0101 ordered: ¥600,000 + ¥500,000 + ¥300,000 (the cancelled one is out).
    expect(t.scope).toMatchObject({ province: '浙江', dealers: 7, widened: false });
    expect(t.dealerTotalFen).toBe(140_000_000);
    expect(r).toContain('区域趋势｜浙江二线市场');
    expect(r).toContain('您近3个月进货 ¥1,400,000，同类经销商平均 ¥200,000');
    expect(r).toContain('窄边框平开窗');
  });
});

describe('manager shorthand', () => {
  it('"我手上还有哪些没处理" → today → overdue, then claim → resolve → the dealer rates', async () => {
    const ack = await one(IX.regularDealer, '推拉窗滑轮坏了两个 需要售后上门维修');
    const id = idIn(ack);
    expect(id).toBeGreaterThan(0);

    const all = await one(IX.accountA, '我手上还有哪些没处理');
    expect(all).toContain('【待处理需求】');
    expect(all).toMatch(new RegExp(`N${id}【[^】]+】湖州良匠家居`));
    expect(all).toContain('待认领');
    const today = await one(IX.accountA, '今天新来的');
    expect(today).toContain('【今天新来的需求】');
    expect(today).toContain(`N${id}`);
    const none = await one(IX.accountA, '超时的');
    expect(none).not.toContain(`N${id}`);
    // The other account manager's desk does not have it.
    expect(await one(IX.accountB, '我手上还有哪些没处理')).not.toContain(`N${id}`);

    at(72);
    const overdue = await one(IX.accountA, '超时的');
    expect(overdue).toContain('【已超时的需求】');
    expect(overdue).toMatch(new RegExp(`N${id}【[^】]+】湖州良匠家居.*已超时`));
    const listed = await services().needs.listForManager({ managerCode: IX.accountA, filter: 'overdue', now: clock });
    expect(listed.items.map((i) => i.need.id)).toContain(id);

    expect(await one(IX.accountA, `N${id} 我接了`)).toContain(`已认领 N${id}`);
    expect(await one(IX.accountA, `N${id} 搞定 已补发`)).toContain(`已办结 N${id}`);
    expect((await needRow(id)).resolution).toBe('已补发');
    expect(await one(IX.regularDealer, '5')).toBe(`谢谢您的评价（5 分），需求 N${id} 已完成。`);
    expect(await one(IX.accountA, '我手上还有哪些没处理')).not.toContain(`N${id}`);
  });

  it('"找下老王建材" → a numbered list → "第二个" opens that dealer; one clear match opens at once', async () => {
    const list = await one(IX.accountA, '找下老王建材');
    expect(list).toContain('找到这几家');
    expect(list).toContain('· D0105 杭州王记建材');
    expect(list).toContain('· D0106 绍兴旺达建材');
    expect(list).not.toContain('宁波安居建材'); // M103's dealer

    const picked = await one(IX.accountA, '第二个');
    expect(picked).toContain('绍兴旺达建材（D0106）');
    // The list was answered: "第二个" again is no longer a pick.
    expect(await one(IX.accountA, '第二个')).not.toContain('绍兴旺达建材（D0106）');

    expect(await one(IX.accountA, '查一下锦华门窗')).toContain('杭州锦华门窗（D0107）');
    // The regional manager above M102 finds the same dealers.
    expect(await one(IX.regionalA, '找下老王建材')).toContain('· D0106 绍兴旺达建材');
  });

  it('"找下老王建材" → answered by code → "已联系D0105 …" → the contact is on record', async () => {
    expect(await one(IX.accountA, '找下老王建材')).toContain('· D0105 杭州王记建材');
    expect(await one(IX.accountA, 'D0105')).toContain('杭州王记建材（D0105）');
    expect(await one(IX.accountA, '已联系D0105 聊了新品到店')).toContain('联系 杭州王记建材（D0105）：聊了新品到店');
    const rows = await db()
      .selectFrom('manager_contacts')
      .select('note')
      .where('dealer_code', '=', IX.wangJi)
      .execute();
    expect(rows.map((r) => r.note)).toEqual(['聊了新品到店']);
    await db().deleteFrom('manager_contacts').where('dealer_code', '=', IX.wangJi).execute();
  });

  it('"今天新来的" → claimed with a category → transferred → back → resolved → rated', async () => {
    const id = idIn(await one(IX.coreDealer, '想请厂家派人来店里教教导购怎么介绍新品'));
    expect(await one(IX.accountA, '今天新来的')).toContain(`N${id}`);
    expect(await one(IX.accountA, `认领 N${id} 类别 培训`)).toContain(`已认领 N${id}（杭州恒远门窗）`);
    expect((await needRow(id)).category).toBe('training');
    expect(await one(IX.accountA, `转交 N${id} 给 M103`)).toBe(`已将 N${id} 转交给王强（M103），并已提醒对方。`);
    // The new owner has it on their desk (M102 still sees it: the dealer stays theirs).
    expect(await one(IX.accountB, '我手上还有哪些没处理')).toContain(`N${id}【培训】杭州恒远门窗`);
    // Back to M102 so the later scripts see their own desk as before.
    expect(await one(IX.accountB, `转交 N${id} 给 M102`)).toContain('李娜（M102）');
    expect(await one(IX.accountA, `N${id} 搞定 已安排下周到店培训`)).toContain(`已办结 N${id}`);
    expect(await one(IX.coreDealer, '4')).toBe(`谢谢您的评价（4 分），需求 N${id} 已完成。`);
  });

  it("a dealer outside the manager's scope is not found, by name or by code", async () => {
    expect(await one(IX.accountA, '找下安居建材')).toContain('没有在您负责的经销商里找到');
    const byCode = await one(IX.accountA, '查 D0102');
    expect(byCode).not.toContain('宁波安居建材');
  });

  it('"已联系D0106 聊了陈列" records the contact; the next one names the last contact; other dealers are not found', async () => {
    const first = await one(IX.accountA, '已联系D0106 聊了陈列');
    expect(first).toContain('已记录 11月26日 联系 绍兴旺达建材（D0106）');
    expect(first).toContain('这是与这家经销商的第一条联系记录');
    const rows = await db().selectFrom('manager_contacts').selectAll().where('dealer_code', '=', IX.wangDa).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ manager_code: IX.accountA, note: '聊了陈列' });
    expect(rows[0]!.contacted_at.getTime()).toBe(TEST_NOW.getTime());

    at(50);
    const second = await one(IX.accountA, '联系了D0106 聊了新品');
    expect(second).toContain('已记录 11月28日 联系 绍兴旺达建材（D0106）');
    expect(second).toContain('上次联系是 11月26日：聊了陈列');
    // The regional manager may log it too; the reply says who logged the one before.
    expect(await one(IX.regionalA, '打过电话给D0106 说了回款的事')).toContain(
      `上次联系是 11月28日（${IX.accountA} 记录）`,
    );

    expect(await one(IX.accountA, '已联系D0102 聊了陈列')).toBe(
      '未找到经销商 D0102，或不在您负责的范围内，请核对编号。',
    );
    expect(await one(IX.regionalB, '已联系D0106 聊了陈列')).toContain('未找到经销商 D0106');
    const count = await db()
      .selectFrom('manager_contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3);
  });

  it('a dealer sending manager words gets "not understood", and no manager data', async () => {
    for (const text of ['我手上还有哪些没处理', '认领 N1001', '找下老王建材']) {
      expect(await one(IX.coreDealer, text)).toBe(commonReplies.unknown('dealer'));
      // An understood message between them: a second miss in a row would offer the account manager instead.
      await one(IX.coreDealer, '你好');
    }
    // No pick was left behind for the dealer.
    expect(await one(IX.coreDealer, '第二个')).not.toContain('D0106');
  });
});

describe('sign-ups the manager confirms (training: test/training/training.chat.test.ts)', () => {
  it('campaign.join with no campaign open: said so, no need is raised (test/growth covers sign-ups)', async () => {
    const before = await db().selectFrom('needs').select('id').execute();
    expect(await one(IX.coreDealer, '报名参加新品体验节')).toBe(campaignReplies.join({ kind: 'none_open' }));
    expect(await db().selectFrom('needs').select('id').execute()).toHaveLength(before.length);
    expect(await one(IX.accountA, '报名新品体验节')).toBe(campaignReplies.managerJoinHint);
  });

  it('help mentions the new questions for each role', async () => {
    expect(await one(IX.coreDealer, '帮助')).toContain('“本月对账单”');
    const manager = await one(IX.accountA, '帮助');
    expect(manager).toContain('“已联系D0012 聊了陈列”');
    expect(manager).toContain('“找下锦华门窗”');
  });
});
