import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { followUpProducts } from '../nlu/followup.rules.js';
import type { ParseContext, ParseResult, Slots } from '../nlu/nlu.types.js';
import type { ConversationState, FollowUp } from './state.js';
import type { ParsedTurn, TurnResult } from './turn.js';

/** Questions about products that "X呢" asks again of another product. */
const FOLLOWED = new Set<string>(['stock.query', 'sales.query']);

/**
 * What a question just answered leaves for a follow-up: its intent and the period it was about ("N60上个月卖了几套"
 * → "T80呢" is T80's last month). Nothing when the answer asks something back (the dealer answers that instead).
 */
export function followUpOf(turn: ParsedTurn, result: TurnResult | undefined): FollowUp | undefined {
  if (!FOLLOWED.has(turn.intent) || !result || result.state?.awaiting) return undefined;
  const intent = turn.intent as FollowUp['intent'];
  return turn.slots.period ? { intent, period: turn.slots.period } : { intent };
}

/**
 * "那个T80呢" right after a stock or sales question: the same question about T80 — only the next message may do
 * it (the state forgets `followUp` after one turn), and only while nothing else is awaited.
 */
export function followUpTurn(
  state: ConversationState,
  text: string,
  ctx: ParseContext,
  catalog: CatalogMatcher,
): ParsedTurn | null {
  const asked = state.followUp;
  if (!asked || state.awaiting) return null;
  const named = followUpProducts(text, ctx, catalog);
  if (!named) return null;
  const slots: Slots = {
    ...(named.items.length > 0 ? { items: named.items } : {}),
    ...(asked.period ? { period: asked.period } : {}),
  };
  const base = { intent: asked.intent, slots, confidence: 1 };
  const result: ParseResult =
    named.ambiguities.length > 0
      ? { kind: 'ambiguous', ...base, ambiguities: named.ambiguities }
      : { kind: 'parsed', ...base };
  return { intent: asked.intent, slots, result };
}
