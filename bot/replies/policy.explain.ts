import type { AnniversaryStatus } from '../../core/policies/anniversary.js';
import type { GrowthStatus } from '../../core/policies/growth.js';
import type { LadderPosition } from '../../core/policies/ladder.js';
import { RATE_SCALE, rateToNano } from '../../core/policies/money.js';
import { numbersIn } from '../../core/policies/number.guard.js';
import type {
  AnniversaryBonusPolicy,
  GrowthRewardPolicy,
  LadderRebatePolicy,
  Period,
  PromotionPolicy,
} from '../../core/policies/policy.types.js';
import type { DealerPosition } from '../../core/policies/policy.service.js';
import type { PolicyDealer } from '../../core/policies/ports.js';
import type { PromotionResult } from '../../core/policies/promotion.js';
import type { QualifyingAmount } from '../../core/policies/qualifying.js';
import { periodLabel } from '../../core/policies/dates.js';
import { changeText } from './format.js';

/** A dealer-facing explanation and every number it uses (for the LLM number guard). */
export interface Explanation {
  text: string;
  facts: string[];
}

/** Chinese names of catalog categories, as dealers say them. */
export const CATEGORY_NAMES_ZH: Readonly<Record<string, string>> = {
  windows: '窗类',
  doors: '门类',
  cabinets: '橱柜',
  accessories: '五金辅料',
};

export function categoryNameZh(category: string): string {
  return CATEGORY_NAMES_ZH[category] ?? category;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ¥1,250,000 for whole yuan, ¥1,250,000.50 when there are fen; '-¥…' for negatives. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be an integer');
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = groupThousands(String(Math.trunc(abs / 100)));
  const cents = abs % 100;
  return `${sign}¥${yuan}${cents === 0 ? '' : `.${String(cents).padStart(2, '0')}`}`;
}

/** 0.03 → '3%', 0.015 → '1.5%' (exact). */
export function formatPercent(rate: number): string {
  return `${decimalString(rateToNano(rate) * 100n)}%`;
}

/** A nano-scaled bigint as a plain decimal string (30000000n → '0.03'). */
function decimalString(nano: bigint): string {
  const int = nano / RATE_SCALE;
  const frac = (nano % RATE_SCALE).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** Collects the numbers an explanation uses, in the forms a rephrasing may use. */
class Facts {
  private readonly set = new Set<string>();
  money(fen: number): string {
    const shown = formatYuan(fen);
    this.add(shown.replace('¥', ''), (fen / 100).toString());
    return shown;
  }
  rate(rate: number): string {
    const shown = formatPercent(rate);
    this.add(shown, decimalString(rateToNano(rate)));
    return shown;
  }
  date(date: string): string {
    this.add(date);
    return date;
  }
  number(n: number | string): string {
    this.add(String(n));
    return String(n);
  }
  /** Adds the numbers found in free text (a policy name such as '2026年第四季度…'). */
  fromText(text: string): string {
    for (const t of numbersIn(text)) this.add(t.raw);
    return text;
  }
  add(...values: string[]): void {
    for (const v of values) this.set.add(v);
  }
  list(): string[] {
    return [...this.set];
  }
}

function countsLine(f: Facts, period: Period, excludeCategories: readonly string[]): string {
  const excluded = [...excludeCategories.map(categoryNameZh), '已取消的订单'];
  return `计入：${f.date(period.start)} 至 ${f.date(period.end)} 下单的订单金额（按折后价）；不计入：${excluded.join('、')}。`;
}

/** Explains a ladder rebate with the dealer's own amount and position. */
export function explainLadder(policy: LadderRebatePolicy, position: LadderPosition, amountFen: number): Explanation {
  const f = new Facts();
  const label = periodLabel(policy.period);
  const lines: string[] = [`【${f.fromText(policy.name)}】`];
  const head = `您${label}累计 ${f.money(amountFen)}，处于 ${f.rate(position.rate)} 档，已累计返利 ${f.money(position.rebate)}`;
  if (position.next) {
    const nextRate = policy.ladder[position.band + 1]?.rate ?? 0;
    lines.push(
      `${head}；再订 ${f.money(position.next.gap)} 可到 ${f.rate(nextRate)} 档，届时返利 ${f.money(position.next.rebateAtNext)}。`,
    );
  } else {
    lines.push(`${head}，已是最高档。`);
  }
  const table = policy.ladder.map((b) => `${f.money(b.from)} 起 ${f.rate(b.rate)}`).join('｜');
  const how =
    policy.mode === 'retroactive'
      ? '全额返：达到的档位费率适用于整期全部金额'
      : '超额累进：每档费率只算落在该档内的金额';
  lines.push(`档位：${table}（${how}）`);
  lines.push(countsLine(f, policy.period, policy.excludeCategories));
  return { text: lines.join('\n'), facts: f.list() };
}

/** Explains the growth reward with this year's and last year's amounts. */
export function explainGrowth(
  policy: GrowthRewardPolicy,
  status: GrowthStatus,
  /** To date against the same days last year: the 同比 the managers' lists show too. */
  sameDays?: { previousFen: number; change: number | null },
): Explanation {
  const f = new Facts();
  const label = periodLabel(policy.period);
  const lines: string[] = [`【${f.fromText(policy.name)}】`];
  lines.push(
    `规则：${label}进货额比去年同期增长超过 ${f.rate(policy.minGrowth)}，整期进货额可得 ${f.rate(policy.bonusRate)} 的成长奖励。`,
  );
  if (status.reason === 'no_baseline') {
    lines.push(`您${label}累计 ${f.money(status.currentFen)}，去年同期没有进货记录，暂时无法计算增长。`);
  } else {
    const growthPct = `${f.number(Math.round((status.growth ?? 0) * 1000) / 10)}%`;
    f.add(growthPct);
    if (sameDays && sameDays.previousFen > 0) {
      const pct = Math.round((sameDays.change ?? 0) * 100);
      f.add(String(pct), `${pct}%`);
      lines.push(
        `同比：您${label}累计 ${f.money(status.currentFen)}，去年同期 ${f.money(sameDays.previousFen)}，同比${changeText(sameDays.change, status.currentFen)}。`,
      );
    }
    // The reward compares whole periods: last year's whole period is the baseline.
    const head = `您${label}累计 ${f.money(status.currentFen)}，去年整期 ${f.money(status.previousFen)}，整期增长 ${growthPct}`;
    if (status.qualifies) {
      lines.push(`${head}，已达标，当前可得奖励 ${f.money(status.rewardFen)}。`);
    } else {
      lines.push(
        `${head}；再进货 ${f.money(status.gapFen ?? 0)}（累计达到 ${f.money(status.thresholdFen ?? 0)}）即可达标，届时奖励 ${f.money(status.rewardAtThreshold ?? 0)}。`,
      );
    }
  }
  lines.push(countsLine(f, policy.period, policy.excludeCategories));
  return { text: lines.join('\n'), facts: f.list() };
}

/** Explains the anniversary bonus: which month, and (in that month) the bonus so far. */
export function explainAnniversary(
  policy: AnniversaryBonusPolicy,
  status: AnniversaryStatus,
  partnerSince: string,
  monthAmountFen?: number,
  bonusFen?: number,
): Explanation {
  const f = new Facts();
  const lines: string[] = [`【${f.fromText(policy.name)}】`];
  lines.push(
    `您从 ${f.date(partnerSince)} 开始与我们合作，${f.date(status.anniversaryDate)} 是合作 ${f.number(policy.years)} 周年。` +
      `${f.date(status.month.start)} 至 ${f.date(status.month.end)} 当月的订单额外返利 ${f.rate(policy.bonusRate)}。`,
  );
  if (status.isThisMonth) {
    if (monthAmountFen !== undefined && bonusFen !== undefined) {
      lines.push(`就是本月！本月已计入 ${f.money(monthAmountFen)}，额外返利 ${f.money(bonusFen)}。`);
    } else {
      lines.push('就是本月！本月下单即可享受。');
    }
  } else if (status.monthsAway > 0) {
    lines.push(`距离周年月还有 ${f.number(status.monthsAway)} 个月，可以提前规划进货。`);
  } else {
    lines.push('该周年月已过。');
  }
  lines.push(`不计入：${[...policy.excludeCategories.map(categoryNameZh), '已取消的订单'].join('、')}。`);
  return { text: lines.join('\n'), facts: f.list() };
}

/** Explains a promotion; with an order's result, also what it gives on that order. */
export function explainPromotion(policy: PromotionPolicy, result?: PromotionResult): Explanation {
  const f = new Facts();
  const lines: string[] = [`【${f.fromText(policy.name)}】`];
  const tags = policy.productTagsAny.map((t) => `“${f.fromText(t)}”`).join('、');
  lines.push(
    `${f.date(policy.period.start)} 至 ${f.date(policy.period.end)}，单笔订单中带${tags}标签的产品满 ${f.money(policy.minOrderAmount)}，这部分产品享 ${f.rate(policy.discountRate)} 优惠。`,
  );
  if (result) {
    if (!result.inPeriod) {
      lines.push('本单不在活动期内。');
    } else if (result.reached) {
      lines.push(`本单相关产品 ${f.money(result.eligibleFen)}，已满足条件，优惠 ${f.money(result.discountFen)}。`);
    } else {
      lines.push(
        `本单相关产品 ${f.money(result.eligibleFen)}，再加 ${f.money(result.gapFen)} 即可享受优惠（满额时优惠 ${f.money(result.discountAtMin)}）。`,
      );
    }
  }
  return { text: lines.join('\n'), facts: f.list() };
}

/** What was left out of the dealer's amount (excluded categories, cancelled orders), as an explanation line. */
function nettingLine(basis: QualifyingAmount, excludeCategories: readonly string[]): Explanation | null {
  const parts: string[] = [];
  const facts: string[] = [];
  const money = (fen: number) => {
    const shown = formatYuan(fen);
    facts.push(shown.replace('¥', ''), (fen / 100).toString());
    return shown;
  };
  if (basis.excludedFen > 0)
    parts.push(`${excludeCategories.map(categoryNameZh).join('、')} ${money(basis.excludedFen)}`);
  if (basis.cancelledFen > 0) parts.push(`已取消订单 ${money(basis.cancelledFen)}`);
  if (parts.length === 0) return null;
  return { text: `您本期未计入的部分：${parts.join('，')}。`, facts };
}

function joinExplanations(parts: Array<Explanation | null>): Explanation {
  const present = parts.filter((p): p is Explanation => p !== null);
  return { text: present.map((p) => p.text).join('\n'), facts: [...new Set(present.flatMap((p) => p.facts))] };
}

/**
 * How the policy combines with the others it names (policies.json `combines`): stacked ones are both paid,
 * a replaced one is not. `names` gives the other policies' names (their codes otherwise).
 */
export function combinesLine(
  policy: { combines?: { mode: 'stacks' | 'replaces'; with: string[] } },
  names: ReadonlyMap<string, string> = new Map(),
): Explanation | null {
  const c = policy.combines;
  if (!c) return null;
  const others = c.with.map((code) => `「${names.get(code) ?? code}」`).join('、');
  return {
    text:
      c.mode === 'stacks'
        ? `本政策与${others}叠加：两项返利各按自己的档位分别计算，一并发放。`
        : `本政策替代${others}：适用本政策的经销商不再享受${others}。`,
    facts: [],
  };
}

/** The rule in plain Chinese with the dealer's own numbers, and every number it uses (for the LLM guard). */
export function explainPosition(
  p: DealerPosition,
  dealer: PolicyDealer,
  names?: ReadonlyMap<string, string>,
): Explanation {
  switch (p.kind) {
    case 'ladder_rebate':
      return joinExplanations([
        explainLadder(p.policy, p.position, p.basis.amountFen),
        nettingLine(p.basis, p.policy.excludeCategories),
        combinesLine(p.policy, names),
      ]);
    case 'growth_reward':
      return joinExplanations([
        explainGrowth(p.policy, p.status, p.sameDays),
        nettingLine(p.basis, p.policy.excludeCategories),
      ]);
    case 'anniversary_bonus':
      return explainAnniversary(
        p.policy,
        p.status,
        dealer.partnershipStart,
        p.month?.amountFen,
        p.bonusFen ?? undefined,
      );
    case 'promotion':
      return explainPromotion(p.policy);
  }
}
