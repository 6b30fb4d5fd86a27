import type { NluResult } from '../nlu/parser.js';
import type { Intent } from '../nlu/nlu.types.js';
import { intentDescriptions } from '../replies/common.replies.js';

/** Below this the model's best guess is noise: "没太明白" rather than a question with two wild guesses. */
export const CLARIFY_FLOOR = 0.2;

/** Unknown reasons that are refusals or no-context answers, never a question back. */
const ANSWERS = new Set<string>(['confirm', 'deny']);
const NO_QUESTION = new Set(['injection', 'manager_only', 'negated', 'empty', 'no_context']);

/**
 * The two likeliest readings worth a question: the parser asks for one (`needsClarification`), or the message is
 * unknown but the model's best guess is above the floor. Null when there is nothing sensible to ask.
 */
export function clarificationFor(r: NluResult, parserAsks: boolean): [Intent, Intent] | null {
  if (r.kind === 'unknown' && NO_QUESTION.has(r.reason ?? '')) return null;
  const guesses = (r.alternatives ?? []).filter((a) => a.intent !== 'unknown');
  const [a, b] = guesses;
  if (!a || !b || a.intent === b.intent) return null;
  // 确认/取消 mean something only in their context, where the handlers answer them (a draft gone, nothing waiting).
  if ([a, b].some((g) => ANSWERS.has(g.intent))) return null;
  if (parserAsks || (r.kind === 'unknown' && a.p >= CLARIFY_FLOOR)) return [a.intent, b.intent];
  return null;
}

const clean = (text: string) => text.replace(/[\s,，。.!！?？~～、"“”]/g, '').toLowerCase();

const REJECT = /^(都不是|都不对|都没有|两个都不是|都不|不是|不对|不是的|不是这个|没有|算了|别的)(啊|呀|的|吧)?$/;
const FIRST = /^(第一个?|前一个|前者|前面那个|1|一|1号|头一个)$/;
const SECOND = /^(第二个?|后一个|后者|后面那个|2|二|2号|最后一个)$/;

/** Other words a short answer may choose a reading with ("价格" is the stock answer's: it shows the dealer's price). */
const ANSWER_WORDS: Partial<Record<Intent, RegExp>> = {
  'stock.query': /库存|有货|现货|价格|价钱|多少钱|啥价|什么价|单价/,
  'order.place': /下单|订货|要货|进货|订/,
};
/** A short answer without numbers: "订20套" is an order of its own, never a bare choice that drops the 20. */
const saysShort = (t: string, intent: Intent) =>
  t.length <= 6 && !/[0-9一二两三四五六七八九十百]/.test(t) && (ANSWER_WORDS[intent]?.test(t) ?? false);

export type ClarifyAnswer = { kind: 'rejected' } | { kind: 'chosen'; intent: Intent } | { kind: 'other' };

/**
 * Reads an answer to "您是想A，还是B？": "都不是", "第一个"/"第二个", or the words of one reading ("查库存", "下单",
 * also inside a longer answer "我是想查库存"). Anything else is a new message.
 */
export function readClarifyAnswer(text: string, intents: readonly [Intent, Intent]): ClarifyAnswer {
  const t = clean(text);
  if (t === '') return { kind: 'other' };
  if (REJECT.test(t)) return { kind: 'rejected' };
  if (FIRST.test(t)) return { kind: 'chosen', intent: intents[0] };
  if (SECOND.test(t)) return { kind: 'chosen', intent: intents[1] };
  const said = intents.filter((i) => {
    const d = describe(i);
    return t.includes(d) || (t.length >= 2 && d.includes(t)) || saysShort(t, i);
  });
  if (said.length === 1) return { kind: 'chosen', intent: said[0]! };
  // A whole request of its own ("N1002 类别改为售后") is a new message, never a reason to resume the old one.
  return { kind: 'other' };
}

const YES = /^(好|好的|好啊|好吧|行|行的|可以|要|要的|需要|麻烦了|麻烦你了|嗯|嗯嗯|是的|对|ok|yes)(啊|呀|的|吧|了)?$/;

/** "好" to the offer of the account manager. */
export function acceptsOffer(text: string): boolean {
  return YES.test(clean(text));
}

export function describe(intent: Intent): string {
  return intent === 'unknown' ? '' : intentDescriptions[intent];
}
