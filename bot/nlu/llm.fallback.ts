import type { IntentLlm, IntentProposal } from '../../adapters/llm/llm.client.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { CatalogMatcher } from './catalog.matcher.js';
import type { FallbackParser, Slots } from './nlu.types.js';

/** Confidence given to a validated LLM proposal: above "unsure", below a clear rule match. */
const LLM_CONFIDENCE = 0.7;

/**
 * The LLM as a second opinion for messages the rules are unsure of. Its proposal has already been checked against
 * the schema, the sender's role and the catalog by the adapter; any failure means "no opinion" (the rules stand).
 * It can never place anything: its slots carry no confirmation, so an order.place/order.modify proposal only
 * shows a draft awaiting the dealer's own 确认.
 */
export function llmFallback(llm: IntentLlm, catalog: () => CatalogMatcher): FallbackParser {
  return async (text, ctx) => {
    const hints = catalog().products.map((p) => ({ sku: p.sku, name: p.name, aliases: p.aliases }));
    const awaiting = ctx.awaiting === 'order_confirm' || ctx.awaiting === 'need_rating' ? ctx.awaiting : null;
    const r = await llm.proposeIntent(text, { sender: ctx.sender, awaiting, today: shanghaiDate(ctx.now) }, hints);
    if (!r.ok || r.proposal.intent === 'unknown') return null;
    // Only a clear yes or no read by the rules answers a waiting draft: the LLM never confirms or cancels one.
    if (ctx.awaiting === 'order_confirm' && (r.proposal.intent === 'confirm' || r.proposal.intent === 'deny'))
      return null;
    return { kind: 'parsed', intent: r.proposal.intent, slots: toSlots(r.proposal.slots), confidence: LLM_CONFIDENCE };
  };
}

/**
 * The proposal's slots as the rules would give them: only items naming a catalog SKU (a bare mention cannot be
 * ordered), and a date only if it is a real calendar day (2026-02-30 passes a pattern, not the calendar).
 */
function toSlots(proposed: IntentProposal['slots']): Slots {
  const { items, date, ...rest } = proposed;
  const slots: Slots = { ...(rest as Slots) };
  const known = (items ?? []).filter((i): i is typeof i & { sku: string } => typeof i.sku === 'string');
  if (known.length > 0)
    slots.items = known.map((i) => ({
      sku: i.sku,
      ...(i.qty ? { qty: i.qty } : {}),
      ...(i.unit ? { unit: i.unit } : {}),
    }));
  if (date && isCalendarDate(date)) slots.date = date;
  return slots;
}

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
