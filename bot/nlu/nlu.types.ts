import { z } from 'zod';

/** Every intent of the NLU contract (NLU.md), plus `am.need.transfer` for "转交 N1024 给 M007". */
export const INTENTS = [
  'order.place',
  'order.modify',
  'confirm',
  'deny',
  'order.status',
  'order.cancel',
  'order.reorder',
  'stock.query',
  'replenish.advice',
  'need.submit',
  'need.status',
  'need.rate',
  'policy.explain',
  'rebate.progress',
  'policy.list',
  'training.list',
  'case.request',
  'account.bind',
  'human.handoff',
  'greeting',
  'help',
  'unknown',
  'am.need.claim',
  'am.need.resolve',
  'am.need.transfer',
  'am.dealer.lookup',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents only an account manager may trigger; the same words from a dealer are `unknown`. */
export const MANAGER_INTENTS: readonly Intent[] = [
  'am.need.claim',
  'am.need.resolve',
  'am.need.transfer',
  'am.dealer.lookup',
];

export const NEED_CATEGORIES = [
  'product',
  'training',
  'policy',
  'after_sales',
  'expiring_stock',
  'display',
  'logistics',
  'payment',
  'other',
] as const;
export type NeedCategory = (typeof NEED_CATEGORIES)[number];

export const POLICIES = ['ladder_rebate', 'growth_reward', 'anniversary_bonus', 'promotion'] as const;
export type PolicyCode = (typeof POLICIES)[number];

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
