import { dealerOnly, type HandlerRegistry, reply } from '../dialog/turn.js';
import { campaignReplies } from '../replies/campaigns.replies.js';

/**
 * Joint-campaign sign-ups: an application the account manager approves in chat. (Training enrolment books a seat
 * itself: training.handler.ts.)
 */
export const growthHandlers: HandlerRegistry = {
  'campaign.join': dealerOnly(campaignReplies.managerJoinHint, async (ctx, turn) => {
    const outcome = await ctx.services.campaigns.join({
      dealerCode: ctx.identity.dealerCode,
      words: turn.slots.campaign,
      now: ctx.now,
    });
    return reply(campaignReplies.join(outcome));
  }),
};
