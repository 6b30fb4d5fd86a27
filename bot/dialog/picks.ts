import type { Intent, Slots } from '../nlu/nlu.types.js';
import { sizeAnswer } from '../nlu/facts.js';
import { normalize } from '../nlu/normalize.js';
import type { ConversationState } from './state.js';
import type { ParsedTurn } from './turn.js';

/** A numbered list the bot just showed ("找到这几家", "想报名哪一门"): the intent it answers, and each option's slots. */
export interface PickList {
  intent: Intent;
  options: Slots[];
}

const DIGITS: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};
const ORDINAL =
  /^(?:就|要|选|我要|我选|看|查|报|报名|我报|参加)?(第)?([一二两三四五六七八九十]|10|[1-9])(?:个|家|门|条|项|号)?(?:吧|的|那个|那家|那门)?$/;
const LAST = /^(?:就|要|选)?最后(?:一个|一家|一门|那个|那家)(?:吧)?$/;

/** 0-based position a whole message names ("第二个", "2", "最后一个" → -1), and whether it said 第/最后 explicitly. */
export function ordinalOf(text: string): { index: number; explicit: boolean } | null {
  const k = normalize(text).replace(/[\s.,!?~]/g, '');
  if (LAST.test(k)) return { index: -1, explicit: true };
  const m = ORDINAL.exec(k);
  if (!m) return null;
  const n = DIGITS[m[2]!] ?? Number(m[2]);
  return { index: n - 1, explicit: m[1] !== undefined };
}

/**
 * A reply to the list the bot showed, read as that list's intent with the picked option's slots. Only a whole
 * message that is a position counts (or, for a list of draft lines, a size: "1500*1800的"); while a draft or a rating waits only an explicit "第N个" does, and never while
 * the bot waits for its own product/order/binding question (those have their own candidates).
 */
export function pickedTurn(state: ConversationState, text: string): ParsedTurn | null {
  const pick = state.pick;
  if (!pick) return null;
  if (state.awaiting && state.awaiting !== 'need_rating' && state.awaiting !== 'order_confirm') return null;
  const o = ordinalOf(text);
  const slots = o
    ? o.index === -1
      ? pick.options.at(-1)
      : pick.options[o.index]
    : (bySize(pick, text) ?? (state.awaiting ? undefined : byName(pick, text)));
  if (!slots || (o && state.awaiting && !o.explicit)) return null;
  return { intent: pick.intent, slots, result: { kind: 'parsed', intent: pick.intent, slots, confidence: 1 } };
}

/** "1500*1800的": the one option of a list of draft lines whose line is of that size. */
function bySize(pick: PickList, text: string): Slots | undefined {
  const size = sizeAnswer(text);
  if (!size) return undefined;
  const same = pick.options.filter(
    (o) => o.change?.line_size?.width_mm === size.width_mm && o.change.line_size.height_mm === size.height_mm,
  );
  return same.length === 1 ? same[0] : undefined;
}

// "年终那个", "报社群营销的": a short message that is part of one listed course's name.
const NAMED = /^(?:就|要|选|我要|我选|报|报名|我报|退|退掉|退出)?(.{2,10}?)(?:那个|那门|这个|的|课|培训)*(?:吧)?$/;

/** "年终那个": the one option of a course list whose name contains the words. */
function byName(pick: PickList, text: string): Slots | undefined {
  const words = NAMED.exec(normalize(text).replace(/[\s.,!?~]/g, ''))?.[1];
  if (!words) return undefined;
  const named = pick.options.filter((o) => typeof o.course === 'string' && normalize(o.course).includes(words));
  return named.length === 1 ? named[0] : undefined;
}

/** The state to save without what the engine derives each turn (a rating owed is looked up, never stored). */
function stored(state: ConversationState): ConversationState {
  if (state.awaiting !== 'need_rating') return state;
  const { awaiting: _a, needId: _n, ...rest } = state;
  return rest;
}

/** The state with a list to pick from (replacing any earlier one). */
export const withPick = (state: ConversationState, pick: PickList): ConversationState => ({ ...stored(state), pick });

/** The state once the list is answered (or no longer applies). */
export function withoutPick(state: ConversationState): ConversationState {
  const { pick: _p, ...rest } = stored(state);
  return rest;
}
