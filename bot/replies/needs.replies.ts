import type { DealerLookup } from '../../core/needs/needs.service.js';
import { mdSafe } from './render.js';
import { ORDER_STATUS_ZH, periodLabel } from './format.js';
import { type Need, type NeedEvent, needCode, type OrderSummary, type Tier } from '../../core/needs/needs.types.js';
import type { NeedNotices, NeedsReport } from '../../core/needs/ports.js';
import { formatPercent, formatYuan } from './policy.explain.js';
import { shanghaiClock, shanghaiDate } from '../../core/common/time.js';

export const CATEGORY_ZH: Record<string, string> = {
  product: '产品咨询',
  training: '培训',
  policy: '政策咨询',
  after_sales: '售后',
  expiring_stock: '临期/滞销库存',
  display: '门店陈列',
  logistics: '物流',
  payment: '账款',
  other: '其他',
};

export const TIER_ZH: Record<Tier, string> = { core: '核心', key: '重点培育', regular: '普通', silent: '沉默' };

const STATUS_ZH: Record<string, string> = {
  open: '待认领',
  claimed: '处理中',
  resolved: '已解决，待您评价',
  closed: '已完成',
};

/** A reopening records the rating that caused it (a bare number; older rows carry the worded text). */
const eventBody = (e: { kind: string; body: string | null }) =>
  e.kind === 'reopened' && /^\d+$/.test(e.body ?? '') ? `评分 ${e.body}` : (e.body ?? '');

const EVENT_ZH: Record<string, string> = {
  submitted: '提交',
  alerted: '已提醒客户经理',
  claimed: '认领',
  resolved: '办结',
  transferred: '转交',
  recategorized: '改类别',
  attachment: '补充图片',
  warned: 'SLA 预警',
  escalated: '超时升级',
  rated: '评价',
  reopened: '重新打开',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** "12月1日 14:00" in Asia/Shanghai. */
export function shTime(at: Date): string {
  const [, m, d] = shanghaiDate(at).split('-').map(Number);
  const c = shanghaiClock(at);
  return `${m}月${d}日 ${pad(c.hour)}:${pad(c.minute)}`;
}

const cat = (c: string) => CATEGORY_ZH[c] ?? c;
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);
const orderLine = (o: OrderSummary) =>
  `${o.orderNo} ${shanghaiDate(o.placedAt)} ${formatYuan(o.totalFen)} ${ORDER_STATUS_ZH[o.status] ?? o.status}`;

const actions = (id: string) => `认领：“认领 ${id}”\n办结：“${id} 已解决 处理说明”\n转交：“转交 ${id} 给 M007”`;

function needStage(n: Need): string {
  if (n.status === 'open') return `待认领，预计 ${shTime(n.firstResponseDue)} 前响应`;
  if (n.status === 'claimed') return `处理中，预计 ${shTime(n.resolutionDue)} 前解决`;
  if (n.status === 'resolved')
    return `已解决${n.resolution ? `：${clip(n.resolution, 60)}` : ''}，待您评价（回复 1-5 分）`;
  return `已完成${n.rating ? `，您的评分 ${n.rating} 分` : ''}`;
}

/** 'D0012:2026-11' → 'D0012 2026年11月对账单'. */
export function statementRefText(ref: string): string {
  const [dealer, period] = ref.split(':');
  return `${dealer} ${periodLabel(period ?? '')}对账单`;
}

/** The words of the notices core sends (alerts, warnings, escalations, dealer updates). */
export const needNotices: NeedNotices = {
  managerAlert: ({ need, dealer, orders }) => {
    const id = needCode(need.id);
    return [
      `**新需求 ${id}｜${cat(need.category)}**`,
      `> 经销商：${dealer.name}（${dealer.code}）`,
      `> 等级：${TIER_ZH[dealer.tier]}　标签：${dealer.tags.length ? dealer.tags.join('、') : '无'}`,
      `> 内容：${mdSafe(clip(need.text, 300))}`,
      ...(need.statementRef ? [`> 关联对账单：${statementRefText(need.statementRef)}`] : []),
      `> 首次响应：${shTime(need.firstResponseDue)} 前　解决：${shTime(need.resolutionDue)} 前`,
      `最近订单：${orders.length ? `\n${orders.map((o) => `- ${orderLine(o)}`).join('\n')}` : '暂无'}`,
      actions(id),
    ].join('\n');
  },

  dealerClaimed: ({ need, manager }) =>
    `您的需求 ${needCode(need.id)} 已由客户经理${manager.name}跟进处理，预计 ${shTime(need.resolutionDue)} 前解决。`,

  dealerResolved: ({ need, manager }) =>
    [
      `您的需求 ${needCode(need.id)} 已处理完毕（客户经理${manager.name}）。`,
      need.resolution ? `处理结果：${need.resolution}` : null,
      '请为本次服务打分：直接回复 1-5 分（5 分最满意），也可以附一句意见。',
    ]
      .filter(Boolean)
      .join('\n'),

  transferred: ({ need, dealer, from, orders }) => {
    const id = needCode(need.id);
    return [
      `**${from.name}转交需求 ${id} 给您｜${cat(need.category)}**`,
      `> 经销商：${dealer.name}（${dealer.code}），${TIER_ZH[dealer.tier]}`,
      `> 内容：${mdSafe(clip(need.text, 300))}`,
      `> 首次响应：${shTime(need.firstResponseDue)} 前　解决：${shTime(need.resolutionDue)} 前`,
      `最近订单：${orders.length ? `\n${orders.map((o) => `- ${orderLine(o)}`).join('\n')}` : '暂无'}`,
      actions(id),
    ].join('\n');
  },

  warning: ({ need, clock, stage, dealerName }) => {
    const id = needCode(need.id);
    const due = clock === 'first' ? need.firstResponseDue : need.resolutionDue;
    const what = clock === 'first' ? '首次响应' : '解决';
    return `**SLA 预警 ${id}**：${dealerName}的${cat(need.category)}需求，${what}时限已过 ${stage}%，请在 ${shTime(due)} 前处理。\n${clock === 'first' ? `回复“认领 ${id}”` : `回复“${id} 已解决 处理说明”`}`;
  },

  escalation: ({ need, clock, dealerName, ownerName }) => {
    const id = needCode(need.id);
    const due = clock === 'first' ? need.firstResponseDue : need.resolutionDue;
    const what = clock === 'first' ? '首次响应' : '解决';
    return `**超时升级 ${id}**：${dealerName}的${cat(need.category)}需求${what}已超时（时限 ${shTime(due)}），负责人：${ownerName}（${need.ownerCode}）。\n> ${mdSafe(clip(need.text, 200))}\n请督办，或回复“转交 ${id} 给 M007”改派。`;
  },

  lowRating: ({ need, dealer, rating, comment }) =>
    `**低分重开 ${needCode(need.id)}**：${dealer.name}（${dealer.code}）给出 ${rating} 分${comment ? `，意见：“${mdSafe(clip(comment, 200))}”` : ''}。\n需求已重新打开，负责人 ${need.ownerCode}，新的解决时限 ${shTime(need.resolutionDue)}。`,

  withdrawn: ({ need, dealer }) =>
    `**需求撤回 ${needCode(need.id)}**：${dealer.name}（${dealer.code}）撤回了${cat(need.category)}需求，无需再处理。\n> ${mdSafe(clip(need.text, 200))}`,
};

/** Replies in the conversation. */
export const needReplies = {
  /** How each manager command is written, for the reply that asks for the need id. */
  examples: {
    detail: 'N1024 进度',
    claim: '认领 N1024',
    resolve: 'N1024 已解决 安排了12月3日培训',
    transfer: '转交 N1024 给 M007',
  },
  dealerOnly: '这是经销商使用的功能。客户经理可发“认领 N1024”“N1024 已解决 …”“查 D0012”。',
  submitted: (need: Need) =>
    `已收到您的${cat(need.category)}需求，编号 ${needCode(need.id)}${need.statementRef ? `（已关联${statementRefText(need.statementRef)}，客户经理会逐笔核对）` : ''}。客户经理会在 ${shTime(need.firstResponseDue)} 前响应，${shTime(need.resolutionDue)} 前给您解决方案。有图片可以直接发给我，我会附在这个需求上。`,
  askDetail: '请用一句话说明具体需要什么帮助，例如“想申请门店导购培训”或“N60 有两樘玻璃破损，需要售后”。',
  notFound: (id: string) => `未找到该需求 ${id}，请核对编号。`,
  noNeeds: '您目前没有进行中的需求。需要帮助可以直接说，例如“想申请门店导购培训”。',
  statusList: (needs: Need[]) =>
    `您的需求进度：\n${needs.map((n) => `· ${needCode(n.id)}【${cat(n.category)}】${clip(n.text, 24)} —— ${needStage(n)}`).join('\n')}`,
  statusOne: (n: Need) =>
    `${needCode(n.id)}【${cat(n.category)}】${clip(n.text, 60)}\n提交于 ${shTime(n.createdAt)}，${needStage(n)}`,
  imageAttached: (n: Need) => `图片已附到需求 ${needCode(n.id)}，客户经理处理时可以看到。`,
  imageAsk:
    '收到图片。这张图是关于什么的？回一句说明（比如「门把手松了」「展厅样品破损」），我提交给客户经理，并附上这张图。',
  submittedWithImage: (need: Need) =>
    `已收到您的${cat(need.category)}需求，编号 ${needCode(need.id)}，刚才的图片已附上。客户经理会在 ${shTime(need.firstResponseDue)} 前响应，${shTime(need.resolutionDue)} 前给您解决方案。`,
  rated: (n: Need, rating: number) => `谢谢您的评价（${rating} 分），需求 ${needCode(n.id)} 已完成。`,
  reopened: (n: Need, rating: number) =>
    `抱歉这次没让您满意（${rating} 分）。需求 ${needCode(n.id)} 已重新打开，并已通知区域经理督办，${shTime(n.resolutionDue)} 前给您新的答复。`,
  alreadyRated: (n: Need) => `${needCode(n.id)} 已经评过 ${n.rating} 分，评分提交后不能再改。`,
  ratingOutOfRange: '请回复 1 到 5 之间的分数（5 分最满意）。',
  notAwaitingRating: (n: Need) => `需求 ${needCode(n.id)} 目前${STATUS_ZH[n.status] ?? n.status}，不需要评价。`,
  withdrawnByDealer: (n: Need) => `已撤回需求 ${needCode(n.id)}，也已告知客户经理，不用再处理了。`,
  noRatingPending: '目前没有待评价的需求。想查进度可以说“我的需求进度”。',
  // Manager side.
  claimed: (n: Need, dealerName: string) =>
    `已认领 ${needCode(n.id)}（${dealerName}），已通知经销商。请在 ${shTime(n.resolutionDue)} 前解决，完成后回复“${needCode(n.id)} 已解决 处理说明”。`,
  alreadyClaimed: (n: Need) => `${needCode(n.id)} 已在您名下处理中。`,
  resolved: (n: Need, dealerName: string) => `已办结 ${needCode(n.id)}，处理结果已发给${dealerName}，并请其评分。`,
  transferred: (n: Need, toName: string, toCode: string) =>
    `已将 ${needCode(n.id)} 转交给${toName}（${toCode}），并已提醒对方。`,
  recategorized: (n: Need) => `已将 ${needCode(n.id)} 的类别改为“${cat(n.category)}”。`,
  dealerNotFound: (code: string) => `未找到经销商 ${code}，请核对编号。`,
  managerNotFound: (code: string) => `未找到客户经理 ${code}，请核对编号。`,
  sameOwner: (id: string, name: string) => `${id} 已经由${name}负责，无需转交。`,
  badState: (n: Need, ownerName: string) => {
    const id = needCode(n.id);
    if (n.status === 'claimed') return `${id} 已由${ownerName}认领处理中，如需接手请让其转交给您。`;
    if (n.status === 'resolved') return `${id} 已办结，正在等待经销商评价。`;
    if (n.status === 'closed') return `${id} 已完成并关闭，无需再处理。`;
    return `${id} 还未认领，请先回复“认领 ${id}”。`;
  },
  needIdMissing: (example: string) => `请带上需求编号，例如“${example}”。`,
  dealerCodeMissing: '请带上经销商编号，例如“查 D0012”。',
  transferTargetMissing: (id: string) => `请说明转交给谁，例如“转交 ${id} 给 M007”。`,
  managerDetail: (n: Need, dealerName: string, events: NeedEvent[]) =>
    [
      `${needCode(n.id)}【${cat(n.category)}】${dealerName}（${n.dealerCode}，${TIER_ZH[n.tier]}）`,
      `内容：${clip(n.text, 200)}`,
      `状态：${STATUS_ZH[n.status] ?? n.status}，负责人 ${n.ownerCode}；首次响应 ${shTime(n.firstResponseDue)} 前，解决 ${shTime(n.resolutionDue)} 前`,
      n.attachments.length ? `附件：${n.attachments.length} 张图片` : null,
      `时间线：\n${events.map((e) => `· ${shTime(e.at)} ${EVENT_ZH[e.kind] ?? e.kind}${e.actor && e.actor !== 'system' ? ` ${e.actor}` : ''}${e.body && e.kind !== 'submitted' ? `：${clip(eventBody(e), 40)}` : ''}`).join('\n')}`,
    ]
      .filter(Boolean)
      .join('\n'),
  dealerLookup: (l: DealerLookup) => {
    const p = l.profile;
    const d = p.dealer;
    const reasons = p.latestScore?.reasons.length ? p.latestScore.reasons : p.tierReasons;
    // A silent tier's days without orders were counted at the evaluation; an order since contradicts them.
    const evaluated = p.latestScore?.month.slice(0, 10);
    const since =
      d.tier === 'silent' && evaluated
        ? l.orders.find((o) => o.status !== 'cancelled' && shanghaiDate(o.placedAt) >= evaluated)
        : undefined;
    const lines = [
      `${d.name}（${d.code}）`,
      `等级：${TIER_ZH[d.tier]}${p.latestScore ? `（${p.latestScore.month.slice(0, 7)} 评分 ${p.latestScore.total}）` : ''}；标签：${d.tags.length ? d.tags.join('、') : '无'}`,
      reasons.length ? `定级理由：${reasons.join('；')}` : null,
      since ? `评定后已恢复订货：最近一单 ${shanghaiDate(since.placedAt)}（下次评定时更新等级）` : null,
      `区域：${p.region}；合作始于 ${p.partnershipStart}；门店 ${p.stores} 家；客户经理 ${p.managerName}（${d.managerCode}）`,
      p.primaryContact ? `联系人：${p.primaryContact.name} ${p.primaryContact.phone}` : null,
      `进行中的需求：${l.activeNeeds.length ? `\n${l.activeNeeds.map((n) => `· ${needCode(n.id)}【${cat(n.category)}】${STATUS_ZH[n.status] ?? n.status}：${clip(n.text, 30)}`).join('\n')}` : '无'}`,
      `最近订单：${l.orders.length ? `\n${l.orders.map((o) => `· ${orderLine(o)}`).join('\n')}` : '暂无'}`,
    ];
    if (l.rebate) {
      const { position: pos } = l.rebate;
      lines.push(
        `返利（${l.rebate.policyName}）：累计 ${formatYuan(l.rebate.amountFen)}，当前档 ${formatPercent(pos.rate)}，预计返利 ${formatYuan(pos.rebate)}` +
          (pos.next
            ? `；距下一档还差 ${formatYuan(pos.next.gap)}，达到后返利 ${formatYuan(pos.next.rebateAtNext)}`
            : '；已到最高档'),
      );
    }
    return lines.filter(Boolean).join('\n');
  },
};

const h = (v: number | null) => (v === null ? '-' : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(0)}%`);

/** The report as a fixed-width table (CLI and the simulation). */
export function formatNeedsReport(r: NeedsReport): string {
  const head = [
    'tier',
    'n',
    'FR p50',
    'FR p90',
    'Res p50',
    'Res p90',
    'FR hit',
    'Res hit',
    'rating',
    'open <12h',
    '12-24h',
    '24-48h',
    '48-72h',
    '>=72h',
  ];
  const body = r.rows.map((x) => [
    x.tier,
    String(x.submitted),
    h(x.firstResponseP50),
    h(x.firstResponseP90),
    h(x.resolutionP50),
    h(x.resolutionP90),
    pct(x.firstResponseHitRate),
    pct(x.resolutionHitRate),
    x.avgRating === null ? '-' : `${x.avgRating.toFixed(2)} (${x.rated})`,
    String(x.openByAge.lt12h),
    String(x.openByAge.h12to24),
    String(x.openByAge.h24to48),
    String(x.openByAge.h48to72),
    String(x.openByAge.ge72h),
  ]);
  const widths = head.map((c, i) => Math.max(c.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `Needs ${r.from} … ${r.to} (hours; FR = first response, Res = resolution; hit = within SLA among decided)`,
    fmt(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(fmt),
  ].join('\n');
}
