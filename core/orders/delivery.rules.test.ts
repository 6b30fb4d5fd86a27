import { describe, expect, it } from 'vitest';
import { earliestDelivery, resolveWantedDate } from './delivery.rules.js';

const TODAY = '2026-11-26';

describe('delivery dates', () => {
  it('the earliest day is tomorrow, or when HQ expects the last missing line', () => {
    expect(earliestDelivery(TODAY, [null, null])).toBe('2026-11-27');
    expect(earliestDelivery(TODAY, [null, '2026-12-10', '2026-12-03'])).toBe('2026-12-10');
    expect(earliestDelivery(TODAY, ['2026-11-26'])).toBe('2026-11-27');
  });

  it('refuses today and the past, keeps the next day-of-month, asks about a year roll', () => {
    expect(resolveWantedDate({ date: TODAY }, TODAY)).toEqual({ date: null, note: { kind: 'today', date: TODAY } });
    expect(resolveWantedDate({ date: '2026-11-20' }, TODAY)).toEqual({
      date: null,
      note: { kind: 'past', date: '2026-11-20' },
    });
    expect(resolveWantedDate({ date: '2026-11-27' }, TODAY)).toEqual({ date: '2026-11-27' });
    // "15号" said on the 26th: the next 15th.
    expect(resolveWantedDate({ date: '2026-12-15', rolledForward: true }, TODAY)).toEqual({ date: '2026-12-15' });
    // "11月20号" said on 11月26日: next year is most likely a slip.
    expect(resolveWantedDate({ date: '2027-11-20', rolledForward: true }, TODAY).note?.kind).toBe('rolled');
    expect(resolveWantedDate(undefined, TODAY)).toEqual({ date: null });
  });
});
