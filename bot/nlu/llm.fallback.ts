import type { IntentLlm } from '../../adapters/llm/llm.client.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { FallbackParser } from '../dialog/engine.js';
import type { CatalogMatcher } from './catalog.matcher.js';
import type { Slots } from './nlu.types.js';

/** Confidence given to a validated LLM proposal: above "unsure", below a clear rule match. */
const LLM_CONFIDENCE = 0.7;

/**
 * The LLM as a second opinion for messages the rules are unsure of. Its proposal has already been checked against
 * the schema, the sender's role and the catalog by the adapter; any failure means "no opinion" (the rules stand).
 */
export function llmFallback(llm: IntentLlm, catalog: () => CatalogMatcher): FallbackParser {
  return async (text, ctx) => {
    const hints = catalog().products.map((p) => ({ sku: p.sku, name: p.name, aliases: p.aliases }));
    const awaiting = ctx.awaiting === 'order_confirm' || ctx.awaiting === 'need_rating' ? ctx.awaiting : null;
    const r = await llm.proposeIntent(text, { sender: ctx.sender, awaiting, today: shanghaiDate(ctx.now) }, hints);
    if (!r.ok || r.proposal.intent === 'unknown') return null;
    return { kind: 'parsed', intent: r.proposal.intent, slots: r.proposal.slots as Slots, confidence: LLM_CONFIDENCE };
  };
}
