import { parseIntent } from '../nlu/intent.rules.js';
import { MANAGER_INTENTS, intentOf } from '../nlu/nlu.types.js';
import { handleBinding } from './binding.js';
import { attachImageToNeed, pendingRating } from '../handlers/needs.handler.js';
import { loadState, saveState } from './state.js';
import { parseSenderKey, resolveIdentity } from '../pipeline/identity.js';
import { commonReplies } from '../replies/common.replies.js';
const MAX_TEXT = 2000;
/**
 * One conversation turn: identity → state → parse (rules, then the LLM when unsure) → the intent's handler →
 * replies and the next state. The LLM is asked in `prepare`, before the worker opens its transaction, so a slow
 * model never holds the database; the turn itself runs in the worker's transaction.
 */
export function createConversationStep(deps) {
    const ruleParse = (text, ctx) => parseIntent(text, ctx, deps.catalog());
    const unsure = (r) => r.kind === 'unknown' || r.confidence < (deps.fallbackBelow ?? 0.6);
    const prepare = deps.fallback
        ? async ({ db, message, now }) => {
            if (message.msg_type !== 'text')
                return undefined;
            const { channel, externalId } = parseSenderKey(message.sender);
            const identity = await resolveIdentity(db, channel, externalId);
            if (identity.kind === 'unbound')
                return undefined;
            const state = await turnState(db, identity, message.sender, now);
            const ctx = parseContext(identity.kind, state, now);
            const text = (message.content ?? '').slice(0, MAX_TEXT);
            if (!unsure(ruleParse(text, ctx)))
                return undefined;
            const proposal = await deps.fallback(text, ctx).catch(() => null);
            if (!proposal || proposal.kind === 'unknown')
                return undefined;
            return { awaiting: state.awaiting, result: proposal };
        }
        : undefined;
    const step = async (input) => {
        const { db, message, identity, now, notifier } = input;
        const text = (message.content ?? '').slice(0, MAX_TEXT);
        if (message.msg_type !== 'text') {
            // A dealer's image right after submitting a need belongs to that need.
            const attached = message.msg_type === 'image' ? await attachImageToNeed(input) : null;
            return attached ?? nonText(message.msg_type);
        }
        if (identity.kind === 'unbound')
            return handleBinding({ db, kv: deps.kv, identity, text, now });
        const state = await turnState(db, identity, message.sender, now);
        const sender = identity.kind === 'manager' ? 'manager' : 'dealer';
        const catalog = deps.catalog();
        // The LLM's reading stands only if the conversation still waits for what it waited for when it was asked.
        const prepared = input.prepared;
        const result = prepared && prepared.awaiting === state.awaiting
            ? prepared.result
            : ruleParse(text, parseContext(sender, state, now));
        let intent = intentOf(result);
        // Identity comes from the channel: manager commands from a dealer are just unknown words.
        if (sender === 'dealer' && MANAGER_INTENTS.includes(intent))
            intent = 'unknown';
        const ctx = {
            db,
            kv: deps.kv,
            identity,
            message,
            text,
            now,
            notifier,
            state,
            catalog,
            markdown: identity.channel === 'wecom',
            settings: deps.settings,
        };
        const handler = deps.handlers[intent];
        const slots = result.kind === 'unknown' ? {} : result.slots;
        const out = await handler(ctx, { intent, slots, result });
        if (out.state !== undefined)
            await saveState(db, message.sender, out.state, now);
        return out.replies;
    };
    return Object.assign(step, prepare ? { prepare } : {});
}
/** The stored conversation state, plus a rating a dealer owes when nothing else is awaited. */
async function turnState(db, identity, sender, now) {
    const state = await loadState(db, sender, now);
    if (state.awaiting || identity.kind !== 'dealer')
        return state;
    const needId = await pendingRating(db, identity.dealerCode, now);
    return needId === undefined ? state : { ...state, awaiting: 'need_rating', needId };
}
function parseContext(sender, state, now) {
    return { sender, now, ...(state.awaiting ? { awaiting: state.awaiting } : {}) };
}
function nonText(msgType) {
    if (msgType === 'event')
        return [];
    if (msgType === 'image')
        return [{ body: commonReplies.imageReceived }];
    return [{ body: commonReplies.unsupportedType }];
}
//# sourceMappingURL=engine.js.map