import { dealerOnly, type HandlerRegistry, reply } from '../dialog/turn.js';
import { ordersReplies as R } from '../replies/orders.replies.js';
import { unknownModelCode } from './model-code.js';

const MAX_PRODUCTS = 4;

/** Stock questions ("KC-L01还有货吗") and replenishment advice ("我该补什么货"): a dealer's own business. */
export const stockHandlers: HandlerRegistry = {
  'stock.query': dealerOnly(R.dealerOnly, async (ctx, turn) => {
    // A vague product ("窄边框") answers for each candidate rather than asking back.
    const skus = [
      ...(turn.slots.items ?? []).map((i) => i.sku),
      ...(turn.result.kind === 'ambiguous' ? turn.result.ambiguities.flatMap((a) => a.candidates) : []),
    ];
    const unique = [...new Set(skus)].slice(0, MAX_PRODUCTS);
    if (unique.length === 0) {
      const unknown = turn.slots.unknown_product ?? unknownModelCode(ctx);
      return reply(unknown ? R.unknownProduct(unknown) : R.stockAskProduct);
    }
    const reports = await ctx.services.stock.report(
      { code: ctx.identity.dealerCode, tier: ctx.identity.tier },
      unique,
      ctx.now,
    );
    return reply(reports.length > 0 ? R.stock(reports, ctx.now) : R.unknownProduct());
  }),

  'replenish.advice': dealerOnly(R.dealerOnly, async (ctx, turn) => {
    const dealer = { code: ctx.identity.dealerCode, tier: ctx.identity.tier };
    const basis = await ctx.services.stock.replenishmentAdvice(dealer, ctx.now);
    const asked = [...new Set((turn.slots.items ?? []).map((i) => i.sku))].slice(0, MAX_PRODUCTS);
    if (asked.length > 0) {
      // "N60要补货吗": that product's own stock and sales, not the whole shop's verdict.
      const reports = await ctx.services.stock.report(dealer, asked, ctx.now);
      if (reports.length > 0) return reply(R.replenishAsked(reports, basis.lines));
    }
    const advice = basis.lines;
    // "Enough stock" only when both the stock and the sales behind it are known.
    if (advice.length === 0) {
      if (!basis.hasRecentSales) return reply(R.replenishNoSales(basis.hasStockData));
      if (!basis.hasStockData) return reply(R.replenishNoStock);
      return reply(R.replenishNone);
    }
    // "按建议下单" must draft the advice, not confirm a draft still waiting: that draft stops waiting for 确认
    // (it is replaced when the advice becomes a draft).
    if (ctx.state.awaiting === 'order_confirm' && ctx.state.draftId) {
      return { ...reply(R.replenish(advice, true, basis.hasStockData)), state: { draftId: ctx.state.draftId } };
    }
    return reply(R.replenish(advice, false, basis.hasStockData));
  }),
};
