import { describe, expect, it } from 'vitest';
import { FX } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/**
 * A made-to-size line's colour, glass, opening or size changed while its draft waits for 确认; lines of one model
 * picked by their size.
 */
const { one, draftItems } = useDraftChat();

const configs = async (dealer: string) =>
  (await draftItems(dealer))?.map((i) => [i.sku, i.qty, i.config?.color, i.config?.glass, i.config?.opening]);
const sizes = async (dealer: string) =>
  (await draftItems(dealer))?.map((i) => [i.sku, i.qty, i.config?.widthMm, i.config?.heightMm, i.config?.color]);

describe('changing the options of a made-to-size line in the draft', () => {
  it('colour: "颜色要深灰", "T80颜色换成白的"; a colour T80 is not made in is refused with the valid ones', async () => {
    await one(FX.other, 'T80 1200*1500 双玻 内开 木纹 10樘');
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '木纹', 'double', 'inward']]);

    const grey = await one(FX.other, '颜色要深灰');
    expect(grey).toContain(
      '已修改：断桥铝隔热窗 T80（1200×1500mm 双玻（中空） 内开 木纹）→（1200×1500mm 双玻（中空） 内开 深灰）',
    );
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '深灰', 'double', 'inward']]);

    expect(await one(FX.other, 'T80颜色换成白的')).toContain('内开 白色）');
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '白色', 'double', 'inward']]);

    const bad = await one(FX.other, '改成香槟色');
    expect(bad).toContain('T80 没有“香槟色”这个颜色，可选：深灰、白色、木纹。草稿没有改动。');
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '白色', 'double', 'inward']]);
    await one(FX.other, '取消');
  });

  it('a made-to-size product named with its size while a draft waits is added with its size and options', async () => {
    await one(FX.other, 'N60 20套');
    // No "再加": the product is new to the draft, so the message adds it — made to size, not a standard T80.
    expect(await one(FX.other, 'T80 1200*1500 三玻 外开 10樘')).toContain(
      'T80（1200×1500mm 三玻两腔 外开 深灰） × 10套',
    );
    expect(await configs(FX.other)).toEqual([
      ['KW-N60', 20, undefined, undefined, undefined],
      ['KW-T80', 10, '深灰', 'triple', 'outward'],
    ]);
    await one(FX.other, '取消');
  });

  it('"…10樘 再来一个N60 1500*1800 双玻内开 4樘": 一个 is which product, not one more line of 1', async () => {
    await one(FX.other, 'T80 1200*1500 三玻 外开 10樘 再来一个N60 1500*1800 双玻内开 4樘');
    expect(await configs(FX.other)).toEqual([
      ['KW-T80', 10, '深灰', 'triple', 'outward'],
      ['KW-N60', 4, expect.any(String), 'double', 'inward'],
    ]);
    await one(FX.other, '取消');
  });

  it('glass and opening change the same way, and the price follows (triple glass +110 元/㎡)', async () => {
    await one(FX.other, 'T80 1200*1500 双玻 内开 10樘');
    const triple = await one(FX.other, '玻璃换成三玻');
    // regular tier: 1380 + 110 = 1490 元/㎡ × 1.80 ㎡ = ¥2,682 each.
    expect(triple).toContain('单价 ¥2,682  小计 ¥26,820');
    expect(await one(FX.other, '改成外开')).toContain('三玻两腔 外开 深灰');
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '深灰', 'triple', 'outward']]);
    expect(await one(FX.other, '改成推拉')).toContain('T80 没有推拉，可选：内开、外开、左开、右开。草稿没有改动。');
    expect(await configs(FX.other)).toEqual([['KW-T80', 10, '深灰', 'triple', 'outward']]);
    await one(FX.other, '取消');
  });

  it('two made-to-size lines: a colour without a model is asked back; with the model only that line changes', async () => {
    await one(FX.core, 'N60 1500*1800 双玻 内开 5樘 T80 1200*1500 双玻 内开 6樘');
    const which = await one(FX.core, '改成白色');
    expect(which).toContain('草稿里有 2 行定做产品');
    expect(which).toContain('要改哪一行');
    expect(await configs(FX.core)).toEqual([
      ['KW-N60', 5, '深灰', 'double', 'inward'],
      ['KW-T80', 6, '深灰', 'double', 'inward'],
    ]);
    await one(FX.core, 'N60改成香槟色');
    expect(await configs(FX.core)).toEqual([
      ['KW-N60', 5, '香槟', 'double', 'inward'],
      ['KW-T80', 6, '深灰', 'double', 'inward'],
    ]);
    await one(FX.core, '取消');
  });

  it('a standard line has no colour or size to change: the dealer hears how to order it made to size', async () => {
    await one(FX.core, 'N60 20套');
    expect(await one(FX.core, '颜色要白色')).toContain('草稿里的 窄边框平开窗 N60 是标准规格，不能单改颜色');
    expect(await one(FX.core, '尺寸改成1500*1500')).toContain('草稿里的 窄边框平开窗 N60 是标准规格，不能改尺寸');
    expect(await configs(FX.core)).toEqual([['KW-N60', 20, undefined, undefined, undefined]]);
    await one(FX.core, '取消');
  });
});

describe('a line said in another unit', () => {
  it('"N60 二十 A70 十个": a window is one 套, so 十个 is 10套, said so in the draft; 改成二十个 works the same', async () => {
    const r = await one(FX.core, 'N60 二十 A70 十个');
    expect(r).toContain('铝合金推拉窗 A70 按套订货，10个已按 10套 计入草稿。');
    expect(await configs(FX.core)).toEqual([
      ['KW-N60', 20, undefined, undefined, undefined],
      ['KW-A70', 10, undefined, undefined, undefined],
    ]);
    await one(FX.core, 'A70改成二十个');
    expect(await configs(FX.core)).toEqual([
      ['KW-N60', 20, undefined, undefined, undefined],
      ['KW-A70', 20, undefined, undefined, undefined],
    ]);
    await one(FX.core, '取消');
  });

  it('"N60 二十 Q05 十个": the countertop is sold by the metre; N60 is drafted and the Q05 line is explained', async () => {
    const r = await one(FX.core, 'N60 二十 Q05 十个');
    expect(r).toContain('石英石台面 Q05 按米订货，您说的是 10个，这一行没有加进草稿');
    expect(await configs(FX.core)).toEqual([['KW-N60', 20, undefined, undefined, undefined]]);
    await one(FX.core, '取消');
  });
});

describe('changing the size of a made-to-size line in the draft', () => {
  it('"尺寸改成1500*1500", "宽改成1.2米", "高度改成1600": the line is re-priced by its new area', async () => {
    await one(FX.other, 'N60 1500*1800 双玻 内开 5樘');
    const smaller = await one(FX.other, '尺寸改成1500*1500');
    expect(smaller).toContain(
      '已修改：窄边框平开窗 N60（1500×1800mm 双玻（中空） 内开 深灰）→（1500×1500mm 双玻（中空） 内开 深灰）',
    );
    // regular tier: 980 元/㎡ × 2.25 ㎡ = ¥2,205 each.
    expect(smaller).toContain('单价 ¥2,205  小计 ¥11,025');
    expect(await sizes(FX.other)).toEqual([['KW-N60', 5, 1500, 1500, '深灰']]);

    expect(await one(FX.other, '宽改成1.2米')).toContain('→（1200×1500mm');
    expect(await one(FX.other, '高度改成1600')).toContain('→（1200×1600mm');
    expect(await one(FX.other, 'N60那个尺寸换成1.5米×1.8米')).toContain('单价 ¥2,646');
    expect(await sizes(FX.other)).toEqual([['KW-N60', 5, 1500, 1800, '深灰']]);
    // 600×600 is 0.36 ㎡, billed as the 1 ㎡ minimum.
    expect(await one(FX.other, 'N60改成600*600的')).toContain('单价 ¥980');
    await one(FX.other, '取消');
  });

  it('"T80改成1200*1800的" keeps the options; a size out of range, zero or negative changes nothing', async () => {
    await one(FX.other, 'T80 1200*1500 三玻 外开 10樘');
    expect(await one(FX.other, 'T80改成1200*1800的')).toContain('→（1200×1800mm 三玻两腔 外开 深灰）');
    expect(await one(FX.other, '尺寸改成2500*1800')).toContain(
      'T80 宽度 600–2000 mm，您要的 2500 mm 超出范围，草稿没有改动。',
    );
    expect(await one(FX.other, '尺寸改成0*1500')).toContain('尺寸要大于 0');
    expect(await one(FX.other, '宽改成-1200')).toContain('尺寸要大于 0');
    expect(await one(FX.other, '宽改成-1.2米')).toContain('尺寸要大于 0');
    expect(await sizes(FX.other)).toEqual([['KW-T80', 10, 1200, 1800, '深灰']]);
    await one(FX.other, '取消');
  });
});

describe('two made-to-size lines of one model, picked by size', () => {
  it('"1200*1500那个改成8樘", "1500*1800的颜色换白色", "把1200*1500那个删了"; an unknown size lists the lines', async () => {
    await one(FX.core, 'N60 1200*1500 双玻 内开 5樘');
    await one(FX.core, '再加 N60 1500*1800 双玻 内开 3樘');
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 5, 1200, 1500, '深灰'],
      ['KW-N60', 3, 1500, 1800, '深灰'],
    ]);
    // The echo tells the two N60 lines apart by their size.
    expect(await one(FX.core, '1200*1500那个改成8樘')).toContain(
      '已修改：窄边框平开窗 N60（1200×1500mm） 5套 → 8套；窄边框平开窗 N60（1500×1800mm） 3套 不变',
    );
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 8, 1200, 1500, '深灰'],
      ['KW-N60', 3, 1500, 1800, '深灰'],
    ]);
    await one(FX.core, '1500*1800的颜色换白色');
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 8, 1200, 1500, '深灰'],
      ['KW-N60', 3, 1500, 1800, '白色'],
    ]);
    const none = await one(FX.core, '2000*2000的改成6樘');
    expect(none).toContain('草稿里没有 2000×2000mm 的定做产品，现有：');
    expect(none).toContain('草稿没有改动');
    // The model with its size and no 那个 is that line too.
    expect(await one(FX.core, 'N60 1500*1800改成6樘')).toContain('窄边框平开窗 N60（1500×1800mm） 3套 → 6套');
    await one(FX.core, '把1200*1500那个删了');
    expect(await sizes(FX.core)).toEqual([['KW-N60', 6, 1500, 1800, '白色']]);
    await one(FX.core, '取消');
  });

  it('the bot asks which line; the answer is a size ("1500*1800的") or a position ("第二个")', async () => {
    await one(FX.core, 'N60 1200*1500 双玻 内开 5樘');
    await one(FX.core, '再加 N60 1500*1800 双玻 内开 3樘');
    const which = await one(FX.core, 'N60改成10樘');
    expect(which).toContain('草稿里有 2 行定做产品：1. ');
    expect(which).toContain('要改哪一行');
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 5, 1200, 1500, '深灰'],
      ['KW-N60', 3, 1500, 1800, '深灰'],
    ]);
    expect(await one(FX.core, '1500*1800的')).toContain('已修改');
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 5, 1200, 1500, '深灰'],
      ['KW-N60', 10, 1500, 1800, '深灰'],
    ]);
    expect(await one(FX.core, '尺寸改成1600*1800')).toContain('要改哪一行');
    await one(FX.core, '第二个');
    expect(await sizes(FX.core)).toEqual([
      ['KW-N60', 5, 1200, 1500, '深灰'],
      ['KW-N60', 10, 1600, 1800, '深灰'],
    ]);
    await one(FX.core, '取消');
  });
});
