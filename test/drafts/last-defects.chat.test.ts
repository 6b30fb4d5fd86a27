import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { FX, orderFixtures } from '../orders/order.fixtures.js';
import { draftChat } from './draft.helpers.js';

/**
 * Issue 12's last chat defects, found by trying the sandbox as a dealer on the last day of a month; each replayed
 * through the sandbox pipeline.
 */
const LAST_DAY = new Date('2026-11-30T10:00:00+08:00'); // Monday, the last day of November
let app: TestApp | undefined;
beforeAll(async () => {
  app = await startTestApp({ seeded: true, prepare: orderFixtures(LAST_DAY), now: () => LAST_DAY });
});
afterAll(async () => {
  await app?.close();
});
const { one, openDraft, chatOrders } = draftChat(() => app!);
const needsOf = (dealer: string) =>
  app!.database.db
    .selectFrom('needs')
    .select(['id', 'category', 'text'])
    .where('dealer_code', '=', dealer)
    .orderBy('id', 'desc')
    .execute();

describe('"月底前送到就行 顺便问下…" said on the last day of the month', () => {
  it('sets the deadline (the next month end), echoes it and answers the rebate after it, with no refusal', async () => {
    await one(FX.core, 'N60 35套');
    const r = await one(FX.core, '月底前送到就行 顺便问下我返利到哪档了');
    expect(r).toContain('已修改：窄边框平开窗 N60 35套 不变；送货日期 未指定 → 12月31日（周四）前');
    expect(r).toContain('送货日期：12月31日（周四）前送到');
    expect(r).not.toContain('送不了');
    const rebate = r.indexOf('2026年第四季度阶梯返利');
    expect(rebate).toBeGreaterThan(r.indexOf('已修改'));
    const draft = await openDraft(FX.core);
    expect(draft?.date).toBe('2026-12-31');
    expect(draft?.items).toEqual([['KW-N60', 35]]);
    await one(FX.core, '取消');
  });

  it('a date that cannot be kept is no "已修改": the draft says it is unchanged, and why', async () => {
    await one(FX.core, 'N60 35套');
    const r = await one(FX.core, '今天送到');
    expect(r).not.toContain('已修改');
    expect(r).toContain('草稿没有改动。');
    expect(r).toContain('今天（11月30日（周一））送不了');
    expect((await openDraft(FX.core))?.date).toBeNull();
    await one(FX.core, '取消');
  });
});

describe('a story about a product problem is a need, whatever waits', () => {
  it('with a draft open: a product need is raised and the draft stays as it is', async () => {
    await one(FX.core, 'N60 35套');
    const r = await one(FX.core, '推拉窗滑轮老卡 客户天天找我');
    expect(r).toContain('已收到您的产品');
    expect(r).not.toContain('您要的是');
    expect((await needsOf(FX.core))[0]).toMatchObject({ category: 'product', text: '推拉窗滑轮老卡 客户天天找我' });
    expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 35]]);
    await one(FX.core, '取消');
  });

  it('while "N60 还是 N75？" waits: a need, never the answer N75', async () => {
    expect(await one(FX.core, '要窄边框')).toContain('您要的是');
    const r = await one(FX.core, '推拉窗滑轮老卡 客户天天找我');
    expect(r).toContain('已收到您的产品');
    expect(r).not.toContain('各要多少');
    expect(await openDraft(FX.core)).toBeUndefined();
  });
});

describe("a new request while the bot's own question waits", () => {
  it('"N60 还是 N75？" → a trend question is answered, the question is kept and still answerable', async () => {
    expect(await one(FX.other, '要窄边框')).toContain('窄边框平开窗 N60还是 窄边框推拉窗 N75');
    const r = await one(FX.other, '我们这边铝合金门窗卖得咋样');
    expect(r).toContain('【区域趋势');
    expect(r).toContain('（刚才的问题还在：您要的是 窄边框平开窗 N60还是 窄边框推拉窗 N75？');
    expect(r).not.toContain('没能确定');
    expect(await one(FX.other, 'N75')).toContain('窄边框推拉窗 N75 各要多少');
    expect((await one(FX.other, '20')).startsWith('订单草稿（待确认）')).toBe(true);
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N75', 20]]);
    await one(FX.other, '取消');
  });

  it('"A70 各要多少" → a trend question is answered, then "30" fills the line', async () => {
    expect(await one(FX.town, '要A70')).toContain('铝合金推拉窗 A70 各要多少');
    const r = await one(FX.town, '我们这边铝合金门窗卖得咋样');
    expect(r).toContain('【区域趋势');
    expect(r).toContain('（刚才的问题还在：铝合金推拉窗 A70 各要多少？）');
    expect(r).not.toContain('没太明白');
    await one(FX.town, '30');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-A70', 30]]);
    await one(FX.town, '取消');
  });

  it('an answer is still an answer: "第一个" picks N60', async () => {
    await one(FX.other, '要窄边框');
    expect(await one(FX.other, '第一个')).toContain('窄边框平开窗 N60 各要多少');
    await one(FX.other, '取消');
  });
});

describe('a no plus a question in one message', () => {
  it('with a draft: the draft is cancelled, then the rebate answered', async () => {
    await one(FX.other, 'N60 20套');
    const r = await one(FX.other, '不要了 对了返利几档');
    expect(r.indexOf('这张草稿已取消')).toBeGreaterThanOrEqual(0);
    expect(r.indexOf('阶梯返利')).toBeGreaterThan(r.indexOf('这张草稿已取消'));
    expect(await openDraft(FX.other)).toBeUndefined();
  });

  it('with nothing waiting: says there is nothing to cancel, then answers the rebate', async () => {
    const r = await one(FX.other, '不要了 对了返利几档');
    expect(r.indexOf('当前没有待确认的订单草稿')).toBe(0);
    expect(r).toContain('阶梯返利');
  });
});

describe('a kind of product the catalog does not sell', () => {
  it('"子母门 10套" is named back as not found, never drafted as P88', async () => {
    const before = (await chatOrders(FX.other)).length;
    expect(await one(FX.other, '子母门 10套')).toContain('没找到“子母门”这个产品');
    expect(await openDraft(FX.other)).toBeUndefined();
    expect(await one(FX.other, '子母门有货吗')).toContain('没找到“子母门”这个产品');
    expect(await one(FX.other, '钢木门有没有')).toContain('没找到“钢木门”这个产品');
    expect((await chatOrders(FX.other)).length).toBe(before);
  });

  it('with a draft open, "子母门也来10套" changes nothing', async () => {
    await one(FX.other, 'N60 20套');
    expect(await one(FX.other, '子母门也来10套')).toContain('没找到“子母门”这个产品');
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N60', 20]]);
    await one(FX.other, '取消');
  });

  it('"木门 10套" is still P88', async () => {
    expect(await one(FX.other, '木门 10套')).toContain('实木复合室内门 P88 × 10套');
    await one(FX.other, '取消');
  });
});
