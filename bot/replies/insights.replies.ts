import type { ComparedWindow, SalesReport, TrendReport } from '../../core/insights/insights.types.js';
import { categoryNameZh, formatYuan } from '../../core/policies/explain.js';
import { bullet, changeText, dayText, periodLabel, type ReplyFormat, safe, shareText, title } from './format.js';
import { fitBytes } from './policies.replies.js';

/** Products listed in a sell-through answer. */
const SALES_LINES_MAX = 8;

/** What the current period is called, and what it is compared with. */
function windowWords(w: ComparedWindow): { now: string; before: string } {
  if (w.kind === 'week') return { now: '本周', before: '上周同期' };
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
  const unitTotals = (totals: SalesReport['totals']) =>
    totals.map((t) => `${t.qty}${t.unit}（${before} ${t.previousQty}${t.unit}，${changeText(t.change, t.qty)}）`);
  lines.push(`合计卖出 ${unitTotals(r.totals).join('，')}`);
  if (r.stores) {
    if (r.stores.length === 0) lines.push('各门店还没有分门店的 POS 数据，以上是经销商汇总。');
    else {
      lines.push('分门店：');
      for (const s of r.stores.slice(0, SALES_LINES_MAX))
        lines.push(bullet(`${safe(s.name, f)}（${s.code}）：${unitTotals(s.totals).join('，')}`, f));
      if (r.stores.length > SALES_LINES_MAX) lines.push(`……等共 ${r.stores.length} 家门店`);
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
      : `数据来自 ${r.activeStores} 家在营门店的 POS 汇总${r.stores?.length ? '' : '（可问“各门店卖了多少”看分门店）'}。`,
  );
  return fitBytes(lines.filter((l): l is string => l !== null));
}

/** What sells in the dealer's region (`trend.query`). */
export function trendReply(t: TrendReport, f: ReplyFormat = 'text'): string {
  const scope = t.scope.province ? `${t.scope.province}${t.scope.marketLevel}市场` : `全国${t.scope.marketLevel}市场`;
  const head = `${title(`区域趋势｜${scope}`, f)}近3个月（${range(t.window)}）与前3个月相比，同类 ${t.scope.dealers} 家经销商：`;
  if (t.categories.every((c) => c.regionFen === 0 && c.regionPreviousFen === 0)) {
    return `${head}\n近半年这个市场没有进货记录，暂时看不出趋势。`;
  }
  const lines: (string | null)[] = [head];
  for (const c of t.categories.filter((x) => x.regionFen > 0 || x.regionPreviousFen > 0)) {
    const sold = c.sellThrough.filter((u) => u.qty > 0).map((u) => `${u.qty}${u.unit}`);
    const sell = sold.length ? `，门店卖出 ${sold.join('、')}` : '';
    lines.push(
      bullet(
        `${categoryNameZh(c.category)}：进货 ${formatYuan(c.regionFen)}（${changeText(c.change, c.regionFen)}）${sell}；占区域 ${shareText(c.regionShare)}，占您 ${shareText(c.dealerShare)}`,
        f,
      ),
    );
  }
  if (t.topProducts.length > 0) {
    lines.push('卖得最好的产品：');
    t.topProducts.forEach((p, i) => {
      lines.push(`${i + 1}. ${p.name} ${formatYuan(p.fen)}（${changeText(p.change, p.fen)}）`);
    });
  }
  lines.push(
    `您近3个月进货 ${formatYuan(t.dealerTotalFen)}，同类经销商平均 ${formatYuan(t.averagePerDealerTotalFen)}。`,
  );
  if (t.scope.widened) lines.push(`（本省同类经销商不足 5 家，按全国${t.scope.marketLevel}市场统计）`);
  return fitBytes(lines.filter((l): l is string => l !== null));
}

export const insightReplies = {
  sales: salesReply,
  trend: trendReply,
  badPeriod: '请说明要查哪个月，例如“上个月卖了多少”或“10月动销”。',
  futurePeriod: (label: string) => `${periodLabel(label)}还没开始，可以查本月或之前的动销。`,
  dealerNotFound: '没有找到您的经销商账户，请先绑定（发送“绑定 D0012 手机号”）。',
  storeNotFound: (code: string) => `未找到门店 ${code}。只能查询您自己的门店，门店编号形如“D0012-S01”。`,
};
