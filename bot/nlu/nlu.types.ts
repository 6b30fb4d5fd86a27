import { z } from 'zod';

import {
  INTENTS,
  type Intent,
  MANAGER_INTENTS,
  NEED_CATEGORIES,
  type NeedCategory,
  POLICY_KINDS as POLICIES,
  type PolicyKind as PolicyCode,
} from '../../core/shared/intents.js';

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

// ---- zod schema: closed enums, reused by the LLM parser (its output is validated, never trusted). ----

export const IntentSchema = z.enum(INTENTS);

export const ItemSlotSchema = z.object({
  sku: z.string().regex(/^[A-Z]{2}-[A-Z0-9]+$/),
  qty: z.number().min(0).optional(),
  unit: z.enum(UNITS).optional(),
});

export const SlotsSchema = z
  .object({
    items: z.array(ItemSlotSchema).optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    date_rolled_forward: z.boolean().optional(),
    order_no: z
      .string()
      .regex(/^SO\d{12}$/)
      .optional(),
    need_id: z
      .string()
      .regex(/^N\d+$/)
      .optional(),
    category: z.enum(NEED_CATEGORIES).optional(),
    policy: z.enum(POLICIES).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    dealer_code: z
      .string()
      .regex(/^D\d{4}$/)
      .optional(),
    phone: z
      .string()
      .regex(/^1\d{10}$/)
      .optional(),
    manager_code: z
      .string()
      .regex(/^M\d{3}$/)
      .optional(),
    note: z.string().max(500).optional(),
    comment: z.string().max(500).optional(),
  })
  .strict();

export const IntentResultSchema = z.object({ intent: IntentSchema, slots: SlotsSchema });
export type IntentResult = z.infer<typeof IntentResultSchema>;
