import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { parse as nluParse } from '../nlu/parser.js';
import { type FallbackParser, type ParseContext, type ParseResult, intentOf } from '../nlu/nlu.types.js';
import type { ConversationStep, StepInput, StepReply } from '../pipeline/worker.js';
import { commonReplies } from '../replies/common.replies.js';
import type { Services, TurnServices } from '../services.js';
import { handleBinding } from './binding.js';
import { compose, type TurnStep } from './compose.js';
import { pickedTurn } from './picks.js';
import { applyDialoguePolicy } from './policy.js';
import { type ConversationState, loadState, saveState } from './state.js';
import type {
  BoundIdentity,
  CompleteHandlers,
  IntentRoute,
  MediaHandler,
  ParsedTurn,
  TurnContext,
  TurnResult,
} from './turn.js';

export interface EngineDeps {
  catalog: () => CatalogMatcher;
  handlers: CompleteHandlers;
  kv: KeyValueStore;
  media?: MediaHandler;
  fallback?: FallbackParser;
  /** Below this rule confidence the fallback parser is asked. */
  fallbackBelow?: number;
}

const MAX_TEXT = 2000;

/** What `prepare` hands to the turn: the parse, and the conversation state it was made under. */
interface PreparedParse {
  awaiting: string | undefined;
  result: ParseResult;
}

/** One turn as it moves through the steps. */
interface Turn {
  readonly input: StepInput<TurnServices>;
  readonly services: Services;
  readonly text: string;
  identity?: BoundIdentity;
  state?: ConversationState;
  parsed?: ParsedTurn;
  route?: IntentRoute;
  result?: TurnResult;
}

/**
 * One conversation turn, a pipeline of small steps: media → identity (binding) → state → parse (rules, then the
 * LLM's prepared reading) → dialogue policy → role guard → handler; the state step saves what the handler chose,
 * and the replies are the handler's. The LLM is asked in `prepare`, before the worker opens its transaction, so a
 * slow model never holds the database; the turn itself runs in the worker's transaction.
 */
export function createConversationStep(deps: EngineDeps): ConversationStep<TurnServices> {
  const ruleParse = (text: string, ctx: ParseContext) => nluParse(text, ctx, deps.catalog());
  const unsure = (r: ParseResult) => r.kind === 'unknown' || r.confidence < (deps.fallbackBelow ?? 0.6);

  /** Non-text messages: an image may belong to a need; everything else gets the default answer. */
  const media: TurnStep<Turn> = async (t, next) => {
    const { message, identity, now } = t.input;
    if (message.msgType === 'text') return next();
    const attached =
      message.msgType === 'image' && deps.media
        ? await deps.media({ services: t.services, identity, message, now })
        : null;
    t.result = { replies: attached ?? nonText(message.msgType) };
  };

  /** Identity comes from the channel; an unbound account can only bind. */
  const identity: TurnStep<Turn> = async (t, next) => {
    const id = t.input.identity;
    if (id.kind === 'unbound') {
      t.result = {
        replies: await handleBinding({ directory: t.services.directory, kv: deps.kv, identity: id, text: t.text }),
      };
      return;
    }
    t.identity = id;
    return next();
  };

  /** Loads what the conversation waits for; after the handler, keeps what it chose. */
  const state: TurnStep<Turn> = async (t, next) => {
    const { message, now } = t.input;
    t.state = await turnState(t.services, t.identity!, message.sender, now);
    await next();
    const chosen = t.result?.state;
    if (chosen !== undefined) await saveState(t.services.conversation, message.sender, chosen, now);
  };

  const parse: TurnStep<Turn> = async (t, next) => {
    const sender = t.identity!.kind;
    const state = t.state!;
    // The LLM's reading stands only if the conversation still waits for what it waited for when it was asked.
    const prepared = t.input.prepared as PreparedParse | undefined;
    const result =
      prepared && prepared.awaiting === state.awaiting
        ? prepared.result
        : ruleParse(t.text, parseContext(sender, state, t.input.now));
    t.parsed = applyDialoguePolicy(
      { intent: intentOf(result), slots: result.kind === 'unknown' ? {} : result.slots, result },
      state,
      t.text,
    );
    // "第二个" after a numbered list the bot showed picks from that list.
    t.parsed = pickedTurn(state, t.text) ?? t.parsed;
    return next();
  };

  /** Who may ask what, as declared per intent in the registry. */
  const guard: TurnStep<Turn> = async (t, next) => {
    const route = deps.handlers[t.parsed!.intent];
    if (route.role === 'dealer' && t.identity!.kind !== 'dealer') {
      t.result = { replies: [{ body: route.refusal }] };
      return;
    }
    if (route.role === 'manager' && t.identity!.kind !== 'manager') {
      // Manager commands from a dealer are just words the assistant does not know.
      t.parsed = { ...t.parsed!, intent: 'unknown' };
      t.route = deps.handlers.unknown;
    } else t.route = route;
    return next();
  };

  const handle: TurnStep<Turn> = async (t) => {
    const { message, now, notifier } = t.input;
    const identity = t.identity!;
    const ctx: TurnContext = {
      services: t.services,
      identity,
      message,
      text: t.text,
      now,
      notifier,
      state: t.state!,
      catalog: deps.catalog(),
      markdown: identity.channel === 'wecom',
    };
    t.result = await dispatch(t.route!, ctx, t.parsed!);
  };

  const turn = compose<Turn>(media, identity, state, parse, guard, handle);

  const prepare: ConversationStep<TurnServices>['prepare'] = deps.fallback
    ? async ({ services: turnServices, message, identity, now }) => {
        if (message.msgType !== 'text' || identity.kind === 'unbound') return undefined;
        // Reads only, so the services' own notifier is never used.
        const services = turnServices();
        const state = await turnState(services, identity, message.sender, now);
        const ctx = parseContext(identity.kind, state, now);
        const text = (message.content ?? '').slice(0, MAX_TEXT);
        if (pickedTurn(state, text) || !unsure(ruleParse(text, ctx))) return undefined;
        const proposal = await deps.fallback!(text, ctx).catch(() => null);
        if (!proposal || proposal.kind === 'unknown') return undefined;
        return { awaiting: state.awaiting, result: proposal } satisfies PreparedParse;
      }
    : undefined;

  const step = async (input: StepInput<TurnServices>): Promise<StepReply[]> => {
    const t: Turn = {
      input,
      services: input.services(input.notifier),
      text: (input.message.content ?? '').slice(0, MAX_TEXT),
    };
    await turn(t);
    return t.result?.replies ?? [];
  };
  return Object.assign(step, prepare ? { prepare } : {});
}

/** Runs the route's handler for the asker; the guard step has already checked the role. */
function dispatch(route: IntentRoute, ctx: TurnContext, turn: ParsedTurn): Promise<TurnResult> {
  const { identity } = ctx;
  switch (route.role) {
    case 'any':
      return route.handle(ctx, turn);
    case 'dealer':
      if (identity.kind !== 'dealer') throw new Error('dealer route reached by a manager');
      return route.handle({ ...ctx, identity }, turn);
    case 'manager':
      if (identity.kind !== 'manager') throw new Error('manager route reached by a dealer');
      return route.handle({ ...ctx, identity }, turn);
    case 'each':
      return identity.kind === 'dealer'
        ? route.dealer({ ...ctx, identity }, turn)
        : route.manager({ ...ctx, identity }, turn);
  }
}

/** The stored conversation state, plus a rating a dealer owes when nothing else is awaited. */
async function turnState(
  services: Services,
  identity: BoundIdentity,
  sender: string,
  now: Date,
): Promise<ConversationState> {
  const state = await loadState(services.conversation, sender, now);
  if (state.awaiting || identity.kind !== 'dealer') return state;
  const needId = await services.needs.pendingRating(identity.dealerCode, now);
  return needId === undefined ? state : { ...state, awaiting: 'need_rating', needId };
}

function parseContext(sender: 'dealer' | 'manager', state: ConversationState, now: Date): ParseContext {
  return {
    sender,
    now,
    ...(state.awaiting ? { awaiting: state.awaiting } : {}),
    ...(state.candidates ? { candidates: state.candidates } : {}),
  };
}

function nonText(msgType: string): StepReply[] {
  if (msgType === 'event') return [];
  if (msgType === 'image') return [{ body: commonReplies.imageReceived }];
  return [{ body: commonReplies.unsupportedType }];
}
