import type { Statement } from '../../core/accounts/accounts.types.js';
import { shanghaiDate } from '../../core/common/time.js';
import { periodLabel as policyPeriodLabel } from '../../core/policies/dates.js';
import type { RebateStatement } from '../../core/policies/rebate-statement.js';
import { dayText } from './format.js';
import { fitBytes } from './policies.replies.js';
import { formatPercent, formatYuan } from './policy.explain.js';

const MODE_ZH = { retroactive: '全额返', marginal: '超额累进' } as const;

/** The rebates settled in a statement's period (credit notes), or null when there were none. */
export function rebatesSettledLine(s: Statement): string | null {
  if (s.rebates.count === 0) return null;
  return `返利结算 ${s.rebates.count} 笔，冲抵货款 ${formatYuan(s.rebates.totalFen)}`;
}

/** One ladder's rebate statement: ladder, amount, band, accrued, next band, settled and net due. */
function oneRebateStatement(r: RebateStatement, names: ReadonlyMap<string, string>): string[] {
  const p = r.policy;
  const lines = [
    `【返利对账单｜${p.name}】`,
    `${r.dealer.name}（${r.dealer.code}）${policyPeriodLabel(p.period)}（${dayText(p.period.start)}—${dayText(p.period.end)}${r.running ? `，截至${dayText(r.asOf)}` : '，已结束'}）`,
    `档位（${MODE_ZH[p.mode]}）：${p.ladder.map((b) => `${formatYuan(b.from)} 起 ${formatPercent(b.rate)}`).join('｜')}`,
    `计返金额 ${formatYuan(r.basis.amountFen)}${r.basis.cancelledFen || r.basis.excludedFen ? `（已扣除取消订单 ${formatYuan(r.basis.cancelledFen)}、不计返品类 ${formatYuan(r.basis.excludedFen)}）` : ''}`,
    `已达 ${formatYuan(r.position.bandFrom)} 起 ${formatPercent(r.position.rate)} 档，应计返利 ${formatYuan(r.accruedFen)}`,
  ];
  const next = r.position.next;
  if (next) {
    const rate = p.ladder[r.position.band + 1]?.rate ?? 0;
    lines.push(
      `距下一档（${formatYuan(next.from)} 起 ${formatPercent(rate)}）还差 ${formatYuan(next.gap)}，达到后返利 ${formatYuan(next.rebateAtNext)}`,
    );
  } else lines.push('已是最高档。');
  if (r.settlements.length === 0) lines.push('本期尚未结算。');
  else {
    const list = r.settlements
      .map((x) => `第${x.seq}次 ${dayText(shanghaiDate(x.settledAt))} ${formatYuan(x.paidFen)}`)
      .join('；');
    lines.push(`已结算 ${r.settlements.length} 次，合计 ${formatYuan(r.settledFen)}（${list}）`);
  }
  lines.push(
    r.netDueFen > 0
      ? `待结算 ${formatYuan(r.netDueFen)}（应计减已结算，不会重复发放）`
      : r.netDueFen < 0
        ? `已多结算 ${formatYuan(-r.netDueFen)}，将在下次结算中扣回`
        : '应计返利已全部结算。',
  );
  if (p.stacksOn.length)
    lines.push(`与${p.stacksOn.map((c) => `「${names.get(c) ?? c}」`).join('、')}叠加，分别计算。`);
  return lines;
}

/** A dealer's comment on a policy (`policy.feedback`). */
export const feedbackReplies = {
  recorded: (policyName: string, text: string) =>
    `收到，您对「${policyName}」的意见“${text.length > 40 ? `${text.slice(0, 40)}…` : text}”已记录，总部调整政策时会参考。需要客户经理当面沟通，可以说“找客户经理”。`,
  /** Several policies were just shown: which one the comment is about. */
  which: (options: ReadonlyArray<{ name: string }>) =>
    [
      `您说的是哪条政策？`,
      ...options.map((p, i) => `${i + 1}. ${p.name}`),
      '回复“第一个”或编号即可，我会把意见记在那条政策上。',
    ].join('\n'),
  noPolicy:
    '收到您的意见。目前还没有向您推送过政策，这条意见没有对应的政策可以记录；想了解适用于您的政策，可以说“有哪些政策”。',
};

export const statementReplies = {
  rebatesSettledLine,
  /** The rebate statements of every ladder in force for the dealer. */
  rebateStatements: (rs: readonly RebateStatement[]): string => {
    const names = new Map(rs.map((r) => [r.policy.code, r.policy.name]));
    return fitBytes(rs.flatMap((r, i) => [...(i > 0 ? [''] : []), ...oneRebateStatement(r, names)]));
  },
  noRebateLadder: '您目前没有适用的阶梯返利政策，所以没有返利对账单。可以说“有哪些政策”看看适用于您的政策。',
  /** The printable page's link under the chat summary. */
  /** The mini-program card opening the statement page. */
  cardTitle: (periodLabel: string) => `查看对账单 ${periodLabel}`,
  /** The dealer is told how to dispute it; a manager looking at a dealer's statement is not. */
  printLink: (url: string, ttlHours: number, forDealer: boolean) =>
    [
      `打印版对账单（盖章版式，${ttlHours} 小时内有效）：`,
      url,
      ...(forDealer ? ['对账有出入直接告诉我，例如“对账单多扣了两千”，会转客户经理核对。'] : []),
    ].join('\n'),
  /** A manager's statement request without a dealer code. */
  managerNeedsCode: '请带上经销商编号，例如“D0012 对账单”或“D0012 10月对账单”。',
  /** A manager named a dealer that is not theirs, or no dealer at all: the same answer. */
  managerNotFound: (code: string) => `未找到经销商 ${code}，或不在您负责的范围内。`,
};

/** Labels of the printable statement page and the console's statements section. */
export const statementPageTexts = {
  title: (period: string) => `对账单｜${period}`,
  rebateTitle: (name: string) => `返利对账单｜${name}`,
  nav: '对账单',
  consoleTitle: '对账单与返利结算',
  dealer: '经销商',
  period: '期间',
  periodHint: 'YYYY-MM 或 YYYY-Qn，留空为本月',
  show: '查看',
  asOf: '截至',
  running: '（进行中）',
  item: '项目',
  count: '笔数',
  amount: '金额',
  orders: '订单',
  cancelled: '已取消',
  payments: '回款',
  rebatesSettled: '返利结算（冲抵货款）',
  billed: '开出应收',
  billedOpen: '其中未收',
  balance: '当前欠款',
  creditLimit: '信用额度',
  creditUsed: '已用额度',
  creditLeft: '剩余额度',
  overdue: '逾期明细',
  overdueDays: '逾期天数',
  dueDate: '到期日',
  openAmount: '未付金额',
  orderNo: '订单号',
  placedOn: '下单日期',
  status: '状态',
  none: '无',
  band: '档位起点',
  rate: '返利比例',
  qualifying: '计返金额',
  reached: '已达档位',
  accrued: '应计返利',
  nextBand: '下一档',
  gap: '差额',
  atNext: '达到后返利',
  settled: '已结算',
  netDue: '待结算（净额）',
  seq: '结算次序',
  settledOn: '结算日期',
  paid: '本次结算',
  settledBy: '经办',
  settle: '按净额结算',
  settledDone: (fen: string) => `已结算 ${fen}（应计减此前已结算）。`,
  nothingDue: '应计返利已全部结算，没有可结算的金额。',
  topBand: '已是最高档',
  signDealer: '经销商确认（签章）：',
  signCompany: '公司财务（签章）：',
  signDate: '日期：',
  printHint: '本页可直接打印；链接到期后请在聊天中重新获取。',
  errors: {
    badLink: '链接无效：签名校验失败，请在聊天中重新获取对账单链接。',
    expired: '链接已过期，请在聊天中重新发送“对账单”获取新链接。',
    notFound: '未找到该经销商的对账单。',
    badRequest: '链接格式有误。',
  },
};
