import { describe, expect, it } from 'vitest';
import { useDraftChat } from '../drafts/draft.helpers.js';
import { commonReplies } from '../../bot/replies/common.replies.js';
import { FX } from '../orders/order.fixtures.js';

/**
 * Two requests in one message — an order or a change of the open draft, and a question — are both answered in one
 * reply, in the order said; the order part is exactly what it would be alone. One request is never cut in two.
 */
const { one, openDraft, chatOrders, app } = useDraftChat();

const REBATE = '您当前的返利和政策进度';
const STOCK_N60 = '【窄边框平开窗 N60】';
/** `first` comes before `then` in `reply`, both present. */
const inOrder = (reply: string, first: string, then: string) => {
  expect(reply).toContain(first);
  expect(reply).toContain(then);
  expect(reply.indexOf(first)).toBeLessThan(reply.indexOf(then));
};
const openDrafts = async (dealer: string) =>
  (
    await app()
      .database.db.selectFrom('order_drafts')
      .select('id')
      .where('dealer_code', '=', dealer)
      .where('status', '=', 'open')
      .execute()
  ).length;

describe('a change of the open draft and a question', () => {
  // [dealer, the draft opened, the message, the change's words, the answer's words, the draft after]
  const cases: Array<[string, string, string, string, string, Array<[string, number]>]> = [
    [
      FX.core,
      'T80 10樘',
      'T80改成8樘 顺便问下我返利到哪档了',
      '已修改：断桥铝隔热窗 T80 10套 → 8套',
      REBATE,
      [['KW-T80', 8]],
    ],
    [
      FX.core,
      'T80 10樘',
      'N60再加10套，另外我上个月的需求处理了吗',
      '新增 窄边框平开窗 N60 10套',
      '需求',
      [
        ['KW-T80', 10],
        ['KW-N60', 10],
      ],
    ],
    [
      FX.other,
      'T80 1200*1500 双玻 内开 木纹 10樘',
      '颜色换深灰的，对了N60还有货吗',
      '内开 木纹）→（1200×1500mm 双玻（中空） 内开 深灰）',
      STOCK_N60,
      [['KW-T80', 10]],
    ],
  ];
  it.each(cases)(
    '%s: "%s", then "%s": the change, then the answer',
    async (dealer, open, text, change, answer, items) => {
      await one(dealer, open);
      inOrder(await one(dealer, text), change, answer);
      expect((await openDraft(dealer))?.items).toEqual(items);
      expect(await one(dealer, '取消')).toContain('已取消');
    },
  );

  it('with "；", a newline or a comma alone between them: the change, then the question', async () => {
    await one(FX.core, 'T80 10樘');
    inOrder(await one(FX.core, 'T80改成8樘；我返利到哪档了'), 'T80 10套 → 8套', REBATE);
    inOrder(await one(FX.core, 'T80改成9樘\n我返利到哪档了'), 'T80 8套 → 9套', REBATE);
    inOrder(await one(FX.core, 'T80改成12樘，N60还有货吗'), 'T80 9套 → 12套', STOCK_N60);
    expect((await openDraft(FX.core))?.items).toEqual([['KW-T80', 12]]);
    expect(await one(FX.core, '确认')).toContain('已下单');
    expect(await chatOrders(FX.core)).toHaveLength(1);
  });
});

describe('an order and a question, no draft open', () => {
  it('"N60来20套 顺便看下我的返利": the draft, then the rebate', async () => {
    const r = await one(FX.town, 'N60来20套 顺便看下我的返利');
    inOrder(r, '窄边框平开窗 N60 × 20套', REBATE);
    expect((await openDraft(FX.town))?.items).toEqual([['KW-N60', 20]]);
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('"查下N60库存，再帮我下20套": the stock first, then a draft of 20 N60 that 确认 places', async () => {
    const r = await one(FX.eng, '查下N60库存，再帮我下20套');
    inOrder(r, STOCK_N60, '窄边框平开窗 N60 × 20套');
    expect((await openDraft(FX.eng))?.items).toEqual([['KW-N60', 20]]);
    expect(await one(FX.eng, '确认')).toContain('已下单');
    expect(await chatOrders(FX.eng)).toHaveLength(1);
  });

  it('"查下N60库存再帮我下20套", no break before 再: the stock, then the draft', async () => {
    const r = await one(FX.town, '查下N60库存再帮我下20套');
    inOrder(r, STOCK_N60, '窄边框平开窗 N60 × 20套');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-N60', 20]]);
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('"我的需求N…到哪了？还有A70要30套": the need, then a draft of 30 A70', async () => {
    const id = /编号 (N\d+)/.exec(await one(FX.town, '展架坏了'))![1];
    const r = await one(FX.town, `我的需求${id}到哪了？还有A70要30套`);
    inOrder(r, '展架坏了', '铝合金推拉窗 A70 × 30套');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-A70', 30]]);
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('no connector, "；" or a newline: the draft, then the rebate', async () => {
    for (const text of ['N60来20套 我返利到哪档了', 'N60来20套；我返利到哪档了', 'N60来20套\n我返利到哪档了']) {
      const r = await one(FX.town, text);
      inOrder(r, '窄边框平开窗 N60 × 20套', REBATE);
      expect((await openDraft(FX.town))?.items, text).toEqual([['KW-N60', 20]]);
      expect(await one(FX.town, '取消')).toContain('已取消');
    }
  });
});

describe('one request is never cut in two', () => {
  it('"N60和A70各来20套": one draft of both lines, nothing else', async () => {
    const r = await one(FX.townHoldout, 'N60和A70各来20套');
    expect(r).not.toContain(REBATE);
    expect((await openDraft(FX.townHoldout))?.items).toEqual([
      ['KW-N60', 20],
      ['KW-A70', 20],
    ]);
    expect(await one(FX.townHoldout, '取消')).toContain('已取消');
  });

  it('"N60 30套 下周三送到店里" and "N60 20套⏎下周三送": one draft with its date', async () => {
    for (const text of ['N60 30套 下周三送到店里', 'N60 20套\n下周三送']) {
      const r = await one(FX.townHoldout, text);
      expect(r.match(/订单草稿/g), text).toHaveLength(1);
      expect(r).toContain('送货日期：12月2日（周三）');
      expect(await openDrafts(FX.townHoldout)).toBe(1);
      expect(await one(FX.townHoldout, '取消')).toContain('已取消');
    }
  });

  it('"返利和政策都看看": read-only answers, no draft', async () => {
    expect(await one(FX.townHoldout, '返利和政策都看看')).toContain('返利');
    expect(await openDraft(FX.townHoldout)).toBeUndefined();
  });

  it('two changes of the draft ("T80改成8樘 另外A70要30套") stay one request: one draft, no second', async () => {
    await one(FX.townHoldout, 'T80 10樘');
    const r = await one(FX.townHoldout, 'T80改成8樘 另外A70要30套');
    expect(r.match(/订单草稿/g)).toHaveLength(1);
    expect(await openDrafts(FX.townHoldout)).toBe(1);
    expect(await one(FX.townHoldout, '取消')).toContain('已取消');
    expect(await chatOrders(FX.townHoldout)).toHaveLength(0);
  });
});

describe('two requests with no connector word, read clause by clause', () => {
  it('"取消SO… 再来二十套N75": the cancel is asked, the draft is made; 确认 cancels, the next 确认 places the draft', async () => {
    await one(FX.other, 'N60 10套');
    const so = /SO\d{12}/.exec(await one(FX.other, '确认'))![0];
    const before = (await chatOrders(FX.other)).length;
    const r = await one(FX.other, `取消${so} 再来二十套N75`);
    inOrder(r, `确认取消订单 ${so} 吗`, '窄边框推拉窗 N75 × 20套');
    expect(r).toContain(commonReplies.cancelBeforeDraft);
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N75', 20]]);
    expect(await one(FX.other, '确认')).toContain(`订单 ${so} 已取消`);
    expect(await one(FX.other, '确认')).toContain('已下单');
    const orders = await chatOrders(FX.other);
    expect(orders).toHaveLength(before + 1);
    expect(orders.find((o) => o.order_no === so)?.status).toBe('cancelled');
  });

  it('"等级为啥降了 上个月对账单也发我": the tier, then the statement', async () => {
    inOrder(await one(FX.town, '等级为啥降了 上个月对账单也发我'), '【合作等级】', '【对账单｜2026年10月】');
  });

  it('"A50有现货没 有的话来二十套": the stock, then a draft of the product asked about', async () => {
    const r = await one(FX.town, 'A50有现货没 有的话来二十套');
    inOrder(r, '【铝合金平开窗 A50】', '铝合金平开窗 A50 × 20套');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-A50', 20]]);
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('"对账单不对 多了一笔两万的 帮我转客户经理看看": the need with its story, then the manager told', async () => {
    const r = await one(FX.eng, '对账单不对 多了一笔两万的 帮我转客户经理看看');
    inOrder(r, '已收到您的账款需求', '已通知您的客户经理');
  });

  it('"没问题 下吧 我还想报个导购培训": the draft placed, then the courses to pick from, and "第一个" picks', async () => {
    await one(FX.core, 'N60 10套');
    inOrder(await one(FX.core, '没问题 下吧 我还想报个导购培训'), '已下单', '想报名哪一门');
    expect(await openDraft(FX.core)).toBeUndefined();
    expect(await one(FX.core, '第一个')).toContain('报名');
  });

  it('"算了不下了 帮我找下客户经理": the draft dropped, then the manager told', async () => {
    await one(FX.eng, 'T80 12樘');
    inOrder(await one(FX.eng, '算了不下了 帮我找下客户经理'), '草稿已取消', '已通知您的客户经理');
    expect(await openDraft(FX.eng)).toBeUndefined();
  });
});

describe('one request with its detail is not cut', () => {
  it('"展架坏了 N60的" is a need, no order; "A70 二十套 颜色要白的" one draft, no need', async () => {
    expect(await one(FX.townHoldout, '展架坏了 N60的')).toContain('需求');
    expect(await openDraft(FX.townHoldout)).toBeUndefined();
    const r = await one(FX.townHoldout, 'A70 二十套 颜色要白的');
    expect(r).not.toContain('已收到');
    expect((await openDraft(FX.townHoldout))?.items).toEqual([['KW-A70', 20]]);
    expect(await one(FX.townHoldout, '取消')).toContain('已取消');
  });
});
