import { describe, expect, it } from 'vitest';
import { shanghaiDate } from './time.js';

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
