import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { followUpProducts } from '../nlu/followup.rules.js';
import type { Intent, ParseContext, ParseResult, Slots } from '../nlu/nlu.types.js';
import type { ConversationState } from './state.js';
import type { ParsedTurn } from './turn.js';

/** Questions about products that "X呢" asks again of another product. */
const FOLLOWED = new Set<Intent>(['stock.query', 'sales.query']);

/** How many messages back a chain of follow-ups ("N60还有货吗" → "那T80呢" → "A70呢") is followed to its question. */
const CHAIN = 3;

/** What a follow-up needs besides its text: the sender's previous messages, and how the rules read one. */
export interface FollowUpSources {
  /** The sender's answered messages before this one, newest first. */
  previous(limit: number): Promise<string[]>;
  read(text: string): Pick<ParsedTurn, 'intent' | 'slots'>;
}

/**
 * "那个T80呢" right after a stock or sales question: the same question about T80 (a sales question's period too).
 * The question is read back from the sender's previous message — only when the message is such a bare "X呢" (rare),
 * so no turn writes anything for it — and it must be the answered message just before (or the question a chain of
 * such follow-ups started from), with nothing awaited since (an answer that asked something back is answered
 * instead). A message in between that was never answered (parked) does not count.
 */
export async function followUpTurn(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
  sources: FollowUpSources,
): Promise<ParsedTurn | null> {
  if (state.awaiting) return null;
  const named = followUpProducts(text, ctx, catalog);
  if (!named) return null;
  for (const earlier of await sources.previous(CHAIN)) {
    if (followUpProducts(earlier, ctx, catalog)) continue;
    const asked = sources.read(earlier);
    if (!FOLLOWED.has(asked.intent)) return null;
    const slots: Slots = {
      ...(named.items.length > 0 ? { items: named.items } : {}),
      ...(asked.slots.period ? { period: asked.slots.period } : {}),
    };
    const base = { intent: asked.intent, slots, confidence: 1 };
    const result: ParseResult =
      named.ambiguities.length > 0
        ? { kind: 'ambiguous', ...base, ambiguities: named.ambiguities }
        : { kind: 'parsed', ...base };
    return { intent: asked.intent, slots, result };
  }
  return null;
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
