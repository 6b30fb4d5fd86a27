import type { Explanation } from '../../core/policies/explain.js';
import { allNumbersGrounded } from '../../core/policies/number.guard.js';
import type { PolicyKind } from '../../core/policies/policy.types.js';
import { type DealerPosition, explainPosition, PolicyService } from '../../core/policies/policy.service.js';
import type { PolicyDealer } from '../../core/policies/ports.js';
import { PolicyRepository } from '../../db/repositories/policies.repository.js';
import { type HandlerRegistry, reply, type TurnContext, type TurnResult } from '../dialog/turn.js';
import { policyReplies } from '../replies/policies.replies.js';

/** A rephrasing longer than this is not a rephrasing of a short explanation. */
const MAX_REPHRASED_CHARS = 1200;

/**
 * The LLM's rephrasing goes out only if it is non-empty, not overlong and every number in it is among the
 * computed facts; otherwise the template does ("the model proposes, the code decides").
 */
export function chooseExplanation(
  template: Explanation,
  candidate: string | null | undefined,
): { text: string; rephrased: boolean } {
  const text = candidate?.trim();
  if (text && text.length <= MAX_REPHRASED_CHARS && allNumbersGrounded(text, template.facts))
    return { text, rephrased: true };
  return { text: template.text, rephrased: false };
}

async function phrase(ctx: TurnContext, template: Explanation): Promise<string> {
  if (!ctx.rephrase) return template.text;
  const candidate = await ctx.rephrase(template.text, template.facts).catch(() => null);
  return chooseExplanation(template, candidate).text;
}

type DealerTurn = (
  ctx: TurnContext,
  dealer: PolicyDealer,
  service: PolicyService,
) => Promise<{ result: TurnResult; kind?: PolicyKind }>;

/** Resolves the dealer behind the chat (identity comes from the channel), runs `fn`, and records push feedback. */
function forDealer(intent: string, fn: DealerTurn) {
  return async (ctx: TurnContext): Promise<TurnResult> => {
    if (ctx.identity.kind !== 'dealer') return reply(policyReplies.managerHint);
    const service = new PolicyService(new PolicyRepository(ctx.db));
    const dealer = await service.findDealer(ctx.identity.dealerCode);
    if (!dealer) return reply(policyReplies.noneApply);
    const { result, kind } = await fn(ctx, dealer, service);
    // A policy question soon after a push is the push's feedback (effect report).
    await service.recordFeedback(dealer.code, ctx.now, `${intent}：${ctx.text}`, kind);
    return result;
  };
}

/** policy.explain, rebate.progress and policy.list: always the asking dealer's own policies and numbers. */
export const policyHandlers: HandlerRegistry = {
  'policy.explain': async (ctx, turn) => {
    const kind: PolicyKind = turn.slots.policy ?? 'ladder_rebate';
    return forDealer('policy.explain', async (c, dealer, service) => {
      const positions = await service.positions(dealer, c.now);
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
      const parts = matching.map((p) => explainPosition(p, dealer));
      const template: Explanation = {
        text: parts.map((p) => p.text).join('\n\n'),
        facts: [...new Set(parts.flatMap((p) => p.facts))],
      };
      const text = await phrase(c, template);
      return { result: reply(`${text}\n${policyReplies.explainFooter}`), kind };
    })(ctx);
  },

  'rebate.progress': forDealer('rebate.progress', async (ctx, dealer, service) => {
    const positions: DealerPosition[] = await service.positions(dealer, ctx.now);
    if (positions.length === 0) return { result: reply(policyReplies.noneApply) };
    return { result: reply(policyReplies.progress(positions)) };
  }),

  'policy.list': forDealer('policy.list', async (ctx, dealer, service) => {
    const policies = (await service.applicablePolicies(dealer, ctx.now)).map((r) => r.policy);
    if (policies.length === 0) return { result: reply(policyReplies.noneApply) };
    return { result: reply(policyReplies.list(policies)) };
  }),
};
