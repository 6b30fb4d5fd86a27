import { commonReplies } from '../replies/common.replies.js';
import { ordersReplies } from '../replies/orders.replies.js';
import { anyone, eachRole, type HandlerRegistry, reply } from '../dialog/turn.js';
import { successCasesFor } from '../../core/care/success-case.js';

const THANKS = /谢|感谢|辛苦|thank/i;

/** Greeting, help, hand-off, unknown, and the content lists (courses, success cases). */
export const generalHandlers: HandlerRegistry = {
  greeting: anyone(async (ctx) => {
    if (THANKS.test(ctx.text)) return reply(commonReplies.thanks);
    const name = ctx.identity.kind === 'dealer' ? ctx.identity.dealerName : ctx.identity.managerName;
    return reply(commonReplies.greeting(name));
  }),

  help: eachRole(
    async () => reply(commonReplies.dealerHelp),
    async () => reply(`${commonReplies.managerHelp}\n\n${commonReplies.dealerHelp}`),
  ),

  unknown: anyone(async (ctx, turn) => {
    // "确认" with nothing awaiting it: say what became of the last draft instead of "没明白".
    const lastDraftId = ctx.state.lastDraftId;
    if (
      ctx.identity.kind === 'dealer' &&
      lastDraftId &&
      turn.result.kind === 'unknown' &&
      turn.result.reason === 'no_context'
    ) {
      const outcome = await ctx.services.orders.draftOutcome(ctx.identity.dealerCode, lastDraftId, ctx.now);
      if (outcome?.kind === 'already') return reply(ordersReplies.already(outcome.orderNo));
      if (outcome?.kind === 'expired') return reply(ordersReplies.expired);
    }
    return reply(commonReplies.unknown(ctx.identity.kind));
  }),

  'account.bind': eachRole(
    async ({ identity }) => reply(commonReplies.boundDealer(identity.dealerName, identity.dealerCode)),
    async ({ identity }) => reply(commonReplies.boundManager(identity.managerName, identity.managerCode)),
  ),

  'human.handoff': eachRole(
    async (ctx) => {
      const { dealerCode, dealerName, managerCode } = ctx.identity;
      const managerName = await ctx.services.directory.managerName(managerCode);
      await ctx.notifier.toManagerChat(managerCode, commonReplies.handoffAlert(dealerName, dealerCode, ctx.text), {
        dedupeKey: `handoff:${ctx.message.id}`,
        kind: 'handoff',
      });
      return reply(commonReplies.handoff(managerName ?? ''));
    },
    async () => reply(commonReplies.handoffIsManager),
  ),

  'training.list': anyone(async (ctx) => {
    const courses = await ctx.services.content.upcomingCourses(ctx.now, 6);
    return reply(courses.length === 0 ? commonReplies.noCourses : commonReplies.courses(courses));
  }),

  'case.request': anyone(async (ctx) => {
    const reader =
      ctx.identity.kind === 'dealer' ? await ctx.services.directory.caseReader(ctx.identity.dealerCode) : null;
    // The weekly push's rule (core/care): best match by tags and tier, never the dealer's own case.
    const cases = successCasesFor(await ctx.services.content.successCases(), reader ?? null, 2);
    return reply(cases.length === 0 ? commonReplies.noCases : commonReplies.cases(cases));
  }),
};
