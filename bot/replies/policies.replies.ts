import { changeText, dayText } from './format.js';
import { explainPosition, formatPercent, formatYuan } from './policy.explain.js';
import type { Policy, PolicyKind } from '../../core/policies/policy.types.js';
import type { DealerPosition } from '../../core/policies/policy.service.js';
import type { PolicyDealer } from '../../core/policies/ports.js';

/** WeCom text limit; the dispatcher splits longer messages, but a progress summary should fit one. */
export const MAX_REPLY_BYTES = 2048;

export const POLICY_KIND_NAMES: Readonly<Record<PolicyKind, string>> = {
  ladder_rebate: '阶梯返利',
  growth_reward: '成长奖励',
  anniversary_bonus: '周年返利',
  promotion: '促销活动',
};

/** Example question per kind, for pointing the dealer at the details. */
const ASK_EXAMPLE: Readonly<Record<PolicyKind, string>> = {
  ladder_rebate: '阶梯返利怎么算',
  growth_reward: '成长奖励怎么算',
  anniversary_bonus: '周年返利是什么',
  promotion: '满减怎么参加',
};

function periodText(policy: Policy): string {
  return 'period' in policy ? `${policy.period.start} 至 ${policy.period.end}` : '合作周年当月';
}

/** "今年累计 ¥A，去年同期 ¥B（同比 +10%）": the same figure as the managers' lists (core/common/year-on-year.ts). */
export function sameDaysText(currentFen: number, sameDays: { previousFen: number; change: number | null }): string {
  const before =
    sameDays.previousFen > 0
      ? `去年同期 ${formatYuan(sameDays.previousFen)}（同比${changeText(sameDays.change, currentFen)}）`
      : '去年同期无进货记录';
  return `今年累计 ${formatYuan(currentFen)}，${before}`;
}

/** What the latest order added to each ladder: "SO… （11月20日）计入 ¥300,000，返利增加 ¥9,000（3% 档）". */
function latestOrderLines(positions: readonly DealerPosition[]): string[] {
  const lines = positions.flatMap((p) => {
    if (p.kind !== 'ladder_rebate' || !p.latestOrder) return [];
    const o = p.latestOrder;
    const band = o.bandUp
      ? `档位 ${formatPercent(o.rateBefore)} → ${formatPercent(o.rateAfter)}`
      : `${formatPercent(o.rateAfter)} 档`;
    return [
      `您最近一单 ${o.orderNo}（${dayText(o.placedOn)}）计入${p.policy.name} ${formatYuan(o.addedFen)}，返利增加 ${formatYuan(o.rebateDeltaFen)}（${band}）。`,
    ];
  });
  return lines.length ? lines : ['本期还没有计入返利的订单。'];
}

/** One line of the progress summary: the dealer's own numbers under one policy. */
export function progressLine(p: DealerPosition): string {
  const name = p.policy.name;
  switch (p.kind) {
    case 'ladder_rebate': {
      const { position, basis } = p;
      const head = `· ${name}：累计 ${formatYuan(basis.amountFen)}，${formatPercent(position.rate)} 档，返利 ${formatYuan(position.rebate)}`;
      if (!position.next) return `${head}，已是最高档。`;
      const nextRate = p.policy.ladder[position.band + 1]?.rate ?? 0;
      return `${head}；再订 ${formatYuan(position.next.gap)} 到 ${formatPercent(nextRate)} 档，届时返利 ${formatYuan(position.next.rebateAtNext)}。`;
    }
    case 'growth_reward': {
      const s = p.status;
      if (s.reason === 'no_baseline')
        return `· ${name}：今年累计 ${formatYuan(s.currentFen)}，去年同期无进货记录，暂不计算增长。`;
      // 同比 is against the same days last year; the reward against last year's whole period.
      const growth = `${Math.round((s.growth ?? 0) * 1000) / 10}%`;
      const head = `· ${name}：${sameDaysText(s.currentFen, p.sameDays)}；去年整期 ${formatYuan(s.previousFen)}，整期增长 ${growth}`;
      if (s.qualifies) return `${head}，已达标，奖励 ${formatYuan(s.rewardFen)}。`;
      return `${head}；再进货 ${formatYuan(s.gapFen ?? 0)} 即可达标，届时奖励 ${formatYuan(s.rewardAtThreshold ?? 0)}。`;
    }
    case 'anniversary_bonus': {
      const { status, policy } = p;
      if (status.isThisMonth) {
        return `· ${name}：本月是您合作 ${policy.years} 周年的月份，已计入 ${formatYuan(p.month?.amountFen ?? 0)}，额外返利 ${formatYuan(p.bonusFen ?? 0)}。`;
      }
      return `· ${name}：${status.month.start.slice(0, 7)} 是您合作 ${policy.years} 周年的月份，当月订单额外返利 ${formatPercent(policy.bonusRate)}。`;
    }
    case 'promotion': {
      const tags = p.policy.productTagsAny.map((t) => `“${t}”`).join('、');
      return `· ${name}：${periodText(p.policy)}，单笔${tags}产品满 ${formatYuan(p.policy.minOrderAmount)} 享 ${formatPercent(p.policy.discountRate)} 优惠。`;
    }
  }
}

/** Keeps whole lines while the text fits `limit` UTF-8 bytes. */
export function fitBytes(lines: readonly string[], limit = MAX_REPLY_BYTES, more = '……（更多请分别询问）'): string {
  const out: string[] = [];
  for (const line of lines) {
    const next = [...out, line].join('\n');
    if (Buffer.byteLength(next, 'utf8') > limit) {
      while (out.length > 0 && Buffer.byteLength([...out, more].join('\n'), 'utf8') > limit) out.pop();
      out.push(more);
      break;
    }
    out.push(line);
  }
  return out.join('\n');
}

export const policyReplies = {
  noneApply: '目前没有适用于您的返利或促销政策。有新政策时我会第一时间通知您，也可以发“转人工”咨询客户经理。',

  /** `latestOrder`: the question was about the last order ("这次下单返利加了多少"): its effect comes first. */
  progress: (positions: readonly DealerPosition[], latestOrder = false) =>
    fitBytes([
      ...(latestOrder ? latestOrderLines(positions) : []),
      '您当前的返利和政策进度：',
      ...positions.map(progressLine),
      `想看规则细节，可以问“${ASK_EXAMPLE.ladder_rebate}”“${ASK_EXAMPLE.promotion}”。`,
    ]),

  list: (policies: readonly Policy[]) =>
    fitBytes([
      '适用于您的政策：',
      ...policies.map((p, i) => `${i + 1}. ${p.name}（${POLICY_KIND_NAMES[p.kind]}，${periodText(p)}）`),
      `回复“${ASK_EXAMPLE[policies[0]?.kind ?? 'ladder_rebate']}”看规则和您的进度，回复“我的返利进度”看全部进度。`,
    ]),

  /** The dealer asked about a kind of policy that does not apply to them. */
  notApplicable: (kind: PolicyKind, applicable: readonly Policy[]) =>
    applicable.length === 0
      ? `目前没有适用于您的${POLICY_KIND_NAMES[kind]}政策。有新政策时我会通知您。`
      : `目前没有适用于您的${POLICY_KIND_NAMES[kind]}政策。适用于您的有：${applicable.map((p) => p.name).join('、')}，可以发“有什么政策”查看。`,

  managerHint:
    '返利和政策按经销商本人的订单计算，请让经销商直接问我；客户经理可用“查 D0012”查看经销商情况，总部可用后台命令 rebate --dealer D0012 测算。',

  explainFooter: '有疑问可以直接问我，或发“转人工”联系客户经理。',

  /** The personalised push: the policy explained with the dealer's own numbers. */
  push: (dealer: PolicyDealer, p: DealerPosition) =>
    `${dealer.name}您好，有一项政策适用于您：\n${explainPosition(p, dealer).text}\n有疑问直接回复我，例如“${ASK_EXAMPLE[p.kind]}”。`,
};
