import { InsightError } from '../../core/insights/insights.errors.js';
import { focusOn } from '../../core/insights/trend-insights.service.js';
import { dealerOnly, eachRole, type HandlerRegistry, reply, type TurnResult } from '../dialog/turn.js';
import { normalize } from '../nlu/normalize.js';
import { accountReplies } from '../replies/accounts.replies.js';
import { insightReplies } from '../replies/insights.replies.js';
import { marketLevelIn, perStore, salesSpan, storeCodeIn } from './words.js';

function failure(e: unknown): TurnResult {
  if (!(e instanceof InsightError)) throw e;
  switch (e.code) {
    case 'INSIGHT.BAD_PERIOD':
      return reply(insightReplies.badPeriod);
    case 'INSIGHT.FUTURE_PERIOD':
      return reply(insightReplies.futurePeriod(String(e.details.period ?? '')));
    case 'INSIGHT.DEALER_NOT_FOUND':
      return reply(insightReplies.dealerNotFound);
    case 'INSIGHT.STORE_NOT_FOUND':
      return reply(insightReplies.storeNotFound(String(e.details.storeCode ?? '')));
  }
}

/** The dealer's own sell-through and what sells in their region. */
export const insightHandlers: HandlerRegistry = {
  'sales.query': dealerOnly(accountReplies.managerHint, async (ctx, turn) => {
    // A store code names a store (the service answers 未找到 for another dealer's); another dealer's code never
    // gets here (the conversation's guard answers it).
    const storeCode = storeCodeIn(ctx.text);
    try {
      const r = await ctx.services.sales.report({
        dealerCode: ctx.identity.dealerCode,
        skus: turn.slots.items?.map((i) => i.sku),
        period: turn.slots.period,
        // The week said in the words, or carried by a follow-up ("这周N60卖了多少" → "那T80呢").
        span: turn.slots.period ? undefined : (turn.slots.span ?? salesSpan(ctx.text)),
        storeCode,
        byStore: !storeCode && perStore(ctx.text),
        now: ctx.now,
      });
      return reply(insightReplies.sales(r));
    } catch (e) {
      return failure(e);
    }
  }),

  'trend.query': eachRole(
    async (ctx) => {
      try {
        const level = marketLevelIn(ctx.text);
        const view = await ctx.services.trendInsights.dealerView({
          dealerCode: ctx.identity.dealerCode,
          now: ctx.now,
          marketLevel: level,
        });
        // A product group named in the question ("铝合金门窗卖得怎么样"): the answer is about it.
        const text = normalize(ctx.text);
        const asked = view.positions.find((p) => p.group.series.length > 1 && text.includes(p.group.series));
        if (asked) return reply(insightReplies.dealerInsight(focusOn(view, asked.group)));
        if (level) return reply(insightReplies.dealerInsight(view));
        const t = await ctx.services.trends.regional({ dealerCode: ctx.identity.dealerCode, now: ctx.now });
        return reply(insightReplies.trend(t, view));
      } catch (e) {
        return failure(e);
      }
    },
    async (ctx) => {
      const summary = await ctx.services.trendInsights.regionSummary(ctx.identity.managerCode, ctx.now);
      return reply(summary ? insightReplies.regionSummary(summary) : insightReplies.noRegion);
    },
  ),
};
