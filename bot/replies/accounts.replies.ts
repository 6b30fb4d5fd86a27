import type { Purchases, ScoreDimensions, Statement, TierStatus } from '../../core/accounts/accounts.types.js';
import { DEFAULT_SCORING } from '../../core/dealers/scoring.js';
import { TIER_BENEFITS, TIER_NAMES_ZH, TIER_RANK, type Tier, type TierBenefits } from '../../core/dealers/tiers.js';
import { formatYuan } from './policy.explain.js';
import { shanghaiDate } from '../../core/common/time.js';
import { bullet, dayText, ORDER_STATUS_ZH, periodLabel, type ReplyFormat, safe, title } from './format.js';
import { fitBytes } from './policies.replies.js';
import { rebatesSettledLine } from './statements.replies.js';

/** Items listed per section before "……等 N 笔". */
const LIST_MAX = 5;

export const DIMENSION_NAMES_ZH: Readonly<Record<keyof ScoreDimensions, string>> = {
  purchaseScale: '采购规模',
  categoryExpertise: '品类专长',
  storeCoverage: '门店覆盖',
  growthPotential: '成长潜力',
  collaboration: '协同配合',
};

const DIMENSION_ORDER = Object.keys(DIMENSION_NAMES_ZH) as (keyof ScoreDimensions)[];

const more = (shown: number, total: number, unit: string) => (total > shown ? `……等共 ${total} ${unit}` : null);

/** "本月" / "本季度" while the period runs, else its name. */
function periodWord(s: Statement): string {
  if (s.period.running) return s.period.kind === 'month' ? '本月' : '本季度';
  return periodLabel(s.period.label);
}

/** The statement of account (`account.statement`). */
export function statementReply(s: Statement, f: ReplyFormat = 'text'): string {
  const when = periodWord(s);
  const head = `${title(`对账单｜${periodLabel(s.period.label)}${s.period.running ? `（截至${dayText(s.period.end)}）` : ''}`, f)}${safe(s.dealer.name, f)}`;
  const lines: (string | null)[] = [head];
  const quiet =
    s.orders.count === 0 &&
    s.orders.cancelledCount === 0 &&
    s.payments.count === 0 &&
    s.billed.count === 0 &&
    s.rebates.count === 0;
  if (quiet) lines.push(`${when}没有订单和回款。`);
  else {
    const cancelled = s.orders.cancelledCount
      ? `（另有 ${s.orders.cancelledCount} 笔已取消，${formatYuan(s.orders.cancelledFen)}）`
      : '';
    lines.push(`${when}订单 ${s.orders.count} 笔，合计 ${formatYuan(s.orders.totalFen)}${cancelled}`);
    for (const o of s.orders.items.slice(0, LIST_MAX)) {
      lines.push(
        bullet(
          `${o.orderNo} ${dayText(shanghaiDate(o.placedAt))} ${formatYuan(o.totalFen)} ${ORDER_STATUS_ZH[o.status] ?? o.status}`,
          f,
        ),
      );
    }
    lines.push(more(LIST_MAX, s.orders.count, '笔'));
    lines.push(`${when}回款 ${s.payments.count} 笔，合计 ${formatYuan(s.payments.totalFen)}`);
    lines.push(rebatesSettledLine(s));
    if (s.billed.count > 0) {
      lines.push(
        `${when}开出应收 ${formatYuan(s.billed.amountFen)}，已收 ${formatYuan(s.billed.paidFen)}，未收 ${formatYuan(s.billed.openFen)}`,
      );
    }
  }
  const b = s.balance;
  lines.push(
    b.totalFen > 0
      ? `当前欠款 ${formatYuan(b.totalFen)}（应收未付 ${formatYuan(b.openReceivablesFen)}${b.unpaidPlacedFen ? `，已下单待开票 ${formatYuan(b.unpaidPlacedFen)}` : ''}）`
      : '当前没有欠款。',
  );
  if (s.overdue.items.length > 0) {
    lines.push(`逾期 ${s.overdue.items.length} 笔，共 ${formatYuan(s.overdue.totalFen)}：`);
    for (const o of s.overdue.items.slice(0, LIST_MAX)) {
      lines.push(
        bullet(
          `${o.orderNo ?? '应收款'} 未付 ${formatYuan(o.openFen)}，${dayText(o.dueDate)}到期，已逾期 ${o.daysOverdue} 天${o.blocking ? '（影响下单）' : ''}`,
          f,
        ),
      );
    }
    lines.push(more(LIST_MAX, s.overdue.items.length, '笔'));
  }
  if (s.dueSoon.items.length > 0) {
    lines.push(`${s.dueSoon.withinDays} 天内到期 ${formatYuan(s.dueSoon.totalFen)}：`);
    for (const d of s.dueSoon.items.slice(0, LIST_MAX)) {
      lines.push(
        bullet(
          `${d.orderNo ?? '应收款'} ${formatYuan(d.openFen)}，${d.daysLeft === 0 ? '今天到期' : `${dayText(d.dueDate)}到期`}`,
          f,
        ),
      );
    }
    lines.push(more(LIST_MAX, s.dueSoon.items.length, '笔'));
  }
  const c = s.credit;
  lines.push(
    c.leftFen >= 0
      ? `信用额度 ${formatYuan(c.limitFen)}，已用 ${formatYuan(c.usedFen)}，剩余 ${formatYuan(c.leftFen)}。`
      : `信用额度 ${formatYuan(c.limitFen)}，已用 ${formatYuan(c.usedFen)}，超出 ${formatYuan(-c.leftFen)}。`,
  );
  lines.push(
    c.canOrder
      ? '目前可以正常下单。'
      : `需先回款 ${formatYuan(c.settleFen)} 才能继续下单；对账有疑问可以直接说“账款有问题”，客户经理会核对。`,
  );
  return fitBytes(lines.filter((l): l is string => l !== null));
}

/** The dealer's tier (`tier.query`): tier, last re-tier and why, the five scores, the next step, the benefits. */
export function tierReply(t: TierStatus, f: ReplyFormat = 'text'): string {
  const tierName = (x: keyof typeof TIER_NAMES_ZH) => `「${TIER_NAMES_ZH[x]}」`;
  const lines: (string | null)[] = [
    `${title('合作等级', f)}${safe(t.dealer.name, f)}目前是${tierName(t.dealer.tier)}经销商。`,
  ];
  const c = t.lastChange;
  if (c) {
    const up = TIER_RANK[c.tierAfter] > TIER_RANK[c.tierBefore];
    lines.push(
      `${periodLabel(c.month)}评估由${tierName(c.tierBefore)}${up ? '升为' : '调整为'}${tierName(c.tierAfter)}${c.reasons.length ? `，依据：${c.reasons.join('；')}` : ''}。`,
    );
  }
  const latest = t.latest;
  if (latest) {
    if (!c || c.month !== latest.month) {
      lines.push(
        `${periodLabel(latest.month)}评分 ${latest.total} 分${t.reasons.length ? `：${t.reasons.join('；')}` : ''}。`,
      );
    } else lines.push(`${periodLabel(latest.month)}评分 ${latest.total} 分。`);
    lines.push('五项得分（满分 100）：');
    for (const k of DIMENSION_ORDER) {
      const w = Math.round(DEFAULT_SCORING.weights[k] * 100);
      lines.push(bullet(`${DIMENSION_NAMES_ZH[k]}（权重 ${w}%）：${latest.dimensions[k]}`, f));
    }
  } else if (t.reasons.length) lines.push(`定级依据：${t.reasons.join('；')}。`);
  if (t.next) {
    const weakest = t.weakest ? `，其中「${DIMENSION_NAMES_ZH[t.weakest]}」得分最低，提升空间最大` : '';
    lines.push(`距${tierName(t.next.tier)}（${t.next.minTotal} 分）还差 ${t.next.gap} 分${weakest}。`);
  } else if (t.dealer.tier === 'silent') lines.push('恢复订货后，下次月度评估即可重新定级。');
  lines.push(`${tierName(t.dealer.tier)}等级权益：`);
  for (const b of benefitLines(t.benefits)) lines.push(bullet(b, f));
  // What the next tier adds: the benefits table is the reason to grow.
  if (t.next) {
    const own = new Set(t.benefits.perks);
    const more = TIER_BENEFITS[t.next.tier].perks.filter((p) => !own.has(p));
    if (more.length) lines.push(`升到${tierName(t.next.tier)}还可享：${more.join('；')}。`);
  }
  return fitBytes(lines.filter((l): l is string => l !== null));
}

/** "今年（1月1日–12月1日）" / "本月（截至12月1日）" / "2026年11月": the span of a purchases answer. */
function purchasesWhen(p: Purchases): string {
  if (p.label === 'year') return `今年（${dayText(p.start)}–${dayText(p.end)}）`;
  return p.running ? `本月（截至${dayText(p.end)}）` : periodLabel(p.label);
}

/** What the dealer bought (订/买/进货): the orders' count and total, then each product's quantity and amount. */
export function purchasesReply(p: Purchases): string {
  const when = purchasesWhen(p);
  const asked = p.skus.length ? p.products.map((x) => x.name).join('、') || p.skus.join('、') : '';
  if (p.orderCount === 0) return `${when}${asked ? `没有订过 ${asked}` : '没有订单'}。`;
  const head = `${when}进货${asked ? `（${asked}）` : ''}：订单 ${p.orderCount} 笔，合计 ${formatYuan(p.totalFen)}`;
  const lines: (string | null)[] = p.products
    .slice(0, LIST_MAX)
    .map((x) => bullet(`${x.name}：${x.qty}${x.unit}，${formatYuan(x.amountFen)}`, 'text'));
  lines.push(more(LIST_MAX, p.products.length, '款'));
  if (!p.skus.length) lines.push('要看每笔订单和回款，可以发“对账单”。');
  return fitBytes([head, ...lines].filter((l): l is string => l !== null));
}

export const accountReplies = {
  statement: statementReply,
  purchases: purchasesReply,
  tier: tierReply,
  badPeriod: '请说明要查哪个月，例如“10月的对账单”或“本季度对账”。',
  futurePeriod: (label: string) => `${periodLabel(label)}还没开始，可以查本月或之前月份的对账单。`,
  dealerNotFound: '没有找到您的经销商账户，请先绑定（发送“绑定 D0012 手机号”）。',
  /** A manager asked a dealer's own question (statement, tier, sales, trend). */
  managerHint:
    '对账单、等级、门店动销和区域行情按经销商本人的账户查询，请让经销商直接问我；客户经理可用“查 D0012”或“找下锦华门窗”查看经销商情况。',
  /** A dealer named another dealer's code: nothing of that dealer is shown. */
  otherDealer: (own: string, named: string) =>
    `只能查询您自己账户（${own}）的信息，${named} 不在您的账户下，无法查看。`,
};

/** One line per benefit, in the words a dealer reads. */
export function benefitLines(b: TierBenefits): string[] {
  const lines: string[] = [];
  if (b.discountRate > 0) lines.push(`订货价在目录价基础上优惠${Math.round(b.discountRate * 100)}%`);
  lines.push(`提出的需求${b.needSlaHours}小时内处理`);
  lines.push(...b.perks);
  return lines;
}

/** A tier's benefits, one line each. */
export const describeBenefits = (tier: Tier): string[] => benefitLines(TIER_BENEFITS[tier]);
