import { describe, expect, it } from 'vitest';
import { BUSINESS_TIME_ZONE } from '../../core/common/time.js';
import { monthDayTimeZh } from './format.js';

describe('monthDayTimeZh', () => {
  it('reads like toLocaleString in business time (one cached formatter instead of one per call)', () => {
    const opts = { timeZone: BUSINESS_TIME_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    for (const iso of [
      '2026-11-26T06:05:00Z',
      '2026-12-31T16:00:00Z',
      '2027-02-28T23:59:59Z',
      '2026-01-01T00:00:00Z',
    ]) {
      const at = new Date(iso);
      expect(monthDayTimeZh(at)).toBe(at.toLocaleString('zh-CN', opts as Intl.DateTimeFormatOptions));
    }
    expect(monthDayTimeZh(new Date('2026-11-26T06:05:00Z'))).toBe('11/26 14:05');
    expect(monthDayTimeZh(new Date('2026-12-31T16:00:00Z'))).toBe('1/1 00:00');
  });
});
