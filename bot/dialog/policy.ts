import { normalize } from '../nlu/normalize.js';
import type { ConversationState } from './state.js';
import type { ParsedTurn } from './turn.js';

/** "KC-L01还有货吗" while a draft waits is a question, not a change to the draft. */
const STOCK_QUESTION = /有货|有没有货|现货|库存|还有吗|还有没有|还剩|多少钱|价格|单价/;
/** "SO202611260001 改成40套": a change asked of a placed order, not a status question. */
const ORDER_CHANGE = /改成|改为|改到|改一下|换成|加|减|多要|少要|数量/;

/**
 * The dialogue policy: what the parse means given what the conversation waits for. Runs after the parse and before
 * the role guard, so the intent it picks is the one guarded and handled.
 */
export function applyDialoguePolicy(turn: ParsedTurn, state: ConversationState, text: string): ParsedTurn {
  if (turn.intent === 'order.status' && turn.slots.order_no && ORDER_CHANGE.test(normalize(text))) {
    return { ...turn, intent: 'order.modify' };
  }
  if (state.awaiting === 'order_confirm' && state.draftId && turn.slots.question && !turn.slots.change) {
    // A question while a draft waits is answered from the draft, which stays as it is.
    if (turn.intent === 'order.modify' || turn.intent === 'order.place' || turn.intent === 'stock.query') {
      return { ...turn, intent: 'order.modify' };
    }
  }
  // While a draft waits, the orders handler answers such a question from the draft (with the rules' reading).
  const draftWaits = state.awaiting === 'order_confirm' && !!state.draftId;
  if (turn.intent === 'order.modify' && state.awaiting !== 'clarify_product' && !turn.slots.question && !draftWaits) {
    const noQty = (turn.slots.items ?? []).every((i) => i.qty === undefined) && !turn.slots.date;
    if (noQty && !turn.slots.change && STOCK_QUESTION.test(normalize(text))) return { ...turn, intent: 'stock.query' };
  }
  return turn;
}
