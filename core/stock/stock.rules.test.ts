import { describe, expect, it } from 'vitest';
import { availability, daysOfCover, replenishmentAdvice, sellThroughWindow } from './stock.rules.js';

describe('HQ availability', () => {
  it('is on hand minus reserved; a shortfall comes after the lead time', () => {
    expect(availability(30, 100, 40, 14, '2026-11-26')).toEqual({ available: 60, shortfall: 0, expectedDate: null });
    expect(availability(30, 50, 40, 14, '2026-11-26')).toEqual({
      available: 10,
      shortfall: 20,
      expectedDate: '2026-12-10',
    });
    expect(availability(5, 10, 20, 21, '2026-12-25')).toEqual({
      available: 0,
      shortfall: 5,
      expectedDate: '2027-01-15',
    });
  });
});

describe('days of cover', () => {
  it('divides stock by the average daily sell-through', () => {
    expect(daysOfCover(4, 12)).toBeCloseTo(10);
    expect(daysOfCover(0, 30)).toBe(0);
    expect(daysOfCover(50, 0)).toBeNull();
  });
});

describe('replenishment advice', () => {
  const item = { leadTimeDays: 14, moq: 10, orderMultiple: 1 };
  it('suggests products below lead time + 7 days, covering 30 days rounded up to MOQ/multiples', () => {
    const advice = replenishmentAdvice([
      { sku: 'A', ...item, stockQty: 10, sold30: 60 }, // 5 days < 21 → 60
      { sku: 'B', ...item, stockQty: 200, sold30: 60 }, // 100 days: fine
      { sku: 'C', ...item, stockQty: 2, sold30: 3 }, // 20 days < 21 → 3 → MOQ 10
      { sku: 'D', ...item, moq: 20, orderMultiple: 20, stockQty: 0, sold30: 45 }, // 0 days → 45 → 60
      { sku: 'E', ...item, stockQty: 0, sold30: 0 }, // no sales: nothing to say
    ]);
    expect(advice.map((a) => [a.sku, a.qty])).toEqual([
      ['D', 60],
      ['A', 60],
      ['C', 10],
    ]);
    expect(advice[1]).toMatchObject({ daysOfCover: 5, thresholdDays: 21 });
  });
  it('exactly at the threshold needs nothing', () => {
    expect(replenishmentAdvice([{ sku: 'A', ...item, stockQty: 42, sold30: 60 }])).toEqual([]);
  });
});

describe('sell-through window', () => {
  it('is the 30 full days before the date: [date − 30, date)', () => {
    expect(sellThroughWindow('2026-11-26')).toEqual({ from: '2026-10-27', before: '2026-11-26' });
    expect(sellThroughWindow('2026-03-01')).toEqual({ from: '2026-01-30', before: '2026-03-01' });
  });
});
