import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import { followUpProducts, storesFragment } from './followup.rules.js';
import { parseIntent } from './intent.rules.js';
import { DEFAULT_CATALOG_PATH, DEFAULT_EVAL_NOW } from './nlu.eval.js';
import type { ParseContext, ParseResult } from './nlu.types.js';

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const dealer: ParseContext = { sender: 'dealer', now: DEFAULT_EVAL_NOW };
const read = (text: string, ctx: ParseContext = dealer) => parseIntent(text, ctx, matcher);
const also = (r: ParseResult) => (r.kind === 'unknown' ? undefined : r.slots.also);

describe('two questions side by side, without a connector', () => {
  it('splits two sure questions of different topics at a comma or a space', () => {
    const r = read('s30库存剩几套，这个月走了多少');
    expect(r).toMatchObject({ intent: 'stock.query', slots: { items: [{ sku: 'KW-S30' }] } });
    // The sales asked after are S30's.
    expect(also(r)).toEqual([{ intent: 'sales.query', slots: { period: '2026-11', items: [{ sku: 'KW-S30' }] } }]);
    expect(also(read('我等级是啥 n75还有现货吗'))).toEqual([
      { intent: 'stock.query', slots: { items: [{ sku: 'KW-N75' }] } },
    ]);
  });

  it('keeps one request where a clause only leads into it, asks one topic twice, or is an order', () => {
    // A clause of context: no question of its own.
    expect(also(read('根据最近的销量 帮我推荐进点啥'))).toBeUndefined();
    // Two questions about the rebate are one.
    expect(also(read('返利怎么这么少 现在到几档了'))).toBeUndefined();
    // An order with its date is no pair of questions.
    expect(read('A50 二十套 下周二送')).toMatchObject({ intent: 'order.place' });
    expect(also(read('A50 二十套 下周二送'))).toBeUndefined();
    // While the bot's question waits, the clauses are the answer's.
    expect(also(read('N60还有几套 上个月卖了多少', { ...dealer, awaiting: 'order_confirm' }))).toBeUndefined();
  });

  it('reads a second clause without the look words that hide it ("顺带帮我瞧瞧返利")', () => {
    expect(also(read('合页有货没 顺带帮我瞧瞧返利'))).toEqual([{ intent: 'rebate.progress', slots: {} }]);
  });
});

describe("the date said with an answer to the bot's question", () => {
  const qty: ParseContext = { ...dealer, awaiting: 'clarify_qty' };
  it('is kept with the quantity, with another product, and with a deadline', () => {
    expect(read('三十套吧 明天送过来', qty)).toMatchObject({
      intent: 'order.modify',
      slots: { change: { kind: 'set', qty: 30 }, date: '2026-11-27', date_kind: 'on' },
    });
    expect(read('a50要十套 下周三送', qty)).toMatchObject({
      slots: { items: [{ sku: 'KW-A50', qty: 10 }], date: '2026-12-02' },
    });
    expect(read('二十 月底前到', qty)).toMatchObject({
      slots: { change: { kind: 'set', qty: 20 }, date: '2026-11-30', date_kind: 'by' },
    });
  });
});

describe('"X呢" follow-ups', () => {
  it('are a product with nothing but the words of "and this one?"', () => {
    expect(followUpProducts('那个a50呢', dealer, matcher)?.items).toEqual([{ sku: 'KW-A50' }]);
    expect(followUpProducts('还有T80的呢？', dealer, matcher)?.items).toEqual([{ sku: 'KW-T80' }]);
    // 窄边框 fits several: asked of each, as a stock question of it would be.
    expect(followUpProducts('窄边框呢', dealer, matcher)?.ambiguities[0]?.candidates.length).toBeGreaterThan(1);
    for (const text of ['N60 20套呢', 'T80明天能到吗', 'T80', 'T80坏了咋办呢', 'SO202611200012呢', '13月呢', '那个呢'])
      expect(followUpProducts(text, dealer, matcher), text).toBeNull();
  });

  it('may name a period instead of, or with, the product', () => {
    expect(followUpProducts('那这周呢', dealer, matcher)).toEqual({ items: [], ambiguities: [], span: 'week' });
    expect(followUpProducts('上个月的呢', dealer, matcher)).toMatchObject({ items: [], period: '2026-10' });
    // The weeks a sales question reads (slots.extract.ts), the week before last too.
    expect(followUpProducts('那上周呢', dealer, matcher)).toMatchObject({ span: 'last_week' });
    expect(followUpProducts('那上上周呢', dealer, matcher)).toMatchObject({ span: 'week_before_last' });
    expect(followUpProducts('那t80十月份呢', dealer, matcher)).toMatchObject({
      items: [{ sku: 'KW-T80' }],
      period: '2026-10',
    });
  });
});

describe('storesFragment: the question before, per store', () => {
  it.each([
    ['各个门店呢', true],
    ['分门店的呢？', true],
    ['那每家店怎么样', true],
    ['哪个门店卖得最好', false],
    ['各门店卖了多少', false],
  ])('"%s" → %s', (text, expected) => {
    expect(storesFragment(text)).toBe(expected);
  });
});
