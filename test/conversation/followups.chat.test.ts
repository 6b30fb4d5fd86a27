import { beforeAll, describe, expect, it } from 'vitest';
import { useDraftChat } from '../drafts/draft.helpers.js';
import { FX } from '../orders/order.fixtures.js';

/**
 * What a dealer asks next, through the sandbox pipeline: two questions in one message (with or without a
 * connector), the date said with the answer to "各要多少", and a bare "X呢" after a question. Clock: Thursday
 * 2026-11-26.
 */
const { one, openDraft, app } = useDraftChat();

/** The positions of `parts` in `text`, each found and in the order given. */
function inOrder(text: string, ...parts: string[]): void {
  const at = parts.map((p) => text.indexOf(p));
  for (const [i, p] of parts.entries()) expect(at[i], `"${p}" in:\n${text}`).toBeGreaterThanOrEqual(0);
  expect(at).toEqual([...at].sort((a, b) => a - b));
}

describe('two questions in one message are both answered, in order', () => {
  it('"t80还剩几套 顺带帮我瞅瞅返利": the stock, then the rebate', async () => {
    const r = await one(FX.other, 't80还剩几套 顺带帮我瞅瞅返利');
    inOrder(r, '【断桥铝隔热窗 T80】', '阶梯返利');
  });

  it('"返利到哪档了 a70还有货没" (a space, no connector): the rebate, then the stock', async () => {
    const r = await one(FX.other, '返利到哪档了 a70还有货没');
    inOrder(r, '阶梯返利', '【铝合金推拉窗 A70】');
  });

  it('"a70库纯多少 上月卖了几套": the stock, then last month\'s sales of the same product', async () => {
    const r = await one(FX.other, 'a70库纯多少 上月卖了几套');
    inOrder(r, '【铝合金推拉窗 A70】', '门店动销｜2026年10月');
  });

  it('"N75有现货没 另外再帮我看看对账单": the stock, then the statement', async () => {
    const r = await one(FX.other, 'N75有现货没 另外再帮我看看对账单');
    inOrder(r, '【窄边框推拉窗 N75】', '对账');
  });

  it('a clause that only leads into the request stays one request ("按我的销量 建议补点啥")', async () => {
    const r = await one(FX.other, '按我的销量 建议补点啥');
    expect(r).not.toContain('门店动销');
  });
});

describe('the date said with the answer to "各要多少" is kept', () => {
  it('another product with a date ("n75来十二套 大后天送到"): its draft has the date', async () => {
    expect(await one(FX.town, '我要订T80')).toContain('各要多少');
    const r = await one(FX.town, 'n75来十二套 大后天送到');
    expect(r).toContain('窄边框推拉窗 N75 × 12套');
    expect(r).toContain('送货日期：11月29日（周日）');
    expect((await openDraft(FX.town))?.date).toBe('2026-11-29');
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('the quantity asked for with a date ("25套 下周一送"): the asked product\'s draft has the date', async () => {
    expect(await one(FX.town, '订点a70')).toContain('各要多少');
    const r = await one(FX.town, '25套 下周一送');
    expect(r).toContain('铝合金推拉窗 A70 × 25套');
    expect((await openDraft(FX.town))?.date).toBe('2026-11-30');
    expect(await one(FX.town, '取消')).toContain('已取消');
  });
});

describe('"X呢" right after a question asks it of X', () => {
  it('stock: "t80有货没" → "那个a70呢?" is A70\'s stock (not an order asking how many), then "n75的呢" N75\'s', async () => {
    expect(await one(FX.core, 't80有货没')).toContain('【断桥铝隔热窗 T80】');
    const a70 = await one(FX.core, '那个a70呢?');
    expect(a70).toContain('【铝合金推拉窗 A70】');
    expect(a70).not.toContain('各要多少');
    expect(await one(FX.core, 'n75的呢')).toContain('【窄边框推拉窗 N75】');
  });

  it('price: "N60啥价" → "那个 T80 呢" is T80\'s price', async () => {
    expect(await one(FX.overdue, 'N60啥价')).toContain('您的价格');
    const t80 = await one(FX.overdue, '那个 T80 呢');
    expect(t80).toContain('【断桥铝隔热窗 T80】');
    expect(t80).toContain('您的价格');
    expect(t80).not.toContain('各要多少');
  });

  it('an order after a follow-up is an order, with its date', async () => {
    await one(FX.eng, 'n60还有货吗');
    expect(await one(FX.eng, '那个t80呢')).toContain('【断桥铝隔热窗 T80】');
    expect(await one(FX.eng, 'N60来20套 后天送')).toContain('送货日期：11月28日（周六）');
    expect((await openDraft(FX.eng))?.date).toBe('2026-11-28');
    expect(await one(FX.eng, '取消')).toContain('已取消');
  });
});

describe('"X呢" after a sales question, and only right after it', () => {
  // Sell-through of D0904's one store in October: N60 5套, T80 2套; last week (11-16 to 11-22): N60 4套; this week (from Monday 11-23): N60 3套.
  beforeAll(async () => {
    const db = app().database.db;
    const dealer = await db
      .selectFrom('dealers')
      .select('region_id')
      .where('code', '=', FX.townHoldout)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('stores')
      .values({
        dealer_code: FX.townHoldout,
        name: '测试共享门店',
        type: 'retail',
        region_id: dealer.region_id,
        market_level: '二线',
        opened_on: '2022-01-01',
      })
      .execute();
    await db
      .insertInto('sell_through')
      .values([
        { dealer_code: FX.townHoldout, sku: 'KW-N60', day: '2026-10-12', qty: 5 },
        { dealer_code: FX.townHoldout, sku: 'KW-T80', day: '2026-10-20', qty: 2 },
        { dealer_code: FX.townHoldout, sku: 'KW-N60', day: '2026-11-24', qty: 3 },
        { dealer_code: FX.townHoldout, sku: 'KW-N60', day: '2026-11-18', qty: 4 },
      ])
      .execute();
  });

  it('"n60上月走了几套" → "那t80呢" is T80\'s October; a message in between ends it', async () => {
    expect(await one(FX.townHoldout, 'n60上月走了几套')).toContain('窄边框平开窗 N60：5套');
    const t80 = await one(FX.townHoldout, '那t80呢');
    expect(t80).toContain('门店动销｜2026年10月');
    expect(t80).toContain('断桥铝隔热窗 T80：2套');
    expect(t80).not.toContain('窄边框平开窗');

    expect(await one(FX.townHoldout, 'n60上月走了几套')).toContain('窄边框平开窗 N60：5套');
    await one(FX.townHoldout, '好的 谢谢');
    expect(await one(FX.townHoldout, '那t80呢')).not.toContain('门店动销');
  });

  it('"N60十月卖了几套" → "那这周呢" is N60 this week: the follow-up\'s own period wins', async () => {
    // The model code's digits do not swallow the month ("n6010月").
    const october = await one(FX.townHoldout, 'N60十月卖了几套');
    expect(october).toContain('门店动销｜2026年10月');
    expect(october).toContain('窄边框平开窗 N60：5套');
    const week = await one(FX.townHoldout, '那这周呢');
    expect(week).toContain('本周');
    expect(week).not.toContain('2026年10月');
    expect(week).toContain('窄边框平开窗 N60：3套');
    // A product with a period of its own: that product, that period.
    const t80 = await one(FX.townHoldout, '那t80上个月的呢');
    expect(t80).toContain('门店动销｜2026年10月');
    expect(t80).toContain('断桥铝隔热窗 T80：2套');
  });

  it('"上礼拜卖了几套N60" is last week, Monday to Sunday; "那这周呢" this week', async () => {
    const last = await one(FX.townHoldout, '上礼拜卖了几套N60');
    expect(last).toContain('门店动销｜上周（11月16日–11月22日）');
    expect(last).toContain('窄边框平开窗 N60：4套');
    expect(await one(FX.townHoldout, '那这周呢')).toContain('窄边框平开窗 N60：3套');
  });

  it('"这周n60卖了几套" → "那t80呢" keeps the week', async () => {
    expect(await one(FX.townHoldout, '这周n60卖了几套')).toContain('窄边框平开窗 N60：3套');
    const t80 = await one(FX.townHoldout, '那t80呢');
    expect(t80).toContain('本周');
    expect(t80).not.toContain('窄边框平开窗');
  });
});

describe('"X呢" with no question before it', () => {
  it('"那个T80呢" as the first message asks what about T80, starts no order; "查库存" answers it', async () => {
    const first = `${FX.shared}-A`;
    const asked = await one(first, '那个T80呢');
    expect(asked).toContain('您想了解断桥铝隔热窗 T80的什么');
    expect(asked).not.toContain('各要多少');
    expect(await openDraft(FX.shared)).toBeUndefined();
    expect(await one(first, '查库存')).toContain('【断桥铝隔热窗 T80】');
  });

  it('"n60上周卖的咋样" is N60\'s sales last week; a bare "那上上周呢" after a stock question is sales, never a reorder', async () => {
    const last = await one(FX.townHoldout, 'n60上周卖的咋样');
    expect(last).toContain('门店动销｜上周（11月16日–11月22日）');
    expect(last).toContain('窄边框平开窗 N60：4套');
    expect(await one(FX.townHoldout, 'N60还有货吗')).toContain('【窄边框平开窗 N60】');
    const before = await one(FX.townHoldout, '那上上周呢');
    expect(before).toContain('门店动销｜上上周（11月9日–11月15日）');
    expect(before).not.toContain('草稿');
    expect(await openDraft(FX.townHoldout)).toBeUndefined();
  });

  it('"a70呢" → "价格" is the stock and price; "t80呢" → "T80 20套" is an order with its quantity', async () => {
    expect((await app().say(FX.town, '对账单在哪看'))[0]).toContain('【对账单');
    expect(await one(FX.town, 'a70呢')).toContain('您想了解铝合金推拉窗 A70的什么');
    const price = await one(FX.town, '价格');
    expect(price).toContain('【铝合金推拉窗 A70】');
    expect(price).toContain('您的价格');
    expect(await one(FX.town, 't80呢')).toContain('断桥铝隔热窗 T80');
    expect(await one(FX.town, 'T80 20套')).toContain('断桥铝隔热窗 T80 × 20套');
    expect(await one(FX.town, '取消')).toContain('已取消');
  });
});

/** The first reply to a message (a statement comes with its printable link as a second one). */
const first = async (from: string, text: string) => (await app().say(from, text))[0]!;

describe('a fragment with no question to follow is asked back, never guessed', () => {
  // Chat accounts of their own, so no earlier test's question is before their first message.
  const account = (n: number) => `${FX.other}-F${n}`;
  beforeAll(async () => {
    await app()
      .database.db.insertInto('channel_identities')
      .values(
        [1, 2, 3, 4, 5, 6].map((n) => ({
          channel: 'sandbox' as const,
          external_id: account(n),
          dealer_code: FX.other,
        })),
      )
      .execute();
  });

  it('"十月份的呢" as the first message asks statement or sales, shows neither; "看对账单" answers with October', async () => {
    const asked = await one(account(1), '十月份的呢');
    expect(asked).toContain('十月份的什么');
    expect(asked).toContain('看对账单');
    expect(asked).toContain('查销量');
    expect(asked).not.toContain('【对账单');
    expect(await first(account(1), '看对账单')).toContain('【对账单｜2026年10月】');
  });

  it('"那上个月的呢" after a stock question (stock has no month) asks back; "查销量" is October\'s sales', async () => {
    expect(await one(account(2), 'n60还有几套')).toContain('【窄边框平开窗 N60】');
    const asked = await one(account(2), '那上个月的呢');
    expect(asked).toContain('上个月的什么');
    expect(asked).not.toContain('【对账单');
    expect(await one(account(2), '查销量')).toContain('门店动销｜2026年10月');
  });

  it('"那个呢", "还有呢" after a stock question ask which product; on their own what is meant', async () => {
    expect(await one(account(3), 'N60啥价')).toContain('您的价格');
    expect(await one(account(3), '那个呢')).toContain('还想看哪一款');
    expect(await one(account(3), '还有呢')).toContain('还想看哪一款');
    const bare = await one(account(4), '那个呢');
    expect(bare).toContain('您指的是哪方面');
    expect(bare).not.toContain('取消订单');
  });

  it('"上个季度的呢" after the rebate progress asks what of last quarter; "那上个月的呢" statement or sales', async () => {
    expect(await one(account(5), '我返利到哪档了')).toContain('阶梯返利');
    expect(await one(account(5), '上个季度的呢')).toContain('上个季度的什么');
    expect(await one(account(5), '那上个月的呢')).toContain('上个月的什么');
    // Another fragment instead of an answer to that: asked back too, no statement guessed.
    const month = await one(account(5), '十月份的呢');
    expect(month).toContain('十月份的什么');
    expect(month).not.toContain('【对账单');
  });

  it('a manager\'s "十月份的呢" asks what, not the needs list', async () => {
    const asked = await one('M003', '十月份的呢');
    expect(asked).toContain('十月份的什么');
    expect(asked).not.toContain('待处理需求');
  });

  it('a month during an order draft changes nothing and shows no statement', async () => {
    expect(await one(account(6), 'N60 20套')).toContain('窄边框平开窗 N60 × 20套');
    expect(await one(account(6), 'T80呢')).toContain('草稿没有改动');
    expect(await one(account(6), '十月份的呢')).not.toContain('【对账单');
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N60', 20]]);
    expect(await one(account(6), '取消')).toContain('已取消');
  });
});

describe("a month right after a statement asks for that month's statement", () => {
  it('"十月对账单" → "九月的呢" is September\'s; "对账单" → "上个月的呢" October\'s', async () => {
    expect(await first(FX.overdue, '十月对账单')).toContain('【对账单｜2026年10月】');
    expect(await first(FX.overdue, '九月的呢')).toContain('【对账单｜2026年9月】');
    expect(await first(FX.overdue, '对账单')).toContain('【对账单｜2026年11月');
    expect(await first(FX.overdue, '上个月的呢')).toContain('【对账单｜2026年10月】');
    // 得 typed for 的: the same follow-up; alone, asked back.
    expect(await first(FX.overdue, '九月得呢')).toContain('【对账单｜2026年9月】');
    expect(await one(`${FX.shared}-B`, '上个月得呢')).toContain('上个月的什么');
  });
});
