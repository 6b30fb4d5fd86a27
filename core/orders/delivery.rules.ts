import { addDays } from '../common/time.js';
import type { DateNote, DateRequest } from './order.types.js';

/** A date the parser rolled forward by at most this many days ("15号" said on the 26th) is the next such day. */
export const NEXT_DAY_OF_MONTH_DAYS = 31;

/** The earliest delivery day: tomorrow at best, and not before HQ expects the last missing line. */
export function earliestDelivery(today: string, expectedDates: ReadonlyArray<string | null>): string {
  const tomorrow = addDays(today, 1);
  const latest = expectedDates
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  return latest && latest > tomorrow ? latest : tomorrow;
}

/**
 * A wanted date is accepted only if it is after today. A date moved forward by a month ("15号" → the next 15th)
 * stands; one moved by a year (11月20号 said on 11月26日) is most likely a slip: asked back, never assumed.
 */
export function resolveWantedDate(
  req: DateRequest | undefined,
  today: string,
): { date: string | null; note?: DateNote } {
  if (!req) return { date: null };
  if (req.date < today) return { date: null, note: { kind: 'past', date: req.date } };
  if (req.date === today) return { date: null, note: { kind: 'today', date: req.date } };
  if (req.rolledForward && req.date > addDays(today, NEXT_DAY_OF_MONTH_DAYS)) {
    return { date: null, note: { kind: 'rolled', date: req.date } };
  }
  return { date: req.date };
}
