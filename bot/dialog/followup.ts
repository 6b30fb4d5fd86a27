import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { extractFacts } from '../nlu/facts.js';
import { bareFragment, type FollowUp, followUpProducts, fragmentText, storesFragment } from '../nlu/followup.rules.js';
import type { Ambiguity, Intent, ItemSlot, ParseContext, ParseResult, Slots } from '../nlu/nlu.types.js';
import type { ConversationState } from './state.js';
import type { ParsedTurn } from './turn.js';

/** Questions about products that "X呢" asks again of another product. */
const FOLLOWED = new Set<Intent>(['stock.query', 'sales.query']);

/** How many messages back a chain of follow-ups ("N60还有货吗" → "那T80呢" → "A70呢") is followed to its question. */
const CHAIN = 3;

/** What a follow-up needs besides its text: the sender's previous messages, and how the rules read one. */
export interface FollowUpSources {
  /** The sender's answered messages before this one (received since `since`, when given), newest first. */
  previous(limit: number, since?: Date): Promise<string[]>;
  read(text: string): Pick<ParsedTurn, 'intent' | 'slots'>;
}

/** What a bare follow-up makes of its message. */
export type FollowUpReading =
  /** The earlier question asked again: of the product named, over the period named. */
  | { kind: 'turn'; turn: ParsedTurn }
  /** A product with "呢" and no question before it to follow: what about it the dealer wants is asked back. */
  | { kind: 'ask'; items: ItemSlot[]; ambiguities: Ambiguity[] }
  /** A month alone ("十月份的呢") with no sales question or statement before it: which of the two is asked back. */
  | { kind: 'askPeriod'; words: string }
  /**
   * Nothing to follow ("那个呢", "上个季度的呢", or a month said to a manager): asked back — for another product
   * when a stock or sales question came just before (`product`), else for the whole question.
   */
  | { kind: 'askWhat'; words?: string; product: boolean };

/**
 * Nothing awaited, or only the dialogue's own "您是想…还是…？" left unanswered (its answer was resumed before this
 * step): a fragment is then a new message ("十月份的呢" after "那上个月的呢" was asked back). Any other awaited answer
 * ("各要多少", 确认) is the message's.
 */
const followable = (state: ConversationState) => !state.awaiting || state.awaiting === 'clarify_intent';

/** The question a follow-up asks again: the sender's last answered message that was no follow-up itself. */
async function questionBefore(
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): Promise<Pick<ParsedTurn, 'intent' | 'slots'> | undefined> {
  for (const earlier of await sources.previous(CHAIN)) {
    if (followUpProducts(earlier, ctx, catalog) || bareFragment(earlier)) continue;
    return sources.read(earlier);
  }
  return undefined;
}

/**
 * "那个T80呢" right after a stock or sales question: the same question about T80; "那这周呢" (or "T80上个月的呢") right
 * after a sales question: the same question over the period said — the follow-up's own period wins, else the
 * question's carries; "九月的呢" right after a statement: September's statement. The question is read back from the
 * sender's previous message — only when the message is such a bare follow-up (rare), so no turn writes anything for
 * it — and it must be the answered message just before (or the question a chain of such follow-ups started from),
 * answered within the conversation's TTL, with nothing awaited since (an answer that asked something back is
 * answered instead). A message in between that was never answered (parked) does not count. With no such question
 * before it nothing is guessed: a product is asked about ("T80 您想了解什么？"), never taken for an order; a month
 * alone is asked back as a statement or sales ("十月份的什么？"); "那个呢" and "上个季度的呢" ask what is meant. A week
 * alone is read as usual (only sales have weeks). "各个门店呢" after a sales question asks it again per store.
 */
export async function followUpTurn(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): Promise<FollowUpReading | null> {
  if (!followable(state)) return null;
  if (storesFragment(text)) {
    // "各个门店呢" right after "这周卖的怎么样": the same sales question, its week or month kept, per store.
    const asked = await questionBefore(ctx, catalog, sources);
    if (asked?.intent !== 'sales.query') return null;
    const slots: Slots = asked.slots;
    return { kind: 'turn', turn: { intent: asked.intent, slots, result: { kind: 'parsed', ...asked, confidence: 1 } } };
  }
  const named = followUpProducts(text, ctx, catalog);
  if (!named) {
    const bare = bareFragment(text);
    if (!bare) return null;
    const asked = await questionBefore(ctx, catalog, sources);
    const product = !bare.words && asked !== undefined && FOLLOWED.has(asked.intent);
    return { kind: 'askWhat', ...bare, product };
  }
  const product = named.items.length > 0 || named.ambiguities.length > 0;
  const when = named.period !== undefined || named.span !== undefined;
  const asked = await questionBefore(ctx, catalog, sources);
  // A month follows a statement too (its period); a week only a sales question (stock has no period at all).
  const follows =
    asked !== undefined &&
    (!when
      ? FOLLOWED.has(asked.intent)
      : asked.intent === 'sales.query' ||
        (asked.intent === 'account.statement' && !product && named.period !== undefined));
  if (!follows) return unfollowed(named, product, when, ctx, text);
  const items = product ? named.items : (asked.slots.items ?? []);
  const period = when ? named : asked.slots;
  const slots: Slots = {
    ...(items.length > 0 ? { items } : {}),
    ...(period.period ? { period: period.period } : {}),
    ...(period.span ? { span: period.span } : {}),
  };
  const base = { intent: asked.intent, slots, confidence: 1 };
  const result: ParseResult =
    named.ambiguities.length > 0
      ? { kind: 'ambiguous', ...base, ambiguities: named.ambiguities }
      : { kind: 'parsed', ...base };
  return { kind: 'turn', turn: { intent: asked.intent, slots, result } };
}

/** A follow-up with no question to follow: a product or a month alone is asked back; anything else read as usual. */
function unfollowed(
  named: FollowUp,
  product: boolean,
  when: boolean,
  ctx: ParseContext,
  text: string,
): FollowUpReading | null {
  if (product && !when) return { kind: 'ask', items: named.items, ambiguities: named.ambiguities };
  if (product || !named.period) return null;
  // The month's words as said ("十月份"), without the leading "那" and the trailing "的呢".
  const words = fragmentText(text)
    .replace(/^(那么?|还有)/, '')
    .replace(/[的得滴]?呢.*$/, '')
    .replace('月分', '月份');
  // A manager has no statement or sales of their own: what about the month is asked.
  return ctx.sender === 'manager' ? { kind: 'askWhat', words, product: false } : { kind: 'askPeriod', words };
}

/** Whether `text` may be a follow-up (a bare "X呢" while nothing is awaited): no second opinion is asked for it. */
export function mayFollowUp(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
): boolean {
  return (
    followable(state) &&
    (followUpProducts(text, ctx, catalog) !== null || bareFragment(text) !== null || storesFragment(text))
  );
}

/** How long a product card stays "just shown" for an order that does not name its product. */
const SHOWN_RECENTLY_MS = 10 * 60_000;

/**
 * "那就来二十套", "要五十套 这周五之前到" right after the stock and price card of one product ("N60多少钱", or a
 * follow-up "那N75呢"): an order of that product. Only when the message names no product and one quantity, and the
 * answered message just before (within ten minutes) was a stock question about exactly one product; else null (the
 * order is asked for as usual).
 */
export async function orderOfShownProduct(
  state: ConversationState,
  turn: ParsedTurn,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): Promise<ParsedTurn | null> {
  if (state.awaiting || turn.intent !== 'order.place' || turn.result.kind !== 'parsed') return null;
  if (turn.slots.items?.length || turn.slots.also?.length) return null;
  const f = extractFacts(text, ctx, catalog);
  const qty = f.qtys[0];
  if (f.mentions.length > 0 || f.unsold || f.qtys.length !== 1 || !qty || qty.unit === '') return null;
  const earlier = await sources.previous(CHAIN, new Date(ctx.now.getTime() - SHOWN_RECENTLY_MS));
  const shown = earlier[0] === undefined ? null : shownProduct(earlier[0], ctx, catalog, sources);
  if (!shown) return null;
  // A follow-up shows its product only when the question it follows (in the chain) was a stock question.
  const question = earlier.find((e) => !followUpProducts(e, ctx, catalog));
  if (!question || sources.read(question).intent !== 'stock.query') return null;
  const slots: Slots = { ...turn.slots, items: [{ sku: shown, qty: qty.qty, unit: qty.unit }] };
  return { intent: 'order.place', slots, result: { kind: 'parsed', intent: 'order.place', slots, confidence: 1 } };
}

/** The one product a stock question or its follow-up named, or null. */
function shownProduct(
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): string | null {
  const followed = followUpProducts(text, ctx, catalog);
  const items = followed
    ? followed.ambiguities.length > 0 || followed.period || followed.span
      ? []
      : followed.items
    : (sources.read(text).slots.items ?? []);
  return items.length === 1 ? items[0]!.sku : null;
}
