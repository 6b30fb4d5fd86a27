import { describe, expect, it } from 'vitest';
import { BASE_METRICS } from '../testing/dealers.fakes.js';
import type { DealerMetrics } from './metrics.js';
import { DEFAULT_SCORING, percentileWithinGroups, scoreDealers } from './scoring.js';
import { mergeTags } from './tags.js';
import { tierFor } from './tiers.js';
import { tierReasonText } from '../../bot/replies/tiers.replies.js';

const base = BASE_METRICS;
const m = (o: Partial<DealerMetrics>): DealerMetrics => ({ ...base, ...o });

// Hand-computed answers (see the comments): weights 30/25/20/15/10, core ≥ 75, key ≥ 60, silent after 90 days.
const fixture = [
  // Top of 二线: percentile 100; expertise 0.5×0.8+0.5×0.9 = 85; coverage 100; growth (0.5×0.5+0.5×0+0.5)/1.5 = 50;
  // collaboration 0.4×1+0.2×1+0.2×0.5+0.2×0.5 = 80 → total 30+21.25+20+7.5+8 = 86.75 → 86.8, core.
  m({
    dealerCode: 'D0001',
    amount12Fen: 200_000_000,
    windowDoorFen: 160_000_000,
    cabinetFen: 20_000_000,
    windowDoorSold30: 90,
    windowDoorOnHand: 10,
    activeStores: 40,
    storeRegions: 10,
    retailStores: 36,
    last3Fen: 60_000_000,
    prev3Fen: 40_000_000,
    last6Fen: 100_000_000,
    prev6Fen: 100_000_000,
    monthsWithOrders: 12,
    needsRaised: 3,
    needsRated: 3,
    policyDeliveries: 2,
    policyFeedback: 1,
    pushes: 4,
    pushesAnswered: 2,
    daysSinceLastOrder: 5,
  }),
  // Middle of 二线: 50; expertise 0.5×0.8+0.5×0.3 = 55; coverage 0.6×10/40+0.4×2/10 = 23; growth +100%/+100% → 100;
  // collaboration 0.4×0.5+0.2×0.5×3 = 50 → 15+13.75+4.6+15+5 = 53.35 → 53.4, regular.
  m({
    dealerCode: 'D0002',
    amount12Fen: 50_000_000,
    windowDoorFen: 10_000_000,
    cabinetFen: 40_000_000,
    cabinetSold30: 30,
    cabinetOnHand: 70,
    activeStores: 10,
    storeRegions: 2,
    retailStores: 5,
    engineeringStores: 5,
    townStores: 6,
    last3Fen: 20_000_000,
    prev3Fen: 10_000_000,
    last6Fen: 30_000_000,
    prev6Fen: 15_000_000,
    monthsWithOrders: 6,
  }),
  // Bottom of 二线 and 120 days without an order: silent. Expertise 0.5×1+0 = 50; coverage 0.6×0.1+0.4×0.1 = 10;
  // growth (0.5×0 + 0.5×(−1) + 0.5)/1.5 = 0; collaboration 0.4×2/12+0.3 = 36.7 → 0+12.5+2+0+3.67 = 18.2.
  m({
    dealerCode: 'D0003',
    amount12Fen: 20_000_000,
    windowDoorFen: 20_000_000,
    windowDoorOnHand: 50,
    activeStores: 4,
    storeRegions: 1,
    retailStores: 1,
    prev6Fen: 20_000_000,
    monthsWithOrders: 2,
    lastOrderDate: '2026-07-29',
    daysSinceLastOrder: 120,
  }),
  // Alone in 县城: 100; expertise 0.5+0.25 = 75; coverage 0.6×0.3+0.4×0.3 = 30; growth (0+1.5+0.5)/1.5 → 100;
  // collaboration 0.4+0.3 = 70 → 30+18.75+6+15+7 = 76.75 → 76.8, core.
  m({
    dealerCode: 'D0004',
    marketLevel: '县城',
    amount12Fen: 5_000_000,
    windowDoorFen: 5_000_000,
    windowDoorSold30: 10,
    windowDoorOnHand: 10,
    activeStores: 12,
    storeRegions: 3,
    retailStores: 12,
    townStores: 12,
    last3Fen: 2_000_000,
    prev3Fen: 2_000_000,
    last6Fen: 4_000_000,
    prev6Fen: 1_000_000,
    monthsWithOrders: 12,
    daysSinceLastOrder: 3,
  }),
];

describe('scoreDealers', () => {
  const byCode = new Map(scoreDealers(fixture).map((s) => [s.dealerCode, s]));

  it('computes the five dimensions, the weighted total and the tier', () => {
    expect(byCode.get('D0001')).toMatchObject({
      dimensions: {
        purchaseScale: 100,
        categoryExpertise: 85,
        storeCoverage: 100,
        growthPotential: 50,
        collaboration: 80,
      },
      total: 86.8,
      tier: 'core',
    });
    expect(byCode.get('D0002')).toMatchObject({
      dimensions: {
        purchaseScale: 50,
        categoryExpertise: 55,
        storeCoverage: 23,
        growthPotential: 100,
        collaboration: 50,
      },
      total: 53.4,
      tier: 'regular',
    });
    expect(byCode.get('D0003')).toMatchObject({
      dimensions: {
        purchaseScale: 0,
        categoryExpertise: 50,
        storeCoverage: 10,
        growthPotential: 0,
        collaboration: 36.7,
      },
      total: 18.2,
      tier: 'silent',
    });
    expect(byCode.get('D0004')).toMatchObject({
      dimensions: {
        purchaseScale: 100,
        categoryExpertise: 75,
        storeCoverage: 30,
        growthPotential: 100,
        collaboration: 70,
      },
      total: 76.8,
      tier: 'core',
    });
  });

  it('derives tags by rule', () => {
    expect(byCode.get('D0001')!.derivedTags).toEqual(['门窗专长', '零售终端']);
    expect(byCode.get('D0002')!.derivedTags).toEqual(['橱柜专长', '工程渠道', '下沉市场', '高成长']);
    expect(byCode.get('D0003')!.derivedTags).toEqual(['门窗专长']);
    expect(byCode.get('D0004')!.derivedTags).toEqual(['门窗专长', '零售终端', '下沉市场', '高成长']);
  });

  it('explains the score as values', () => {
    expect(byCode.get('D0001')!.reasons).toEqual([
      { kind: 'growth', change: 0.5 },
      { kind: 'sellThrough', category: '门窗', rate: 0.9 },
      { kind: 'purchases', amountFen: 200_000_000, marketLevel: '二线', topPercent: 1 },
    ]);
    expect(byCode.get('D0003')!.reasons).toEqual([{ kind: 'silent', days: 120, lastOrderDate: '2026-07-29' }]);
  });

  // The words are what dealer_scores.reasons and dealers.tier_reasons store (bot/replies/tiers.replies.ts).
  const worded = (code: string) => byCode.get(code)!.reasons.map(tierReasonText);

  it('explains the score in plain Chinese', () => {
    expect(worded('D0001')).toEqual([
      '近3个月订货增长50%',
      '门窗动销率90%',
      '近12个月订货200万元，在同级（二线）市场前1%',
    ]);
    expect(worded('D0002')).toEqual([
      '近3个月订货增长100%',
      '橱柜动销率30%',
      '近12个月订货50万元，在同级（二线）市场前50%',
    ]);
    expect(worded('D0003')).toEqual(['已连续120天未订货（最近一次2026-07-29）']);
  });

  it('takes configurable thresholds', () => {
    const strict = scoreDealers(fixture, { ...DEFAULT_SCORING, thresholds: { core: 80, key: 50, silentDays: 150 } });
    expect(strict.map((s) => s.tier)).toEqual(['core', 'key', 'regular', 'key']);
  });
});

describe('tiers, percentiles, tags', () => {
  it('silent after 90 days without an order; a new partner without orders is regular', () => {
    expect(tierFor(90, 89, 1000)).toBe('core');
    expect(tierFor(90, 90, 1000)).toBe('silent');
    expect(tierFor(10, null, 30)).toBe('regular');
    expect(tierFor(10, null, 90)).toBe('silent');
    expect(tierFor(60, 1, 1000)).toBe('key');
    expect(tierFor(59.9, 1, 1000)).toBe('regular');
  });

  it('ranks within each group, ties sharing a rank', () => {
    const p = percentileWithinGroups([
      { key: 'a', group: 'x', value: 10 },
      { key: 'b', group: 'x', value: 10 },
      { key: 'c', group: 'x', value: 30 },
      { key: 'd', group: 'y', value: 0 },
    ]);
    expect([p.get('a'), p.get('b'), p.get('c'), p.get('d')]).toEqual([0, 0, 100, 0]);
  });

  it('keeps manual tags beside derived ones', () => {
    expect(mergeTags(['门窗专长'], ['样板客户', '门窗专长'])).toEqual(['门窗专长', '样板客户']);
  });
});
