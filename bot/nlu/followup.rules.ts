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
// 得 and 滴 are typed for 的 ("上个月得呢").
const AROUND = /^(那|那么|那个|那款|那还有|还有|再|再看看?|再查查?|换|看看?)?\u0001*(的|得|滴|这款|这个)?$/;

/** The period words of a follow-up: this or last week, a month said relatively or by its number. */
const WHEN = new RegExp(
  `${SALES_WEEK_WORDS}|上上个?月|上个?月|这个?月|本月|当月|(20\\d\\d年|去年|今年|前年)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})月[份分]?`,
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

/** A fragment's words alone: no spaces, punctuation or symbols ("那个 呢？" → "那个呢"). */
export const fragmentText = (text: string) => text.replace(/[\s\p{P}\p{S}]/gu, '');

/** "还有呢", "那个呢", "其他的呢": only the words of "and that?", naming nothing. */
const POINTING =
  /^(那么?|还有)?(那个|这个|那些|这些|那款|这款|其他的?|其它的?|别的|另外的?|剩下的?|其余的?|还有)?[的得滴]?呢$/;
/** "上个季度的呢", "今年的呢": a stretch of time no follow-up reads (quarters, years), and nothing else. */
const STRETCH =
  /^(那么?|还有)?(上上个?季度|上个?季度|这个?季度|本季度|下个?季度|今年|去年|前年|上半年|下半年|全年)[的得滴]?呢$/;

/**
 * A fragment that names nothing a follow-up can ask again: "还有呢", "那个呢" (`words` absent) or "上个季度的呢"
 * (`words`: the stretch of time said). Null for any other message. What it means depends on the question before it,
 * so the dialogue asks back instead of letting the parser guess.
 */
export function bareFragment(text: string): { words?: string } | null {
  const k = fragmentText(text);
  if (POINTING.test(k)) return {};
  const stretch = STRETCH.exec(k);
  return stretch ? { words: stretch[2]! } : null;
}

/** "各个门店呢", "分门店的呢", "每家店怎么样": the question before, split per store, and nothing else. */
const STORES = /^(那么?|还有)?(各个?|每个?|每家|分)(门店|店|家店)[的得滴]?(情况|数据)?(呢|怎么样|咋样|如何)$/;

/** Whether `text` only asks the question before again per store (the sales handler splits by the words). */
export const storesFragment = (text: string): boolean => STORES.test(fragmentText(text));
