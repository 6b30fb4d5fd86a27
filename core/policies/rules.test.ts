import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anniversaryBonusFen, anniversaryStatus } from './anniversary.js';
import { shanghaiDate } from './dates.js';
import { growthStatus, previousYearPeriod } from './growth.js';
import { ladderPosition } from './ladder.js';
import {
  type AnniversaryBonusPolicy,
  type GrowthRewardPolicy,
  type LadderRebatePolicy,
  type Policy,
  parsePolicies,
  type PromotionPolicy,
} from './policy.types.js';
import { promotionForOrder } from './promotion.js';
import { type PolicyOrderLine, qualifyingAmount } from './qualifying.js';

const policies = parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
function byCode<K extends Policy['kind']>(code: string, kind: K): Extract<Policy, { kind: K }> {
  const p = policies.find((x) => x.code === code);
  if (p?.kind !== kind) throw new Error(`no ${kind} ${code}`);
  return p as Extract<Policy, { kind: K }>;
}
const ladder: LadderRebatePolicy = byCode('LADDER-2026Q4', 'ladder_rebate');
const growth: GrowthRewardPolicy = byCode('GROWTH-2026', 'growth_reward');
const anniv: AnniversaryBonusPolicy = byCode('ANNIV-3Y', 'anniversary_bonus');
const promo: PromotionPolicy = byCode('TOWN-VALUE-2026Q4', 'promotion');

describe('qualifyingAmount', () => {
  const line = (amountFen: number, category: string, orderStatus: string, placedAt: string): PolicyOrderLine => ({
    amountFen,
    category,
    orderStatus,
    placedAt,
  });

  it('counts lines in the period, leaves out excluded categories and nets out cancelled orders', () => {
    const lines = [
      line(100_000_000, 'windows', 'placed', '2026-10-15T02:00:00Z'),
      line(25_000_000, 'cabinets', 'delivered', '2026-11-20T09:30:00+08:00'),
      line(5_000_000, 'accessories', 'placed', '2026-11-01T03:00:00Z'),
      line(40_000_000, 'doors', 'cancelled', '2026-11-02T03:00:00Z'),
      line(9_000_000, 'doors', 'draft', '2026-11-03T03:00:00Z'),
      line(70_000_000, 'windows', 'placed', '2026-09-20T03:00:00Z'),
    ];
    const q = qualifyingAmount(lines, ladder);
    expect(q).toEqual({ amountFen: 125_000_000, excludedFen: 5_000_000, cancelledFen: 40_000_000, countedLines: 2 });
    expect(ladderPosition(ladder, q.amountFen).rebate).toBe(3_750_000);
  });

  it('uses Asia/Shanghai dates at the period edges', () => {
    // 2026-09-30T16:30Z is 2026-10-01 00:30 in Shanghai: inside Q4.
    // 2026-12-31T16:00Z is 2027-01-01 00:00 in Shanghai: outside.
    const lines = [
      line(1_000, 'windows', 'placed', '2026-09-30T16:30:00Z'),
      line(2_000, 'windows', 'placed', '2026-09-30T15:59:59Z'),
      line(4_000, 'windows', 'placed', '2026-12-31T15:59:59Z'),
      line(8_000, 'windows', 'placed', '2026-12-31T16:00:00Z'),
    ];
    expect(qualifyingAmount(lines, ladder).amountFen).toBe(5_000);
    expect(shanghaiDate('2026-09-30T16:30:00Z')).toBe('2026-10-01');
  });

  it('never goes below zero', () => {
    expect(qualifyingAmount([line(-500, 'windows', 'returned', '2026-10-02T00:00:00Z')], ladder).amountFen).toBe(0);
  });
});

describe('growthStatus', () => {
  it('qualifies only when growth is strictly above minGrowth, with the reward on the whole amount', () => {
    const ok = growthStatus(growth, 160_000_000, 100_000_000);
    expect(ok).toMatchObject({ qualifies: true, growth: 0.6, rewardFen: 2_400_000, gapFen: 0 });
    const exact = growthStatus(growth, 150_000_000, 100_000_000);
    expect(exact).toMatchObject({ qualifies: false, thresholdFen: 150_000_001, gapFen: 1, rewardFen: 0 });
    expect(exact.rewardAtThreshold).toBe(2_250_000);
  });

  it('reports how much more is needed', () => {
    const s = growthStatus(growth, 120_000_000, 100_000_000);
    expect(s).toMatchObject({ qualifies: false, growth: 0.2, gapFen: 30_000_001, reason: 'below_threshold' });
  });

  it('has no baseline without last year', () => {
    expect(growthStatus(growth, 50_000_000, 0)).toMatchObject({
      qualifies: false,
      growth: null,
      reason: 'no_baseline',
    });
  });

  it('compares with the same period a year earlier', () => {
    expect(previousYearPeriod(growth.period)).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(previousYearPeriod({ start: '2028-02-01', end: '2028-02-29' })).toEqual({
      start: '2027-02-01',
      end: '2027-02-28',
    });
  });
});

describe('anniversary', () => {
  it('is this month in the calendar month of the 3rd anniversary', () => {
    const s = anniversaryStatus(anniv, '2023-11-15', '2026-11-26');
    expect(s).toEqual({
      anniversaryDate: '2026-11-15',
      month: { start: '2026-11-01', end: '2026-11-30' },
      isThisMonth: true,
      monthsAway: 0,
    });
    expect(anniversaryBonusFen(anniv, 5_000_000)).toBe(150_000);
  });

  it('is not this month otherwise', () => {
    expect(anniversaryStatus(anniv, '2024-01-31', '2026-11-26')).toMatchObject({ isThisMonth: false, monthsAway: 2 });
    expect(anniversaryStatus(anniv, '2023-10-01', '2026-11-26')).toMatchObject({ isThisMonth: false, monthsAway: -1 });
    // 2nd anniversary this month is not the 3rd
    expect(anniversaryStatus(anniv, '2024-11-01', '2026-11-26').isThisMonth).toBe(false);
  });

  it('a 29 February partnership has its anniversary on 28 February', () => {
    expect(anniversaryStatus(anniv, '2024-02-29', '2027-02-10')).toMatchObject({
      anniversaryDate: '2027-02-28',
      isThisMonth: true,
    });
  });
});

describe('promotionForOrder', () => {
  const s30 = { sku: 'KW-S30', tags: ['高性价比', '下沉市场'] };
  const n60 = { sku: 'KW-N60', tags: ['网红', '高端'] };

  it('discounts the tagged products once they reach the minimum', () => {
    const r = promotionForOrder(
      promo,
      [
        { ...s30, amountFen: 2_000_000 },
        { ...n60, amountFen: 9_000_000 },
      ],
      '2026-11-26',
    );
    expect(r).toMatchObject({ reached: true, eligibleFen: 2_000_000, discountFen: 160_000, gapFen: 0 });
    expect(r.eligibleSkus).toEqual(['KW-S30']);
  });

  it('gives the gap below the minimum (untagged products do not count)', () => {
    const r = promotionForOrder(
      promo,
      [
        { ...s30, amountFen: 1_999_999 },
        { ...n60, amountFen: 9_000_000 },
      ],
      '2026-11-26',
    );
    expect(r).toMatchObject({ reached: false, discountFen: 0, gapFen: 1, discountAtMin: 160_000 });
  });

  it('gives nothing outside the period', () => {
    expect(promotionForOrder(promo, [{ ...s30, amountFen: 5_000_000 }], '2026-10-31')).toMatchObject({
      inPeriod: false,
      reached: false,
      discountFen: 0,
    });
  });
});
