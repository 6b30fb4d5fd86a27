import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../core/common/time.js';
import { dateZh } from '../../bot/replies/orders.replies.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/** Issue 12's draft-safety defects, each replayed through the sandbox: a draft changes only on an explicit change. */
const TODAY = shanghaiDate(TEST_NOW);
const TOMORROW = addDays(TODAY, 1);
const { one, openDraft, chatOrders, app } = useDraftChat();

describe('a question while a draft waits is answered and the draft stays', () => {
  it('"那个T80呢" answers about T80 and never swaps N60×37 for T80×37', async () => {
    await one(FX.core, 'N60 37套');
    const r = await one(FX.core, '那个T80呢');
    expect(r).toContain('【断桥铝隔热窗 T80】');
    expect(r).toContain('草稿没有改动（窄边框平开窗 N60 × 37套');
    expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 37]]);
  });

  it('"明天能送到吗" answers the date and never sets it', async () => {
    const r = await one(FX.core, '明天能送到吗');
    expect(r).toContain(`${dateZh(TOMORROW)} 可以送到`);
    expect(r).toContain('草稿没有改动');
    expect((await openDraft(FX.core))?.date).toBeNull();
    await one(FX.core, '取消');
  });

  it('a date the stock cannot make is answered with the earliest date, still unchanged', async () => {
    // HQ has 10 N75: 30 wait for the next delivery (14 days of lead time).
    await one(FX.other, 'N75 30套');
    const r = await one(FX.other, '明天能送到吗');
    expect(r).toContain(`${dateZh(TOMORROW)} 送不齐，最早可以 ${dateZh(addDays(TODAY, 14))} 送`);
    expect((await openDraft(FX.other))?.date).toBeNull();
    expect(await one(FX.other, '一共多少钱')).toContain('合计：¥43,800'); // regular tier: list price
    await one(FX.other, '取消');
  });
});

describe('every change is explicit and echoed', () => {
  it('"N60 也来20" adds a line (N75 stays), and 👍 re-asks once with the total before placing', async () => {
    await one(FX.other, 'N75 30套');
    const added = await one(FX.other, 'N60 也来20');
    expect(added).toContain('已修改：窄边框推拉窗 N75 30套 不变；新增 窄边框平开窗 N60 20套');
    expect((await openDraft(FX.other))?.items).toEqual([
      ['KW-N75', 30],
      ['KW-N60', 20],
    ]);
    const before = (await chatOrders(FX.other)).length;
    const again = await one(FX.other, '👍');
    expect(again).toContain('确认下单吗？窄边框推拉窗 N75 × 30套、窄边框平开窗 N60 × 20套，合计 ¥69,400');
    expect((await chatOrders(FX.other)).length).toBe(before);
    const placed = await one(FX.other, '好');
    expect(placed).toContain('已下单');
    const orders = await chatOrders(FX.other);
    expect(orders.length).toBe(before + 1);
  });

  it('a lone "ok" is asked back too; "确认" then places', async () => {
    await one(FX.town, 'S30 30套');
    expect(await one(FX.town, 'ok')).toContain('确认下单吗？');
    expect(await chatOrders(FX.town)).toHaveLength(0);
    expect(await one(FX.town, '确认')).toContain('已下单');
    expect(await chatOrders(FX.town)).toHaveLength(1);
  });

  it.each(['确认', '下吧', '就这样', '没问题', 'yes'])('"%s" places at once', async (yes) => {
    await one(FX.eng, 'A50 20套');
    const n = (await chatOrders(FX.eng)).length;
    expect(await one(FX.eng, yes)).toContain('已下单');
    expect((await chatOrders(FX.eng)).length).toBe(n + 1);
  });

  it('"我不要推拉的" when no line is 推拉 says so and keeps the whole draft', async () => {
    await one(FX.core, 'N60 20套');
    const r = await one(FX.core, '我不要推拉的');
    expect(r).toContain('草稿里没有“推拉”的产品，草稿没有改动');
    expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 20]]);
    const removed = await one(FX.core, 'N75不要了');
    expect(removed).toContain('草稿里没有 窄边框推拉窗 N75，没有改动');
    expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 20]]);
    await one(FX.core, '取消');
  });
});

describe('delivery dates', () => {
  it('today is refused with the earliest possible date; the past too', async () => {
    const r = await one(FX.core, 'N60 10套 今天送');
    expect(r).toContain('送货日期：未指定');
    expect(r).toContain(`今天（${dateZh(TODAY)}）送不了，最早可以 ${dateZh(TOMORROW)} 送`);
    expect((await openDraft(FX.core))?.date).toBeNull();
    // 11月20号 said on 11月26日 reads as next year's: asked back with the earliest date, never set.
    const past = await one(FX.core, '改到11月20号送');
    expect(past).toContain(`请回复正确的送货日期`);
    expect(past).toContain(`最早可以 ${dateZh(TOMORROW)} 送`);
    expect((await openDraft(FX.core))?.date).toBeNull();
  });

  it('"月底前" is a deadline and "15号" the next 15th', async () => {
    const by = await one(FX.core, '月底前送到就行');
    expect(by).toContain(`送货日期 未指定 → ${dateZh('2026-11-30')}前`);
    expect(by).toContain(`送货日期：${dateZh('2026-11-30')}前送到`);
    expect((await openDraft(FX.core))?.date).toBe('2026-11-30');
    const fifteenth = await one(FX.core, '15号送');
    expect(fifteenth).toContain(`送货日期：${dateZh('2026-12-15')}`);
    expect((await openDraft(FX.core))?.date).toBe('2026-12-15');
    await one(FX.core, '取消');
  });
});

describe('units', () => {
  it('50卷 of a product sold by the metre is asked back, never read as 50米', async () => {
    expect(await one(FX.core, '台面 8米')).toContain('石英石台面 Q05 × 8米');
    const r = await one(FX.core, '改成50卷');
    expect(r).toContain('石英石台面 Q05 按米订货，您说的是 50卷');
    expect((await openDraft(FX.core))?.items).toEqual([['KC-Q05', 8]]);
    await one(FX.core, '取消');
    const before = await openDraft(FX.core);
    expect(await one(FX.core, '台面 50卷')).toContain('按米订货');
    expect(await openDraft(FX.core)).toEqual(before);
  });
});

describe('placed orders', () => {
  it('"SO… 改成40套" is told how to change it; cancelling asks with the amount, "不" keeps it', async () => {
    await one(FX.townHoldout, 'S30 30套');
    const placed = await one(FX.townHoldout, '确认');
    const orderNo = /SO\d{12}/.exec(placed)![0];
    const change = await one(FX.townHoldout, `${orderNo} 改成40套`);
    expect(change).toContain(`订单 ${orderNo} 已下单、还没发货（高性价比塑钢窗 S30 × 30套）`);
    expect(change).toContain(`取消 ${orderNo}`);
    const ask = await one(FX.townHoldout, `取消${orderNo}`);
    expect(ask).toContain(`确认取消订单 ${orderNo} 吗？高性价比塑钢窗 S30 × 30套，合计 ¥12,600`);
    // "不取消": only the rules' clear no answers a waiting question (a bare "不" is the model's guess alone).
    expect(await one(FX.townHoldout, '不取消')).toContain(`订单 ${orderNo} 保留`);
    // A new order while the cancel question waits is a new draft, and "确认" then places it, not the cancel.
    await one(FX.townHoldout, `取消${orderNo}`);
    expect(await one(FX.townHoldout, 'S30 40套')).toContain('高性价比塑钢窗 S30 × 40套');
    expect(await one(FX.townHoldout, '确认')).toContain('已下单');
    const [row] = (await chatOrders(FX.townHoldout)).filter((o) => o.order_no === orderNo);
    expect(row?.status).toBe('placed');
  });
});

describe('answers while the bot asks for a quantity', () => {
  it('"改成三十" sets the quantity it asked for; "算了不要了" drops the order, nothing is drafted', async () => {
    expect(await one(FX.town, '要N60和T80')).toContain('各要多少');
    const set = await one(FX.town, '改成三十');
    expect(set).toContain('窄边框平开窗 N60 × 30套');
    expect(set).toContain('断桥铝隔热窗 T80 × 30套');
    expect((await openDraft(FX.town))?.items).toEqual([
      ['KW-N60', 30],
      ['KW-T80', 30],
    ]);
    await one(FX.town, '取消');
    const orders = (await chatOrders(FX.town)).length;
    expect(await one(FX.town, '要N75')).toContain('各要多少');
    expect(await one(FX.town, '算了不要了')).toContain('没有下单');
    expect(await openDraft(FX.town)).toBeUndefined();
    // The question is over: a number now is no answer to it.
    expect(await one(FX.town, '30')).not.toContain('N75 × 30');
    expect(await chatOrders(FX.town)).toHaveLength(orders);
  });
});

describe('a deadline stays a deadline', () => {
  it('"月底前" is kept on the draft through later changes and shown in the placed order', async () => {
    await one(FX.eng, 'A50 20套');
    expect(await one(FX.eng, '月底前送到就行')).toContain(`送货日期：${dateZh('2026-11-30')}前送到`);
    // Another change keeps the deadline (it is stored with the draft, not only said in that turn).
    expect(await one(FX.eng, 'A50 多要五套')).toContain(`送货日期：${dateZh('2026-11-30')}前送到`);
    const { db } = app().database;
    const draft = await db
      .selectFrom('order_drafts')
      .select(['id', 'delivery_by'])
      .where('dealer_code', '=', FX.eng)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    expect(draft.delivery_by).toBe(true);
    const placed = await one(FX.eng, '确认');
    expect(placed).toContain(`送货日期 ${dateZh('2026-11-30')}前送到`);
    const orderNo = /SO\d{12}/.exec(placed)![0];
    const row = await db
      .selectFrom('orders')
      .select(['delivery_date', 'delivery_by'])
      .where('order_no', '=', orderNo)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ delivery_date: '2026-11-30', delivery_by: true });
    // A day said outright replaces the deadline.
    await one(FX.eng, 'A50 20套');
    await one(FX.eng, '月底前送');
    expect(await one(FX.eng, '改到12月5号送')).toMatch(new RegExp(`送货日期：${dateZh('2026-12-05')}(?!前)`));
    await one(FX.eng, '取消');
  });
});
