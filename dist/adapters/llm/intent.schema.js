/**
 * The intent contract (NLU.md) as a zod schema: what the LLM may propose. The rules parser may import it too.
 * It is sent to the model as the function's JSON Schema, then checked again here: the model proposes, the code decides.
 */
import { z } from 'zod';
import { INTENTS, MANAGER_INTENTS as MANAGER_INTENT_LIST, NEED_CATEGORIES, POLICY_KINDS, } from '../../core/common/intents.js';
export { INTENTS, NEED_CATEGORIES, POLICY_KINDS };
export const intentSchema = z.enum(INTENTS);
/** Intents only an account manager may have (identity comes from the channel, never the text). */
export const MANAGER_INTENTS = new Set(MANAGER_INTENT_LIST);
export const MAX_QTY = 100_000;
export const itemSlotSchema = z.object({
    sku: z
        .string()
        .regex(/^[A-Z]{2}-[A-Z0-9]{2,8}$/)
        .optional()
        .describe('catalog SKU, only when the mention fits exactly one product'),
    mention: z.string().max(40).optional().describe('the product words as written, when no single SKU fits'),
    qty: z.number().int().min(1).max(MAX_QTY).optional(),
    unit: z.string().min(1).max(4).optional().describe('套, 樘, 个, 米, 卷'),
});
export const slotsSchema = z.object({
    items: z.array(itemSlotSchema).min(1).max(20).optional(),
    date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional()
        .describe('YYYY-MM-DD'),
    order_no: z
        .string()
        .regex(/^SO\d{12}$/)
        .optional(),
    need_id: z
        .string()
        .regex(/^N\d{1,9}$/)
        .optional(),
    category: z.enum(NEED_CATEGORIES).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    policy: z.enum(POLICY_KINDS).optional(),
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
    note: z.string().max(200).optional().describe('am.need.resolve: what was done'),
});
export const intentProposalSchema = z.object({
    intent: intentSchema,
    slots: slotsSchema.optional(),
});
//# sourceMappingURL=intent.schema.js.map