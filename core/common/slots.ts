/**
 * The slot contract (NLU.md) as one zod schema. The rule parser's types and the LLM's proposal schema both derive
 * from it, so their fields and limits cannot drift apart.
 */
import { z } from 'zod';

import { MAX_LINE_QTY } from '../catalog/pricing.js';
import { INTENTS, NEED_CATEGORIES, POLICY_KINDS } from './intents.js';

/** The largest quantity of one line anyone may propose (the order rules' own limit). */
export const MAX_QTY = MAX_LINE_QTY;
/** Largest factor of "数量翻倍"-style changes. */
export const MAX_FACTOR = 10;
/** Configured sizes in millimetres. */
export const MIN_SIZE_MM = 100;
export const MAX_SIZE_MM = 10_000;

export const GLASS_KINDS = ['single', 'double', 'triple', 'laminated', 'lowe'] as const;
export type GlassKind = (typeof GLASS_KINDS)[number];
export const OPENINGS = ['inward', 'outward', 'left', 'right', 'sliding'] as const;
export type Opening = (typeof OPENINGS)[number];

/**
 * The weeks a sales question may name instead of a month: this week so far, last week, the week before last, or
 * the last 7 days ("最近一周").
 */
export const SALES_WEEKS = ['week', 'last_week', 'week_before_last', 'last_7_days'] as const;
export type SalesWeek = (typeof SALES_WEEKS)[number];

/** How a message changes the draft awaiting confirmation. */
export const CHANGE_KINDS = ['add', 'subtract', 'set', 'remove', 'multiply', 'date', 'configure'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
/** What a question asked while a draft is open is about. */
export const QUESTION_TOPICS = ['delivery', 'stock', 'price', 'product', 'total', 'rebate'] as const;
export type QuestionTopic = (typeof QUESTION_TOPICS)[number];
/** References to something said before, or to one of the candidates the bot just offered. */
export const REF_KINDS = [
  'last_order',
  'last_need',
  'that_one',
  'ordinal',
  'cheapest',
  'dearest',
  'attribute',
] as const;
export type RefKind = (typeof REF_KINDS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const sku = z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,8}$/);
const sizeMm = z.number().int().min(MIN_SIZE_MM).max(MAX_SIZE_MM);

export const itemSlotSchema = z.object({
  sku: sku.describe('catalog SKU'),
  /** 0 only for a line the dealer removes. */
  qty: z.number().min(0).max(MAX_QTY).optional(),
  unit: z.string().min(1).max(4).optional().describe('the unit as written: 套, 樘, 个, 米, 卷'),
  width_mm: sizeMm.optional(),
  height_mm: sizeMm.optional(),
  glass: z.enum(GLASS_KINDS).optional(),
  opening: z.enum(OPENINGS).optional(),
  color: z.string().min(1).max(20).optional(),
});
export type ItemSlot = z.infer<typeof itemSlotSchema>;

const oneChangeSchema = z.object({
  kind: z.enum(CHANGE_KINDS),
  /** Lines the change names: the amount to add/subtract, the new quantity (set), or the line to drop (remove). */
  items: z.array(itemSlotSchema).max(20).optional(),
  /** An amount said without a product ("少要三套", "改成40"): the dialog applies it to the only line or asks. */
  qty: z.number().min(0).max(MAX_QTY).optional(),
  unit: z.string().min(1).max(4).optional(),
  /** multiply: "数量翻倍" = 2. */
  factor: z.number().positive().max(MAX_FACTOR).optional(),
  /** A product said vaguely ("推拉的"): the draft line among `candidates` is meant; none → nothing to change. */
  mention: z.string().max(40).optional(),
  candidates: z.array(sku).max(20).optional(),
  /** set: "N75换成T80" — the line the new product replaces (its quantity carries over when the units agree). */
  replaces: sku.optional(),
  /**
   * configure: the size, glass, opening or colour a made-to-size line changes to ("颜色换成白的", "尺寸改成1500*1500");
   * `items` name the product. A size of 0 stands for one said zero or negative (answered, never applied).
   */
  config: z
    .object({
      width_mm: z.number().int().min(0).max(MAX_SIZE_MM).optional(),
      height_mm: z.number().int().min(0).max(MAX_SIZE_MM).optional(),
      glass: z.enum(GLASS_KINDS).optional(),
      opening: z.enum(OPENINGS).optional(),
      color: z.string().min(1).max(20).optional(),
    })
    .optional(),
  /** set: a correction ("不对，是T80"): a product without a quantity takes the place of the draft's only line. */
  corrects: z.boolean().optional(),
  /** The made-to-size line meant by its size ("1200*1500那个改成8樘", "1500*1800的颜色换深灰"). */
  line_size: z.object({ width_mm: sizeMm, height_mm: sizeMm }).optional(),
  date: isoDate.optional(),
  date_kind: z.enum(['on', 'by']).optional(),
});
export const changeSchema = oneChangeSchema.extend({
  /** Further changes of the same message, one per line named ("B45改成两百套，N60不要了"): all apply or none. */
  more: z.array(oneChangeSchema).max(10).optional(),
});
export type DraftChange = z.infer<typeof changeSchema>;

export const questionSchema = z.object({
  about: z.enum(QUESTION_TOPICS),
  items: z.array(z.object({ sku })).max(20).optional(),
  date: isoDate.optional(),
});
export type DraftQuestion = z.infer<typeof questionSchema>;

export const refSchema = z.object({
  kind: z.enum(REF_KINDS),
  /** ordinal: 0-based position among the candidates (第一个 = 0, 最后一个 = -1). */
  index: z.number().int().min(-1).max(19).optional(),
  /** attribute: the words that pick a candidate ("平开"). */
  words: z.string().max(20).optional(),
});
export type Ref = z.infer<typeof refSchema>;

/** Every slot of one request. */
export const slotsSchema = z.object({
  items: z.array(itemSlotSchema).min(1).max(20).optional(),
  date: isoDate.optional().describe('YYYY-MM-DD'),
  /** 'by' for a deadline (月底前), 'on' for a day. */
  date_kind: z.enum(['on', 'by']).optional(),
  /** A date that looked past was moved to the next month/year: the dialog may double-check. */
  date_rolled_forward: z.boolean().optional(),
  order_no: z
    .string()
    .regex(/^SO\d{12}$/)
    .optional(),
  need_id: z
    .string()
    .regex(/^N\d{1,9}$/)
    .optional(),
  /** Each need's own resolution note, in the order need_id, ...need_ids ("N1001 搞定 已安排培训 N1002 玻璃已换好"). */
  need_notes: z.array(z.string().max(200)).max(20).optional(),
  /** Further needs of one claim or resolve ("N1003和N1004都我来"): need_id is the first. */
  need_ids: z
    .array(z.string().regex(/^N\d{1,9}$/))
    .max(20)
    .optional(),
  category: z.enum(NEED_CATEGORIES).optional(),
  rating: z.number().int().min(1).max(5).optional(),
  policy: z.enum(POLICY_KINDS).optional(),
  dealer_code: z
    .string()
    .regex(/^D\d{4}$/)
    .optional(),
  dealer_name: z.string().min(1).max(40).optional(),
  phone: z
    .string()
    .regex(/^1\d{10}$/)
    .optional(),
  manager_code: z
    .string()
    .regex(/^M\d{3}$/)
    .optional(),
  note: z.string().max(200).optional().describe('am.need.resolve / am.contact.log: what was done'),
  /** Free text next to a rating; policy.feedback picked from a list: the comment made before the pick. */
  comment: z.string().max(500).optional(),
  /** policy.feedback picked from a list of the policies just shown: the one meant. */
  policy_code: z.string().min(1).max(40).optional(),
  /** need.submit with a second request after it: the need's own words ("展架坏了", not "…顺便问下有啥活动"). */
  need_text: z.string().min(1).max(2000).optional(),
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional()
    .describe('YYYY-MM'),
  /** sales.query without a month: this week so far ("这周卖了多少") or last week ("上礼拜"); a follow-up carries it. */
  span: z.enum(SALES_WEEKS).optional(),
  /**
   * account.statement asking what was bought (订/买/进货), not the whole statement: 'period' the month of `period`
   * (the running month without it), 'year' this year to date; `items` narrows it to products.
   */
  purchases: z.enum(['period', 'year']).optional(),
  course: z.string().min(1).max(40).optional(),
  campaign: z.string().min(1).max(40).optional(),
  unknown_product: z
    .string()
    .min(1)
    .max(20)
    .optional()
    .describe('order.place / stock.query: a kind of product the catalog does not sell (子母门), named back'),
  change: changeSchema.optional(),
  question: questionSchema.optional(),
  ref: refSchema.optional(),
  /** confirm: 'weak' for a lone emoji / ok / 好 (the dialog re-asks once with the total). */
  confirm: z.enum(['explicit', 'weak']).optional(),
});

/** The slots of a message: its first request, and the others in order (`also`). */
export const messageSlotsSchema = slotsSchema.extend({
  also: z
    .array(z.object({ intent: z.enum(INTENTS), slots: slotsSchema }))
    .max(3)
    .optional(),
});
export type Slots = z.infer<typeof messageSlotsSchema>;

/**
 * What the LLM may propose: the slots a model can fill from the text (not the parser's draft bookkeeping), and
 * items that may name a product by its words when no single SKU fits.
 */
export const proposedItemSchema = itemSlotSchema.extend({
  sku: sku.optional().describe('catalog SKU, only when the mention fits exactly one product'),
  mention: z.string().max(40).optional().describe('the product words as written, when no single SKU fits'),
  qty: z.number().int().min(1).max(MAX_QTY).optional(),
});
export const proposedSlotsSchema = slotsSchema
  .pick({
    date: true,
    date_kind: true,
    order_no: true,
    need_id: true,
    category: true,
    rating: true,
    policy: true,
    dealer_code: true,
    dealer_name: true,
    phone: true,
    manager_code: true,
    note: true,
    period: true,
    course: true,
    campaign: true,
  })
  .extend({ items: z.array(proposedItemSchema).min(1).max(20).optional() });
