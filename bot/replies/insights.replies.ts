import type { ComparedWindow, SalesReport, TrendReport } from '../../core/insights/insights.types.js';
import { type GroupKey, type GroupTrend, type ScopeTrend, trendChange } from '../../core/insights/regional.js';
import type { DealerTrendInsight, RegionTrendSummary, TrendTexts } from '../../core/insights/trend-insights.service.js';
import { change } from '../../core/insights/windows.js';
import type { NeedKind } from '../../core/insights/need-prediction.js';
import type { NeedPush, NeedResource, NeedTexts } from '../../core/insights/need-prediction.service.js';
import { shanghaiDate } from '../../core/common/time.js';
import { categoryNameZh, formatYuan } from './policy.explain.js';
import { bullet, changeText, dayText, periodLabel, type ReplyFormat, safe, shareText, title } from './format.js';
import { fitBytes } from './policies.replies.js';

/** Products listed in a sell-through answer. */
const SALES_LINES_MAX = 8;

/** What the current period is called, and what it is compared with. */
function windowWords(w: ComparedWindow): { now: string; before: string } {
  if (w.kind === 'week') {
    if (w.running) return { now: '本周', before: '上周同期' };
    return w.label === 'week_before_last' ? { now: '上上周', before: '前一周' } : { now: '上周', before: '前一周' };
  }
  if (w.kind === 'month') {
    return w.running
      ? { now: '本月', before: '上月同期' }
      : { now: periodLabel(w.label), before: periodLabel(w.previous.start.slice(0, 7)) };
  }
  const days = w.label.replace('d', '');
  return { now: `近${days}天`, before: `前${days}天` };
}

const range = (w: ComparedWindow) => `${dayText(w.current.start)}–${dayText(w.current.end)}`;

/** The dealer's own sell-through (`sales.query`). */
export function salesReply(r: SalesReport, f: ReplyFormat = 'text'): string {
  const { now, before } = windowWords(r.window);
  const who = r.store ? `${safe(r.store.name, f)}（${r.store.code}）` : safe(r.dealer.name, f);
  const head = `${title(`门店动销｜${now}（${range(r.window)}）`, f)}${who}`;
  if (!r.hasRecentData) {
    return `${head}\n近两个月没有门店动销数据${r.lastSaleDay ? `（最近一次是${dayText(r.lastSaleDay)}）` : ''}。门店 POS 数据同步后就能查询；如需帮助可以说“转人工”。`;
  }
  if (r.lines.length === 0) {
    return `${head}\n${now}${r.skus ? '所问的产品' : ''}没有动销记录，${before}也没有。`;
  }
  const lines: (string | null)[] = [head];
  const unitQty = (totals: SalesReport['totals']) => totals.map((t) => `${t.qty}${t.unit}`).join('，') || '没有卖出';
  const unitTotals = (totals: SalesReport['totals']) =>
    totals.map((t) => `${t.qty}${t.unit}（${before} ${t.previousQty}${t.unit}，${changeText(t.change, t.qty)}）`);
  lines.push(`合计卖出 ${unitTotals(r.totals).join('，')}`);
  if (r.stores) {
    if (r.stores.length === 0) lines.push('各门店还没有分门店的 POS 数据，以上是经销商汇总。');
    else {
      lines.push('分门店：');
      for (const s of r.stores.slice(0, SALES_LINES_MAX))
        lines.push(bullet(`${safe(s.name, f)}（${s.code}）：${unitTotals(s.totals).join('，') || '没有卖出'}`, f));
      if (r.stores.length > SALES_LINES_MAX) lines.push(`……等共 ${r.stores.length} 家门店`);
      // The stores come most sold first (core's storeLines): the first is the best ("哪个门店卖得最好"), the last
      // the weakest ("哪个店卖的最差").
      const [best, weakest] = [r.stores[0]!, r.stores.at(-1)!];
      if (r.stores.length > 1) {
        lines.push(`卖得最多的是 ${safe(best.name, f)}（${best.code}）：${unitQty(best.totals)}`);
        lines.push(`卖得最少的是 ${safe(weakest.name, f)}（${weakest.code}）：${unitQty(weakest.totals)}`);
      }
    }
  }
  for (const l of r.lines.slice(0, SALES_LINES_MAX)) {
    lines.push(
      bullet(`${l.name}：${l.qty}${l.unit}，${before} ${l.previousQty}${l.unit}（${changeText(l.change, l.qty)}）`, f),
    );
  }
  if (r.lines.length > SALES_LINES_MAX) lines.push(`……等共 ${r.lines.length} 个产品`);
  lines.push(
    r.store
      ? `数据来自该门店的 POS。`
      : r.stores?.length
        ? // One count of stores: the split lists every store with POS data (a closed one that sold included).
          `数据来自以上 ${r.stores.length} 家门店的 POS。`
        : `数据来自 ${r.activeStores} 家在营门店的 POS 汇总（可问“各门店卖了多少”看分门店）。`,
  );
  return fitBytes(lines.filter((l): l is string => l !== null));
}

/** A change against the 3 months before, named so it is never read as year on year: '环比 +20%', '新增'. */
const sequentialText = (c: number | null, current: number) =>
  c === null ? changeText(c, current) : `环比 ${changeText(c, current)}`;

/** What sells in the dealer's region (`trend.query`). */
export function trendReply(t: TrendReport, view?: DealerTrendInsight, f: ReplyFormat = 'text'): string {
  const scope = t.scope.province ? `${t.scope.province}${t.scope.marketLevel}市场` : `全国${t.scope.marketLevel}市场`;
  const head = `${title(`区域趋势｜${scope}`, f)}近3个月（${range(t.window)}），同类 ${t.scope.dealers} 家经销商（环比：与前3个月相比；同比：与去年同期相比）：`;
  if (t.categories.every((c) => c.regionFen === 0 && c.regionPreviousFen === 0)) {
    return `${head}\n近半年这个市场没有进货记录，暂时看不出趋势。`;
  }
  const lines: (string | null)[] = [head];
  for (const kind of ['rising', 'falling'] as const) {
    const g = view?.trend[kind];
    if (!g) continue;
    const p = view.positions.find((x) => x.group === g)!;
    lines.push(
      `${kind === 'rising' ? '涨得最快' : '降得最多'}：${groupName(g)} ${moveText(g)}，您的占比 ${shareText(p.dealerShare)}，同区域平均 ${shareText(g.averageShare)}`,
    );
  }
  for (const c of t.categories.filter((x) => x.regionFen > 0 || x.regionPreviousFen > 0)) {
    const sold = c.sellThrough.filter((u) => u.qty > 0).map((u) => `${u.qty}${u.unit}`);
    const sell = sold.length ? `，门店卖出 ${sold.join('、')}` : '';
    lines.push(
      bullet(
        `${categoryNameZh(c.category)}：进货 ${formatYuan(c.regionFen)}（${sequentialText(c.change, c.regionFen)}）${sell}；占区域 ${shareText(c.regionShare)}，占您 ${shareText(c.dealerShare)}`,
        f,
      ),
    );
  }
  if (t.topProducts.length > 0) {
    lines.push('卖得最好的产品：');
    t.topProducts.forEach((p, i) => {
      lines.push(`${i + 1}. ${p.name} ${formatYuan(p.fen)}（${sequentialText(p.change, p.fen)}）`);
    });
  }
  lines.push(
    `您近3个月进货 ${formatYuan(t.dealerTotalFen)}，同类经销商平均 ${formatYuan(t.averagePerDealerTotalFen)}。`,
  );
  if (t.scope.widened) lines.push(`（本省同类经销商不足 5 家，按全国${t.scope.marketLevel}市场统计）`);
  return fitBytes(lines.filter((l): l is string => l !== null));
}

/** A product group in words: 铝合金 windows → 铝合金窗, 入户门 → 入户门, 工程款 cabinets → 工程款橱柜. */
export function groupName(g: GroupKey): string {
  const suffix: Record<string, string> = { windows: '窗', doors: '门', cabinets: '橱柜' };
  const s = suffix[g.category];
  if (!s || g.series.endsWith(s) || (g.category === 'cabinets' && g.series !== '工程款')) return g.series;
  return `${g.series}${s}`;
}

/** Regional sums in whole yuan (fen there is noise). */
const wholeYuan = (fen: number) => formatYuan(Math.round(fen / 100) * 100);

const scopeName = (s: ScopeTrend['scope']) =>
  s.province ? `${s.province}${s.marketLevel}市场` : `全国${s.marketLevel}市场`;

/** '同比 +40%' against last year when known, else '环比 +12%' against the 3 months before. */
function moveText(g: GroupTrend): string {
  return `${g.lastYearFen === null ? '较前3个月' : '同比'} ${changeText(trendChange(g), g.fen)}`;
}

const windowText = (w: DealerTrendInsight['windows']) => `${dayText(w.current.start)}–${dayText(w.current.end)}`;

/** The monthly insight, also the dealer's chat answer about a group: the region's movement and the dealer's own share. */
export function dealerInsightText(i: DealerTrendInsight, f: ReplyFormat = 'text'): string {
  const t = i.trend;
  const head = `${title(`区域趋势｜${scopeName(t.scope)}`, f)}${safe(i.dealer.name, f)}您好，近3个月（${windowText(i.windows)}）同类 ${t.scope.dealers} 家经销商的进货：`;
  const lines: string[] = [head];
  if (i.askedLevel) lines.push(`（${i.askedLevel}门店由县城经销商供货，按县城经销商的进货统计）`);
  if (!i.focus) {
    lines.push('这个市场近3个月没有进货记录，暂时看不出趋势。');
    return fitBytes(lines);
  }
  const { kind, position: p } = i.focus;
  const name = groupName(p.group);
  const mine = `您的${name}占比 ${shareText(p.dealerShare)}，同区域平均 ${shareText(p.group.averageShare)}`;
  if (kind === 'largest') {
    lines.push(`各品类变化不大，进货最多的是${name}（${wholeYuan(p.group.fen)}，${moveText(p.group)}）。${mine}。`);
  } else {
    lines.push(`${t.scope.marketLevel}${name} ${moveText(p.group)}（${wholeYuan(p.group.fen)}），${mine}。`);
    const c = trendChange(p.group);
    const up = kind === 'rising' || (kind === 'asked' && c !== null && c >= 0);
    if (up) {
      lines.push(
        p.dealerShare < p.group.averageShare
          ? `${name}在您这里还有空间，可以提前备货、做好样品陈列；发“${p.group.series}有货吗”可查库存和价格。`
          : `您的${name}已高于同区域平均，注意备足货、别断货。`,
      );
    } else lines.push(`${name}在区域里走弱，进货时留意库存，避免积压。`);
  }
  const others = t.groups
    .filter((g) => g !== p.group && trendChange(g) !== null && g.buyers >= 3)
    .sort((a, b) => Math.abs(trendChange(b)!) - Math.abs(trendChange(a)!))
    .slice(0, 2);
  if (others.length) lines.push(`其他变化：${others.map((g) => `${groupName(g)} ${moveText(g)}`).join('，')}。`);
  lines.push('（数据来自经销商订货，不含取消的订单）');
  return fitBytes(lines);
}

/** The manager's monthly summary of their region, also their chat answer to "区域趋势". */
export function regionSummaryText(s: RegionTrendSummary, f: ReplyFormat = 'text'): string {
  const lines: string[] = [
    `${title('区域趋势', f)}${safe(s.manager.name, f)}，您负责区域近3个月（${windowText(s.windows)}）的经销商进货：`,
  ];
  if (s.scopes.length === 0)
    return `${lines[0]}
暂无负责的经销商。`;
  for (const sc of s.scopes) {
    const t = sc.trend;
    const total = changeText(change(t.totalFen, t.lastYearFen ?? t.previousFen), t.totalFen);
    const moves = [
      t.rising ? `↑ ${groupName(t.rising)} ${moveText(t.rising)}` : null,
      t.falling ? `↓ ${groupName(t.falling)} ${moveText(t.falling)}` : null,
    ].filter((x): x is string => x !== null);
    lines.push(
      bullet(
        `${scopeName(t.scope)}（${t.scope.dealers}家）：合计 ${wholeYuan(t.totalFen)}（${t.lastYearFen === null ? '较前3个月' : '同比'} ${total}）；${moves.length ? moves.join('，') : '各品类变化不大'}`,
        f,
      ),
    );
    if (t.rising && sc.underweightCount > 0) {
      const names = sc.underweight.map((d) => `${d.code} ${safe(d.name, f)} ${shareText(d.share)}`).join('、');
      lines.push(
        `  ${groupName(t.rising)}占比不到平均（${shareText(t.rising.averageShare)}）一半的经销商 ${sc.underweightCount} 家：${names}${sc.underweightCount > sc.underweight.length ? ' 等' : ''}`,
      );
    }
  }
  lines.push('（数据来自经销商订货，不含取消的订单）');
  return fitBytes(lines);
}

/** The words of the monthly trend pushes (core's TrendTexts port). */
export const trendTexts: TrendTexts = {
  dealerInsight: (i) => dealerInsightText(i),
  regionSummary: (s) => regionSummaryText(s),
};

const NEED_WORDS: Record<NeedKind, string> = {
  training: '产品培训',
  display: '陈列物料',
  restock: '旺季备货',
  promotion: '促销支持',
};

function resourceText(r: NeedResource): string {
  if (r === null) return '您的客户经理会和您联系，一起看看怎么支持。';
  switch (r.kind) {
    case 'course':
      return `推荐参加培训「${r.title}」（${dayText(shanghaiDate(r.startsAt))}开课），回复“报名${r.title}”即可报名。`;
    case 'case':
      return `参考同行案例「${r.title}」，回复“成功案例”查看全文；需要样品或物料可以直接说。`;
    case 'promotion':
      return `正在进行的活动「${r.title}」可以用上，回复“有什么活动”查看条件。`;
    case 'replenishment':
      return '回复“补货建议”可查看建议补货的产品和数量。';
  }
}

/** A predicted need pushed to the dealer with its resource. */
export function dealerNeedText(n: NeedPush): string {
  const name = groupName(n.need.group);
  const recent = wholeYuan(n.need.recentFen);
  const why: Record<NeedKind, string> = {
    training: `您近3个月的${name}进货（${recent}）连续上涨，是新起来的品类，做好卖点讲解能卖得更好。`,
    display: `${name}是您的主力品类（近3个月进货${recent}），按去年同期的走势和今年的增长，接下来3个月需求会明显增加，建议提前把门店样品和陈列跟上。`,
    restock: `去年同期您的${name}进货明显多于近3个月（${recent}），旺季快到了，建议提前备货，避免断货。`,
    promotion: `您近3个月的${name}进货（${recent}）比前3个月下降较多，而同区域在增长。`,
  };
  return `${title(`经营提示｜${NEED_WORDS[n.need.need]}`, 'text')}${n.dealer.name}您好：${why[n.need.need]}${resourceText(n.resource)}`;
}

/** The manager's monthly heads-up: which of their dealers were told which need. */
export function managerNeedHeadsUp(_managerCode: string, needs: readonly NeedPush[]): string {
  const lines = [
    `${title('经营提示（已推送给经销商）', 'text')}本月根据订货趋势预测的需求 ${needs.length} 条，建议跟进：`,
  ];
  for (const n of needs) {
    lines.push(
      bullet(`${n.dealer.code} ${n.dealer.name}：${NEED_WORDS[n.need.need]}（${groupName(n.need.group)}）`, 'text'),
    );
  }
  return fitBytes(lines);
}

export const needTexts: NeedTexts = { dealerNeed: dealerNeedText, managerHeadsUp: managerNeedHeadsUp };

export const insightReplies = {
  dealerInsight: dealerInsightText,
  regionSummary: regionSummaryText,
  noRegion: '没有找到您负责的区域，请联系总部核对客户经理信息。',
  sales: salesReply,
  trend: trendReply,
  badPeriod: '请说明要查哪个月，例如“上个月卖了多少”或“10月动销”。',
  futurePeriod: (label: string) => `${periodLabel(label)}还没开始，可以查本月或之前的动销。`,
  dealerNotFound: '没有找到您的经销商账户，请先绑定（发送“绑定 D0012 手机号”）。',
  storeNotFound: (code: string) => `未找到门店 ${code}。只能查询您自己的门店，门店编号形如“D0012-S01”。`,
};
