import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { parseIntent } from '../nlu/intent.rules.js';
import { MANAGER_INTENTS, type ParseContext, type ParseResult, intentOf } from '../nlu/nlu.types.js';
import type { ConversationStep, StepInput, StepReply } from '../pipeline/worker.js';
import { handleBinding } from './binding.js';
import { attachImageToNeed, pendingRating } from '../handlers/needs.handler.js';
import { type ConversationState, loadState, saveState } from './state.js';
import type { Identity } from '../pipeline/identity.js';
import type { CompleteHandlers, TurnContext, TurnServices } from './turn.js';
import { commonReplies } from '../replies/common.replies.js';

/** A second opinion for messages the rules are unsure of (the LLM); its answer is validated by the caller. */
export type FallbackParser = (text: string, ctx: ParseContext) => Promise<ParseResult | null>;

export interface EngineDeps {
  catalog: () => CatalogMatcher;
  handlers: CompleteHandlers;
  kv: KeyValueStore;
  fallback?: FallbackParser;
  /** Below this rule confidence the fallback parser is asked. */
  fallbackBelow?: number;
  settings: TurnContext['settings'];
}

const MAX_TEXT = 2000;

/** What `prepare` hands to the turn: the parse, and the conversation state it was made under. */
interface PreparedParse {
  awaiting: string | undefined;
  result: ParseResult;
}

/**
 * One conversation turn: identity → state → parse (rules, then the LLM when unsure) → the intent's handler →
 * replies and the next state. The LLM is asked in `prepare`, before the worker opens its transaction, so a slow
 * model never holds the database; the turn itself runs in the worker's transaction.
 */
export function createConversationStep(deps: EngineDeps): ConversationStep<TurnServices> {
  const ruleParse = (text: string, ctx: ParseContext) => parseIntent(text, ctx, deps.catalog());
  const unsure = (r: ParseResult) => r.kind === 'unknown' || r.confidence < (deps.fallbackBelow ?? 0.6);

  const prepare: ConversationStep<TurnServices>['prepare'] = deps.fallback
    ? async ({ services: { db }, message, identity, now }) => {
        if (message.msgType !== 'text') return undefined;
        if (identity.kind === 'unbound') return undefined;
        const state = await turnState(db, identity, message.sender, now);
        const ctx = parseContext(identity.kind, state, now);
        const text = (message.content ?? '').slice(0, MAX_TEXT);
        if (!unsure(ruleParse(text, ctx))) return undefined;
        const proposal = await deps.fallback!(text, ctx).catch(() => null);
        if (!proposal || proposal.kind === 'unknown') return undefined;
        return { awaiting: state.awaiting, result: proposal } satisfies PreparedParse;
      }
    : undefined;

  const step = async (input: StepInput<TurnServices>): Promise<StepReply[]> => {
    const { message, identity, now, notifier } = input;
    const { db } = input.services;
    const text = (message.content ?? '').slice(0, MAX_TEXT);

    if (message.msgType !== 'text') {
      // A dealer's image right after submitting a need belongs to that need.
      const attached = message.msgType === 'image' ? await attachImageToNeed(input) : null;
      return attached ?? nonText(message.msgType);
    }
    if (identity.kind === 'unbound') return handleBinding({ db, kv: deps.kv, identity, text, now });

    const state = await turnState(db, identity, message.sender, now);
    const sender = identity.kind === 'manager' ? 'manager' : 'dealer';
    const catalog = deps.catalog();
    // The LLM's reading stands only if the conversation still waits for what it waited for when it was asked.
    const prepared = input.prepared as PreparedParse | undefined;
    const result =
      prepared && prepared.awaiting === state.awaiting
        ? prepared.result
        : ruleParse(text, parseContext(sender, state, now));
    let intent = intentOf(result);
    // Identity comes from the channel: manager commands from a dealer are just unknown words.
    if (sender === 'dealer' && MANAGER_INTENTS.includes(intent)) intent = 'unknown';

    const ctx: TurnContext = {
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
    if (out.state !== undefined) await saveState(db, message.sender, out.state, now);
    return out.replies;
  };
  return Object.assign(step, prepare ? { prepare } : {});
}

/** The stored conversation state, plus a rating a dealer owes when nothing else is awaited. */
async function turnState(
  db: TurnServices['db'],
  identity: Exclude<Identity, { kind: 'unbound' }>,
  sender: string,
  now: Date,
): Promise<ConversationState> {
  const state = await loadState(db, sender, now);
  if (state.awaiting || identity.kind !== 'dealer') return state;
  const needId = await pendingRating(db, identity.dealerCode, now);
  return needId === undefined ? state : { ...state, awaiting: 'need_rating', needId };
}

function parseContext(sender: 'dealer' | 'manager', state: ConversationState, now: Date): ParseContext {
  return { sender, now, ...(state.awaiting ? { awaiting: state.awaiting } : {}) };
}

function nonText(msgType: string): StepReply[] {
  if (msgType === 'event') return [];
  if (msgType === 'image') return [{ body: commonReplies.imageReceived }];
  return [{ body: commonReplies.unsupportedType }];
}
