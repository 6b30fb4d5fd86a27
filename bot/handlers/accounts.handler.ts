import { AccountError } from '../../core/accounts/accounts.errors.js';
import type { Statement } from '../../core/accounts/accounts.types.js';
import {
  dealerOnly,
  eachRole,
  type HandlerRegistry,
  reply,
  type StepReply,
  type TurnContext,
  type TurnResult,
} from '../dialog/turn.js';
import { statementReplies } from '../replies/statements.replies.js';
import { accountReplies } from '../replies/accounts.replies.js';
import { fitBytes } from '../replies/policies.replies.js';
import { honourLines } from '../replies/training.replies.js';
import { statementPeriod } from './words.js';

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

const REBATE_WORDS = /返利|返点/;
const DEALER_CODE = /(?<![A-Za-z0-9])[Dd]\d{4}(?!\d)/;

/**
 * The signed, expiring link to the statement's printable page; on the mini-program the same signed page follows as a
 * card.
 */
function printLink(ctx: TurnContext, s: Statement): StepReply {
  const { links, baseUrl } = ctx.services.statementLinks;
  const q = links.sign(s.dealer.code, s.period.label, ctx.now);
  const query = { dealer: s.dealer.code, period: s.period.label, exp: String(q.exp), sig: q.sig };
  return {
    body: statementReplies.printLink(
      `${baseUrl}/statements/${s.dealer.code}/${s.period.label}?exp=${q.exp}&sig=${q.sig}`,
      links.ttlHours,
      ctx.identity.kind === 'dealer',
    ),
    card: { title: statementReplies.cardTitle(s.period.label), page: 'statement', query },
  };
}

/** The rebate statements of every ladder in force for the dealer (`laddersFor`: stacked ones each on its own). */
async function rebateStatement(ctx: TurnContext, dealerCode: string): Promise<TurnResult> {
  const rs = await ctx.services.rebates.statements(dealerCode, ctx.now);
  return reply(rs.length ? statementReplies.rebateStatements(rs) : statementReplies.noRebateLadder);
}

/** A dealer's statement of account and tier: always the asking dealer's own (identity from the channel). */
export const accountHandlers: HandlerRegistry = {
  'account.statement': eachRole(
    async (ctx, turn) => {
      if (REBATE_WORDS.test(ctx.text)) return rebateStatement(ctx, ctx.identity.dealerCode);
      try {
        // "N60上个月进了多少", "今年一共进了多少货": what was bought, not the whole statement.
        if (turn.slots.purchases) {
          const p = await ctx.services.statement.purchases({
            dealerCode: ctx.identity.dealerCode,
            period: turn.slots.purchases === 'year' ? 'year' : turn.slots.period,
            skus: turn.slots.items?.map((i) => i.sku),
            now: ctx.now,
          });
          return reply(accountReplies.purchases(p));
        }
        const s = await ctx.services.statement.statement({
          dealerCode: ctx.identity.dealerCode,
          period: statementPeriod(turn, ctx.text, ctx.now),
          now: ctx.now,
        });
        return { replies: [{ body: accountReplies.statement(s) }, printLink(ctx, s)] };
      } catch (e) {
        return failure(e);
      }
    },
    // A manager sees the statement of a dealer they look after ("D0012 对账单"); any other code is not found.
    async (ctx, turn) => {
      const code = (turn.slots.dealer_code ?? DEALER_CODE.exec(ctx.text)?.[0])?.toUpperCase();
      if (!code) return reply(statementReplies.managerNeedsCode);
      try {
        const s = await ctx.services.statement.forManager({
          managerCode: ctx.identity.managerCode,
          dealerCode: code,
          period: statementPeriod(turn, ctx.text, ctx.now),
          now: ctx.now,
        });
        if (REBATE_WORDS.test(ctx.text)) return rebateStatement(ctx, code);
        return { replies: [{ body: accountReplies.statement(s) }, printLink(ctx, s)] };
      } catch (e) {
        if (e instanceof AccountError && e.code === 'ACCOUNT.DEALER_NOT_FOUND')
          return reply(statementReplies.managerNotFound(code));
        return failure(e);
      }
    },
  ),

  'tier.query': dealerOnly(accountReplies.managerHint, async (ctx) => {
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
