import type { Need, NeedCategory } from '../../core/needs/needs.types.js';
import { type DealerIdentity, dealerOnly, type HandlerRegistry, reply, type TurnContext } from '../dialog/turn.js';
import { growthReplies } from '../replies/growth.replies.js';

/**
 * Records a sign-up as a need for the account manager (SLA and manager alert as any need), unless the dealer's
 * same request is still open; `already` is that earlier need.
 */
async function requestOnce(
  ctx: TurnContext<DealerIdentity>,
  category: NeedCategory,
  text: string,
): Promise<{ need: Need; already: boolean }> {
  const needs = ctx.services.needs;
  const active = await needs.statusForDealer({ dealerCode: ctx.identity.dealerCode });
  const same = active.find((n) => n.category === category && n.text === text && n.status !== 'resolved');
  if (same) return { need: same, already: true };
  const { need } = await needs.submit({ dealerCode: ctx.identity.dealerCode, category, text, now: ctx.now });
  return { need, already: false };
}

/**
 * Joint-campaign sign-ups the manager confirms: the request reaches the account manager as a need. (Training
 * enrolment books a seat itself: training.handler.ts.)
 */
export const growthHandlers: HandlerRegistry = {
  'campaign.join': dealerOnly(growthReplies.managerHint, async (ctx, turn) => {
    const campaign = turn.slots.campaign;
    const { need, already } = await requestOnce(ctx, 'policy', growthReplies.campaignNeedText(campaign));
    if (already) return reply(growthReplies.campaignAlready(need));
    const policies = ctx.services.policies;
    const dealer = await policies.findDealer(ctx.identity.dealerCode);
    const promotions = dealer ? (await policies.positions(dealer, ctx.now)).filter((p) => p.kind === 'promotion') : [];
    return reply(growthReplies.campaignRequested(campaign, need, promotions));
  }),
};
