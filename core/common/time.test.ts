import { describe, expect, it } from 'vitest';
import {
  shanghaiClock,
  shanghaiDate,
  shanghaiDayStart,
  shanghaiInstant,
  shanghaiMidnight,
  shanghaiMinute,
  shanghaiMinuteOfDay,
  parseShanghaiInstant,
} from './time.js';

describe('shanghaiDate (the one implementation; policies and NLU re-export it)', () => {
  it('takes a Date or an ISO timestamp string and answers the Shanghai calendar date', () => {
    expect(shanghaiDate(new Date('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    expect(shanghaiDate(new Date('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
    expect(shanghaiDate('2026-09-30T16:30:00Z')).toBe('2026-10-01');
    expect(shanghaiDate('2026-11-26T23:59:00+08:00')).toBe('2026-11-26');
  });

  it('rejects an invalid instant instead of inventing a date', () => {
    expect(() => shanghaiDate('not a date')).toThrow(RangeError);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('Shanghai instants and clock', () => {
  it('turns a Shanghai date and wall-clock time into the instant (8 hours ahead of UTC)', () => {
    expect(shanghaiInstant('2026-10-01', '09:30').toISOString()).toBe('2026-10-01T01:30:00.000Z');
    expect(shanghaiMidnight('2026-10-01').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(() => shanghaiInstant('2026-13-01', '09:30')).toThrow(RangeError);
  });

  it('parses a local time with seconds and milliseconds; null when it does not exist', () => {
    expect(parseShanghaiInstant('2026-11-05', '16:20:05.250')?.toISOString()).toBe('2026-11-05T08:20:05.250Z');
    expect(parseShanghaiInstant('2026-11-05', '00:30:00')?.toISOString()).toBe('2026-11-04T16:30:00.000Z');
    expect(parseShanghaiInstant('2026-11-05', '24:30:00')).toBeNull();
  });

  it('finds the start of the Shanghai day and the minute of day, across the UTC date line', () => {
    const at = new Date('2026-09-30T17:05:30Z'); // 01:05:30 on 10-01 in Shanghai
    expect(shanghaiDayStart(at).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(shanghaiMinuteOfDay(at)).toBe(65);
    expect(shanghaiMinuteOfDay(new Date('2026-09-30T15:59:00Z'))).toBe(23 * 60 + 59);
    expect(shanghaiClock(at)).toEqual({ hour: 1, minute: 5, weekday: 4 });
  });

  it('names the Shanghai minute of an instant', () => {
    expect(shanghaiMinute(new Date('2026-09-30T16:00:59.999Z'))).toBe('2026-10-01T00:00');
  });
});
