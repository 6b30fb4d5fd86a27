import type { AnniversaryBonus } from '../../core/care/care.messages.js';
import type { PastOrder, PeerFavourite, SilentDealer } from '../../core/care/activation.js';
import type { PushMessage } from '../../core/care/ports.js';
import type { ReplenishmentAdvice } from '../../core/care/replenishment.js';
import type { SuccessCase } from '../../core/care/success-case.js';
import { honoursNote } from './training.replies.js';
import type { TierChange } from '../../core/dealers/retier.messages.js';
import { TIER_NAMES_ZH, TIER_RANK } from '../../core/dealers/tiers.js';
import { describeBenefits } from './accounts.replies.js';
import type { Policy } from '../../core/policies/policy.types.js';
import type { Voucher, VoucherKind } from '../../core/care/offers.js';
import { periodLabel } from './format.js';
import { categoryNameZh, formatPercent, formatYuan } from './policy.explain.js';

/** The words of every proactive care and re-tiering message (core/care and core/dealers plan them as values). */
export function pushText(m: PushMessage): string {
  switch (m.kind) {
    case 'birthday':
      return birthdayMessage(m.contactNames) + (m.offer ? offerLine(m.offer) : '');
    case 'anniversary':
      return anniversaryMessage(m.dealerName, m.years, m.since, m.bonus) + (m.offer ? offerLine(m.offer) : '');
    case 'anniversaryBonus':
      return anniversaryBonusNotice(m.dealerName, m.anniversaryDate, m.bonus);
    case 'replenishment':
      return replenishmentMessage(m.dealerName, m.advice);
    case 'silentPlan':
      return silentPlanMessage(m.dealer, m.lastOrders, m.peers, m.policies);
    case 'successCase':
      return successCaseMessage(m.dealerName, m.case);
    case 'tierChange':
      return tierChangeMessage(m.change, m.month, m.managerName);
    case 'tierSummary':
      return managerTierSummary(m.month, m.changes, m.scored);
    case 'worded':
      return m.body;
  }
}

const VOUCHER_NAME_ZH: Record<VoucherKind, string> = { birthday: '生日礼券', anniversary: '周年礼券' };
export const voucherName = (kind: VoucherKind) => VOUCHER_NAME_ZH[kind];

/** "12月1日" */
const dayZh = (iso: string) => `${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;

/** The offer a greeting carries: what it is worth, on what order, until when, and that it applies by itself. */
export function offerLine(v: Voucher): string {
  return `\n🎁 送您一张${VOUCHER_NAME_ZH[v.kind]}：${dayZh(v.validFrom)}至${dayZh(v.validUntil)}下单，订单满${formatYuan(v.minOrderFen)}立减${formatYuan(v.amountFen)}，下单时自动抵扣（限用一次）。`;
}

export function birthdayMessage(contactNames: readonly string[]): string {
  const who = contactNames.join('、');
  return `${who}，生日快乐！🎂 感谢您一直以来对我们的信任与支持，祝您身体健康、生意兴隆，新的一岁万事顺意！`;
}

function bonusLines(b: AnniversaryBonus): string {
  const excluded = b.excludedCategories.length ? `（${b.excludedCategories.map(categoryNameZh).join('、')}除外）` : '';
  const soFar =
    b.amountFen > 0
      ? `本月至今计入订货${formatYuan(b.amountFen)}，已可得额外返利${formatYuan(b.bonusFen)}。`
      : '本月至今还没有计入的订货，现在下单即可享受。';
  return `\n🎁「${b.policyName}」：${b.month}月内的订货${excluded}额外享受${formatPercent(b.rate)}返利。${soFar}`;
}

export function anniversaryMessage(
  dealerName: string,
  years: number,
  since: string,
  bonus: AnniversaryBonus | null,
): string {
  const base = `${dealerName}您好！今天是我们合作${years}周年的日子（${since}开始合作）。感谢${years}年来的携手同行，未来我们继续一起把生意做大做好！`;
  return bonus ? base + bonusLines(bonus) : base;
}

/** The 3rd-anniversary bonus announced once in the anniversary month (when the day itself is not today). */
export function anniversaryBonusNotice(dealerName: string, anniversaryDate: string, bonus: AnniversaryBonus): string {
  return `${dealerName}您好！${anniversaryDate}是我们合作三周年的纪念日，感谢一路相伴。${bonusLines(bonus).trim()}`;
}

export function replenishmentMessage(dealerName: string, advice: readonly ReplenishmentAdvice[]): string {
  const lines = advice.map(
    (a) =>
      `· ${a.name}：库存${a.onHand}${a.unit}，约够卖${a.daysOfCover}天（到货需${a.leadTimeDays}天），建议补${a.suggestQty}${a.unit}`,
  );
  const first = advice[0]!;
  return `${dealerName}您好！根据近30天的门店销售，以下产品库存偏紧，建议尽快补货：\n${lines.join('\n')}\n建议量按近30天销量备足30天、不低于起订量计算。直接回复即可下单，例如「再来${first.suggestQty}${first.unit}${first.name}」。`;
}

export function silentPlanMessage(
  d: SilentDealer,
  lastOrders: readonly PastOrder[],
  peers: readonly PeerFavourite[],
  policies: readonly Policy[],
): string {
  const since = d.lastOrderDate
    ? `已${d.daysSinceLastOrder}天未订货（最近一次${d.lastOrderDate}）`
    : '合作以来尚未订货';
  const parts = [`【沉默客户激活】${d.name}（${d.code}）${since}。`];
  if (lastOrders.length) {
    parts.push(
      `最近订货：\n${lastOrders.map((o) => `· ${o.date} ${formatYuan(o.amountFen)}：${o.products.join('、')}`).join('\n')}`,
    );
  }
  if (peers.length) {
    parts.push(
      `同类经销商（${d.marketLevel}市场${d.tags.length ? `、${d.tags.join('/')}` : ''}）近90天主要订：${peers
        .map((p) => `${p.name}（${p.sharePct}%）`)
        .join('、')}`,
    );
  }
  if (policies.length) parts.push(`可用政策：${policies.map((p) => `「${p.name}」`).join('、')}`);
  parts.push('建议：本周内电话或上门回访，了解停订原因，带上同类客户的主销产品和适用政策，约定一次试单。');
  return parts.join('\n');
}

export function successCaseMessage(dealerName: string, c: SuccessCase): string {
  return `${dealerName}您好！分享一个和您情况相近的经销商案例，供参考：\n【${c.title}】${honoursNote(c)}\n${c.body}\n想了解具体做法，可以随时问您的客户经理。`;
}

/** The one friendly message a dealer gets when their tier changes: why, and what the new tier brings. */
export function tierChangeMessage(c: TierChange, month: string, managerName: string | null): string {
  const up = TIER_RANK[c.after] > TIER_RANK[c.before];
  const head = up
    ? `${c.dealerName}您好！好消息：根据${periodLabel(month)}的经营评估，贵司的合作等级由「${TIER_NAMES_ZH[c.before]}」升为「${TIER_NAMES_ZH[c.after]}」，感谢一直以来的支持！`
    : `${c.dealerName}您好！根据${periodLabel(month)}的经营评估，贵司的合作等级由「${TIER_NAMES_ZH[c.before]}」调整为「${TIER_NAMES_ZH[c.after]}」。`;
  const why = c.reasons.length ? `\n主要依据：${c.reasons.join('；')}。` : '';
  const benefits = `\n「${TIER_NAMES_ZH[c.after]}」等级权益：\n${describeBenefits(c.after)
    .map((b) => `· ${b}`)
    .join('\n')}`;
  const tail = up
    ? '\n新等级即日生效，祝生意兴隆！'
    : `\n我们会和您一起把生意做回来，有任何需要请随时联系${managerName ? `客户经理${managerName}` : '您的客户经理'}。`;
  return head + why + benefits + tail;
}

/** The account manager's monthly summary of their dealers' tier changes. */
export function managerTierSummary(month: string, changes: readonly TierChange[], scored: number): string {
  const up = changes.filter((c) => TIER_RANK[c.after] > TIER_RANK[c.before]);
  const down = changes.filter((c) => TIER_RANK[c.after] < TIER_RANK[c.before]);
  const line = (c: TierChange) =>
    `· ${c.dealerName}（${c.dealerCode}）${TIER_NAMES_ZH[c.before]}→${TIER_NAMES_ZH[c.after]}，${c.total}分${c.reasons[0] ? `：${c.reasons[0]}` : ''}`;
  const parts = [
    `【${periodLabel(month)}经销商分级】您负责的${scored}家经销商已完成评分，${changes.length}家等级变化。`,
  ];
  if (up.length) parts.push(`升级 ${up.length} 家：\n${up.map(line).join('\n')}`);
  if (down.length) parts.push(`降级 ${down.length} 家：\n${down.map(line).join('\n')}`);
  if (down.some((c) => c.after === 'silent')) parts.push('转为沉默的经销商请尽快回访，激活方案会在每日提醒中推送。');
  return parts.join('\n');
}
