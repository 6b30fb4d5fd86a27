import type { SalesWeek } from '../../core/common/slots.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { Facts } from './facts.js';
import type { Ref } from './nlu.types.js';
import { parseNumber } from './numbers.js';

/**
 * Free-text and relative slots: the period (YYYY-MM), the words naming a course / campaign / dealer, and references
 * to something said before ("上次那单", "那个", "第一个"). All read the facts' normalised text.
 */

const ym = (y: number, m: number) => {
  const d = new Date(Date.UTC(y, m - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

/** "这个月" / "上个月" / "10月份" / "2026年10月" → YYYY-MM (a month after the current one means last year's). */
export function extractPeriod(k: string, now: Date): string | undefined {
  const [y, m] = shanghaiDate(now).split('-').map(Number) as [number, number];
  if (/这个?月|本月|当月|月初到现在/.test(k)) return ym(y, m);
  if (/上上个?月/.test(k)) return ym(y, m - 2);
  if (/上个?月|前一个月/.test(k)) return ym(y, m - 1);
  const full = /(20\d\d)\s*(?:年|-|\/|\.)\s*(\d{1,2})(?:月|(?![0-9]))/.exec(k);
  if (full) return ym(Number(full[1]), Number(full[2]));
  // 去年12月, 今年三月份, 前年8月
  const rel = /(去年|今年|前年)([0-9]{1,2}|[一二三四五六七八九十]{1,3})月/.exec(k);
  if (rel) {
    const n = parseNumber(rel[2]!);
    const year = { 前年: y - 2, 去年: y - 1, 今年: y }[rel[1] as '前年' | '去年' | '今年'];
    if (n !== null && Number.isInteger(n) && n >= 1 && n <= 12) return ym(year, n);
  }
  const month = /(?<![0-9年])([0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?(?![0-9一二三四五六七八九十]*[号日])/.exec(k);
  if (month) {
    const n = parseNumber(month[1]!);
    if (n !== null && Number.isInteger(n) && n >= 1 && n <= 12) return ym(n > m ? y - 1 : y, n);
  }
  return undefined;
}

/** This week so far ("这周", "本星期", "这个礼拜"): a sales question's span when it names no month. */
const THIS_WEEK = /(这|本|这个)(周|星期|礼拜)/;
/** Last week, Monday to Sunday ("上周", "上个礼拜", "上星期"); not the week before it ("上上周"). */
const LAST_WEEK = /(?<!上)上个?(周|星期|礼拜)/;
/** The week before last, Monday to Sunday ("上上周", "上上个礼拜", "前一周" is not said for it). */
const WEEK_BEFORE_LAST = /(?<!上)上上个?(周|星期|礼拜)/;
/** The last seven days ("最近一周", "近7天", "过去一个礼拜"): not a calendar week. */
const LAST_7_DAYS = /(最近|近|过去)一?个?(1|一|7|七)(周|星期|个?礼拜)|(最近|近|过去)(7|七)天/;
/** Any of those weeks, as words inside a longer pattern (a follow-up's "那上周呢"). */
export const SALES_WEEK_WORDS = [LAST_7_DAYS, THIS_WEEK, WEEK_BEFORE_LAST, LAST_WEEK].map((r) => r.source).join('|');

/** The week a sales question names, if any. */
export function salesWeek(k: string): SalesWeek | undefined {
  if (LAST_7_DAYS.test(k)) return 'last_7_days';
  if (THIS_WEEK.test(k)) return 'week';
  if (WEEK_BEFORE_LAST.test(k)) return 'week_before_last';
  return LAST_WEEK.test(k) ? 'last_week' : undefined;
}

/**
 * A sales question's period: the month named (YYYY-MM), else this week or last week. `k` has its product mentions masked, so a
 * model code's digits never run into the month ("N60十月" is October).
 */
export function extractSalesPeriod(k: string, now: Date): { period?: string; span?: SalesWeek } {
  const period = extractPeriod(k, now);
  if (period) return { period };
  const span = salesWeek(k);
  return span ? { span } : {};
}

// Words around a name that are not the name.
const LEAD =
  /^(我们?|我司|帮我|帮忙|麻烦|请|想|要|也|能不能|可以|给我|给我们)*(报名|报个名|报一下|报|参加|参与|加入|申请|预约|约)(一下|下)?(参加)?/;
const TRAIL = /(怎么报名|怎么参加|可以吗|行吗|吗|吧|呢|谢谢|,.*)$/;

/** The words naming what to enrol in / join, from the enrol verb to the end of the clause. */
function nameAfterVerb(k: string): string | undefined {
  const m = /(报名|报个名|报一下|报|参加|参与|加入|预约)(一下)?/.exec(k);
  let rest = m ? k.slice(m.index + m[0].length) : k.replace(LEAD, '');
  rest = rest.replace(/^(参加|参与|一下|个|那个|这个|一期|呗|吧|啊|哈)+/, '').replace(TRAIL, '');
  rest = rest.replace(/[\u0001.!?;:~]/g, '').replace(/的$/, '');
  return rest.length >= 2 && rest.length <= 30 ? rest : undefined;
}

const COURSE_WORDS = /培训|课|班|讲座|学习|训练营|学院|宣讲|安装/;
const CAMPAIGN_NAME_WORDS = /活动|节|季|促销|大促|展|团购|直播|联合|推广|品鉴|品牌日|巡|会|campaign/;
// The name said before the sign-up words: "新员工培训我们报名", "区域促销 报个名", "售后培训帮我报上".
const NAME_BEFORE =
  /^(?:我想学|想学|我们?想学)?([\u4e00-\u9fffa-z0-9]{2,16}?)(?:我们?|我司|我们店|咱们?)?(?:也|都)?(?:要|想)?(?:帮我|给我)?(?:怎么|如何|咋)?(?:报名|报个名|报一下|报上|报两个|报[0-9一二两三]个|参加|参与|加入|报)/;
// Not a name: the words of the request itself ("我们店要报名", "报名参加").
const NOT_A_NAME = /^(我|我们|我们店|咱|咱们|帮我|给我|那个|这个|下次的?|上次|怎么|怎样|整个活动)/;

function nameBefore(k: string, words: RegExp): string | undefined {
  const m = NAME_BEFORE.exec(k.replace(/[\u0001\s.,!?;:~]/g, ''));
  const name = m?.[1];
  return name && words.test(name) && !NOT_A_NAME.test(name) ? name : undefined;
}

/** "帮我报名下周的安装培训" → "下周的安装培训"; "新员工培训我们报名" → "新员工培训". */
export function extractCourse(k: string): string | undefined {
  const after = nameAfterVerb(k);
  const name = after && COURSE_WORDS.test(after) ? after : nameBefore(k, COURSE_WORDS);
  // Model codes are written in capitals ("T95安装培训").
  return name?.replace(/[a-z]{1,3}\d{2,4}/g, (code) => code.toUpperCase());
}

/** "新品体验节我们也参加" → "新品体验节"; "整个活动报名呗 新品体验节那个" → "新品体验节". */
export function extractCampaign(k: string): string | undefined {
  const name = nameAfterVerb(k);
  if (name && CAMPAIGN_NAME_WORDS.test(name) && !NOT_A_NAME.test(name)) return name.replace(/那个$/, '');
  const before = nameBefore(k, CAMPAIGN_NAME_WORDS);
  if (before) return before;
  // The name said on its own in another clause: "…报名呗 新品体验节那个".
  const named =
    /([\u4e00-\u9fff]{2,8}(?:体验节|体验季|品鉴会|促销|大促|品牌日|巡展|团购|展会|节|季))(?:那个|这个|的)?/.exec(
      k.replace(/[\u0001\s.,!?;:~]/g, ' '),
    );
  return named && !NOT_A_NAME.test(named[1]!) ? named[1] : undefined;
}

const DEALER_SUFFIX =
  '橱柜店|橱柜|门窗建材|门窗|系统门窗|铝门窗|门业|建材|建筑材料|装饰工程|装饰材料|装饰|工程材料|家居建材|家居|五金|商行|经营部|经销部';
const DEALER_NAME_RE = new RegExp(`([\\u4e00-\\u9fffa-z0-9]{1,12}?(?:${DEALER_SUFFIX}))(?:有限公司|公司|店)?`);
const LOOKUP_NAME_RE =
  /(?:查一?下|查查|查|看一?下|看看|调出|调取|打开)(?:经销商|客户|门店|这家|一下)?([\u4e00-\u9fffa-z0-9]{2,16}?)(?:的)?(?:资料|档案|情况|画像|信息|数据|订货|销量|概况|详情|怎么样)/;

// A bare name, once the intent is known to be a lookup: "查 安居乐", "瑞祥 这家店", "佳美最近咋样".
const BARE_NAME_RE =
  /^(?:查一?下|查查|查|看一?下|看看)?([\u4e00-\u9fff]{2,8}?)(?:这家店|这家|这个店|这个客户|这个经销商)?(?:最近|现在)?(?:咋样|怎么样|情况|资料)?$/;

/** A dealer named by (part of) its name, for a manager's lookup; `bare` also takes a name without any suffix. */
export function extractDealerName(k: string, bare = false): string | undefined {
  if (bare) {
    const name = extractDealerName(k);
    if (name) return name;
    const m = BARE_NAME_RE.exec(k.replace(/[\u0001\s.,!?]/g, ''));
    return m && !/^(我|我们|他|她|这|那|需求|工单|今天|订单|返利|经销商|客户)/.test(m[1]!) ? m[1] : undefined;
  }
  const named = DEALER_NAME_RE.exec(k);
  if (named) return named[1]!.replace(/^(查一?下|查查|查|看一?下|看看|调出|调取|打开|经销商|客户)+/, '');
  const asked = LOOKUP_NAME_RE.exec(k);
  if (asked && !/^(我|我们|他|她|这|那|需求|工单|今天|订单|返利)/.test(asked[1]!)) return asked[1];
  return undefined;
}

const SINGLE_ORDER = /(?<![哪些几])(那|这)(一|个)?(单|订单|张单)|刚(下|订|拍)(的|了)?(那|这)?(一|个)?(单|订单)/;

const ORDINALS: Array<[RegExp, number]> = [
  [/第一|第1|头一|前一个|前面(那|的)|上面(那|的)|左边/, 0],
  [/第二|第2|后一个|后面(那|的)|下面(那|的)|右边/, 1],
  [/第三|第3/, 2],
  [/第四|第4/, 3],
  [/最后一|最后那/, -1],
];

/**
 * A reference in the message: to the last order / need, to "that one", or — when the bot offered candidates — to
 * one of them by position, price or words ("平开的那个").
 */
export function extractRef(f: Facts): Ref | undefined {
  const { k } = f;
  if (/(最近|最新|刚才|刚刚|上一|上次|上回|前面|之前|昨天)(那|的|下的|那个|一)?(单|订单)/.test(k)) {
    return { kind: 'last_order' };
  }
  // One order meant, not a list: "我那单", "那个单子", "刚下的单" (a plural — 那几单, 那些单 — or "我的订单" still lists).
  if (SINGLE_ORDER.test(k)) return { kind: 'last_order' };
  if (/(上次|上回|之前|刚才|前几天)(说|提|报|反映|申请)的|(上次|之前)那(个|件)?(事|需求|问题)/.test(k)) {
    return { kind: 'last_need' };
  }
  for (const [re, index] of ORDINALS) if (re.test(k)) return { kind: 'ordinal', index };
  if (/便宜|实惠|价格低|价低|低价|省钱/.test(k)) return { kind: 'cheapest' };
  if (/贵的|贵一点|价格高|高端|最好的|好一点的/.test(k)) return { kind: 'dearest' };
  const words = k
    .replace(/[\u0001\s.,!?]/g, '')
    .replace(/^(就|要|选|还是|我要|我选|要的是|是)+/, '')
    .replace(/(的那个|的那款|的那种|那个|那款|那种|这个|的|吧|就行|就好|呗)+$/, '');
  if (/那个|那款|那种|这个|的$/.test(k) && words.length >= 1 && words.length <= 6) return { kind: 'attribute', words };
  if (/^那个|^这个|就那个|就这个/.test(k)) return { kind: 'that_one' };
  return undefined;
}

/** The candidate a reference picks, or undefined when it does not pick exactly one. */
export function resolveRef(ref: Ref, f: Facts, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  if (ref.kind === 'ordinal') return ref.index === -1 ? candidates.at(-1) : candidates[ref.index ?? 0];
  const products = candidates.map((sku) => f.matcher.product(sku)).filter((p) => p !== undefined);
  if (ref.kind === 'cheapest' || ref.kind === 'dearest') {
    const sorted = [...products].sort((a, b) => a.listPriceFen - b.listPriceFen);
    const pick = ref.kind === 'cheapest' ? sorted[0] : sorted.at(-1);
    const tie = ref.kind === 'cheapest' ? sorted[1] : sorted.at(-2);
    return pick && !(tie && tie !== pick && tie.listPriceFen === pick.listPriceFen) ? pick.sku : undefined;
  }
  if (ref.kind === 'attribute' && ref.words) {
    const words = ref.words;
    const fits = products.filter((p) =>
      [p.name, p.series, ...p.aliases, ...p.tags].some((s) => s.toLowerCase().includes(words)),
    );
    return fits.length === 1 ? fits[0]!.sku : undefined;
  }
  return undefined;
}
