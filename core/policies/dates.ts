/** Business-date helpers. Asia/Shanghai is UTC+8 all year (no DST since 1991), so a fixed offset is exact. */

import type { Period } from './policy.types.js';

export { addYears, shanghaiDate } from '../common/time.js';

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First and last date of the calendar month containing `date`. */
export function monthOf(date: string): { start: string; end: string } {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const ym = date.slice(0, 7);
  return { start: `${ym}-01`, end: `${ym}-${String(daysInMonth(y, m)).padStart(2, '0')}` };
}

/** True when `date` lies within [start, end] (inclusive, ISO dates compare as strings). */
export function inPeriod(date: string, period: { start: string; end: string }): boolean {
  return date >= period.start && date <= period.end;
}

/**
 * The dealer's word for a policy period — '本季度' (a calendar quarter), '本年度' (a year), '本月' (a month), else
 * '活动期内' — vocabulary that core's rebate preview carries as data.
 */
export function periodLabel(period: Period): string {
  const [sy, sm, sd] = period.start.split('-').map(Number);
  const [ey, em, ed] = period.end.split('-').map(Number);
  if (sy === undefined || sm === undefined || ey === undefined || em === undefined || ed === undefined)
    return '活动期内';
  const lastDay = new Date(Date.UTC(ey, em, 0)).getUTCDate();
  if (sd !== 1 || ed !== lastDay || sy !== ey) return '活动期内';
  if (sm === 1 && em === 12) return '本年度';
  if (em - sm === 2 && sm % 3 === 1) return '本季度';
  if (em === sm) return '本月';
  return '活动期内';
}
