/**
 * Business time is Asia/Shanghai (UTC+8, no DST since 1991, so a fixed offset is exact): dates, "today", clock
 * times and quiet hours are computed there. This module is the one place that knows the offset; everything else
 * calls it (or passes BUSINESS_TIME_ZONE to Intl / node-cron).
 */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/**
 * 'YYYY-MM-DD' of an instant in Asia/Shanghai: the one implementation (core/policies/dates.ts and bot/nlu/dates.ts
 * re-export it). Accepts a Date or an ISO timestamp string; an invalid instant is a RangeError, never a wrong date.
 */
export function shanghaiDate(at: Date | string): string {
  const t = (typeof at === 'string' ? new Date(at) : at).getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid timestamp');
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Shanghai calendar day starts. */
export function shanghaiMidnight(date: string): Date {
  return shanghaiInstant(date, '00:00');
}

/** The instant of a Shanghai wall-clock time `HH:MM` on a Shanghai date. */
export function shanghaiInstant(date: string, time: string): Date {
  const at = parseShanghaiInstant(date, `${time}:00`);
  if (!at) throw new RangeError(`invalid Shanghai date/time: ${date} ${time}`);
  return at;
}

/**
 * The instant of a Shanghai wall-clock time `HH:MM:SS[.fff]` on a Shanghai date ('YYYY-MM-DD'), for parsers of
 * local times written without an offset (Kingdee, Excel); null when the date or time does not exist.
 */
export function parseShanghaiInstant(date: string, time: string): Date | null {
  const at = new Date(`${date}T${time}+08:00`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The instant the Shanghai day containing `at` started. */
export function shanghaiDayStart(at: Date): Date {
  return new Date(at.getTime() - shanghaiMinuteOfDayMs(at));
}

/** Minutes since Shanghai midnight. */
export function shanghaiMinuteOfDay(at: Date): number {
  return Math.floor(shanghaiMinuteOfDayMs(at) / 60_000);
}

function shanghaiMinuteOfDayMs(at: Date): number {
  return (((at.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

/** `YYYY-MM-DDTHH:MM` of the Shanghai minute containing `at` (a stable name for a scheduled firing). */
export function shanghaiMinute(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** Hour and minute of an instant in Asia/Shanghai. */
export function shanghaiClock(at: Date): { hour: number; minute: number; weekday: number } {
  const d = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Same calendar date `years` later (or earlier when negative); 29 Feb falls back to 28 Feb. */
export function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const m = Number(date.slice(5, 7));
  const d = Math.min(Number(date.slice(8, 10)), new Date(Date.UTC(y, m, 0)).getUTCDate());
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** First day of the quarter containing a Shanghai date. */
export function quarterStart(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const qm = Math.floor((m - 1) / 3) * 3 + 1;
  return `${y}-${String(qm).padStart(2, '0')}-01`;
}
