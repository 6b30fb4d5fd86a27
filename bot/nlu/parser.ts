import type { CatalogMatcher } from './catalog.matcher.js';
import { DECISIVE, type Facts, extractFacts } from './facts.js';
import {
  type IntentModel,
  type Scored,
  type Thresholds,
  normalizedClassText,
  shippedIntentModel,
} from './intent.model.js';
import { isProblemStoryNeed, namesItsCategory, parseFacts, slotsForIntent } from './intent.rules.js';

/** The rules' slots for the intent the model chose (the seam between the two). */
export { slotsForIntent };
import {
  type Ambiguity,
  INTENTS,
  type Intent,
  MANAGER_INTENTS,
  type ParseContext,
  type ParseResult,
} from './nlu.types.js';
import type { Slots } from './nlu.types.js';

/**
 * Understanding = rules + model. The rules run first; a rule result at or above the model's `rulesSure`
 * confidence stands (codes, high-precision patterns), and so do the rules' vetoes (injection, manager-only
 * words from a dealer, negated orders). Otherwise the trained model decides the intent and the rules extract
 * that intent's slots. The two likeliest readings travel with the result for the dialogue's question.
 */

export interface Alternative {
  intent: Intent;
  p: number;
}

export type NluResult = ParseResult & {
  /** The model's two likeliest readings, when the model was asked. */
  alternatives?: Alternative[];
  /** Who decided the intent. */
  source?: 'rules' | 'model';
};

/** A rule result this confident is a high-precision pattern: it always stands, whatever the thresholds. */
export const HIGH_PRECISION = 0.9;

/** Rule reasons for `unknown` that no model may overrule. */
const VETOES = new Set(['injection', 'manager_only', 'negated', 'empty', 'no_context', 'not_allowed', 'off_topic']);

/** Sure rule readings of a waiting draft: the rules read the draft change itself, the model only its wording. */
// am.training.attend: a dealer code with attendance words; the shipped model has not seen the intent yet.
const STRUCTURAL = new Set<string>(['order.modify', 'confirm', 'deny', 'am.training.attend']);
const KNOWN = new Set<string>(INTENTS);
const MANAGER_ONLY = new Set<string>(MANAGER_INTENTS);

export interface ParserDeps {
  matcher: CatalogMatcher;
  /** null: rules only. */
  model: IntentModel | null;
}

/** Parses one message with rules + model. Pure and synchronous. */
export function parse(
  text: string,
  ctx: ParseContext,
  matcher: CatalogMatcher,
  model: IntentModel | null = shippedIntentModel(),
): NluResult {
  // The message is normalised, matched and read once: the rules, their slots and both models share the facts.
  const f = extractFacts(text, ctx, matcher);
  const r = parseFacts(f, text);
  // While the bot's own question waits ("N60 还是 N75？", "各要多少"), a message that is not a sure answer but clearly
  // a request of its own ("我们这边铝合金门窗卖得咋样") is read as that request; the question keeps waiting.
  if (ctx.awaiting?.startsWith('clarify_') && !isSureAnswer(r)) {
    const { awaiting: _a, candidates: _c, ...fresh } = ctx;
    const own = parse(text, fresh, matcher, model);
    if (isOwnRequest(own, model)) return own;
  }
  // A context the corpus never had (the bot's own clarifying questions …) is the rules' alone; so is a story about
  // a product's problem while a draft waits ("推拉窗滑轮老卡"): the model must not make it a change of the draft.
  if (!model?.knows(ctx.awaiting)) return r;
  if (ctx.awaiting && isProblemStoryNeed(f, r)) return { ...r, source: 'rules' };
  const memo: ClassTextMemo = { ct: undefined };
  // `combine` reads the two likeliest readings, `withCategory` the likeliest: no full ranking is built.
  const result = combine(
    r,
    () => model.topClassText(classTextOf(memo, f), ctx, allowedFor(ctx.sender), 2),
    model.thresholds,
    (intent) => slotsForIntent(intent, text, ctx, matcher, f),
  );
  // A need that names its service keeps it: the category model reads the story's other words (样品, 展厅 → display;
  // 申请, 支持 → policy) and must not turn "需要售后" or "申请一次培训" into another team's ticket.
  const read = namesItsCategory(f, result)
    ? result
    : withCategory(
        result,
        () => model.categories?.topClassText(classTextOf(memo, f), ctx, undefined, 1) ?? [],
        model.thresholds,
      );
  // While a rating waits, a "rating" with no score ("上个月订了啥") is a request of its own when it clearly reads as
  // one; the rating keeps waiting.
  if (
    ctx.awaiting === 'need_rating' &&
    read.kind !== 'unknown' &&
    read.intent === 'need.rate' &&
    read.slots.rating === undefined
  ) {
    const { awaiting: _a, ...fresh } = ctx;
    const own = parse(text, fresh, matcher, model);
    if (own.kind !== 'unknown' && own.intent !== 'need.rate' && isOwnRequest(own, model)) return own;
  }
  return read;
}

/** Readings that answer the bot's question: a product or quantity it asked for, a no, the order it meant. */
const ANSWERS = new Set<string>(['order.modify', 'deny', 'order.status']);
/** Readings that could be a new request as well as an answer ("N60", "30套"): never taken over an answer. */
const ANSWER_LIKE = new Set<string>(['order.modify', 'order.place', 'stock.query', 'confirm', 'deny', 'unknown']);

function isSureAnswer(r: ParseResult): boolean {
  return r.kind !== 'unknown' && ANSWERS.has(r.intent) && r.confidence >= HIGH_PRECISION;
}

/** A request of its own: an intent no answer has, read with the confidence the dialogue acts on. */
function isOwnRequest(r: NluResult, model: IntentModel | null): boolean {
  if (r.kind === 'unknown' || ANSWER_LIKE.has(r.intent)) return false;
  if (r.source === 'model') return r.confidence >= (model?.thresholds.askBelow ?? 1);
  return r.confidence >= 0.8;
}

/** The message's class text, built at most once (by whichever model is asked first). */
interface ClassTextMemo {
  ct: string | undefined;
}
function classTextOf(memo: ClassTextMemo, f: Facts): string {
  if (memo.ct === undefined) memo.ct = normalizedClassText(f.t, f.mentionsOfT ? f.mentions : f.matcher.find(f.t));
  return memo.ct;
}

/**
 * A need's category: the rules know keywords (漏水 → after_sales), the category model the way stories are told
 * ("导购讲不清楚产品" → training); where the model is at least `categoryOver` sure, its reading wins.
 */
export function withCategory(r: NluResult, rank: () => readonly Scored[], thresholds: Thresholds): NluResult {
  if (r.kind === 'unknown' || r.intent !== 'need.submit') return r;
  // 'other' is the rules' shrug: the model needs less certainty to name a category there.
  const over =
    r.slots.category === 'other' ? (thresholds.categoryOverOther ?? thresholds.categoryOver) : thresholds.categoryOver;
  if (over === undefined) return r;
  const top = rank()[0];
  if (!top || top.p < over || top.intent === r.slots.category) return r;
  return { ...r, slots: { ...r.slots, category: top.intent as NonNullable<Slots['category']> } };
}

/** Intents the sender may have: identity comes from the channel, so a dealer never gets an am.* intent. */
export function allowedFor(sender: ParseContext['sender']): (intent: string) => boolean {
  return sender === 'manager' ? MANAGER_ALLOWED : DEALER_ALLOWED;
}
const MANAGER_ALLOWED = (i: string) => KNOWN.has(i);
const DEALER_ALLOWED = (i: string) => KNOWN.has(i) && !MANAGER_ONLY.has(i);

/**
 * The decision between the rules' result and the model's ranking (asked lazily: a sure rule costs no model).
 * Separate from `parse` so that cross-validation can replay it under other thresholds.
 */
export function combine(
  r: ParseResult,
  rank: () => readonly Scored[],
  thresholds: Thresholds,
  slotsFor: (intent: Intent) => { slots: Slots; ambiguities: Ambiguity[] },
): NluResult {
  if (r.kind === 'unknown' && VETOES.has(r.reason ?? '')) return { ...r, source: 'rules' };
  // A kind of product we do not sell (子母门) is named back: no model turns it into a change of the draft.
  if (r.kind !== 'unknown' && r.slots.unknown_product) return { ...r, source: 'rules' };
  // A question about the draft awaiting 确认 ("刚才那单什么时候到", "一共多少钱") has no class in the model: it would
  // read an order's status or a new order into it.
  if (r.kind !== 'unknown' && r.slots.question) return { ...r, source: 'rules' };
  const sure = r.kind !== 'unknown' && r.confidence >= Math.min(thresholds.rulesSure, HIGH_PRECISION);
  // A sure rule stands unless the model is at least `modelOverSure` sure of another reading (keyword rules
  // misfire on wording they were not written for; a structural reading — codes, quantities — is kept below).
  const overSure = thresholds.modelOverSure ?? 1;
  // Two requests the rules split apart are read clause by clause: the model, which sees the whole, does not overrule.
  const split = r.kind !== 'unknown' && (r.slots.also?.length ?? 0) > 0;
  if (split || (sure && (overSure >= 1 || STRUCTURAL.has(r.intent) || r.confidence >= DECISIVE)))
    return { ...r, source: 'rules' };
  const ranking = rank();
  // Greetings are a closed set the rules know: a sure reading is never overruled into one ("老样子 谢谢").
  if (sure && ((ranking[0]?.p ?? 0) < overSure || ranking[0]?.intent === 'greeting')) return { ...r, source: 'rules' };
  const alternatives = ranking.slice(0, 2).map((s) => ({ intent: s.intent as Intent, p: s.p }));
  const top = alternatives[0];
  const ruleIntent = r.kind === 'unknown' ? 'unknown' : r.intent;
  // A rule reading is overruled only by a model at least `modelOverride` sure; where the rules found nothing,
  // the model's best guess is better than none (the dialogue asks back below `askBelow`).
  const floor = r.kind === 'unknown' ? 0 : sure ? overSure : thresholds.modelOverride;
  // Dropping a rule reading for "not understood" needs its own certainty (`unknownOver`).
  const unknownFloor =
    top?.intent === 'unknown' && r.kind !== 'unknown' ? Math.max(floor, thresholds.unknownOver ?? 0) : floor;
  if (!top || top.intent === ruleIntent || top.p < unknownFloor) {
    return { ...r, alternatives, source: 'rules' };
  }
  // Greetings are a closed set the rules know; a message they did not recognise is no greeting ("无聊", "测试").
  if (top.intent === 'unknown' || (top.intent === 'greeting' && r.kind === 'unknown')) {
    return { kind: 'unknown', confidence: top.p, reason: 'model', alternatives, source: 'model' };
  }
  const { slots, ambiguities } = slotsFor(top.intent);
  const base = { intent: top.intent, slots, confidence: top.p, alternatives, source: 'model' as const };
  return ambiguities.length > 0 ? { kind: 'ambiguous', ...base, ambiguities } : { kind: 'parsed', ...base };
}

/** The model decided, and not firmly enough to act: ask back with the two likeliest readings. */
export function needsClarification(r: NluResult, model: IntentModel | null = shippedIntentModel()): boolean {
  return (
    !!model &&
    r.source === 'model' &&
    (r.alternatives?.length ?? 0) >= 2 &&
    (r.alternatives?.[0]?.p ?? 1) < model.thresholds.askBelow
  );
}

/** A parser over one matcher and model, in the shape evaluation and benches use. */
export function parserWith(
  matcher: CatalogMatcher,
  model: IntentModel | null,
): (text: string, ctx: ParseContext) => NluResult {
  return (text, ctx) => parse(text, ctx, matcher, model);
}
