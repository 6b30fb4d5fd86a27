import type { AnomalyKind } from '../../core/care/anomaly.types.js';
import type { ContactReason, PortfolioDealer } from '../../core/contacts/portfolio.js';
import { purchaseChange } from '../../core/contacts/portfolio.js';
import type { ContactPlan, DealerPortfolio } from '../../core/contacts/portfolio.service.js';
import { TIER_NAMES_ZH, type Tier } from '../../core/dealers/tiers.js';
import { changeText, dayText } from './format.js';
import { fitBytes } from './policies.replies.js';
import { formatYuan } from './policy.explain.js';

/** Lines a dealer list shows before it says how to see the rest. */
export const DEALER_LIST_LINES = 10;

const TIERS: readonly Tier[] = ['core', 'key', 'regular', 'silent'];

/** ¥1,234,000 → "¥123.4万"; below ¥10,000 in yuan. */
export function wanText(fen: number): string {
  if (fen < 1_000_000) return formatYuan(Math.round(fen / 100) * 100);
  const wan = fen / 1_000_000;
  return `¥${wan >= 100 ? Math.round(wan) : Math.round(wan * 10) / 10}万`;
}

/** "D0012 杭州锦华门窗｜核心｜今年进货 ¥123.4万（同比+12%）｜末单 11月20日｜需求 2 条（1 条超时）". */
export function portfolioLine(d: PortfolioDealer): string {
  const change = purchaseChange(d);
  const bought = d.ytdFen > 0 ? `今年进货 ${wanText(d.ytdFen)}` : '今年未进货';
  const parts = [
    `${d.code} ${d.name}`,
    TIER_NAMES_ZH[d.tier],
    change === null ? bought : `${bought}（同比${changeText(change, d.ytdFen)}）`,
    d.lastOrderDate ? `末单 ${dayText(d.lastOrderDate)}` : '无订单',
  ];
  if (d.openNeeds > 0) parts.push(`需求 ${d.openNeeds} 条${d.overdueNeeds > 0 ? `（${d.overdueNeeds} 条超时）` : ''}`);
  return `· ${parts.join('｜')}`;
}

const tierSummary = (byTier: Record<Tier, number>) =>
  TIERS.filter((t) => byTier[t] > 0)
    .map((t) => `${TIER_NAMES_ZH[t]} ${byTier[t]}`)
    .join('、');

/** The manager's own dealers (`am.dealer.list`). */
export function dealerListReply(p: DealerPortfolio): string {
  if (p.total === 0) return '您名下目前没有经销商。如有出入，请联系总部核对分配。';
  const scope = `${p.filter.place ?? ''}${p.filter.tier ? TIER_NAMES_ZH[p.filter.tier] : ''}`;
  const head = `【我负责的${scope}经销商】`;
  if (scope && p.dealers.length === 0) {
    return `${head}您负责的 ${p.total} 家里没有${scope}的。\n按等级：${tierSummary(p.byTier)}。`;
  }
  const count = scope
    ? `共 ${p.dealers.length} 家（您一共负责 ${p.total} 家）`
    : `共 ${p.total} 家：${tierSummary(p.byTier)}`;
  const lines = [
    `${head}${count}，按等级和今年进货额排序：`,
    ...p.dealers.slice(0, DEALER_LIST_LINES).map(portfolioLine),
  ];
  const rest = p.dealers.length - DEALER_LIST_LINES;
  if (rest > 0) {
    lines.push(
      `……还有 ${rest} 家。可按等级或地区看，如“我的重点经销商”“我在${p.dealers[0]!.city}的经销商”；完整名单在控制台“经销商”页。`,
    );
  }
  lines.push(`看某一家的详情：“查 ${(p.dealers[0] ?? { code: 'D0012' }).code}”。`);
  return fitBytes(lines);
}

const ANOMALY_ZH: Readonly<Record<AnomalyKind, string>> = {
  overstock: '库存积压',
  sell_through_drop: '动销下滑',
  overdue_payment: '回款逾期',
  expiring_batch: '有临期库存',
};

/** A reason in a few words: "1条需求已超时", "12月1日王伟生日", "已62天没进货" (`today`: a Shanghai date). */
export function reasonText(r: ContactReason, today: string): string {
  switch (r.kind) {
    case 'need_overdue':
      return `${r.count}条需求已超时`;
    case 'birthday':
      return `${dayText(r.date)}${r.contact}生日`;
    case 'anniversary':
      return `${dayText(r.date)}合作满${r.years}周年`;
    case 'tier_down':
      return `即将降为${TIER_NAMES_ZH[r.to]}`;
    case 'overdue_payment':
    case 'sell_through_drop':
      return ANOMALY_ZH[r.kind];
    case 'going_silent':
      return `已${r.days}天没进货`;
    case 'silent':
      return r.days === null ? '沉默，从未下单' : `沉默，${r.days}天没进货`;
    case 'resumed':
      return `沉默后恢复下单（${dayText(r.date)}）`;
    case 'purchases_down':
      return `今年进货同比${changeText(r.fraction, 1)}`;
    case 'contact_overdue':
      return r.never ? '从未联系' : `超期${r.days}天未联系`;
    case 'replenish':
      return `${r.skus}款该补货`;
    case 'stock_issue':
      return ANOMALY_ZH[r.anomaly];
    case 'need_open':
      return `${r.count}条需求待处理`;
    case 'contact_due':
      return r.dueOn <= today ? '今天该回访' : `${dayText(r.dueOn)}前该回访`;
  }
}

/** Whom to contact this week (`am.contact.plan`). */
export function contactPlanReply(p: ContactPlan): string {
  if (p.total === 0) return '您名下目前没有经销商。';
  if (p.planned.length === 0) {
    return `您负责的 ${p.total} 家经销商这周都没有要紧事：没有超时需求、生日或纪念日，联系也都在周期内。`;
  }
  const lines = [
    `【这周先联系谁】${dayText(p.today)}起7天，按轻重排了 ${p.planned.length} 家：`,
    ...p.planned.map(
      (c, i) =>
        `${i + 1}. ${c.dealer.name}（${c.dealer.code}）：${c.reasons.map((r) => reasonText(r, p.today)).join('、')}`,
    ),
  ];
  if (p.candidates > p.planned.length)
    lines.push(`另有 ${p.candidates - p.planned.length} 家也有事可跟进，排在这几家之后。`);
  const code = p.planned[0]!.dealer.code;
  lines.push(`联系后回复“已联系${code} 聊了陈列”记一笔；看详情发“查 ${code}”。`);
  return fitBytes(lines);
}

export const portfolioReplies = {
  dealers: dealerListReply,
  plan: contactPlanReply,
};
