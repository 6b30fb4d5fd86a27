import { describe, expect, it } from 'vitest';
import { anniversaryYears, mondayOf, sameDayOfYear } from './calendar.js';
import {
  endOfQuiet,
  isQuietTime,
  isSendableMinute,
  PUSHES_PER_MINUTE,
  pushNotBefore,
  spreadSendTime,
} from './quiet-hours.js';
import { adviseReplenishment, overstockOf, type StockPosition } from './replenishment.js';
import { sellThroughDrop } from './anomalies.js';
import { pickSuccessCase, type SuccessCase } from './success-case.js';

const sh = (s: string) => new Date(`${s}+08:00`);
const clock = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 19);

describe('quiet hours', () => {
  it('is quiet from 21:00 to 08:30 Shanghai', () => {
    expect(isQuietTime(sh('2026-11-26T20:59:59'))).toBe(false);
    expect(isQuietTime(sh('2026-11-26T21:00:00'))).toBe(true);
    expect(isQuietTime(sh('2026-11-27T03:00:00'))).toBe(true);
    expect(isQuietTime(sh('2026-11-27T08:29:59'))).toBe(true);
    expect(isQuietTime(sh('2026-11-27T08:30:00'))).toBe(false);
  });

  it('moves a quiet instant to 08:30 the next morning (or the same morning after midnight)', () => {
    expect(endOfQuiet(sh('2026-11-26T22:15:00'))).toEqual(sh('2026-11-27T08:30:00'));
    expect(endOfQuiet(sh('2026-11-27T06:10:00'))).toEqual(sh('2026-11-27T08:30:00'));
    expect(endOfQuiet(sh('2026-11-27T10:00:00'))).toEqual(sh('2026-11-27T10:00:00'));
  });

  it('spreads a bulk send over usable minutes, never :00 or :30 and never in quiet hours', () => {
    const now = sh('2026-11-26T09:10:00');
    const times = Array.from({ length: 3000 }, (_, i) => spreadSendTime(now, i, { perMinute: 60 }));
    for (const t of times) {
      expect(t.getTime()).toBeGreaterThanOrEqual(now.getTime());
      expect(isSendableMinute(t)).toBe(true);
    }
    expect(clock(times[0]!)).toBe('09:10:00');
    expect(clock(times[59]!)).toBe('09:10:59');
    expect(clock(times[60]!)).toBe('09:11:00');
    // 20 minutes later the :30 minute is skipped.
    expect(clock(times[20 * 60]!)).toBe('09:31:00');
    // 3,000 messages at 60/min cross 21:00? No: ~52 minutes. A late start rolls into the next morning.
    const late = spreadSendTime(sh('2026-11-26T20:59:30'), 60, { perMinute: 60 });
    expect(late).toEqual(sh('2026-11-27T08:32:00'));
    expect(spreadSendTime(sh('2026-11-27T06:10:00'), 0)).toEqual(sh('2026-11-27T08:31:00'));
    expect(spreadSendTime(sh('2026-11-27T09:59:20'), 0)).toEqual(sh('2026-11-27T10:01:00'));
  });
});

describe('stock rules', () => {
  const p = (o: Partial<StockPosition>): StockPosition => ({
    sku: 'KW-N60',
    name: '窄边框平开窗 N60',
    unit: '套',
    onHand: 20,
    sold30: 60,
    leadTimeDays: 14,
    moq: 10,
    orderMultiple: 1,
    ...o,
  });

  it('advises products under lead time + 7 days of cover, 30 days of sales rounded up to the MOQ', () => {
    expect(adviseReplenishment([p({})])).toEqual([
      {
        sku: 'KW-N60',
        name: '窄边框平开窗 N60',
        unit: '套',
        onHand: 20,
        daysOfCover: 10,
        leadTimeDays: 14,
        suggestQty: 60,
      },
    ]);
    expect(adviseReplenishment([p({ onHand: 42 })])).toEqual([]); // 21 days = lead time + 7: enough
    expect(adviseReplenishment([p({ sold30: 3, onHand: 0 })])[0]!.suggestQty).toBe(10); // 3 → MOQ 10
  });

  it('flags stock over 90 days of cover, or an MOQ of stock that did not sell', () => {
    expect(overstockOf(p({ onHand: 200, sold30: 60 }))).toMatchObject({ daysOfCover: 100, onHand: 200 });
    expect(overstockOf(p({ onHand: 180, sold30: 60 }))).toBeNull(); // exactly 90 days
    expect(overstockOf(p({ onHand: 10, sold30: 0 }))).toMatchObject({ daysOfCover: null });
    expect(overstockOf(p({ onHand: 9, sold30: 0 }))).toBeNull(); // less than an MOQ: not worth an alert
  });

  it('flags a sell-through drop of 30% or more over a meaningful base', () => {
    expect(sellThroughDrop({ last28: 70, prev28: 100 })).toBeCloseTo(0.3);
    expect(sellThroughDrop({ last28: 71, prev28: 100 })).toBeNull();
    expect(sellThroughDrop({ last28: 0, prev28: 9 })).toBeNull();
  });
});

describe('calendar', () => {
  it('matches birthdays and anniversaries by month and day, 29 Feb on 28 Feb in other years', () => {
    expect(sameDayOfYear('1980-11-26', '2026-11-26')).toBe(true);
    expect(sameDayOfYear('1980-02-29', '2026-02-28')).toBe(true);
    expect(sameDayOfYear('1980-02-29', '2028-02-28')).toBe(false);
    expect(anniversaryYears('2020-11-26', '2026-11-26')).toBe(6);
    expect(anniversaryYears('2026-11-26', '2026-11-26')).toBeNull();
    expect(mondayOf('2026-11-26')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });
});

describe('success cases', () => {
  const c = (id: number, tags: string[], tier: SuccessCase['tier'], dealerCode: string | null = null): SuccessCase => ({
    id,
    title: `案例${id}`,
    body: '…',
    tags,
    tier,
    dealerCode,
  });
  const cases = [
    c(1, ['橱柜专长'], 'key'),
    c(2, ['门窗专长', '零售终端'], 'core'),
    c(3, ['门窗专长'], 'regular'),
    c(4, ['门窗专长', '零售终端'], 'key', 'D0001'),
  ];

  it('picks the best tag and tier match, never one already sent nor one about the dealer itself', () => {
    const d = { code: 'D0001', tier: 'key' as const, tags: ['门窗专长', '零售终端'] };
    expect(pickSuccessCase(cases, d, new Set())!.id).toBe(2);
    expect(pickSuccessCase(cases, d, new Set([2]))!.id).toBe(3);
    expect(pickSuccessCase(cases, d, new Set([2, 3]))!.id).toBe(1); // same tier only
    expect(pickSuccessCase(cases, { ...d, tier: 'silent' }, new Set([2, 3]))).toBeNull();
  });
});

describe('pushNotBefore: the one quiet-hours rule for every proactive push', () => {
  it('holds evening and night pushes to 08:31 (08:30 itself is a :30 minute), then spreads them', () => {
    for (const now of ['2026-11-26T21:00:00', '2026-11-26T23:59:00', '2026-11-27T00:10:00', '2026-11-27T08:29:00'])
      expect(pushNotBefore(sh(now))).toEqual(sh('2026-11-27T08:31:00'));
    // 20:59 is still a usable minute: it goes at once, not the next morning.
    expect(pushNotBefore(sh('2026-11-26T20:59:00'))).toEqual(sh('2026-11-26T20:59:00'));
    expect(pushNotBefore(sh('2026-11-26T22:00:00'), PUSHES_PER_MINUTE)).toEqual(sh('2026-11-27T08:32:00'));
  });

  it('sends daytime pushes at once, only moved off the :00 and :30 minutes', () => {
    expect(pushNotBefore(sh('2026-11-26T10:17:00'))).toEqual(sh('2026-11-26T10:17:00'));
    expect(pushNotBefore(sh('2026-11-26T10:17:20'))).toEqual(sh('2026-11-26T10:18:00'));
    expect(pushNotBefore(sh('2026-11-26T10:00:00'))).toEqual(sh('2026-11-26T10:01:00'));
    expect(pushNotBefore(sh('2026-11-26T10:29:30'))).toEqual(sh('2026-11-26T10:31:00'));
    expect(pushNotBefore(sh('2026-11-26T08:30:00'))).toEqual(sh('2026-11-26T08:31:00'));
  });

  it('is the same rule the bulk spreader uses', () => {
    const now = sh('2026-11-26T20:58:10');
    for (const i of [0, 1, 119, 120, 500])
      expect(pushNotBefore(now, i)).toEqual(spreadSendTime(now, i, { perMinute: PUSHES_PER_MINUTE }));
  });
});
