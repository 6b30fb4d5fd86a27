import { describe, expect, it } from 'vitest';
import { FX } from '../orders/order.fixtures.js';
import { useDraftChat } from './draft.helpers.js';

/**
 * Questions and unreadable changes while a draft is open (a new-user try-out's finds): each is answered, the draft
 * stays as it is. Clock: TEST_NOW.
 */
const { one, openDraft } = useDraftChat();
const draft = [
  ['KW-N60', 20],
  ['KW-A70', 20],
];

describe('a draft open', () => {
  it('"N60库存还有几套" answers the stock; "N60现在有活动吗，满减怎么参加" answers the promotion', async () => {
    const shown = await one(FX.core, 'N60 20套 A70 20套');
    // The examples use the draft's own lines, never a countertop or handles it does not hold.
    expect(shown).toContain('“N60改成40套”“A70不要了”');
    expect(shown).not.toMatch(/台面|执手/);
    const stock = await one(FX.core, 'N60库存还有几套');
    expect(stock).toContain('总部可用');
    expect(stock).not.toContain('要改成多少');
    const promo = await one(FX.core, 'N60现在有活动吗，满减怎么参加');
    expect(promo).not.toContain('要在草稿里加');
    expect(promo).not.toContain('要改成多少');
    expect((await openDraft(FX.core))?.items).toEqual(draft);
  });

  it('"X99 十套" names the unknown model back, as without a draft', async () => {
    const r = await one(FX.core, 'X99 十套');
    expect(r).toContain('没找到“X99”这个产品');
    expect(r).toContain('草稿没有改动');
    expect((await openDraft(FX.core))?.items).toEqual(draft);
  });
});

describe('a made-to-size line', () => {
  it('"颜色要深灰" on a line already 深灰 says so in a word, without the whole draft', async () => {
    await one(FX.other, 'T80 1200*1500 双玻 内开 深灰 10樘');
    const r = await one(FX.other, '颜色要深灰');
    expect(r).toBe('已经是深灰了，草稿没有改动。');
    expect(await one(FX.other, '改成内开')).toBe('已经是内开了，草稿没有改动。');
    await one(FX.other, '取消');
  });
});

describe('a draft with a delivery date', () => {
  it('"刚才那单什么时候到" answers with the draft\'s date and that it is not placed yet', async () => {
    await one(FX.town, 'N60 20套 12月9号送');
    const r = await one(FX.town, '刚才那单什么时候到');
    expect(r).toContain('这张草稿还没下单，定的送货日期是 12月9日');
    expect(r).not.toContain('最早可以');
    expect((await openDraft(FX.town))?.date).toBe('2026-12-09');
    await one(FX.town, '取消');
  });
});

describe('confirming a draft short of stock', () => {
  it('the confirmation repeats the shortage and its arrival date', async () => {
    await one(FX.other, 'N75 20套');
    const placed = await one(FX.other, '确认下单');
    expect(placed).toContain('✅ 已下单');
    expect(placed).toMatch(/⚠ 窄边框推拉窗 N75 总部缺 10套，预计 \d+月\d+日（周.） 到货/);
  });
});

describe('an address change', () => {
  it('"送货地址改成我们嘉定的仓库" says who changes it; the draft stays', async () => {
    await one(FX.town, 'N60 20套');
    const r = await one(FX.town, '送货地址改成我们嘉定的仓库');
    expect(r).toContain('送货地址不能在聊天里改');
    expect(r).toContain('转人工');
    expect((await openDraft(FX.town))?.items).toEqual([['KW-N60', 20]]);
    await one(FX.town, '取消');
  });
});

describe('a rebate what-if', () => {
  it('"这单下了以后还差多少到3个点" / "我再订二十套N60能到下一档吗" count the draft into the ladder; the draft stays', async () => {
    await one(FX.core, '取消');
    await one(FX.core, 'N60 20套');
    for (const q of ['这单下了以后还差多少到3个点', '我再订二十套N60能到下一档吗', '我在订二十套N60能到下一档吗']) {
      const r = await one(FX.core, q);
      expect(r).toContain('💰 确认后本季度累计');
      expect(r).toMatch(/离下一档 \d+% 还差 ¥[\d,.]+（按这张草稿/);
      expect((await openDraft(FX.core))?.items).toEqual([['KW-N60', 20]]);
    }
    // The 20 N60 asked about are counted in (not added): ¥24,320 more than the draft alone.
    const alone = await one(FX.core, '这单下了以后还差多少到3个点');
    const more = await one(FX.core, '我再订二十套N60能到下一档吗');
    expect(alone).toContain('累计 ¥517,370');
    expect(more).toContain('再加 窄边框平开窗 N60 20套：💰 确认后本季度累计 ¥541,690');
    expect(more).toContain('（按这张草稿再加 窄边框平开窗 N60 20套 计算）');
    await one(FX.core, '取消');
  });
});
