import {
  INTENTS,
  type Intent,
  MANAGER_INTENTS,
  NEED_CATEGORIES,
  type NeedCategory,
  POLICY_KINDS as POLICIES,
  type PolicyKind as PolicyCode,
} from '../../core/common/intents.js';

export { INTENTS, MANAGER_INTENTS, NEED_CATEGORIES, POLICIES };
export type { Intent, NeedCategory, PolicyCode };

/**
 * Units the parsers accept, kept as written by the dealer. An area (平方, 平米) is no unit of any product: a line said
 * in it is left out and explained, never read as the product's own unit ("Q05台面 十平方" is not 10米).
 */
export const UNITS = [
  '套',
  '樘',
  '个',
  '米',
  '卷',
  '件',
  '只',
  '扇',
  '把',
  '条',
  '副',
  '组',
  '箱',
  '根',
  '片',
  '块',
  '张',
  '台',
  '平方米',
  '平方',
  '平米',
] as const;
export type Unit = (typeof UNITS)[number];

/**
 * Slots come from the one slot schema (core/common/slots.ts) shared with the LLM adapter. What the dialog reads:
 * - `items` lines in the order said, with `width_mm`/`height_mm`/`glass`/`opening`/`color` for configured items;
 * - `change` (order.modify): the kind of draft change and what it names; a draft changes only when it is present;
 * - `question`: a question asked while a draft is open (answer it, keep the draft);
 * - `ref`: a reference to an earlier order/need or to one of `ParseContext.candidates`;
 * - `date_kind`: 'by' for a deadline (月底前); `also`: further requests of the same message, in order.
 */
export type { DraftChange, DraftQuestion, ItemSlot, Ref, Slots } from '../../core/common/slots.js';
import type { Slots } from '../../core/common/slots.js';

/** What the conversation waits for; `clarify_*` follow a question of the bot (which product / how many / which order). */
export type Awaiting =
  | 'order_confirm'
  | 'need_rating'
  | 'binding'
  | 'clarify_product'
  | 'clarify_qty'
  | 'clarify_order'
  /** "N60 要哪种玻璃、内开还是外开？": the answer names the options of a made-to-size line. */
  | 'clarify_option';

export interface ParseContext {
  awaiting?: Awaiting;
  sender: 'dealer' | 'manager';
  now: Date;
  /** SKUs the bot just offered ("N60 还是 N75？"), in the order shown: "第一个", "便宜的那个" pick among them. */
  candidates?: readonly string[];
}

export interface Ambiguity {
  /** The words of the message that fit several products (e.g. 窄边框). */
  mention: string;
  qty?: number;
  unit?: string;
  candidates: string[];
}

export type ParseResult =
  | { kind: 'parsed'; intent: Intent; slots: Slots; confidence: number }
  | { kind: 'ambiguous'; intent: Intent; slots: Slots; confidence: number; ambiguities: Ambiguity[] }
  | { kind: 'unknown'; confidence: number; reason?: string };

/** The intent of any result (`unknown` for kind unknown). */
export function intentOf(r: ParseResult): Intent {
  return r.kind === 'unknown' ? 'unknown' : r.intent;
}

/** A second opinion for messages the rules are unsure of (the LLM); its answer is validated by the caller. */
export type FallbackParser = (text: string, ctx: ParseContext) => Promise<ParseResult | null>;
