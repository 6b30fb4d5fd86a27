/**
 * Quiet hours and send spreading for every proactive push (Asia/Shanghai) — the one rule, used by the care jobs,
 * monthly re-tiering and policy pushes alike: nothing reaches a dealer between 21:00 and 08:30, and bulk sends never
 * land on :00 or :30 (WeCom throttles the crowd there), so each message gets a `notBefore` at a minute offset.
 */
import { shanghaiDayStart, shanghaiMinuteOfDay } from '../common/time.js';

const MIN = 60_000;

export interface QuietHours {
  /** Minutes after midnight (Shanghai) when quiet starts and ends. */
  start: number;
  end: number;
}

export const DEFAULT_QUIET_HOURS: Readonly<QuietHours> = Object.freeze({ start: 21 * 60, end: 8 * 60 + 30 });

const minuteOfDay = shanghaiMinuteOfDay;

export function isQuietTime(at: Date, q: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const m = minuteOfDay(at);
  return q.start > q.end ? m >= q.start || m < q.end : m >= q.start && m < q.end;
}

/** `at` itself when outside quiet hours, else the moment they end. */
export function endOfQuiet(at: Date, q: QuietHours = DEFAULT_QUIET_HOURS): Date {
  if (!isQuietTime(at, q)) return at;
  const dayStart = shanghaiDayStart(at).getTime();
  let end = dayStart + q.end * MIN;
  if (end <= at.getTime()) end += 86_400_000;
  return new Date(end);
}

/** A minute a bulk send may use: outside quiet hours and not :00 or :30. */
export function isSendableMinute(at: Date, q: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const m = minuteOfDay(at);
  return m % 30 !== 0 && !isQuietTime(at, q);
}

export interface SpreadOptions {
  /** Messages per minute (spread evenly over its seconds). */
  perMinute: number;
  quiet?: QuietHours;
}

/**
 * When the `index`-th message of a bulk send may go: from `now` (or the end of quiet hours), `perMinute` messages
 * per usable minute, skipping :00, :30 and quiet minutes. Never earlier than `now`.
 */
export function spreadSendTime(now: Date, index: number, opts: SpreadOptions = { perMinute: 60 }): Date {
  if (!Number.isInteger(index) || index < 0) throw new RangeError('index must be a non-negative integer');
  const q = opts.quiet ?? DEFAULT_QUIET_HOURS;
  const start = endOfQuiet(now, q);
  // Start at the next whole minute unless `start` is exactly on one.
  let minute = Math.ceil(start.getTime() / MIN) * MIN;
  let skip = Math.floor(index / opts.perMinute);
  for (;;) {
    const at = new Date(minute);
    if (!isSendableMinute(at, q)) {
      minute = isQuietTime(at, q) ? endOfQuiet(at, q).getTime() : minute + MIN;
      continue;
    }
    if (skip === 0) break;
    skip--;
    minute += MIN;
  }
  const within = index % opts.perMinute;
  return new Date(minute + Math.floor((within * MIN) / opts.perMinute));
}

/** Pushes per minute of a bulk send (WeCom's app API is throttled per member; a steady flow avoids bursts). */
export const PUSHES_PER_MINUTE = 120;

/**
 * When the `index`-th push of a send started at `now` may go (index 0 for a single push): outside quiet hours, off
 * :00 and :30, `perMinute` pushes per usable minute, never before `now`. Every proactive push uses this.
 */
export function pushNotBefore(now: Date, index = 0, perMinute = PUSHES_PER_MINUTE): Date {
  return spreadSendTime(now, index, { perMinute });
}
