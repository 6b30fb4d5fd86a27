import type { SalesWeek } from '../common/slots.js';
import { addDays } from '../common/time.js';
import { InsightError } from './insights.errors.js';
import type { Change, ComparedWindow } from './insights.types.js';

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;

export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The same day `n` months later (earlier when negative), clamped to the month's last day. */
export function addMonths(date: string, n: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + n;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return `${y}-${pad2(m)}-${pad2(Math.min(Number(date.slice(8, 10)), lastDay(y, m)))}`;
}

/** 'YYYY-MM' n months later (earlier when negative). */
export function shiftMonth(month: string, n: number): string {
  const t = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(t / 12)}-${pad2((t % 12) + 1)}`;
}

/** Monday of the week containing `date`. */
export function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

export function change(current: number, previous: number): Change {
  return previous > 0 ? (current - previous) / previous : null;
}

/** Default sell-through window when the question names none. */
export const DEFAULT_SALES_DAYS = 30;

/**
 * The sell-through period a question names and the one it is compared with: a month 'YYYY-MM' (the running month
 * to date, compared with the same days of the month before), 'week' (Monday to today against the same days last
 * week), 'last_week' / 'week_before_last' (that Monday to Sunday against the week before it), 'last_7_days' (the last 7 days against the 7
 * before), or by default the last 30 days against the 30 before.
 */
export function salesWindow(input: { period?: string; span?: SalesWeek | 'days' }, today: string): ComparedWindow {
  if (input.period !== undefined) {
    const m = /^(\d{4})-(\d{2})$/.exec(input.period.trim());
    const mo = m ? Number(m[2]) : 0;
    if (!m || mo < 1 || mo > 12)
      throw new InsightError('INSIGHT.BAD_PERIOD', 'period must be YYYY-MM', { period: input.period });
    const start = `${m[1]}-${m[2]}-01`;
    if (start > today)
      throw new InsightError('INSIGHT.FUTURE_PERIOD', 'period has not started', { period: input.period });
    const monthEnd = `${m[1]}-${m[2]}-${pad2(lastDay(Number(m[1]), mo))}`;
    const running = monthEnd >= today;
    const end = running ? today : monthEnd;
    const prevStart = addMonths(start, -1);
    const prevMonthEnd = addDays(start, -1);
    const prevEnd = running ? [addDays(prevStart, daysBetween(start, end)), prevMonthEnd].sort()[0]! : prevMonthEnd;
    return {
      kind: 'month',
      label: `${m[1]}-${m[2]}`,
      current: { start, end },
      previous: { start: prevStart, end: prevEnd },
      running,
    };
  }
  if (input.span === 'week') {
    const start = mondayOf(today);
    return {
      kind: 'week',
      label: 'week',
      current: { start, end: today },
      previous: { start: addDays(start, -7), end: addDays(today, -7) },
      running: true,
    };
  }
  if (input.span === 'last_week' || input.span === 'week_before_last') {
    const start = addDays(mondayOf(today), input.span === 'last_week' ? -7 : -14);
    return {
      kind: 'week',
      label: input.span,
      current: { start, end: addDays(start, 6) },
      previous: { start: addDays(start, -7), end: addDays(start, -1) },
      running: false,
    };
  }
  const n = input.span === 'last_7_days' ? 7 : DEFAULT_SALES_DAYS;
  return {
    kind: 'days',
    label: `${n}d`,
    current: { start: addDays(today, -(n - 1)), end: today },
    previous: { start: addDays(today, -(2 * n - 1)), end: addDays(today, -n) },
    running: true,
  };
}

/** Months compared by the regional trend. */
export const TREND_MONTHS = 3;

/** The last three months to today against the three months before them. */
export function trendWindow(today: string, months = TREND_MONTHS): ComparedWindow {
  const start = addDays(addMonths(today, -months), 1);
  const prevStart = addDays(addMonths(today, -2 * months), 1);
  return {
    kind: 'month',
    label: `${months}m`,
    current: { start, end: today },
    previous: { start: prevStart, end: addDays(start, -1) },
    running: true,
  };
}
