import { BUSINESS_TIME_ZONE } from '../../core/common/time.js';
import { commonReplies } from '../replies/common.replies.js';
import { ordersReplies } from '../replies/orders.replies.js';
import { orderService } from './orders.services.js';
import { type HandlerRegistry, reply } from '../dialog/turn.js';

const THANKS = /谢|感谢|辛苦|thank/i;

/** Greeting, help, hand-off, unknown, and the content lists (courses, success cases). */
export const generalHandlers: HandlerRegistry = {
  greeting: async (ctx) => {
    if (THANKS.test(ctx.text)) return reply(commonReplies.thanks);
    const name = ctx.identity.kind === 'dealer' ? ctx.identity.dealerName : ctx.identity.managerName;
    return reply(commonReplies.greeting(name));
  },

  help: async (ctx) =>
    reply(
      ctx.identity.kind === 'manager'
        ? `${commonReplies.managerHelp}\n\n${commonReplies.dealerHelp}`
        : commonReplies.dealerHelp,
    ),

  unknown: async (ctx, turn) => {
    // "确认" with nothing awaiting it: say what became of the last draft instead of "没明白".
    const lastDraftId = ctx.state.lastDraftId;
    if (
      ctx.identity.kind === 'dealer' &&
      lastDraftId &&
      turn.result.kind === 'unknown' &&
      turn.result.reason === 'no_context'
    ) {
      const outcome = await orderService(ctx).draftOutcome(ctx.identity.dealerCode, lastDraftId, ctx.now);
      if (outcome?.kind === 'already') return reply(ordersReplies.already(outcome.orderNo));
      if (outcome?.kind === 'expired') return reply(ordersReplies.expired);
    }
    return reply(commonReplies.unknown(ctx.identity.kind === 'manager' ? 'manager' : 'dealer'));
  },

  'account.bind': async (ctx) =>
    reply(
      ctx.identity.kind === 'dealer'
        ? `这个账号已绑定 ${ctx.identity.dealerName}（${ctx.identity.dealerCode}）。如需更换绑定，请联系您的客户经理。`
        : `这个账号已登记为客户经理 ${ctx.identity.managerName}（${ctx.identity.managerCode}）。`,
    ),

  'human.handoff': async (ctx) => {
    if (ctx.identity.kind !== 'dealer') return reply('您已是客户经理账号，可直接处理经销商需求。');
    const { dealerCode, dealerName, managerCode } = ctx.identity;
    const manager = await ctx.db
      .selectFrom('managers')
      .select('name')
      .where('code', '=', managerCode)
      .executeTakeFirst();
    await ctx.notifier.toManagerChat(managerCode, commonReplies.handoffAlert(dealerName, dealerCode, ctx.text), {
      dedupeKey: `handoff:${ctx.message.id}`,
      kind: 'handoff',
    });
    return reply(commonReplies.handoff(manager?.name ?? ''));
  },

  'training.list': async (ctx) => {
    const courses = await ctx.db
      .selectFrom('courses')
      .select(['title', 'description', 'starts_at', 'mode'])
      .where('starts_at', '>=', ctx.now)
      .orderBy('starts_at')
      .limit(6)
      .execute();
    if (courses.length === 0)
      return reply('近期暂无排期的培训课程。需要专项培训可以直接告诉我，例如“想申请门店导购培训”。');
    const fmt = (d: Date) =>
      d.toLocaleString('zh-CN', {
        timeZone: BUSINESS_TIME_ZONE,
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
    const lines = courses.map(
      (c) => `· ${fmt(c.starts_at)}【${c.mode === 'online' ? '线上' : '线下'}】${c.title}：${c.description}`,
    );
    return reply(`近期培训课程：\n${lines.join('\n')}\n想报名或申请专场培训，回复“申请培训 + 课程名”即可。`);
  },

  'case.request': async (ctx) => {
    const tags =
      ctx.identity.kind === 'dealer'
        ? ((
            await ctx.db
              .selectFrom('dealers')
              .select('tags')
              .where('code', '=', ctx.identity.dealerCode)
              .executeTakeFirst()
          )?.tags ?? [])
        : [];
    const cases = await ctx.db.selectFrom('success_cases').select(['title', 'body', 'tags']).orderBy('id').execute();
    const ranked = cases
      .map((c) => ({ c, score: c.tags.filter((t) => tags.includes(t)).length }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 2);
    if (ranked.length === 0) return reply('暂时还没有可分享的案例，稍后我会把同类经销商的经验推送给您。');
    return reply(`和您情况相近的经销商经验：\n${ranked.map(({ c }) => `【${c.title}】\n${c.body}`).join('\n\n')}`);
  },
};
