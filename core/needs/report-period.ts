import { addDays, shanghaiDate } from '../common/time.js';
import { isIsoDate } from '../policies/dates.js';

export type ReportPeriodError = 'from' | 'to' | 'order';

/**
 * The needs report period: `from`/`to` (Shanghai dates, inclusive), by default the last 30 days up to today.
 *
 * @example
 * reportPeriod({ to: '2026-11-26' }, now); // { from: '2026-10-28', to: '2026-11-26' }
 * reportPeriod({ from: '2026-13-01' }, now); // { error: 'from' }
 */
export function reportPeriod(
  given: { from?: string | undefined; to?: string | undefined },
  now: Date,
): { from: string; to: string } | { error: ReportPeriodError } {
  const to = given.to ?? shanghaiDate(now);
  if (!isIsoDate(to)) return { error: 'to' };
  const from = given.from ?? addDays(to, -29);
  if (!isIsoDate(from)) return { error: 'from' };
  if (from > to) return { error: 'order' };
  return { from, to };
}
