import { normalize } from '../nlu/normalize.js';
import type { ConversationState } from './state.js';
import type { ParsedTurn } from './turn.js';

/** "KC-L01还有货吗" while a draft waits is a question, not a change to the draft. */
const STOCK_QUESTION = /有货|有没有货|现货|库存|还有吗|还有没有|还剩|多少钱|价格|单价/;

/**
 * The dialogue policy: what the parse means given what the conversation waits for. Runs after the parse and before
 * the role guard, so the intent it picks is the one guarded and handled.
 */
export function applyDialoguePolicy(turn: ParsedTurn, state: ConversationState, text: string): ParsedTurn {
  if (turn.intent === 'order.modify' && state.awaiting !== 'clarify_product') {
    const noQty = (turn.slots.items ?? []).every((i) => i.qty === undefined) && !turn.slots.date;
    if (noQty && STOCK_QUESTION.test(normalize(text))) return { ...turn, intent: 'stock.query' };
  }
  return turn;
}
