import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import type { MissKind } from '../../core/conversation/misses.js';
import { type NluResult, needsClarification, parse as nluParse, slotsForIntent } from '../nlu/parser.js';
import { type FallbackParser, type Intent, type ParseContext, type ParseResult, intentOf } from '../nlu/nlu.types.js';
import type { ConversationStep, StepInput, StepReply } from '../pipeline/worker.js';
import { accountReplies } from '../replies/accounts.replies.js';
import { commonReplies } from '../replies/common.replies.js';
import type { Services, TurnServices } from '../services.js';
import { handleBinding } from './binding.js';
import { acceptsOffer, clarificationFor, describe, readClarifyAnswer } from './clarify.js';
import { compose, type TurnStep } from './compose.js';
import { type FollowUpSources, followUpTurn, mayFollowUp, orderOfShownProduct } from './followup.js';
import { pickedTurn } from './picks.js';
import { applyDialoguePolicy } from './policy.js';
import {
  type ConversationState,
  DIALOG_AWAITING,
  DIALOG_FIELDS,
  type LoadedState,
  loadTurnState,
  turnRequest,
  STATE_TTL_MS,
  saveState,
  unchangedState,
} from './state.js';
import {
  type BoundIdentity,
  type CompleteHandlers,
  type FileHandler,
  type IntentRoute,
  type MediaHandler,
  type ParsedTurn,
  reply,
  type TurnContext,
  type TurnResult,
  otherDealerCode,
  ownCodeAsSelf,
} from './turn.js';

export interface EngineDeps {
  catalog: () => CatalogMatcher;
  handlers: CompleteHandlers;
  kv: KeyValueStore;
  media?: MediaHandler;
  /** Files sent in chat (a manager's import file offered to HQ); without it a file gets the default answer. */
  files?: FileHandler;
  fallback?: FallbackParser;
  /** Below this rule confidence the fallback parser is asked. */
  fallbackBelow?: number;
}

const MAX_TEXT = 2000;

/** What `prepare` hands to the turn for a file: what the file handler's own preparation made of it. */
interface PreparedFile {
  file: unknown;
}

/**
 * What `prepare` hands to the turn: the conversation state it read (the turn does not read it again: only this
 * sender's turns write it, one at a time) and, when the rules were unsure, the LLM's reading made under it.
 */
interface PreparedTurn {
  loaded: LoadedState;
  /** `loaded.state` with a rating owed, when no slow call followed (after the LLM, the turn asks again). */
  state?: ConversationState;
  /** The LLM's reading, and what the conversation awaited when it was asked. */
  reading?: { awaiting: string | undefined; result: ParseResult };
}

/** A second request of a message never confirms or cancels what the first one showed. */
const NEVER_SECOND = new Set<Intent>(['confirm', 'deny', 'unknown']);

/** What a bare "T80呢" may want to know, asked back when no question came before it: stock (and price), or an order. */
const PRODUCT_TOPICS: [Intent, Intent] = ['stock.query', 'order.place'];
/** What a month said alone ("十月份的呢") may be about, asked back in this order. */
const PERIOD_TOPICS: [Intent, Intent] = ['account.statement', 'sales.query'];

/** Two messages in a row not understood offer the account manager. */
const MISSES_BEFORE_OFFER = 2;

/** One turn as it moves through the steps. */
interface Turn {
  readonly input: StepInput<TurnServices>;
  readonly services: Services;
  readonly text: string;
  identity?: BoundIdentity;
  /** The state as stored; `state` adds what is derived (a rating owed). */
  stored?: ConversationState;
  state?: ConversationState;
  /** The reading chosen by answering the bot's clarification, with the message it was about. */
  resumed?: { turn: ParsedTurn; text: string };
  parsed?: ParsedTurn;
  /** The text handlers see: the message, or the earlier one a clarification or offer was about. */
  handlerText?: string;
  route?: IntentRoute;
  result?: TurnResult;
  /** Misses so far, counting a clarification this message left unanswered. */
  carriedMisses?: number;
  /** What the dialogue itself keeps for the next turn (its fields are forgotten unless set again). */
  dialog?: Pick<ConversationState, 'awaiting' | (typeof DIALOG_FIELDS)[number]>;
}

/**
 * One conversation turn, a pipeline of small steps: media → identity (binding) → state → parse (rules, then the
 * LLM's prepared reading) → dialogue policy → other-dealer guard → role guard → handler; the state step saves what
 * the handler chose, and the replies are the handler's. The LLM is asked in `prepare`, before the worker opens its
 * transaction, so a slow model never holds the database; the turn itself runs in the worker's transaction.
 */
export function createConversationStep(deps: EngineDeps): ConversationStep<TurnServices> {
  const ruleParse = (text: string, ctx: ParseContext) => nluParse(text, ctx, deps.catalog());
  /**
   * What the parser reads: a dealer's own code stands for "我" ("D0002的订单" from D0002 is "我的订单"; identity comes
   * from the channel). A manager's command naming it ("批准 D0101 新品体验节") stays as typed: not honoured.
   */
  const readable = (text: string, identity: BoundIdentity, ctx: ParseContext) => {
    if (identity.kind !== 'dealer') return text;
    const own = ownCodeAsSelf(text, identity.dealerCode);
    if (own === text) return text;
    const typed = nluParse(text, ctx, deps.catalog(), null);
    return typed.kind === 'unknown' && typed.reason === 'manager_only' ? text : own;
  };
  const ruleParseOf = (text: string, identity: BoundIdentity, ctx: ParseContext) =>
    ruleParse(readable(text, identity, ctx), ctx);
  const unsure = (r: ParseResult) => r.kind === 'unknown' || r.confidence < (deps.fallbackBelow ?? 0.6);

  /** Non-text messages: an image may belong to a need, a file may be an import; the rest get the default answer. */
  const media: TurnStep<Turn> = async (t, next) => {
    const { message, identity, now } = t.input;
    if (message.msgType === 'text') return next();
    if (message.msgType === 'file' && deps.files) {
      const prepared = (t.input.prepared as PreparedFile | undefined)?.file;
      t.result = { replies: await deps.files.handle({ services: t.services, identity, message, now, prepared }) };
      return;
    }
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
    const prepared = t.input.prepared as PreparedTurn | undefined;
    const identity = t.identity!;
    const loaded =
      prepared?.loaded ?? (await loadTurnState(t.services.conversation, message.sender, now, dealerOf(identity)));
    t.stored = loaded.state;
    // After a slow LLM call in `prepare` the rating owed is asked again; otherwise it came with the state.
    t.state =
      prepared?.state ??
      (prepared
        ? await withRatingOwed(t.services, identity, t.stored, now)
        : ratingOwed(identity, t.stored, loaded.ratingNeedId));
    await next();
    const chosen = nextState(t.stored, t.result?.state, t.dialog);
    // A state the row already holds (and keeps for long enough) is not written again.
    if (chosen !== undefined && !unchangedState(loaded.saved, chosen, now))
      await saveState(t.services.conversation, message.sender, chosen, now);
  };

  /**
   * Answers to the dialogue's own questions: "好" to the offer of the account manager hands off; an answer to
   * "您是想A，还是B？" resumes the earlier message under the reading chosen ("都不是" is another miss). Anything else
   * is a new message.
   */
  const answers: TurnStep<Turn> = async (t, next) => {
    const state = t.stored!;
    if (state.awaiting === 'handoff_offer' && state.offer && acceptsOffer(t.text)) {
      const result: ParseResult = { kind: 'parsed', intent: 'human.handoff', slots: {}, confidence: 1 };
      t.resumed = { turn: { intent: 'human.handoff', slots: {}, result }, text: state.offer.text };
    }
    if (state.awaiting === 'clarify_intent' && state.clarify) {
      const { text, intents, guesses } = state.clarify;
      const ctx = parseContext(t.identity!.kind, {}, t.input.now);
      const answer = readClarifyAnswer(t.text, intents);
      if (answer.kind === 'rejected') {
        await recordMiss(t, 'rejected', text, guesses);
        return missed(t, text, commonReplies.clarifyRejected);
      }
      if (answer.kind === 'chosen') {
        const { slots, ambiguities } = slotsForIntent(
          answer.intent,
          readable(text, t.identity!, ctx),
          ctx,
          deps.catalog(),
        );
        const base = { intent: answer.intent, slots, confidence: 1 };
        const result: ParseResult =
          ambiguities.length > 0 ? { kind: 'ambiguous', ...base, ambiguities } : { kind: 'parsed', ...base };
        t.resumed = { turn: { intent: answer.intent, slots, result }, text };
      } else t.carriedMisses = (state.misses ?? 0) + 1; // the question went unanswered: a miss
    }
    return next();
  };

  const parse: TurnStep<Turn> = async (t, next) => {
    const sender = t.identity!.kind;
    const state = t.state!;
    // The LLM's reading stands only if the conversation still waits for what it waited for when it was asked.
    const prepared = t.input.prepared as PreparedTurn | undefined;
    if (t.resumed) {
      t.handlerText = t.resumed.text;
      t.parsed = applyDialoguePolicy(t.resumed.turn, state, t.resumed.text);
      return next();
    }
    const read =
      prepared?.reading && prepared.reading.awaiting === state.awaiting
        ? prepared.reading.result
        : ruleParseOf(t.text, t.identity!, parseContext(sender, state, t.input.now));
    const result = state.awaiting === 'order_confirm' ? onlyRulesAnswerDraft(read) : read;
    t.parsed = applyDialoguePolicy(
      { intent: intentOf(result), slots: result.kind === 'unknown' ? {} : result.slots, result },
      state,
      t.text,
    );
    // "第二个" after a numbered list the bot showed picks from that list.
    t.parsed = pickedTurn(state, t.text) ?? t.parsed;
    // "那个T80呢" right after a stock or sales question asks the same of T80 ("那这周呢": over this week).
    const ctx = parseContext(sender, state, t.input.now);
    const { message } = t.input;
    const sources: FollowUpSources = {
      // A question answered longer ago than the state lives is no context any more.
      previous: (limit, since = new Date(t.input.now.getTime() - STATE_TTL_MS)) =>
        t.services.conversation.answeredBefore(message.sender, message.id, limit, since),
      read: (text) => {
        const r = ruleParse(text, { ...ctx, awaiting: undefined });
        return { intent: intentOf(r), slots: r.kind === 'unknown' ? {} : r.slots };
      },
    };
    const followUp = await followUpTurn(t.stored!, t.text, ctx, deps.catalog(), sources);
    if (followUp?.kind === 'ask') {
      // No question to follow: what about the product is asked back, answered like any clarification.
      const products = followUp.items.map((i) => deps.catalog().product(i.sku));
      const names = [
        ...products.map((p, i) => p?.name ?? followUp.items[i]!.sku),
        ...followUp.ambiguities.map((a) => a.mention),
      ];
      // The example order names the product, so the answer is a whole order of its own ("T80 10套").
      const first = products[0];
      const example = first ? `${first.sku.replace(/^[A-Z]+-/, '')} ${first.moq}${first.unit}` : 'N60 30套';
      const [stock, order] = PRODUCT_TOPICS.map(describe) as [string, string];
      t.result = reply(commonReplies.productTopic(names, stock, order, example));
      t.dialog = { awaiting: 'clarify_intent', clarify: { text: t.text, intents: PRODUCT_TOPICS, guesses: [] } };
      return;
    }
    if (followUp?.kind === 'askPeriod') {
      // A month alone: a statement or the stores' sales of that month, the answer resumes it with its period.
      const [first, second] = PERIOD_TOPICS.map(describe) as [string, string];
      t.result = reply(commonReplies.periodTopic(followUp.words, first, second));
      t.dialog = { awaiting: 'clarify_intent', clarify: { text: t.text, intents: PERIOD_TOPICS, guesses: [] } };
      return;
    }
    if (followUp?.kind === 'askWhat') {
      t.result = reply(
        followUp.product ? commonReplies.whichProduct : commonReplies.whatAbout(followUp.words, sender === 'manager'),
      );
      return;
    }
    if (followUp) t.parsed = followUp.turn;
    // "那就来二十套" right after the card of one product orders that product.
    else t.parsed = (await orderOfShownProduct(t.stored!, t.parsed, t.text, ctx, deps.catalog(), sources)) ?? t.parsed;
    return next();
  };

  /**
   * Low confidence asks back with the two likeliest readings instead of guessing — only while nothing else is
   * awaited (a draft waiting for 确认 keeps its own context).
   */
  const clarify: TurnStep<Turn> = async (t, next) => {
    const r = t.parsed!.result as NluResult;
    if (t.resumed || !dialogFree(t.stored!)) return next();
    // The model's weak reading is asked back only where the rules found nothing at all.
    const rulesBlank = () => {
      const ctx = parseContext(t.identity!.kind, t.state!, t.input.now);
      return nluParse(readable(t.text, t.identity!, ctx), ctx, deps.catalog(), null).kind === 'unknown';
    };
    const pair = clarificationFor(r, needsClarification(r) && rulesBlank());
    if (!pair) return next();
    const guesses = (r.alternatives ?? []).map((a) => ({ intent: a.intent, p: round(a.p) }));
    await recordMiss(t, 'clarify', t.text, guesses);
    // The question is not a miss yet: leaving it unanswered is.
    const misses = priorMisses(t);
    t.result = reply(commonReplies.clarifyIntent(describe(pair[0]), describe(pair[1])));
    t.dialog = {
      awaiting: 'clarify_intent',
      clarify: { text: t.text, intents: pair, guesses },
      ...(misses ? { misses } : {}),
    };
  };

  /**
   * One guard for every request of a dealer, before any routing: a message naming another dealer's code gets the
   * other-dealer answer and nothing else (no handler runs, so none re-checks). It is understood, so it is no miss.
   * Managers may look dealers up; an unbound sender never gets here (binding is the identity step's).
   */
  const otherDealer: TurnStep<Turn> = async (t, next) => {
    const identity = t.identity!;
    // A need naming another dealer ("D0003在我片区窜货") is a complaint to the dealer's own manager: it shows nothing.
    if (identity.kind !== 'dealer' || t.parsed!.intent === 'need.submit') return next();
    const other = otherDealerCode(identity, t.handlerText ?? t.text);
    if (!other) return next();
    t.result = reply(accountReplies.otherDealer(identity.dealerCode, other));
  };

  /** Who may ask what, as declared per intent in the registry. */
  const guard: TurnStep<Turn> = async (t, next) => {
    const routed = routeFor(deps.handlers, t.parsed!, t.identity!);
    if ('refusal' in routed) {
      t.result = reply(routed.refusal);
      return;
    }
    t.parsed = routed.turn;
    t.route = routed.route;
    return next();
  };

  /** A message not understood is kept for HQ; the second in a row offers the account manager. */
  const misses: TurnStep<Turn> = async (t, next) => {
    const r = t.parsed!.result;
    if (t.parsed!.intent !== 'unknown' || (r.kind === 'unknown' && r.reason === 'no_context')) return next();
    const guesses = ((r as NluResult).alternatives ?? []).map((a) => ({ intent: a.intent, p: round(a.p) }));
    await recordMiss(t, 'unknown', t.text, guesses);
    if (!dialogFree(t.stored!)) return next();
    const count = priorMisses(t) + 1;
    if (count >= MISSES_BEFORE_OFFER && (await offerHandoff(t, t.text))) return;
    t.dialog = { misses: count };
    return next();
  };

  /** The first request's handler, then each further request of the message, answered in one reply. */
  const handle: TurnStep<Turn> = async (t) => {
    const { message, now, notifier } = t.input;
    const identity = t.identity!;
    const ctx: TurnContext = {
      services: t.services,
      identity,
      message,
      text: t.handlerText ?? t.text,
      now,
      notifier,
      state: t.state!,
      catalog: deps.catalog(),
      markdown: identity.channel === 'wecom',
    };
    const first = await dispatch(t.route!, ctx, t.parsed!);
    const further = (t.parsed!.slots.also ?? []).filter((a) => !NEVER_SECOND.has(a.intent));
    if (further.length === 0) {
      t.result = withQuestionKept(t.stored!, first, deps.catalog());
      return;
    }
    const results = [first];
    const intents: Intent[] = [t.parsed!.intent];
    for (const request of further) {
      const result: ParseResult = { kind: 'parsed', intent: request.intent, slots: request.slots, confidence: 1 };
      const routed = routeFor(deps.handlers, { intent: request.intent, slots: request.slots, result }, identity);
      results.push('refusal' in routed ? reply(routed.refusal) : await dispatch(routed.route, ctx, routed.turn));
      intents.push(request.intent);
    }
    t.result = withQuestionKept(t.stored!, joinResults(results, intents), deps.catalog());
  };

  /** Keeps a miss: the text, the sender's role (and dealer code), the guesses, the time and the channel. */
  const recordMiss = async (t: Turn, kind: MissKind, text: string, guesses: Array<{ intent: string; p: number }>) => {
    const identity = t.identity!;
    await t.services.nluMisses.add({
      text,
      kind,
      senderRole: identity.kind,
      dealerCode: identity.kind === 'dealer' ? identity.dealerCode : null,
      channel: identity.channel,
      guesses,
      at: t.input.now,
    });
  };

  /** The second miss in a row: offers the dealer's account manager. False for a manager (nobody to offer). */
  const offerHandoff = async (t: Turn, text: string): Promise<boolean> => {
    const identity = t.identity!;
    if (identity.kind !== 'dealer') return false;
    const name = (await t.services.directory.managerName(identity.managerCode)) ?? '';
    t.result = reply(commonReplies.offerHandoff(name));
    t.dialog = { awaiting: 'handoff_offer', offer: { text } };
    return true;
  };

  /** A miss answered with a fixed reply, or with the offer when it is the second in a row. */
  const missed = async (t: Turn, text: string, body: string): Promise<void> => {
    const count = priorMisses(t) + 1;
    if (count >= MISSES_BEFORE_OFFER && (await offerHandoff(t, text))) return;
    t.result = reply(body);
    t.dialog = { misses: count };
  };

  const turn = compose<Turn>(media, identity, state, answers, parse, otherDealer, clarify, guard, misses, handle);

  const prepareParse: ConversationStep<TurnServices>['prepare'] = deps.fallback
    ? async ({ services: turnServices, message, identity, now }) => {
        if (message.msgType !== 'text' || identity.kind === 'unbound') return undefined;
        // Reads only, so the services' own notifier is never used.
        const services = turnServices();
        const loaded = await loadTurnState(services.conversation, message.sender, now, dealerOf(identity));
        const state = ratingOwed(identity, loaded.state, loaded.ratingNeedId);
        const ctx = parseContext(identity.kind, state, now);
        const typed = (message.content ?? '').slice(0, MAX_TEXT);
        const read: PreparedTurn = { loaded, state };
        // Another dealer's code is refused before any reading: no second opinion for it.
        if (identity.kind === 'dealer' && otherDealerCode(identity, typed)) return read;
        const text = readable(typed, identity, ctx);
        if (pickedTurn(state, typed) || mayFollowUp(loaded.state, text, ctx, deps.catalog())) return read;
        // An answer to the dialogue's own question needs no second opinion.
        if (state.awaiting === 'handoff_offer' && acceptsOffer(typed)) return read;
        if (state.awaiting === 'clarify_intent' && state.clarify) {
          const answer = readClarifyAnswer(typed, state.clarify.intents);
          if (answer.kind !== 'other') return read;
        }
        if (!unsure(ruleParse(text, ctx))) return read;
        const proposal = await deps.fallback!(text, ctx).catch(() => null);
        if (!proposal || proposal.kind === 'unknown') return { loaded } satisfies PreparedTurn;
        return { loaded, reading: { awaiting: state.awaiting, result: proposal } } satisfies PreparedTurn;
      }
    : undefined;
  // A file is fetched and read before the transaction; text may get the LLM's reading.
  const files = deps.files;
  const prepare: ConversationStep<TurnServices>['prepare'] =
    files || prepareParse
      ? async (input) => {
          if (input.message.msgType === 'file') {
            return files ? ({ file: await files.prepare(input) } satisfies PreparedFile) : undefined;
          }
          return prepareParse?.(input);
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
  // Only files (when handled) and text (when an LLM may be asked) are prepared.
  const preparesFor = (m: { msgType: string }) => (m.msgType === 'file' ? !!files : !!prepareParse);
  // The state step's read, for the text turns of bound senders (unless `prepare` made it already): done by the take.
  const readAhead: NonNullable<ConversationStep<TurnServices>['readAhead']> = (turns, now) =>
    turns.flatMap(({ message, identity, prepared }) =>
      message.msgType === 'text' && identity.kind !== 'unbound' && !(prepared as PreparedTurn | undefined)?.loaded
        ? [turnRequest(message.sender, now, dealerOf(identity))]
        : [],
    );
  return Object.assign(step, { readAhead }, prepare ? { prepare, preparesFor } : {});
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

/** The stored conversation state, plus a rating a dealer owes (asked now) when nothing else is awaited. */
async function withRatingOwed(
  services: Services,
  identity: BoundIdentity,
  state: ConversationState,
  now: Date,
): Promise<ConversationState> {
  if (state.awaiting || identity.kind !== 'dealer') return state;
  return ratingOwed(identity, state, await services.needs.pendingRating(identity.dealerCode, now));
}

/** The stored conversation state, plus the rating a dealer owes (read with it) when nothing else is awaited. */
function ratingOwed(identity: BoundIdentity, state: ConversationState, needId: number | undefined): ConversationState {
  if (state.awaiting || identity.kind !== 'dealer' || needId === undefined) return state;
  return { ...state, awaiting: 'need_rating', needId };
}

/** A dealer's code, for the rating owed read with the state; undefined for a manager (who owes none). */
const dealerOf = (identity: BoundIdentity) => (identity.kind === 'dealer' ? identity.dealerCode : undefined);

/** The parser's context: the dialogue's own questions are answered before parsing, so they are no context. */
function parseContext(sender: 'dealer' | 'manager', state: ConversationState, now: Date): ParseContext {
  const awaiting = state.awaiting && !DIALOG_AWAITING.has(state.awaiting) ? state.awaiting : undefined;
  return {
    sender,
    now,
    ...(awaiting ? { awaiting: awaiting as NonNullable<ParseContext['awaiting']> } : {}),
    ...(state.candidates ? { candidates: state.candidates } : {}),
  };
}

/**
 * Only the rules' clear yes or no answers a waiting draft: a 确认/取消 the model or the LLM guessed (gibberish reads
 * as "confirm" at p≈0.3 in this context) is not understood, and the draft keeps waiting.
 */
function onlyRulesAnswerDraft(r: ParseResult): ParseResult {
  if (r.kind === 'unknown' || (r.intent !== 'confirm' && r.intent !== 'deny')) return r;
  if ((r as NluResult).source === 'rules') return r;
  const { alternatives } = r as NluResult;
  return {
    kind: 'unknown',
    confidence: r.confidence,
    reason: 'unsure_answer',
    ...(alternatives ? { alternatives } : {}),
  } as NluResult;
}

function priorMisses(t: Turn): number {
  return t.carriedMisses ?? t.stored!.misses ?? 0;
}

/** Nothing but the dialogue's own question is awaited: it may ask back or offer the account manager. */
function dialogFree(stored: ConversationState): boolean {
  return !stored.awaiting || DIALOG_AWAITING.has(stored.awaiting);
}

/**
 * The state to save after a turn, or undefined to leave the stored one. The handler's choice wins; the dialogue's
 * fields (clarification, misses, offer) and the policies shown last only while a turn sets them again.
 */
export function nextState(
  stored: ConversationState,
  chosen: ConversationState | undefined,
  dialog: Turn['dialog'],
): ConversationState | undefined {
  const owned =
    DIALOG_FIELDS.some((f) => stored[f] !== undefined) ||
    DIALOG_AWAITING.has(stored.awaiting ?? '') ||
    stored.shownPolicies !== undefined;
  if (chosen === undefined && !owned && !dialog) return undefined;
  const base: ConversationState = { ...(chosen ?? stored) };
  for (const f of DIALOG_FIELDS) delete base[f];
  // The policies shown are what the very next message may comment on ("门槛有点高"): a turn that does not show them
  // again (a new array) forgets them, so a comment three requests later is not pinned to an old list.
  if (base.shownPolicies === stored.shownPolicies) delete base.shownPolicies;
  if (base.awaiting && DIALOG_AWAITING.has(base.awaiting)) delete base.awaiting;
  return { ...base, ...dialog };
}

/** The guard's decision for one request: a refusal, or the route (a manager command from a dealer is `unknown`). */
function routeFor(
  handlers: CompleteHandlers,
  turn: ParsedTurn,
  identity: BoundIdentity,
): { refusal: string } | { route: IntentRoute; turn: ParsedTurn } {
  const route = handlers[turn.intent];
  if (route.role === 'dealer' && identity.kind !== 'dealer') return { refusal: route.refusal };
  if (route.role === 'manager' && identity.kind !== 'manager') {
    // Manager commands from a dealer are just words the assistant does not know.
    return { route: handlers.unknown, turn: { ...turn, intent: 'unknown' } };
  }
  return { route, turn };
}

/**
 * The answers of a message's requests as one reply, a blank line between them. The first request's state wins
 * unless it is empty (then a later one's, e.g. a draft shown by the second). A cancel's question and a new draft
 * wait together: "确认" answers the cancel first, the draft then waits for its own. Any other question a later
 * request asked cannot wait beside the first one's (a list to pick from can): the reply says to ask it again.
 */
function joinResults(results: readonly TurnResult[], intents: readonly Intent[] = []): TurnResult {
  const states = results.map((r) => (r.state !== undefined && Object.keys(r.state).length > 0 ? r.state : undefined));
  const filled = states.findIndex((s) => s !== undefined);
  let state = filled >= 0 ? states[filled] : results[0]?.state;
  const notes: string[] = [];
  for (let i = filled + 1; filled >= 0 && i < states.length; i++) {
    const later = states[i];
    if (!later || !state) continue;
    // A list to pick from ("第一个") waits beside a draft or another question: it is kept with them.
    if (later.pick && !state.pick) state = { ...state, pick: later.pick };
    // The same question (the open draft, kept by a read-only answer) is no second one.
    if (!later.awaiting || (later.draftId !== undefined && later.draftId === state.draftId && !later.asked)) continue;
    const both = waitTogether(state, later);
    if (both) {
      state = both;
      notes.push(commonReplies.cancelBeforeDraft);
    } else notes.push(commonReplies.askAgainLater(describe(intents[i] ?? 'unknown')));
  }
  const replies = results.flatMap((r) => r.replies);
  const body = [...replies.map((r) => r.body), ...notes].join('\n\n');
  // A rephrase would reword one part only: the joined answer keeps the templates.
  const card = replies.find((r) => r.card)?.card;
  const joined: StepReply = {
    body,
    ...(replies.some((r) => r.format === 'markdown') ? { format: 'markdown' } : {}),
    ...(card ? { card } : {}),
  };
  return { replies: body === '' ? [] : [joined], ...(state !== undefined ? { state } : {}) };
}

/** A cancel's question and a new draft, both waiting for "确认": one state holding both (the cancel answered first). */
function waitTogether(a: ConversationState, b: ConversationState): ConversationState | undefined {
  const cancel = [a, b].find((s) => s.asked?.intent === 'order.cancel' && !s.draftId);
  const draft = [a, b].find((s) => s.draftId && !s.asked);
  if (!cancel || !draft || cancel.awaiting !== 'order_confirm' || draft.awaiting !== 'order_confirm') return undefined;
  return { ...draft, asked: cancel.asked };
}

/**
 * A request of its own while the bot's product or quantity question waits ("N60 还是 N75？" → "铝合金门窗卖得咋样"):
 * the answer leaves the question waiting (no new state), and one line says so.
 */
function withQuestionKept(stored: ConversationState, result: TurnResult, catalog: CatalogMatcher): TurnResult {
  if (result.state !== undefined || result.replies.length !== 1) return result;
  const name = (sku: string) => catalog.product(sku)?.name ?? sku;
  let line: string | undefined;
  if (stored.awaiting === 'clarify_product' && stored.candidates?.length) {
    line = commonReplies.stillAsking({ product: stored.candidates.map(name) });
  } else if (stored.awaiting === 'clarify_qty') {
    const pending = stored.asked?.pending as { items?: Array<{ sku: string; qty?: number }> } | undefined;
    const skus = (pending?.items ?? []).filter((i) => i.qty === undefined).map((i) => name(i.sku));
    if (skus.length > 0) line = commonReplies.stillAsking({ qty: skus });
  }
  if (!line) return result;
  const [only] = result.replies;
  return { ...result, replies: [{ ...only!, body: `${only!.body}\n\n${line}` }] };
}

const round = (p: number) => Math.round(p * 1000) / 1000;

function nonText(msgType: string): StepReply[] {
  if (msgType === 'event') return [];
  if (msgType === 'image') return [{ body: commonReplies.imageReceived }];
  if (msgType === 'voice') return [{ body: commonReplies.voiceUnreadable }];
  if (msgType === 'file') return [{ body: commonReplies.fileReceived }];
  return [{ body: commonReplies.unsupportedType }];
}
