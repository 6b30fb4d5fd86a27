import type { CatalogMatcher } from './catalog.matcher.js';
import { extractFacts, mask } from './facts.js';
import type { Ambiguity, ItemSlot, ParseContext } from './nlu.types.js';

/**
 * "那个T80呢", "t80的呢", "还有A70呢": a product and nothing else but the words of "and this one?". Right after a
 * question about another product (its stock, its price, its sales) the dialogue asks the same of this one; on its
 * own the message is read as usual.
 */

/** What may surround the product in such a follow-up (the particle 呢 itself is what `asks` keeps). */
const AROUND = /^(那|那么|那个|那款|那还有|还有|再|再看看?|再查查?|换|看看?)?\u0001+(的|这款|这个)?$/;

/** The products a bare follow-up names (with the mentions that fit several), or null when it is no such message. */
export function followUpProducts(
  text: string,
  ctx: ParseContext,
  matcher: CatalogMatcher,
): { items: ItemSlot[]; ambiguities: Ambiguity[] } | null {
  const f = extractFacts(text, ctx, matcher);
  if (!f.asks || f.mentions.length === 0 || f.qtys.length > 0 || f.date || f.unsold) return null;
  if (f.orderNo || f.needId || f.dealerCode || f.managerCode || f.phone) return null;
  const rest = mask(f.t, f.mentions).replace(/[\s.,!?~]/g, '');
  if (!AROUND.test(rest)) return null;
  const seen = new Set<string>();
  const items = f.items.items.filter((i) => !seen.has(i.sku) && seen.add(i.sku)).map((i) => ({ sku: i.sku }));
  const ambiguities = f.items.ambiguities.map((a) => ({ mention: a.mention, candidates: a.candidates }));
  return items.length > 0 || ambiguities.length > 0 ? { items, ambiguities } : null;
}
