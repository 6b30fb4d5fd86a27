import { AccountError } from '../../core/accounts/accounts.errors.js';
import { dealerOnly, type HandlerRegistry, reply, type TurnResult } from '../dialog/turn.js';
import { accountReplies } from '../replies/accounts.replies.js';
import { fitBytes } from '../replies/policies.replies.js';
import { honourLines } from '../replies/training.replies.js';
import { otherDealerCode, statementPeriod } from './words.js';

const HONOUR_ASK = /荣誉|获奖|奖项|得奖|得过.{0,2}奖/;

/** Coded accounts errors as Chinese replies; anything else is a real failure and propagates. */
function failure(e: unknown): TurnResult {
  if (!(e instanceof AccountError)) throw e;
  switch (e.code) {
    case 'ACCOUNT.BAD_PERIOD':
      return reply(accountReplies.badPeriod);
    case 'ACCOUNT.FUTURE_PERIOD':
      return reply(accountReplies.futurePeriod(String(e.details.period ?? '')));
    case 'ACCOUNT.DEALER_NOT_FOUND':
    case 'ACCOUNT.MANAGER_NOT_FOUND':
      return reply(accountReplies.dealerNotFound);
  }
}

/** A dealer's statement of account and tier: always the asking dealer's own (identity from the channel). */
export const accountHandlers: HandlerRegistry = {
  'account.statement': dealerOnly(accountReplies.managerHint, async (ctx, turn) => {
    const other = otherDealerCode(ctx, turn);
    if (other) return reply(accountReplies.otherDealer(ctx.identity.dealerCode, other));
    try {
      const s = await ctx.services.statement.statement({
        dealerCode: ctx.identity.dealerCode,
        period: statementPeriod(turn, ctx.text, ctx.now),
        now: ctx.now,
      });
      return reply(accountReplies.statement(s));
    } catch (e) {
      return failure(e);
    }
  }),

  'tier.query': dealerOnly(accountReplies.managerHint, async (ctx, turn) => {
    const other = otherDealerCode(ctx, turn);
    if (other) return reply(accountReplies.otherDealer(ctx.identity.dealerCode, other));
    try {
      const t = await ctx.services.tier.status({ dealerCode: ctx.identity.dealerCode });
      const honours = await ctx.services.honours.forDealer(ctx.identity.dealerCode);
      // "我有什么荣誉" asks for the honours alone; a tier question gets them under the tier.
      if (HONOUR_ASK.test(ctx.text)) return reply(honourLines(honours).join('\n'));
      return reply(fitBytes([accountReplies.tier(t), ...honourLines(honours)]));
    } catch (e) {
      return failure(e);
    }
  }),
};
