/**
 * The intent contract (NLU.md) as a zod schema: what the LLM may propose. Its slots derive from the one slot schema
 * in core/common/slots.ts (shared with the rule parser). It is sent to the model as the function's JSON Schema,
 * then checked again here: the model proposes, the code decides.
 */
import { z } from 'zod';

import {
  INTENTS,
  type Intent,
  MANAGER_INTENTS as MANAGER_INTENT_LIST,
  NEED_CATEGORIES,
  POLICY_KINDS,
} from '../../core/common/intents.js';
import { MAX_QTY, proposedItemSchema, proposedSlotsSchema } from '../../core/common/slots.js';

export { INTENTS, MAX_QTY, NEED_CATEGORIES, POLICY_KINDS };
export type { Intent };

export const intentSchema = z.enum(INTENTS);

/** Intents only an account manager may have (identity comes from the channel, never the text). */
export const MANAGER_INTENTS: ReadonlySet<Intent> = new Set(MANAGER_INTENT_LIST);

export const itemSlotSchema = proposedItemSchema;
export type ItemSlot = z.infer<typeof itemSlotSchema>;

export const slotsSchema = proposedSlotsSchema;
export type Slots = z.infer<typeof slotsSchema>;

export const intentProposalSchema = z.object({
  intent: intentSchema,
  slots: slotsSchema.optional(),
});
export type IntentProposalInput = z.infer<typeof intentProposalSchema>;

/** A validated proposal: slots always present. */
export interface IntentProposal {
  intent: Intent;
  slots: Slots;
}
