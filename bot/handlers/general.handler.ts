import { commonReplies } from '../replies/common.replies.js';
import { ordersReplies } from '../replies/orders.replies.js';
import { withPick } from '../dialog/picks.js';
import { anyone, eachRole, type HandlerRegistry, reply } from '../dialog/turn.js';
import { successCasesFor } from '../../core/care/success-case.js';

const THANKS = /谢|感谢|辛苦|thank/i;

/** Greeting, help, hand-off, unknown, and the content lists (courses, success cases). */
const WHO_IS = /是谁|是哪位|叫什么|叫啥|谁是|哪个经理|电话(是)?多少|手机(号)?(是)?多少|怎么联系|联系方式/;
const CONTACT_ME = /联系我|找我|打给我|给我(打|回)|回电|转(人工|接)|让.{0,6}(联系|打)|叫.{0,6}(联系|打)/;

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
      // Asking who the manager is ("我的客户经理是谁") is answered; only asking to be contacted calls them.
      if (WHO_IS.test(ctx.text) && !CONTACT_ME.test(ctx.text)) {
        const manager = await ctx.services.directory.managerContact(managerCode);
        if (manager) return reply(commonReplies.managerIs(manager.name, manager.phone));
      }
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
    if (courses.length === 0) return reply(commonReplies.noCourses);
    // The list is numbered: "报第一个" enrols in that course (a dealer's pick; a manager cannot enrol).
    if (ctx.identity.kind !== 'dealer') return reply(commonReplies.courses(courses));
    const pick = { intent: 'training.enrol' as const, options: courses.map((c) => ({ course: c.title })) };
    return { ...reply(commonReplies.courses(courses)), state: withPick(ctx.state, pick) };
  }),

  'case.request': anyone(async (ctx) => {
    const reader =
      ctx.identity.kind === 'dealer' ? await ctx.services.directory.caseReader(ctx.identity.dealerCode) : null;
    // The weekly push's rule (core/care): best match by tags and tier, never the dealer's own case.
    const cases = successCasesFor(await ctx.services.content.successCases(), reader ?? null, 2);
    return reply(cases.length === 0 ? commonReplies.noCases : commonReplies.cases(cases));
  }),
};
