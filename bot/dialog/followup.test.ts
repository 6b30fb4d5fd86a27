import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { DEFAULT_CATALOG_PATH, DEFAULT_EVAL_NOW } from '../nlu/nlu.eval.js';
import type { ParseContext } from '../nlu/nlu.types.js';
import { parse } from '../nlu/parser.js';
import { followUpTurn, mayFollowUp } from './followup.js';

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const dealer: ParseContext = { sender: 'dealer', now: DEFAULT_EVAL_NOW };
/** The sender's earlier answered messages, newest first. */
const sources = (...earlier: string[]) => ({
  previous: async (limit: number) => earlier.slice(0, limit),
  read: (text: string) => {
    const r = parse(text, dealer, matcher);
    return {
      intent: r.kind === 'unknown' ? ('unknown' as const) : r.intent,
      slots: r.kind === 'unknown' ? {} : r.slots,
    };
  },
});

/** The question a follow-up asks again (undefined when it asks none). */
const turnOf = async (...args: Parameters<typeof followUpTurn>) => {
  const r = await followUpTurn(...args);
  return r?.kind === 'turn' ? r.turn : undefined;
};

describe('"X呢" after a question', () => {
  it('asks the question of the message before of the new product, a sales question with its period', async () => {
    const turn = await turnOf({}, '那a70呢', dealer, matcher, sources('n60上个月卖了几套'));
    expect(turn).toMatchObject({ intent: 'sales.query', slots: { items: [{ sku: 'KW-A70' }], period: '2026-10' } });
    const stock = await turnOf({}, 't80的呢', dealer, matcher, sources('N60还有货吗'));
    expect(stock).toMatchObject({ intent: 'stock.query', slots: { items: [{ sku: 'KW-T80' }] } });
    const week = await turnOf({}, '那t80呢', dealer, matcher, sources('这周n60卖了几套'));
    expect(week?.slots).toEqual({ items: [{ sku: 'KW-T80' }], span: 'week' });
  });

  it("a period of its own wins over the question's; a period alone keeps the question's products", async () => {
    const week = await turnOf({}, '那这周呢', dealer, matcher, sources('N60十月卖了几套'));
    expect(week).toMatchObject({ intent: 'sales.query', slots: { items: [{ sku: 'KW-N60' }], span: 'week' } });
    expect(week?.slots.period).toBeUndefined();
    const month = await turnOf({}, 'T80上个月的呢', dealer, matcher, sources('这周n60卖了几套'));
    expect(month?.slots).toEqual({ items: [{ sku: 'KW-T80' }], period: '2026-10' });
    // A stock question has no period to change.
    expect(await followUpTurn({}, '那这周呢', dealer, matcher, sources('N60还有货吗'))).toBeNull();
  });

  it('follows a chain of follow-ups back to its question, and nothing past another message', async () => {
    const chained = await turnOf({}, '还有A70呢', dealer, matcher, sources('那T80呢', 'N60还有货吗'));
    expect(chained).toMatchObject({ intent: 'stock.query', slots: { items: [{ sku: 'KW-A70' }] } });
    // Another message in between: its own question, not the stock one before it; T80 is asked about.
    const between = await followUpTurn({}, '那T80呢', dealer, matcher, sources('查一下我的订单状态', 'N60还有货吗'));
    expect(between).toEqual({ kind: 'ask', items: [{ sku: 'KW-T80' }], ambiguities: [] });
    // No question before at all: asked about too; a period alone is no follow-up.
    expect(await followUpTurn({}, '那T80呢', dealer, matcher, sources())).toMatchObject({ kind: 'ask' });
    expect(await followUpTurn({}, '那这周呢', dealer, matcher, sources())).toBeNull();
  });

  it("not while the bot's own question waits, and only for a bare product with 呢", async () => {
    const asked = sources('N60还有货吗');
    expect(await followUpTurn({ awaiting: 'clarify_qty' }, '那a70呢', dealer, matcher, asked)).toBeNull();
    expect(await followUpTurn({}, 'A70来20套', dealer, matcher, asked)).toBeNull();
    expect(mayFollowUp({}, '那个T80呢', dealer, matcher)).toBe(true);
    expect(mayFollowUp({ awaiting: 'order_confirm' }, '那个T80呢', dealer, matcher)).toBe(false);
    expect(mayFollowUp({}, '我的订单呢', dealer, matcher)).toBe(false);
  });
});

describe('a fragment with nothing to follow is asked back', () => {
  const manager: ParseContext = { sender: 'manager', now: DEFAULT_EVAL_NOW };

  it('a month follows a statement; alone or after a stock question it asks statement or sales', async () => {
    const september = await turnOf({}, '九月的呢', dealer, matcher, sources('十月对账单'));
    expect(september).toEqual(expect.objectContaining({ intent: 'account.statement', slots: { period: '2026-09' } }));
    expect(await followUpTurn({}, '十月份的呢', dealer, matcher, sources())).toEqual({
      kind: 'askPeriod',
      words: '十月份',
    });
    expect(await followUpTurn({}, '那上个月的呢', dealer, matcher, sources('N60还有货吗'))).toEqual({
      kind: 'askPeriod',
      words: '上个月',
    });
    // A manager has neither of their own; a product with a month is read as usual.
    expect(await followUpTurn({}, '十月份的呢', manager, matcher, sources())).toEqual({
      kind: 'askWhat',
      words: '十月份',
      product: false,
    });
    expect(await followUpTurn({}, 'T80十月的呢', dealer, matcher, sources('十月对账单'))).toBeNull();
  });

  it('"那个呢" asks which product after a stock question, what is meant otherwise; "上个季度的呢" what', async () => {
    expect(await followUpTurn({}, '那个呢', dealer, matcher, sources('N60还有货吗'))).toEqual({
      kind: 'askWhat',
      product: true,
    });
    expect(await followUpTurn({}, '还有呢？', dealer, matcher, sources('我返利到哪档了'))).toEqual({
      kind: 'askWhat',
      product: false,
    });
    expect(await followUpTurn({}, '上个季度的呢', dealer, matcher, sources('我返利到哪档了'))).toEqual({
      kind: 'askWhat',
      words: '上个季度',
      product: false,
    });
    expect(mayFollowUp({}, '其他的呢', dealer, matcher)).toBe(true);
    expect(await followUpTurn({}, '我的返利呢', dealer, matcher, sources())).toBeNull();
  });
});

it('得 typed for 的 ("上个月得呢") is the same fragment', async () => {
  expect(await followUpTurn({}, '上个月得呢', dealer, matcher, sources())).toEqual({
    kind: 'askPeriod',
    words: '上个月',
  });
  const statement = await turnOf({}, '上月得呢', dealer, matcher, sources('对账单'));
  expect(statement?.slots).toEqual({ period: '2026-10' });
  expect(await followUpTurn({}, '今年得呢', dealer, matcher, sources())).toMatchObject({ kind: 'askWhat' });
});

it("a fragment after the dialogue's own unanswered question is a new message; after any other awaited answer not", async () => {
  const asked = sources('那上个月的呢', '返利多少了');
  expect(await followUpTurn({ awaiting: 'clarify_intent' }, '十月份的呢', dealer, matcher, asked)).toEqual({
    kind: 'askPeriod',
    words: '十月份',
  });
  expect(await followUpTurn({ awaiting: 'order_confirm' }, '十月份的呢', dealer, matcher, asked)).toBeNull();
});
