import { describe, expect, it } from 'vitest';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, fixtureOrders } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/**
 * Order corrections and confirmations as dealers type them (a new-user try-out's finds), replayed through the
 * sandbox. Clock: TEST_NOW (Thursday 2026-11-26). Orders change here: every case is exact, or asks back.
 */
const { one, openDraft, chatOrders, app } = useDraftChat();
const { otherOrder } = fixtureOrders(TEST_NOW);
const statusOf = async (orderNo: string) =>
  (
    await app()
      .database.db.selectFrom('orders')
      .select('status')
      .where('order_no', '=', orderNo)
      .executeTakeFirstOrThrow()
  ).status;

describe('cancelling a placed order', () => {
  it('"把刚才的单子取消掉" with one open order asks to confirm that one; "先别取消" / "不取消了" keep it', async () => {
    const asked = await one(FX.other, '把刚才的单子取消掉');
    expect(asked).toContain(`确认取消订单 ${otherOrder} 吗？`);
    expect(await one(FX.other, '先别取消')).toContain(`订单 ${otherOrder} 保留，没有取消`);
    await one(FX.other, `取消订单 ${otherOrder}`);
    expect(await one(FX.other, '不取消了')).toContain('保留，没有取消');
    await one(FX.other, `取消订单 ${otherOrder}`);
    expect(await one(FX.other, '算了不取消')).toContain('保留，没有取消');
    expect(await statusOf(otherOrder)).toBe('placed');
  });

  it('"确认取消" (and "确定取消", "对 取消", "是的取消吧") answers "确认取消订单…吗？" with a yes', async () => {
    await one(FX.other, `取消订单 ${otherOrder}`);
    expect(await one(FX.other, '确认取消')).toContain(`订单 ${otherOrder} 已取消`);
    expect(await statusOf(otherOrder)).toBe('cancelled');
    for (const yes of ['确定取消', '对 取消', '是的取消吧']) {
      await one(FX.eng, 'N60 20套');
      expect(await one(FX.eng, '确认下单')).toContain('已下单');
      const [placed] = (await chatOrders(FX.eng)).filter((o) => o.status === 'placed');
      await one(FX.eng, `取消订单 ${placed!.order_no}`);
      expect(await one(FX.eng, yes)).toContain(`订单 ${placed!.order_no} 已取消`);
    }
  });

  it('"取消最近那单" with two open orders asks to confirm the newest; "确认 下吧" places a draft', async () => {
    await one(FX.eng, 'N60 20套');
    expect(await one(FX.eng, '确认 下吧')).toContain('已下单');
    await one(FX.eng, 'N75 10套');
    expect(await one(FX.eng, '确认下单')).toContain('已下单');
    const placed = (await chatOrders(FX.eng)).filter((o) => o.status === 'placed');
    expect(placed).toHaveLength(2);
    const newest = placed.sort((a, b) => (a.order_no < b.order_no ? 1 : -1))[0]!.order_no;
    const asked = await one(FX.eng, '取消最近那单');
    expect(asked).toContain(`确认取消订单 ${newest} 吗？`);
    expect(asked).toContain('窄边框推拉窗 N75 × 10套');
    expect(await one(FX.eng, '确认')).toContain(`订单 ${newest} 已取消`);
  });

  it('"确认取消" a draft still cancels the draft', async () => {
    await one(FX.town, 'N60 30套');
    expect(await one(FX.town, '确认取消')).toContain('这张草稿已取消');
    expect(await openDraft(FX.town)).toBeUndefined();
  });
});

describe('several changes in one message', () => {
  it('"B45改成两百套，N60不要了": both apply', async () => {
    await one(FX.core, 'B45 256套 N60 20套');
    const r = await one(FX.core, 'B45改成两百套，N60不要了');
    expect(r).toContain('卫浴平开门 B45 256套 → 200套');
    expect(r).toContain('去掉 窄边框平开窗 N60（原 20套）');
    expect(r).not.toContain('N60 20套 不变');
    expect((await openDraft(FX.core))?.items).toEqual([['KD-B45', 200]]);
    await one(FX.core, '取消');
  });

  it('"减到150套" / "加到50套" set the quantity reached (they took 150 off, added 50)', async () => {
    await one(FX.core, 'A70 30套 N60 200套');
    const r = await one(FX.core, 'A70改成40套，N60减到150套');
    expect(r).toContain('窄边框平开窗 N60 200套 → 150套');
    await one(FX.core, 'N60加到160套');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KW-A70', 40],
      ['KW-N60', 160],
    ]);
    await one(FX.core, '取消');
  });

  it('"改成25套 A70也来10套": a first clause naming no product sets the only line, then the product is added', async () => {
    await one(FX.core, 'T80 30套');
    const r = await one(FX.core, '改成25套 A70也来10套');
    expect(r).toContain('断桥铝隔热窗 T80 30套 → 25套');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KW-T80', 25],
      ['KW-A70', 10],
    ]);
    await one(FX.core, '取消');
  });

  it('"N60改成30，T80加10樘" and "A70删掉 N60改成50套": every change applies', async () => {
    await one(FX.core, 'A70 20套 N60 20套 T80 10套');
    const r = await one(FX.core, 'N60改成30，T80加10樘');
    expect(r).toContain('窄边框平开窗 N60 20套 → 30套');
    expect(r).toContain('断桥铝隔热窗 T80 10套 → 20套');
    const r2 = await one(FX.core, 'A70删掉 N60改成50套');
    expect(r2).toContain('窄边框平开窗 N60 30套 → 50套');
    expect(r2).toContain('去掉 铝合金推拉窗 A70（原 20套）');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KW-N60', 50],
      ['KW-T80', 20],
    ]);
  });

  it('one change that cannot apply is said, and nothing changes', async () => {
    const r = await one(FX.core, 'N60改成60套，A70不要了');
    expect(r).toContain('铝合金推拉窗 A70');
    expect(r).not.toContain('已修改');
    expect((await openDraft(FX.core))?.items).toEqual([
      ['KW-N60', 50],
      ['KW-T80', 20],
    ]);
    await one(FX.core, '取消');
  });
});

describe('corrections', () => {
  it('one line: "不对，是40套" sets it, "不对，是T80" swaps the product keeping 40套, "不是T80，是N75" too', async () => {
    await one(FX.town, 'N60 30套');
    expect(await one(FX.town, '不对，是40套')).toContain('窄边框平开窗 N60 30套 → 40套');
    const r = await one(FX.town, '不对，是T80');
    expect(r).toContain('新增 断桥铝隔热窗 T80 40套');
    expect(r).toContain('去掉 窄边框平开窗 N60（原 40套）');
    expect(r).toContain('订单草稿（待确认）');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-T80', 40]]);
    await one(FX.town, '不是T80，是N75');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-N75', 40]]);
    await one(FX.town, '取消');
  });

  it('several lines: naming the old product swaps it; not naming it asks which line', async () => {
    await one(FX.town, 'N60 30套 A70 20套');
    const asked = await one(FX.town, '不对，是T80');
    expect(asked).toContain('要把哪一个换成 断桥铝隔热窗 T80');
    expect(await one(FX.town, '不对，是40套')).toContain('请说明改哪个');
    await one(FX.town, '不是N60，是N75');
    expect((await openDraft(FX.town))?.items).toEqual([
      ['KW-A70', 20],
      ['KW-N75', 30],
    ]);
    await one(FX.town, '取消');
  });
});

describe('an order right after a product card', () => {
  it('"那就来二十套" after "N60多少钱" drafts N60', async () => {
    await one(FX.shared + '-A', 'N60多少钱');
    expect(await one(FX.shared + '-A', '那就来二十套')).toContain('窄边框平开窗 N60 × 20套');
    await one(FX.shared + '-A', '取消');
  });

  it('"要五十套 这周五之前到" after "那N75呢" drafts N75 with the deadline', async () => {
    await one(FX.shared + '-A', 'N60多少钱');
    await one(FX.shared + '-A', '那N75呢');
    const r = await one(FX.shared + '-A', '要五十套 这周五之前到');
    expect(r).toContain('窄边框推拉窗 N75 × 50套');
    expect(r).toContain('送货日期：11月27日（周五）前送到');
    await one(FX.shared + '-A', '取消');
  });

  it('two products shown: the product is asked for', async () => {
    await one(FX.shared + '-A', 'N60和N75多少钱');
    expect(await one(FX.shared + '-A', '那就来二十套')).toContain('请告诉我要订的产品和数量');
    expect(await openDraft(FX.shared)).toBeUndefined();
  });
});

describe('units', () => {
  it('"Q05台面 十平方": an area is no unit of Q05 (sold by 米): explained, nothing drafted', async () => {
    const r = await one(FX.shared + '-B', 'Q05台面 十平方');
    expect(r).toContain('石英石台面 Q05 按米订货，您说的是 10平方');
    expect(r).not.toContain('× 10米');
    expect(await openDraft(FX.shared)).toBeUndefined();
  });

  it('"再来一个L01橱柜" and "A70 二十个" while a draft waits: 个 counts as 套, and the draft says so', async () => {
    await one(FX.shared + '-B', 'Q05台面 10米');
    const r = await one(FX.shared + '-B', '再来一个L01橱柜');
    expect(r).toContain('经典L型橱柜 L01 按套订货，1个已按 1套 计入草稿。');
    expect(r).toContain('新增 经典L型橱柜 L01 1套');
    const r2 = await one(FX.shared + '-B', 'A70 二十个');
    expect(r2).toContain('铝合金推拉窗 A70 按套订货，20个已按 20套 计入草稿。');
    expect(r2).toContain('新增 铝合金推拉窗 A70 20套');
    await one(FX.shared + '-B', '取消');
  });
});
