import type { z } from 'zod';
import type { Intent } from '../../core/common/intents.js';
import type { proposedSlotsSchema } from '../../core/common/slots.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { CatalogMatcher } from './catalog.matcher.js';
import type { FallbackParser, Slots } from './nlu.types.js';

type ProposedSlots = z.infer<typeof proposedSlotsSchema>;

/** What the fallback needs of the LLM adapter (adapters/llm's IntentLlm is one); nlu itself imports only core. */
export interface IntentProposer {
  proposeIntent(
    text: string,
    context: { sender?: 'dealer' | 'manager'; awaiting?: 'order_confirm' | 'need_rating' | null; today?: string },
    catalog: ReadonlyArray<{ sku: string; name?: string; aliases?: readonly string[] }>,
  ): Promise<{ ok: true; proposal: { intent: Intent; slots: ProposedSlots } } | { ok: false }>;
}

/** Confidence given to a validated LLM proposal: above "unsure", below a clear rule match. */
const LLM_CONFIDENCE = 0.7;

/**
 * The LLM as a second opinion for messages the rules are unsure of. Its proposal has already been checked against
 * the schema, the sender's role and the catalog by the adapter; any failure means "no opinion" (the rules stand).
 * It can never place anything: its slots carry no confirmation, so an order.place/order.modify proposal only
 * shows a draft awaiting the dealer's own 确认.
 */
export function llmFallback(llm: IntentProposer, catalog: () => CatalogMatcher): FallbackParser {
  return async (text, ctx) => {
    const hints = catalog().products.map((p) => ({ sku: p.sku, name: p.name, aliases: p.aliases }));
    const awaiting = ctx.awaiting === 'order_confirm' || ctx.awaiting === 'need_rating' ? ctx.awaiting : null;
    const r = await llm.proposeIntent(text, { sender: ctx.sender, awaiting, today: shanghaiDate(ctx.now) }, hints);
    if (!r.ok || r.proposal.intent === 'unknown') return null;
    // The LLM never confirms anything by itself, nor cancels a waiting draft: only the rules' clear yes or no does.
    if (r.proposal.intent === 'confirm') return null;
    if (ctx.awaiting === 'order_confirm' && r.proposal.intent === 'deny') return null;
    return { kind: 'parsed', intent: r.proposal.intent, slots: toSlots(r.proposal.slots), confidence: LLM_CONFIDENCE };
  };
}

/**
 * The proposal's slots as the rules would give them: only items naming a catalog SKU (a bare mention cannot be
 * ordered), and a date only if it is a real calendar day (2026-02-30 passes a pattern, not the calendar).
 */
function toSlots(proposed: ProposedSlots): Slots {
  const { items, date, ...rest } = proposed;
  // Configured fields pass through: the shared slot schema (core/common/slots.ts) has already bounded them.
  const slots: Slots = { ...(rest as Slots) };
  const known = (items ?? []).filter((i): i is typeof i & { sku: string } => typeof i.sku === 'string');
  if (known.length > 0)
    slots.items = known.map((i) => ({
      sku: i.sku,
      ...(i.qty ? { qty: i.qty } : {}),
      ...(i.unit ? { unit: i.unit } : {}),
      ...(i.width_mm ? { width_mm: i.width_mm } : {}),
      ...(i.height_mm ? { height_mm: i.height_mm } : {}),
      ...(i.glass ? { glass: i.glass } : {}),
      ...(i.opening ? { opening: i.opening } : {}),
      ...(i.color ? { color: i.color } : {}),
    }));
  if (date && isCalendarDate(date)) slots.date = date;
  return slots;
}

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
