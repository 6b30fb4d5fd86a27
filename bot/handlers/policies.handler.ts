import { type Explanation, explainPosition } from '../replies/policy.explain.js';
import type { PolicyKind } from '../../core/policies/policy.types.js';
import type { DealerPosition } from '../../core/policies/policy.service.js';
import type { PolicyDealer } from '../../core/policies/ports.js';
import {
  type DealerIdentity,
  dealerOnly,
  type HandlerRegistry,
  type IntentRoute,
  type ParsedTurn,
  reply,
  type TurnContext,
  type TurnResult,
} from '../dialog/turn.js';
import { withoutPick, withPick } from '../dialog/picks.js';
import type { ConversationState } from '../dialog/state.js';
import { policyReplies } from '../replies/policies.replies.js';
import { feedbackReplies } from '../replies/statements.replies.js';

type DealerTurn = (
  ctx: TurnContext<DealerIdentity>,
  dealer: PolicyDealer,
  turn: ParsedTurn,
) => Promise<{ result: TurnResult; kind?: PolicyKind }>;

/**
 * A dealer's policy question (managers get a hint from the guard step): resolves the dealer's policy profile, runs
 * `fn`, and records the question as push feedback.
 */
function forDealer(intent: string, fn: DealerTurn): IntentRoute {
  return dealerOnly(policyReplies.managerHint, async (ctx, turn) => {
    const service = ctx.services.policies;
    const dealer = await service.findDealer(ctx.identity.dealerCode);
    if (!dealer) return reply(policyReplies.noneApply);
    const { result, kind } = await fn(ctx, dealer, turn);
    // A policy question soon after a push is the push's feedback (effect report).
    await service.recordFeedback(dealer.code, ctx.now, `${intent}：${ctx.text}`, kind);
    return result;
  });
}

/** The kind of policy a comment names, if any ("返点太低" → ladder_rebate, "满减门槛高" → promotion). */
function kindNamed(text: string): PolicyKind | undefined {
  if (/满减|促销|特价|折扣/.test(text)) return 'promotion';
  if (/成长|增长/.test(text)) return 'growth_reward';
  if (/周年/.test(text)) return 'anniversary_bonus';
  if (/返利|返点|阶梯|档/.test(text)) return 'ladder_rebate';
  return undefined;
}

/** The state remembering the policies shown, so a comment right after ("门槛有点高") is recorded against them. */
const showing = (state: ConversationState, policies: ReadonlyArray<{ code: string; name: string; kind: string }>) => ({
  ...state,
  shownPolicies: policies.map(({ code, name, kind }) => ({ code, name, kind })),
});

/** policy.explain, rebate.progress and policy.list: always the asking dealer's own policies and numbers. */
export const policyHandlers: HandlerRegistry = {
  'policy.explain': forDealer('policy.explain', async (ctx, dealer, turn) => {
    const kind: PolicyKind = turn.slots.policy ?? 'ladder_rebate';
    const positions = await ctx.services.policies.positions(dealer, ctx.now);
    const matching = positions.filter((p) => p.kind === kind);
    if (matching.length === 0) {
      return {
        result: reply(
          policyReplies.notApplicable(
            kind,
            positions.map((p) => p.policy),
          ),
        ),
        kind,
      };
    }
    const names = new Map(positions.map((p) => [p.policy.code, p.policy.name]));
    const parts = matching.map((p) => explainPosition(p, dealer, names));
    const template: Explanation = {
      text: parts.map((p) => p.text).join('\n\n'),
      facts: [...new Set(parts.flatMap((p) => p.facts))],
    };
    // The worker may have the model rephrase the explanation after the turn commits (never inside it).
    const footer = `\n${policyReplies.explainFooter}`;
    return {
      result: {
        replies: [{ body: `${template.text}${footer}`, rephrase: { ...template, suffix: footer } }],
        state: showing(
          ctx.state,
          matching.map((p) => p.policy),
        ),
      },
      kind,
    };
  }),

  'rebate.progress': forDealer('rebate.progress', async (ctx, dealer) => {
    const positions: DealerPosition[] = await ctx.services.policies.positions(dealer, ctx.now);
    if (positions.length === 0) return { result: reply(policyReplies.noneApply) };
    // "我这次下单返利加了多少": what the last order added, then where the dealer stands.
    const aboutOrder = /(这次|这一?单|刚才|刚刚|刚下|上一单|上次下单|最近一单).{0,6}(加|增加|多|涨|提高)/.test(
      ctx.text,
    );
    return { result: reply(policyReplies.progress(positions, aboutOrder)) };
  }),

  // "门槛有点高": acknowledged and recorded against the policy it is about (the one just shown, else the pushed one
  // of the kind it names).
  'policy.feedback': dealerOnly(policyReplies.managerHint, async (ctx, turn) => {
    // Picked from "您说的是哪条政策？": the comment is the one made before the question.
    const text = (turn.slots.comment ?? ctx.text).trim();
    const r = await ctx.services.policyFeedback.comment({
      dealerCode: ctx.identity.dealerCode,
      text,
      kind: kindNamed(text),
      shown: ctx.state.shownPolicies,
      chosen: turn.slots.policy_code,
      now: ctx.now,
    });
    switch (r.kind) {
      case 'recorded':
        return { ...reply(feedbackReplies.recorded(r.policyName, text)), state: withoutPick(ctx.state) };
      case 'no_policy':
        return reply(feedbackReplies.noPolicy);
      case 'which': {
        const pick = {
          intent: 'policy.feedback' as const,
          options: r.options.map((p) => ({ policy_code: p.code, comment: text.slice(0, 500) })),
        };
        // The options are shown again: the pick's answer is checked against them.
        return { ...reply(feedbackReplies.which(r.options)), state: showing(withPick(ctx.state, pick), r.options) };
      }
    }
  }),

  'policy.list': forDealer('policy.list', async (ctx, dealer) => {
    const policies = (await ctx.services.policies.applicablePolicies(dealer, ctx.now)).map((r) => r.policy);
    if (policies.length === 0) return { result: reply(policyReplies.noneApply) };
    return { result: { ...reply(policyReplies.list(policies)), state: showing(ctx.state, policies) } };
  }),
};
