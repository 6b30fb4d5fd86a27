import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA } from '../needs/sla.js';
import { churnAndActivation, lastMonths, median, ordersByChannel, shiftMonth, slaByMonth } from './outcomes.js';

const dealer = (code: string, months: string[]) => ({ dealerCode: code, months: new Set(months) });

describe('months', () => {
  it('lists the last n Shanghai months, across a year end', () => {
    // 2026-12-31T17:00Z is already January 1st in Shanghai.
    expect(lastMonths(new Date('2026-12-31T17:00:00Z'), 3)).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
  });
});

describe('churn and silent-dealer activation', () => {
  it('counts a dealer churned in the month its 3-month window empties, and activated when a silent one orders', () => {
    const points = churnAndActivation(
      [
        dealer('D1', ['2026-01']), // active at the end of Jan, Feb, Mar; churns in April
        dealer('D2', ['2025-06', '2026-04']), // silent, activated in April
        dealer('D3', ['2026-03', '2026-04']), // stays active
        dealer('D4', []), // never ordered: neither active nor silent
      ],
      ['2026-04'],
    );
    expect(points).toEqual([
      {
        month: '2026-04',
        activeAtStart: 2,
        churned: 1,
        churnRate: 0.5,
        silentAtStart: 1,
        activated: 1,
        activationRate: 1,
      },
    ]);
  });

  it('has no rate when nobody was there to churn', () => {
    expect(churnAndActivation([], ['2026-04'])[0]!.churnRate).toBeNull();
  });
});

describe('SLA by tier and month', () => {
  const now = new Date('2026-11-26T10:00:00+08:00');
  const at = (iso: string) => new Date(`${iso}+08:00`);
  it('hits, misses and leaves running needs out of the hit rate', () => {
    const need = (created: string, firstAt: string | null, firstDue: string) => ({
      tier: 'core' as const,
      createdAt: at(created),
      firstResponseDue: at(firstDue),
      resolutionDue: at('2026-12-30T00:00:00'),
      firstResponseAt: firstAt ? at(firstAt) : null,
      resolvedAt: null,
    });
    const rows = slaByMonth(
      [
        need('2026-11-01T08:00:00', '2026-11-01T10:00:00', '2026-11-01T20:00:00'), // 2 h, hit
        need('2026-11-02T08:00:00', '2026-11-03T08:00:00', '2026-11-02T20:00:00'), // 24 h, miss
        need('2026-11-03T08:00:00', null, '2026-11-03T20:00:00'), // unanswered past due: miss
        need('2026-11-26T09:00:00', null, '2026-11-26T21:00:00'), // still running
      ],
      ['2026-11'],
      DEFAULT_SLA,
      now,
    );
    const core = rows.find((r) => r.tier === 'core')!;
    expect(core.submitted).toBe(4);
    expect(core.firstResponseMedianH).toBe(13);
    expect(core.firstResponseHitRate).toBeCloseTo(1 / 3);
    expect(core.firstResponseSlaH).toBe(12);
    expect(rows.find((r) => r.tier === 'key')!.firstResponseHitRate).toBeNull();
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('orders by channel', () => {
  it('splits chat from every other source', () => {
    expect(
      ordersByChannel(
        [
          { month: '2026-11', source: 'chat', orders: 3 },
          { month: '2026-11', source: 'erp', orders: 5 },
          { month: '2026-11', source: 'seed', orders: 1 },
        ],
        ['2026-10', '2026-11'],
      ),
    ).toEqual([
      { month: '2026-10', chatOrders: 0, otherOrders: 0, chatShare: null },
      { month: '2026-11', chatOrders: 3, otherOrders: 6, chatShare: 1 / 3 },
    ]);
  });
});
