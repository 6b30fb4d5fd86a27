import type { CatalogMatcher } from './catalog.matcher.js';
import { extractFacts, mask } from './facts.js';
import type { Ambiguity, ItemSlot, ParseContext } from './nlu.types.js';
import type { SalesWeek } from '../../core/common/slots.js';
import { extractSalesPeriod, SALES_WEEK_WORDS } from './slots.extract.js';

/**
 * "那个T80呢", "t80的呢", "还有A70呢", "那这周呢", "T80上个月的呢": a product, a period or both, and nothing else but
 * the words of "and this one?". Right after a question about another product (its stock, its price, its sales) the
 * dialogue asks the same of this one, over the period said if any; on its own the message is read as usual.
 */

/** What may surround the product and the period in such a follow-up (the particle 呢 itself is what `asks` keeps). */
const AROUND = /^(那|那么|那个|那款|那还有|还有|再|再看看?|再查查?|换|看看?)?\u0001*(的|这款|这个)?$/;

/** The period words of a follow-up: this or last week, a month said relatively or by its number. */
const WHEN = new RegExp(
  `${SALES_WEEK_WORDS}|上上个?月|上个?月|这个?月|本月|当月|(20\\d\\d年|去年|今年|前年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?`,
);

export interface FollowUp {
  /** The products named, with the mentions that fit several; both empty when only a period is said. */
  items: ItemSlot[];
  ambiguities: Ambiguity[];
  /** The period said: a month (YYYY-MM) or this week; absent when the follow-up names none. */
  period?: string;
  span?: SalesWeek;
}

/** What a bare follow-up names, or null when it is no such message. */
export function followUpProducts(text: string, ctx: ParseContext, matcher: CatalogMatcher): FollowUp | null {
  const f = extractFacts(text, ctx, matcher);
  if (!f.asks || f.qtys.length > 0 || f.date || f.unsold) return null;
  if (f.orderNo || f.needId || f.dealerCode || f.managerCode || f.phone) return null;
  const masked = mask(f.t, f.mentions);
  const when = WHEN.exec(masked);
  const said = when ? extractSalesPeriod(when[0], ctx.now) : {};
  if (when && !said.period && !said.span) return null;
  if (f.mentions.length === 0 && !when) return null;
  const rest = (when ? masked.slice(0, when.index) + masked.slice(when.index + when[0].length) : masked).replace(
    /[\s.,!?~]/g,
    '',
  );
  if (!AROUND.test(rest)) return null;
  const seen = new Set<string>();
  const items = f.items.items.filter((i) => !seen.has(i.sku) && seen.add(i.sku)).map((i) => ({ sku: i.sku }));
  const ambiguities = f.items.ambiguities.map((a) => ({ mention: a.mention, candidates: a.candidates }));
  if (f.mentions.length > 0 && items.length === 0 && ambiguities.length === 0) return null;
  return { items, ambiguities, ...said };
}
