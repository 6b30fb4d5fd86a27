import { describe, expect, it } from 'vitest';
import { FX } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/** Made-to-size windows and doors through the sandbox: configured, priced by area, checked against the options. */
const { one, openDraft, chatOrders, draftItems, app } = useDraftChat();

describe('made-to-size order lines', () => {
  it('"N60 1500*1800 双玻 内开 5樘" is a configured line priced by area (core tier: 5% off the m² price)', async () => {
    const r = await one(FX.core, 'N60 1500*1800 双玻 内开 5樘');
    // 980 元/㎡ less 5% = 931 元/㎡; double glass +0; 深灰 standard +0; 1.5 × 1.8 = 2.70 ㎡ → ¥2,513.70 each.
    expect(r).toContain('窄边框平开窗 N60（1500×1800mm 双玻（中空） 内开 深灰） × 5套');
    expect(r).toContain('每套按 2.70㎡ 计价');
    expect(r).toContain('2,513.70');
    expect(r).toContain('12,568.50');
    expect(await draftItems(FX.core)).toEqual([
      {
        sku: 'KW-N60',
        qty: 5,
        unit: '套',
        config: { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color: '深灰' },
      },
    ]);
    // No MOQ for a made-to-size line: 5 is fine and the order is placed with its configuration.
    expect(await one(FX.core, '确认')).toContain('定制产品已安排生产');
    const [order] = (await chatOrders(FX.core)).slice(-1);
    const lines = await app()
      .database.db.selectFrom('order_lines')
      .selectAll()
      .where('order_no', '=', order!.order_no)
      .execute();
    expect(lines.map((l) => [l.sku, l.qty, l.unit_price_fen, l.config])).toEqual([
      ['KW-N60', 5, 251_370, { widthMm: 1500, heightMm: 1800, glass: 'double', opening: 'inward', color: '深灰' }],
    ]);
  });

  it('"T80 宽1.2米高1.5米 左开 三玻两腔 10樘": triple glass surcharge and the minimum billable area', async () => {
    const r = await one(FX.other, 'T80 宽1.2米高1.5米 左开 三玻两腔 10樘');
    // regular tier: 1380 + 110 (triple) = 1490 元/㎡ × 1.80 ㎡ = ¥2,682 each.
    expect(r).toContain('断桥铝隔热窗 T80（1200×1500mm 三玻两腔 左开 深灰） × 10套');
    expect(r).toContain('单价 ¥2,682  小计 ¥26,820');
    await one(FX.other, '取消');
    // 600 × 800 = 0.48 ㎡ is billed as the 1.00 ㎡ minimum.
    const small = await one(FX.other, 'T80 600*800 双玻 内开 2樘');
    expect(small).toContain('每套按 1.00㎡ 计价');
    expect(small).toContain('单价 ¥1,380  小计 ¥2,760');
    await one(FX.other, '取消');
  });

  it('a missing option is asked once; the answer completes the line; a second miss ends it', async () => {
    const ask = await one(FX.town, 'N60 1500*1800 5樘');
    expect(ask).toContain(
      '窄边框平开窗 N60 按尺寸定做，还需要：玻璃（双玻（中空）/三玻两腔/Low-E/夹胶）、开启方向（内开/外开）',
    );
    expect(await openDraft(FX.town)).toBeUndefined();
    const done = await one(FX.town, '三玻 外开');
    expect(done).toContain('窄边框平开窗 N60（1500×1800mm 三玻两腔 外开 深灰） × 5套');
    await one(FX.town, '取消');

    await one(FX.town, 'N60 1500*1800 5樘');
    const again = await one(FX.town, '外开');
    expect(again).toContain('还是缺少 窄边框平开窗 N60 的玻璃');
    expect(await openDraft(FX.town)).toBeUndefined();
  });

  it('out-of-range sizes get the allowed range; nothing is written', async () => {
    expect(await one(FX.other, 'N60 3000*1800 双玻 内开 5樘')).toContain(
      'N60 宽度 600–2400 mm，您要的 3000 mm 超出范围',
    );
    expect(await one(FX.other, 'N60 1500*300 双玻 内开 5樘')).toContain('N60 高度 600–2400 mm');
    expect(await openDraft(FX.other)).toBeUndefined();
  });

  it('unknown or unoffered glass gets a clear answer with the choices', async () => {
    expect(await one(FX.other, 'N60 1500*1800 真空玻璃 内开 5樘')).toContain(
      '“真空玻璃”不是我们的玻璃配置，窄边框平开窗 N60 可选：双玻（中空）、三玻两腔、Low-E、夹胶',
    );
    expect(await one(FX.other, 'N60 1500*1800 单玻 内开 5樘')).toContain(
      'N60 不做单玻玻璃，可选：双玻（中空）、三玻两腔、Low-E、夹胶',
    );
    expect(await one(FX.other, 'N75 1500*1800 双玻 内开 5樘')).toContain('N75 没有内开，可选：推拉');
    expect(await openDraft(FX.other)).toBeUndefined();
  });

  it('sizes for a product not made to size are refused; plain orders of windows keep working', async () => {
    expect(await one(FX.other, 'L01 1500*1800 2套')).toContain('不按尺寸定做');
    const plain = await one(FX.other, 'N60 20套');
    expect(plain).toContain('窄边框平开窗 N60 × 20套');
    expect(plain).not.toContain('定制');
    expect(await draftItems(FX.other)).toEqual([{ sku: 'KW-N60', qty: 20, unit: '套' }]);
    await one(FX.other, '取消');
  });

  it('a made-to-size line said while a draft is open is added beside the others, configured', async () => {
    await one(FX.eng, 'T80 1200*1500 双玻 内开 4樘');
    const r = await one(FX.eng, '再加 T80 900*1200 夹胶 外开 2樘');
    expect(r).toContain('断桥铝隔热窗 T80（1200×1500mm 双玻（中空） 内开 深灰） × 4套');
    expect(r).toContain('断桥铝隔热窗 T80（900×1200mm 夹胶 外开 深灰） × 2套');
    expect(await one(FX.eng, '再加 T80 900*3000 夹胶 外开 2樘')).toContain('T80 高度 600–2400 mm');
    expect((await openDraft(FX.eng))?.items).toEqual([
      ['KW-T80', 4],
      ['KW-T80', 2],
    ]);
    await one(FX.eng, '取消');
  });
});

describe('樘 counts a window that can be made to size', () => {
  it('"t80来15樘" drafts 15套, and "改成20樘" changes it to 20 (as the draft took 樘, so does the change)', async () => {
    expect(await one(FX.overdue, 't80来15樘 下礼拜一送过来')).toContain('断桥铝隔热窗 T80 × 15套');
    expect(await one(FX.overdue, '改成20樘')).toContain('断桥铝隔热窗 T80 15套 → 20套');
    expect((await openDraft(FX.overdue))?.items).toEqual([['KW-T80', 20]]);
    // A product never made to size keeps its own unit.
    expect(await one(FX.overdue, '再加5樘执手')).toContain('没有改动');
    expect(await one(FX.overdue, '取消')).toContain('已取消');
  });
});
