import { addYears } from './time.js';

/** A date range, both ends included (ISO dates, Asia/Shanghai). */
export interface DateRange {
  start: string;
  end: string;
}

/**
 * The window every 同比 (year-on-year) purchase figure compares: a period up to today (or its end, when past)
 * against the same days a year earlier — never a part of this year against the whole of last year.
 *
 * @example
 * yearOnYearWindow({ start: '2026-01-01', end: '2026-12-31' }, '2026-12-01');
 * // { current: { start: '2026-01-01', end: '2026-12-01' }, previous: { start: '2025-01-01', end: '2025-12-01' } }
 */
export function yearOnYearWindow(period: DateRange, today: string): { current: DateRange; previous: DateRange } {
  const end = today < period.end ? today : period.end;
  return {
    current: { start: period.start, end },
    previous: { start: addYears(period.start, -1), end: addYears(end, -1) },
  };
}

/** The calendar year of `today` to date against the same days last year (the managers' "今年进货 同比"). */
export const yearToDateWindow = (today: string) =>
  yearOnYearWindow({ start: `${today.slice(0, 4)}-01-01`, end: `${today.slice(0, 4)}-12-31` }, today);

/** (current − previous) / previous, or null without a previous amount. */
export function yearOnYearChange(currentFen: number, previousFen: number): number | null {
  return previousFen > 0 ? (currentFen - previousFen) / previousFen : null;
}
