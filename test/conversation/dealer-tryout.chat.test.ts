import { describe, expect, it } from 'vitest';
import { useDraftChat } from '../drafts/draft.helpers.js';
import { FX } from '../orders/order.fixtures.js';

/**
 * About forty messages of a dealer trying the assistant out (typos, pinyin and English words, follow-ups, two
 * requests in one message, corrections), replayed through the sandbox. Clock: TEST_NOW (Thursday 2026-11-26).
 */
const { one, openDraft, chatOrders, app } = useDraftChat();

describe('an order from first line to placed, with follow-ups and corrections', () => {
  it('deadline, set, add, remove, total, a date question, a date change, then "行 就这样"', async () => {
    expect(await one(FX.core, 'N60 来30套 下周五前到')).toContain('送货日期：12月4日（周五）前送到');
    expect(await one(FX.core, '改成25')).toContain('已修改：窄边框平开窗 N60 30套 → 25套');
    expect(await one(FX.core, '再加十个执手')).toContain('新增 五金执手 H01 10个');
    expect(await one(FX.core, '执手不要了')).toContain('去掉 五金执手 H01（原 10个）');
    expect(await one(FX.core, '总共多少钱啊')).toContain('合计：¥30,400');
    const asked = await one(FX.core, '下周三能到吗');
    expect(asked).toContain('12月2日（周三） 可以送到');
    expect(asked).toContain('草稿没有改动');
    expect(await one(FX.core, '送货改到下周三')).toContain('送货日期 12月4日（周五） → 12月2日（周三）');
    expect(await one(FX.core, '行 就这样')).toContain('已下单');
    // "刚才那单" is the latest order: its status, not a list to pick from.
    const status = await one(FX.core, '刚才那单啥时候到');
    expect(status).toMatch(/^订单 SO\d{12}：已下单/);
    expect(status).toContain('窄边框平开窗 N60 × 25套');
  });

  it('"下周五钱到" (钱 for 前) is a deadline', async () => {
    expect(await one(FX.core, 'n60 三十套 下周五钱到')).toContain('送货日期：12月4日（周五）前送到');
    expect(await one(FX.core, '取消')).toContain('已取消');
  });

  it('"加急 明天能送吗" is a question: answered, the date not set', async () => {
    await one(FX.other, 'A50来二十 A70来三十');
    expect(await one(FX.other, 'a70改成四十')).toContain('铝合金推拉窗 A70 30套 → 40套');
    const r = await one(FX.other, '加急 明天能送吗');
    expect(r).toContain('可以送到');
    expect(r).toContain('草稿没有改动');
    expect((await openDraft(FX.other))?.date).toBeNull();
    expect(await one(FX.other, '那就后天吧')).toContain('送货日期 未指定 → 11月28日（周六）');
  });

  it('"A50 不要了 顺便问下返利": the line goes, and the rebate is answered after it', async () => {
    const r = await one(FX.other, 'A50 不要了 顺便问下返利');
    expect(r).toContain('去掉 铝合金平开窗 A50（原 20套）');
    expect(r.indexOf('阶梯返利')).toBeGreaterThan(r.indexOf('去掉'));
    expect((await openDraft(FX.other))?.items).toEqual([['KW-A70', 40]]);
    expect(await one(FX.other, '确定')).toContain('已下单');
  });

  it('pinyin and English words: "order 一下 N60 20套", "mingtian 送"', async () => {
    expect(await one(FX.town, 'order 一下 N60 20套')).toContain('窄边框平开窗 N60 × 20套');
    expect(await one(FX.town, 'mingtian 送')).toContain('送货日期 未指定 → 11月27日（周五）');
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('units are kept: "台面改成8卷" asks for metres and changes nothing', async () => {
    await one(FX.town, '台面要8米');
    expect(await one(FX.town, '台面改成8卷')).toContain('按米订货，您说的是 8卷');
    expect((await openDraft(FX.town))?.items).toEqual([['KC-Q05', 8]]);
    expect(await one(FX.town, '取消')).toContain('已取消');
  });

  it('two lines, "各", a delta with a question after it', async () => {
    expect(await one(FX.eng, '执手要一百个 合页两百')).toContain('静音合页 H02 × 200个');
    await one(FX.eng, '取消');
    await one(FX.eng, 'N60和N75各来二十套');
    const r = await one(FX.eng, 'N60 少来五套 顺便问下多久能到');
    expect(r).toContain('窄边框平开窗 N60 20套 → 15套');
    expect((await openDraft(FX.eng))?.items).toEqual([
      ['KW-N60', 15],
      ['KW-N75', 20],
    ]);
    await one(FX.eng, '取消');
  });
});

describe('one product for another', () => {
  it('"N75换成T80" carries the quantity over and echoes both lines; another unit is asked, never converted', async () => {
    await one(FX.town, 'N60和N75各来二十套');
    const r = await one(FX.town, 'N75换成T80');
    expect(r).toContain('去掉 窄边框推拉窗 N75（原 20套）');
    expect(r).toContain('新增 断桥铝隔热窗 T80 20套');
    expect((await openDraft(FX.town))?.items).toEqual([
      ['KW-N60', 20],
      ['KW-T80', 20],
    ]);
    expect(await one(FX.town, 'T80换成执手')).toContain('请说数量');
    expect((await openDraft(FX.town))?.items).toEqual([
      ['KW-N60', 20],
      ['KW-T80', 20],
    ]);
    await one(FX.town, '取消');
  });
});

describe('questions, needs and small talk', () => {
  it('typos and colloquial questions reach their answers', async () => {
    expect(await one(FX.town, '返力到哪档了')).toContain('阶梯返利');
    expect(await one(FX.town, 'rebate 到几个点了')).toContain('阶梯返利');
    expect(await one(FX.town, '帮我看下S30还有没')).toContain('【高性价比塑钢窗 S30】');
    expect(await one(FX.town, '有货没 N75')).toContain('【窄边框推拉窗 N75】');
    // A statement comes with its printable copy as a second message.
    const statement = await app().say(FX.town, '对下账');
    expect(statement).toHaveLength(2);
    expect(statement[0]).toContain('【对账单');
    expect(statement[1]).toContain('打印版对账单');
    expect((await app().say(FX.town, '我欠你们多少钱'))[0]).toContain('当前没有欠款');
    expect(await one(FX.town, '我是几星经销商')).toContain('【合作等级】');
    expect(await one(FX.town, '最近有啥活动')).toContain('适用于您的政策');
    expect(await one(FX.town, '这周卖了多少')).toContain('【门店动销');
    expect(await one(FX.town, '我们这边什么好卖')).toContain('【区域趋势');
  });

  it('stories without a keyword become needs of the right kind, and a status question finds them', async () => {
    expect(await one(FX.eng, '展厅样品旧了想换一批')).toContain('门店陈列需求');
    expect(await one(FX.eng, '想找个老师来店里教教导购')).toContain('培训需求');
    expect(await one(FX.eng, '镇上路窄 大车进不去 能换小车送吗')).toContain('物流需求');
    expect(await one(FX.eng, '门把手装上没俩月就晃')).toContain('售后需求');
    expect(await one(FX.eng, '上次说的展架的事有人管没')).toContain('您的需求进度');
  });

  it('refitting the shop front (门头, 店招, 形象店, 展厅) and asking for support or a subsidy is a display need', async () => {
    for (const text of [
      '我们店想装修一下门头，需要总部支持',
      '店招旧了 想换个新的 总部能出钱不',
      '形象店升级有啥政策',
      '展厅翻新要补贴吗',
    ])
      expect(await one(FX.eng, text), text).toContain('门店陈列需求');
    // The policies the assistant computes are still explained, and a restock question is still one.
    expect(await one(FX.eng, '有哪些政策')).toContain('适用于您的政策');
    expect(await one(FX.eng, '该补货了吗')).not.toContain('需求');
  });

  it('a need and a question in one message: both answered, in order', async () => {
    const r = await one(FX.core, '展架坏了 顺便问下有啥活动');
    expect(r).toContain('门店陈列需求');
    expect(r.indexOf('适用于您的政策')).toBeGreaterThan(r.indexOf('门店陈列需求'));
    // The need keeps its own words, not the question after it.
    const id = Number(/编号 N(\d+)/.exec(r)![1]);
    expect(await one(FX.core, `N${id} 进度`)).toContain('展架坏了');
    expect(await one(FX.core, `N${id} 进度`)).not.toContain('顺便');
  });

  it("greetings, thanks, help; a change of one's own terms is refused", async () => {
    expect(await one(FX.core, '早')).toContain('您好');
    expect(await one(FX.core, '谢谢 辛苦了')).toContain('不客气');
    expect(await one(FX.core, '你能干啥')).toContain('我可以帮您');
    expect(await one(FX.core, '把我的返利改成10%')).toContain('没太明白');
  });

  it('two misses in a row offer the account manager; "好" hands off', async () => {
    expect(await one(FX.town, 'asdfgh')).toContain('没太明白');
    expect(await one(FX.town, 'qwer zxcv')).toContain('要不要我请您的客户经理');
    expect(await one(FX.town, '好')).toContain('已通知您的客户经理');
  });

  it("a reorder of last month's order drafts it again and places nothing", async () => {
    const before = (await chatOrders(FX.core)).length;
    expect(await one(FX.core, '上个月的单再来一次')).toContain('按上次订单');
    expect(await one(FX.core, '取消')).toContain('已取消');
    expect((await chatOrders(FX.core)).length).toBe(before);
  });
});
