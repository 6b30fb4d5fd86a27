import { describe, expect, it } from 'vitest';
import { FX } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/** Multi-turn scripts: corrections, loose quantities, answers to the bot's own questions, questions mid-draft. */
const { one, openDraft, chatOrders } = useDraftChat();

describe('corrections relative to the draft', () => {
  it('set, subtract, add, multiply and remove: each echoed, each applied to its line only', async () => {
    await one(FX.core, '台面 8米，T80 10套，N60 10套');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KC-Q05', 8],
      ['KW-T80', 10],
      ['KW-N60', 10],
    ]);
    expect(await one(FX.core, '台面不要八米了 改六米')).toContain(
      '石英石台面 Q05 8米 → 6米；断桥铝隔热窗 T80 10套 不变',
    );
    expect(await one(FX.core, 'T80 少要三套')).toContain('断桥铝隔热窗 T80 10套 → 7套');
    expect(await one(FX.core, 'N60 多要五套')).toContain('窄边框平开窗 N60 10套 → 15套');
    const doubled = await one(FX.core, '数量翻倍');
    expect(doubled).toContain('石英石台面 Q05 6米 → 12米；断桥铝隔热窗 T80 7套 → 14套；窄边框平开窗 N60 15套 → 30套');
    expect(await one(FX.core, 'N60不要了')).toContain('去掉 窄边框平开窗 N60（原 30套）');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KC-Q05', 12],
      ['KW-T80', 14],
    ]);
    await one(FX.core, '取消');
  });

  it('a halving that leaves no whole number is asked back; the draft stays', async () => {
    await one(FX.core, 'T80 15套');
    expect(await one(FX.core, '数量减半')).toContain('不是整数');
    expect((await openDraft(FX.core))?.items).toEqual([['KW-T80', 15]]);
    await one(FX.core, '取消');
  });

  it('a product named without a quantity is asked about, never swapped in', async () => {
    await one(FX.core, 'N60 37套');
    expect(await one(FX.core, 'T80')).toContain('要在草稿里加 断桥铝隔热窗 T80 吗？');
    expect(await one(FX.core, 'N60 几十套')).toContain('窄边框平开窗 N60 要改成多少套？');
    expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 37]]);
    // A dozen is a number: "两打" is 24 of the product's unit.
    expect(await one(FX.core, 'N60 两打')).toContain('窄边框平开窗 N60 37套 → 24套');
    await one(FX.core, '取消');
  });
});

describe('loose quantities are asked back', () => {
  it('"N60 二三十套" asks for the number; "30" then drafts it', async () => {
    expect(await one(FX.other, 'N60 二三十套')).toContain('窄边框平开窗 N60 各要多少');
    expect(await openDraft(FX.other)).toBeUndefined();
    expect(await one(FX.other, '30')).toContain('窄边框平开窗 N60 × 30套');
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N60', 30]]);
  });

  it('"来二三十套" in a draft changes nothing', async () => {
    expect(await one(FX.other, '来二三十套')).toContain('草稿没有改动');
    expect((await openDraft(FX.other))?.items).toEqual([['KW-N60', 30]]);
    await one(FX.other, '取消');
  });

  it('an order of another product while the number is asked drafts that order, not the asked one', async () => {
    expect(await one(FX.other, '那个呢 N60')).toContain('N60');
    const r = await one(FX.other, '帮我整20套a70');
    expect(r).toContain('铝合金推拉窗 A70 × 20套');
    expect((await openDraft(FX.other))?.items).toEqual([['KW-A70', 20]]);
    await one(FX.other, '取消');
  });
});

describe("answers to the bot's own questions", () => {
  it.each([
    ['平开的那个', 'KW-N60'],
    ['第一个', 'KW-N60'],
    ['便宜的那个', 'KW-N60'],
    ['推拉的', 'KW-N75'],
  ])('"窄边框 20套" → "%s" drafts %s', async (answer, sku) => {
    expect(await one(FX.town, '窄边框 20套')).toContain('您要的是 窄边框平开窗 N60还是 窄边框推拉窗 N75？');
    expect(await one(FX.town, answer)).toContain('订单草稿');
    expect((await openDraft(FX.town))?.items).toEqual([[sku, 20]]);
    await one(FX.town, '取消');
  });

  it('"各要多少" → "30" fills every line', async () => {
    expect(await one(FX.town, '要N60和T80')).toContain('请告诉我 窄边框平开窗 N60、断桥铝隔热窗 T80 各要多少');
    expect(await one(FX.town, '30')).toContain('订单草稿');
    expect((await openDraft(FX.town))?.items).toEqual([
      ['KW-N60', 30],
      ['KW-T80', 30],
    ]);
    await one(FX.town, '取消');
  });

  it('"取消订单" → "哪一单？" → "最近那单" asks with the amount, then "确认" cancels it', async () => {
    await one(FX.eng, 'A50 20套');
    const placed = await one(FX.eng, '确认');
    const orderNo = /SO\d{12}/.exec(placed)![0];
    expect(await one(FX.eng, '取消订单')).toContain(`哪一单？\n· ${orderNo}`);
    expect(await one(FX.eng, '最近那单')).toContain(`确认取消订单 ${orderNo} 吗？`);
    expect(await one(FX.eng, '确认')).toContain(`订单 ${orderNo} 已取消`);
    const [row] = (await chatOrders(FX.eng)).filter((o) => o.order_no === orderNo);
    expect(row?.status).toBe('cancelled');
  });
});

describe('questions mid-draft, then 确认', () => {
  it('stock, price and total questions leave the draft as it was; 确认 places exactly it', async () => {
    await one(FX.townHoldout, 'A50 20套');
    expect(await one(FX.townHoldout, 'T80还有货吗')).toContain('【断桥铝隔热窗 T80】');
    expect(await one(FX.townHoldout, 'N60多少钱')).toContain('窄边框平开窗 N60：您的价格 ¥1,280/套');
    expect(await one(FX.townHoldout, '一共多少钱')).toContain('合计：¥15,200');
    expect(await one(FX.townHoldout, '明天能送到吗')).toContain('草稿没有改动');
    const placed = await one(FX.townHoldout, '确认');
    expect(placed).toContain('铝合金平开窗 A50 × 20套');
    const orders = await chatOrders(FX.townHoldout);
    expect(orders.at(-1)).toMatchObject({ total_fen: 1_520_000, delivery_date: null });
  });
});
