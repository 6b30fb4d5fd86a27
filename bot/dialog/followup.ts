import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { extractFacts } from '../nlu/facts.js';
import { followUpProducts } from '../nlu/followup.rules.js';
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
  | { kind: 'ask'; items: ItemSlot[]; ambiguities: Ambiguity[] };

/**
 * "那个T80呢" right after a stock or sales question: the same question about T80; "那这周呢" (or "T80上个月的呢") right
 * after a sales question: the same question over the period said — the follow-up's own period wins, else the
 * question's carries. The question is read back from the sender's previous message — only when the message is such
 * a bare follow-up (rare), so no turn writes anything for it — and it must be the answered message just before (or
 * the question a chain of such follow-ups started from), with nothing awaited since (an answer that asked something
 * back is answered instead). A message in between that was never answered (parked) does not count. A product with
 * no such question before it is asked about ("T80 您想了解什么？"), never taken for an order; a period alone is read
 * as usual.
 */
export async function followUpTurn(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): Promise<FollowUpReading | null> {
  if (state.awaiting) return null;
  const named = followUpProducts(text, ctx, catalog);
  if (!named) return null;
  const product = named.items.length > 0 || named.ambiguities.length > 0;
  const when = named.period !== undefined || named.span !== undefined;
  const ask = product && !when ? ({ kind: 'ask', items: named.items, ambiguities: named.ambiguities } as const) : null;
  for (const earlier of await sources.previous(CHAIN)) {
    if (followUpProducts(earlier, ctx, catalog)) continue;
    const asked = sources.read(earlier);
    // A period follows only a sales question (stock has none).
    if (!(when ? asked.intent === 'sales.query' : FOLLOWED.has(asked.intent))) return ask;
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
  return ask;
}

/** Whether `text` may be a follow-up (a bare "X呢" while nothing is awaited): no second opinion is asked for it. */
export function mayFollowUp(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
): boolean {
  return !state.awaiting && followUpProducts(text, ctx, catalog) !== null;
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
