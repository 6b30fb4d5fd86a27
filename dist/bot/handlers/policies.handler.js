import { explainPosition, PolicyService } from '../../core/policies/policy.service.js';
import { PolicyRepository } from '../../db/repositories/policies.repository.js';
import { reply } from '../dialog/turn.js';
import { policyReplies } from '../replies/policies.replies.js';
/** Resolves the dealer behind the chat (identity comes from the channel), runs `fn`, and records push feedback. */
function forDealer(intent, fn) {
    return async (ctx) => {
        if (ctx.identity.kind !== 'dealer')
            return reply(policyReplies.managerHint);
        const service = new PolicyService(new PolicyRepository(ctx.db));
        const dealer = await service.findDealer(ctx.identity.dealerCode);
        if (!dealer)
            return reply(policyReplies.noneApply);
        const { result, kind } = await fn(ctx, dealer, service);
        // A policy question soon after a push is the push's feedback (effect report).
        await service.recordFeedback(dealer.code, ctx.now, `${intent}：${ctx.text}`, kind);
        return result;
    };
}
/** policy.explain, rebate.progress and policy.list: always the asking dealer's own policies and numbers. */
export const policyHandlers = {
    'policy.explain': async (ctx, turn) => {
        const kind = turn.slots.policy ?? 'ladder_rebate';
        return forDealer('policy.explain', async (c, dealer, service) => {
            const positions = await service.positions(dealer, c.now);
            const matching = positions.filter((p) => p.kind === kind);
            if (matching.length === 0) {
                return {
                    result: reply(policyReplies.notApplicable(kind, positions.map((p) => p.policy))),
                    kind,
                };
            }
            const parts = matching.map((p) => explainPosition(p, dealer));
            const template = {
                text: parts.map((p) => p.text).join('\n\n'),
                facts: [...new Set(parts.flatMap((p) => p.facts))],
            };
            // The worker may have the model rephrase the explanation after the turn commits (never inside it).
            const footer = `\n${policyReplies.explainFooter}`;
            return {
                result: { replies: [{ body: `${template.text}${footer}`, rephrase: { ...template, suffix: footer } }] },
                kind,
            };
        })(ctx);
    },
    'rebate.progress': forDealer('rebate.progress', async (ctx, dealer, service) => {
        const positions = await service.positions(dealer, ctx.now);
        if (positions.length === 0)
            return { result: reply(policyReplies.noneApply) };
        return { result: reply(policyReplies.progress(positions)) };
    }),
    'policy.list': forDealer('policy.list', async (ctx, dealer, service) => {
        const policies = (await service.applicablePolicies(dealer, ctx.now)).map((r) => r.policy);
        if (policies.length === 0)
            return { result: reply(policyReplies.noneApply) };
        return { result: reply(policyReplies.list(policies)) };
    }),
};
//# sourceMappingURL=policies.handler.js.map