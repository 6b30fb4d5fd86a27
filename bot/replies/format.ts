import { BUSINESS_TIME_ZONE } from '../../core/common/time.js';
import { mdSafe } from './render.js';

/**
 * Answers are written once and rendered two ways: `text` (KF, sandbox; the dispatcher turns 【标题】 into bold for
 * WeCom app messages) and `markdown` (manager alert chats and other markdown routes: bold titles, "- " bullets,
 * names from the database escaped).
 */
export type ReplyFormat = 'text' | 'markdown';

export const title = (t: string, f: ReplyFormat) => (f === 'markdown' ? `**${t}**` : `【${t}】`);
export const bullet = (line: string, f: ReplyFormat) => (f === 'markdown' ? `- ${line}` : `· ${line}`);
/** Names and free text from the database: escaped in markdown, as is in text. */
export const safe = (s: string, f: ReplyFormat) => (f === 'markdown' ? mdSafe(s) : s);

/** 0.125 → '+13%', -0.5 → '-50%', null → 'new' or 'no comparison' by whether there is anything now. */
export function changeText(change: number | null, current: number): string {
  if (change === null) return current > 0 ? '新增' : '持平';
  const pct = Math.round(change * 100);
  if (pct === 0) return '持平';
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

/** 0.625 → '63%'. */
export const shareText = (share: number) => `${Math.round(share * 100)}%`;

/**
 * One formatter for every call: `Date.prototype.toLocaleString` with options builds (and throws away) an
 * `Intl.DateTimeFormat` per call, which a busy worker paid on every order list (3% of the process in bench:e2e).
 */
const MONTH_DAY_TIME_ZH = new Intl.DateTimeFormat('zh-CN', {
  timeZone: BUSINESS_TIME_ZONE,
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A moment in business time (Asia/Shanghai): 2026-11-26T06:05:00Z → '11/26 14:05'. */
export const monthDayTimeZh = (at: Date): string => MONTH_DAY_TIME_ZH.format(at);

/** '2026-11-05' → '11月5日'. */
export function dayText(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** '2026-10' → '2026年10月'; '2026-Q4' → '2026年第4季度'. */
export function periodLabel(label: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(label);
  if (q) return `${q[1]}年第${q[2]}季度`;
  return `${label.slice(0, 4)}年${Number(label.slice(5, 7))}月`;
}

/** An order's status in a list or a statement (the order replies' own lines say more: "已下单，待发货"). */
export const ORDER_STATUS_ZH: Readonly<Record<string, string>> = {
  placed: '已下单',
  shipped: '已发货',
  delivered: '已送达',
  cancelled: '已取消',
};
