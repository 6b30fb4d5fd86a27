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

/** Units the parsers accept, kept as written by the dealer. */
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
] as const;
export type Unit = (typeof UNITS)[number];

/** One product line. `qty`/`unit` are absent for stock questions or when the dealer gave no quantity. */
export interface ItemSlot {
  sku: string;
  qty?: number;
  unit?: string;
}

export interface Slots {
  items?: ItemSlot[];
  /** ISO YYYY-MM-DD, Asia/Shanghai. */
  date?: string;
  /** Set when a date that looked past was moved to the next month/year: the dialog may double-check. */
  date_rolled_forward?: boolean;
  order_no?: string;
  need_id?: string;
  category?: NeedCategory;
  policy?: PolicyCode;
  rating?: number;
  dealer_code?: string;
  phone?: string;
  manager_code?: string;
  /** Resolution note of am.need.resolve. */
  note?: string;
  /** Free text next to a rating. */
  comment?: string;
}

export type Awaiting = 'order_confirm' | 'need_rating' | 'binding' | 'clarify_product';

export interface ParseContext {
  awaiting?: Awaiting;
  sender: 'dealer' | 'manager';
  now: Date;
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
