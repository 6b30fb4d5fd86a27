import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../core/common/time.js';
import { dateZh } from '../../bot/replies/orders.replies.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, fixtureOrders, orderFixtures } from './order.fixtures.js';

const NOW = TEST_NOW;
const TODAY = shanghaiDate(NOW);
const { coreOrder, otherOrder } = fixtureOrders(NOW);
let app: TestApp;
let clock = NOW;
const db = () => app.database.db;

const ordersOf = (dealer: string) =>
  db().selectFrom('orders').selectAll().where('dealer_code', '=', dealer).where('source', '=', 'chat').execute();
const reserved = async (sku: string) =>
  (await db().selectFrom('hq_stock').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved;
const drafts = (dealer: string) =>
  db().selectFrom('order_drafts').selectAll().where('dealer_code', '=', dealer).execute();
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

beforeAll(async () => {
  app = await startTestApp({ seeded: true, prepare: orderFixtures(NOW), now: () => clock });
});
afterAll(async () => {
  await app?.close();
});

describe('ordering by chat', () => {
  it('drafts, modifies, confirms once, reports status and cancels', async () => {
    const draft = await one(FX.core, 'N60 30套 12月2号送');
    expect(draft).toContain('订单草稿');
    expect(draft).toContain('窄边框平开窗 N60 × 30套');
    expect(draft).toContain('单价 ¥1,216'); // core: list ¥1,280 − 5%
    expect(draft).toContain('合计：¥36,480');
    expect(draft).toContain(`送货日期：${dateZh('2026-12-02')}`);
    // ¥493,050 before + ¥36,480 = ¥529,530: crosses the ¥500,000 band.
    expect(draft).toContain('确认后本季度累计 ¥529,530，返利档位 0% → 2%，预计返利增加 ¥10,590.60');
    expect(draft).toContain('回复“确认”下单');

    const changed = await one(FX.core, '改成40套');
    expect(changed).toContain('N60 × 40套');
    expect(changed).toContain('合计：¥48,640');

    const added = await one(FX.core, '再加50个执手');
    expect(added).toContain('五金执手 H01 × 50个');
    expect(added).toContain('N60 × 40套');

    // Issue 12: every change is echoed first, then the draft as it now is.
    const removed = await one(FX.core, '不要执手了');
    expect(removed).toContain('去掉 五金执手 H01（原 50个）');
    expect(removed.slice(removed.indexOf('订单草稿'))).not.toContain('执手 H01');

    const moved = await one(FX.core, '改到12月5号送');
    expect(moved).toContain(`送货日期：${dateZh('2026-12-05')}`);
    expect(await ordersOf(FX.core)).toHaveLength(0);

    const before = await reserved('KW-N60');
    const placed = await one(FX.core, '确认');
    expect(placed).toMatch(new RegExp(`已下单：SO${TODAY.replaceAll('-', '')}\\d{4}`));
    const orderNo = /SO\d{12}/.exec(placed)![0];
    const orders = await ordersOf(FX.core);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      order_no: orderNo,
      status: 'placed',
      total_fen: 4_864_000,
      delivery_date: '2026-12-05',
    });
    expect(await reserved('KW-N60')).toBe(before + 40);
    const notices = (await app.outbox(FX.manager)).filter((m) => m.kind === 'order.placed');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain(orderNo);
    // No receivable at placing: it comes at shipping.
    expect(await db().selectFrom('receivables').selectAll().where('order_no', '=', orderNo).execute()).toHaveLength(0);

    const status = await one(FX.core, `${orderNo}到哪了`);
    expect(status).toContain(`订单 ${orderNo}：已下单，待发货`);

    const recent = await one(FX.core, '查一下我的订单状态');
    expect(recent).toContain(orderNo);
    expect(recent).toContain(coreOrder);

    // Issue 12: cancelling a placed order asks first, with the amount.
    const ask = await one(FX.core, `取消${orderNo}`);
    expect(ask).toContain(`确认取消订单 ${orderNo} 吗？`);
    expect(ask).toContain('合计 ¥48,640');
    expect((await ordersOf(FX.core))[0]!.status).toBe('placed');
    const cancelled = await one(FX.core, '确认');
    expect(cancelled).toContain('已取消');
    const cancelNotices = (await app.outbox(FX.manager)).filter((m) => m.kind === 'order.cancelled');
    expect(cancelNotices).toHaveLength(1);
    expect(cancelNotices[0]!.body).toContain(`【订单取消】测试核心门窗（${FX.core}）取消了订单 ${orderNo}`);
    expect(await reserved('KW-N60')).toBe(before);
    const row = await db()
      .selectFrom('orders')
      .select(['status', 'cancelled_at'])
      .where('order_no', '=', orderNo)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    expect(row.cancelled_at).not.toBeNull();
    expect(await one(FX.core, `取消${orderNo}`)).toContain('之前已经取消');
    expect((await app.outbox(FX.manager)).filter((m) => m.kind === 'order.cancelled')).toHaveLength(1);
  });

  it('four concurrent 确认 place one order', async () => {
    await one(FX.core, 'A50 20套');
    const draftId = (await drafts(FX.core)).find((d) => d.status === 'open')!.id;
    const replies = await Promise.all([1, 2, 3, 4].map(() => app.say(FX.core, '确认')));
    const placed = replies.flat().filter((r) => r.includes('已下单'));
    expect(placed).toHaveLength(1);
    const orders = await db().selectFrom('orders').selectAll().where('draft_id', '=', draftId).execute();
    expect(orders).toHaveLength(1);
    // The other three are told the draft was already placed, with its number.
    expect(replies.flat().filter((r) => r.includes(`已经下过单了（${orders[0]!.order_no}）`))).toHaveLength(3);
  });

  it('an expired draft cannot be confirmed, and the dealer is told', async () => {
    await one(FX.core, 'T80 10套');
    const draft = (await drafts(FX.core)).find((d) => d.status === 'open')!;
    await db()
      .updateTable('order_drafts')
      .set({ expires_at: new Date(clock.getTime() - 1000) })
      .where('id', '=', draft.id)
      .execute();
    const countBefore = (await ordersOf(FX.core)).length;
    expect(await one(FX.core, '确认')).toContain('已超过 30 分钟失效');
    expect((await ordersOf(FX.core)).length).toBe(countBefore);
    const after = await db()
      .selectFrom('order_drafts')
      .select('status')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('expired');
  });

  it('31 minutes later the draft is gone: 确认 places nothing', async () => {
    await one(FX.core, 'T95 5套');
    const draft = (await drafts(FX.core)).find((d) => d.status === 'open')!;
    const countBefore = (await ordersOf(FX.core)).length;
    // The clock only moves forward from here (going back would revive the conversation state).
    clock = new Date(clock.getTime() + 31 * 60_000);
    expect((await app.say(FX.core, '确认')).join('')).toContain('已超过 30 分钟失效');
    expect((await ordersOf(FX.core)).length).toBe(countBefore);
    const row = await db()
      .selectFrom('order_drafts')
      .select('status')
      .where('id', '=', draft.id)
      .executeTakeFirstOrThrow();
    expect(row.status).not.toBe('confirmed');
  });

  it("another dealer's order number reads exactly like a missing one", async () => {
    const other = await one(FX.core, `${otherOrder}到哪了`);
    const missing = await one(FX.core, 'SO202611209998到哪了');
    expect(other).toContain('未找到该订单');
    expect(other.replace(otherOrder, '#')).toBe(missing.replace('SO202611209998', '#'));
    expect(await one(FX.core, `取消${otherOrder}`)).toContain('未找到该订单');
    const row = await db()
      .selectFrom('orders')
      .select('status')
      .where('order_no', '=', otherOrder)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('placed');
    // The owner sees it.
    expect(await one(FX.other, `${otherOrder}到哪了`)).toContain('已下单，待发货');
  });

  it('zero, negative and absurd quantities get a clear reply and write nothing', async () => {
    const before = (await drafts(FX.other)).length;
    expect(await one(FX.other, 'N60 0套')).toContain('数量需要是正整数');
    expect(await one(FX.other, 'N60 -5套')).toContain('不能是负数');
    expect(await one(FX.other, 'N60 99999套')).toContain('超出单行上限');
    expect(await one(FX.other, '订30套XYZ99')).toContain('没找到“XYZ99”这个产品');
    expect(await one(FX.other, 'XYZ99还有货吗')).toContain('没找到“XYZ99”这个产品');
    expect((await drafts(FX.other)).length).toBe(before);
  });

  it('a vague product question can be dropped with 取消', async () => {
    expect(await one(FX.other, '窄边框 30套')).toContain('您要的是');
    expect(await one(FX.other, '取消')).toContain('已取消');
  });

  it('MOQ multiples are rejected with the nearest valid quantities; confirmation waits for a fix', async () => {
    const r = await one(FX.other, '工程款橱柜 25套');
    expect(r).toContain('可改为 20套 或 40套');
    expect(await one(FX.other, '确认')).toContain('暂时不能确认');
    expect(await ordersOf(FX.other)).toHaveLength(0);
    expect(await one(FX.other, '改成40套')).toContain('工程款橱柜 S06 × 40套');
    expect(await one(FX.other, '取消')).toContain('已取消');
  });

  it('an overdue receivable blocks confirmation with the amount to settle', async () => {
    const r = await one(FX.overdue, 'N60 10套');
    expect(r).toContain('逾期超过 30 天');
    expect(r).toContain('需先回款 ¥20,000');
    expect(await one(FX.overdue, '确认')).toContain('暂时不能确认');
    expect(await ordersOf(FX.overdue)).toHaveLength(0);
  });

  it('asks once which product a vague mention means, then drafts with the shortfall date', async () => {
    const ask = await one(FX.other, '窄边框 20套');
    expect(ask).toContain('您要的是 窄边框平开窗 N60还是 窄边框推拉窗 N75？');
    const r = await one(FX.other, 'N75');
    expect(r).toContain('窄边框推拉窗 N75 × 20套');
    expect(r).toContain(`缺 10套，预计 ${dateZh(addDays(TODAY, 14))} 到货（仍可下单）`);
    expect(await one(FX.other, '算了')).toContain('已取消');
  });

  it('a past delivery date is questioned, never accepted', async () => {
    const r = await one(FX.other, 'A50 20套 11月20号送');
    expect(r).toContain('送货日期：未指定');
    expect(r).toContain('请回复正确的送货日期');
    await one(FX.other, '取消');
  });

  it('shows the 满减 of a township dealer, what is still missing for it, and places the discounted order', async () => {
    const short = await one(FX.town, 'S30 30套');
    expect(short).toContain('合计：¥12,600');
    expect(short).toContain(
      '还差 ¥7,400 可享满减：下沉市场高性价比产品满减，高性价比产品满 ¥20,000 减 8%（本单相关产品 ¥12,600）',
    );
    const reached = await one(FX.town, '再加10套B45');
    expect(reached).toContain('商品金额：¥21,500');
    expect(reached).toContain('满减优惠：下沉市场高性价比产品满减（高性价比产品满 ¥20,000 减 8%）−¥1,720');
    expect(reached).toContain('优惠后合计：¥19,780');
    expect(reached).not.toContain('还差');
    expect(reached).toContain('确认后本季度累计 ¥19,780');
    const placed = await one(FX.town, '确认');
    expect(placed).toContain('合计：¥19,780（已减满减优惠 ¥1,720）');
    const orderNo = /SO\d{12}/.exec(placed)![0];
    expect(
      await db()
        .selectFrom('orders')
        .select(['total_fen', 'discount_fen'])
        .where('order_no', '=', orderNo)
        .executeTakeFirstOrThrow(),
    ).toEqual({ total_fen: 1_978_000, discount_fen: 172_000 });
    const notice = (await app.outbox(FX.manager)).find((m) => m.kind === 'order.placed' && m.body.includes(orderNo));
    expect(notice?.body).toContain('合计 ¥19,780（已减满减优惠 ¥1,720）');
    // The same products for a dealer the promotion does not reach (held out of its pilot): no 满减, no teaser.
    const held = await one(FX.townHoldout, 'S30 30套');
    expect(held).not.toContain('满减');
    await one(FX.townHoldout, '取消');
  });

  it("two chat accounts of one dealer confirming at once stay within the dealer's credit limit", async () => {
    // D0905 (limit ¥50,000): each account drafts ¥37,248.
    expect(await one(`${FX.shared}-A`, 'N60 30套')).toContain('合计：¥37,248');
    expect(await one(`${FX.shared}-B`, 'N60 30套')).toContain('合计：¥37,248');
    const replies = await Promise.all([app.say(`${FX.shared}-A`, '确认'), app.say(`${FX.shared}-B`, '确认')]);
    const all = replies.flat();
    expect(all.filter((r) => r.includes('已下单'))).toHaveLength(1);
    const refusal = all.find((r) => r.includes('暂时不能确认'));
    expect(refusal).toContain('本单将超出信用额度 ¥24,496（当前占用 ¥37,248）');
    expect(await ordersOf(FX.shared)).toHaveLength(1);
  });

  it('reorders the last order at current prices', async () => {
    const r = await one(FX.other, '跟上次一样');
    expect(r).toContain(`按上次订单 ${otherOrder}`);
    expect(r).toContain('铝合金平开窗 A50 × 40套');
    expect(r).toContain('单价 ¥760');
    await one(FX.other, '取消');
  });
});

describe('stock by chat', () => {
  it('shows HQ availability, own stock with its age, days of cover and the price', async () => {
    const r = await one(FX.core, 'KC-L01还有货吗');
    expect(r).toContain('【经典L型橱柜 L01】');
    expect(r).toContain('总部可用 5000套');
    expect(r).toContain('您的库存 4套（库存数据更新于 2 小时前）');
    expect(r).toContain('近 30 天销售 12套，约可卖 10 天');
    expect(r).toContain('您的价格 ¥8,360/套');
  });

  it('a stock question while a draft waits answers it and leaves the draft alone', async () => {
    await one(FX.core, 'T80 10套');
    const r = await one(FX.core, 'KC-L01还有货吗');
    expect(r).toContain('【经典L型橱柜 L01】');
    const open = (await drafts(FX.core)).filter((d) => d.status === 'open');
    expect(open.at(-1)!.items).toEqual([{ sku: 'KW-T80', qty: 10, unit: '套' }]);
  });

  it('advises what to restock and turns the advice into a draft', async () => {
    const advice = await one(FX.core, '我该补什么货');
    expect(advice).toContain('五金执手 H01：库存 10个，约可卖 5 天');
    expect(advice).toContain('建议订 60个');
    expect(advice).toContain('经典L型橱柜 L01：库存 4套，约可卖 10 天');
    expect(advice).toContain('建议订 12套');
    expect(advice).not.toContain('N60');
    const draft = await one(FX.core, '按建议下单');
    expect(draft).toContain('按补货建议生成的订单草稿');
    expect(draft).toContain('五金执手 H01 × 60个');
    expect(draft).toContain('经典L型橱柜 L01 × 12套');
    await one(FX.core, '取消');
  });
});

describe('a need resolved while a draft waits', () => {
  it('neither wipes the other: 确认 places the order, then 5 rates the need', async () => {
    await db()
      .insertInto('channel_identities')
      .values({ channel: 'sandbox', external_id: FX.manager, manager_code: FX.manager })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const [ack] = await app.say(FX.core, '想申请一次门店导购培训');
    const needId = ack!.match(/N(\d+)/)![1];
    expect(await one(FX.core, 'A50 20套')).toContain('订单草稿');
    expect((await app.say(FX.manager, `N${needId} 已解决 已安排培训`)).join('')).toContain(`已办结 N${needId}`);
    const placed = await one(FX.core, '确认');
    expect(placed).toContain('已下单');
    expect(await one(FX.core, '5')).toContain('5 分');
    const need = await db()
      .selectFrom('needs')
      .select(['status', 'rating'])
      .where('id', '=', Number(needId))
      .executeTakeFirstOrThrow();
    expect(need).toEqual({ status: 'closed', rating: 5 });
  });
});
