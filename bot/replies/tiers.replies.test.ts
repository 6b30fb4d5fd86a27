import { describe, expect, it } from 'vitest';
import { tierReasonText } from './tiers.replies.js';

describe('re-tiering reasons in words (what dealer_scores.reasons and dealers.tier_reasons store)', () => {
  it('words every kind', () => {
    expect(tierReasonText({ kind: 'growth', change: 0.52 })).toBe('近3个月订货增长52%');
    expect(tierReasonText({ kind: 'growth', change: -0.235 })).toBe('近3个月订货下降24%');
    expect(tierReasonText({ kind: 'resumed' })).toBe('近3个月恢复订货');
    expect(tierReasonText({ kind: 'sellThrough', category: '橱柜', rate: 0.3 })).toBe('橱柜动销率30%');
    expect(tierReasonText({ kind: 'stores', stores: 12, regions: 3 })).toBe('在营门店12家，覆盖3个区县');
    expect(tierReasonText({ kind: 'neverOrdered' })).toBe('合作以来尚未订货');
    expect(tierReasonText({ kind: 'silent', days: 95, lastOrderDate: '2026-08-27' })).toBe(
      '已连续95天未订货（最近一次2026-08-27）',
    );
  });

  it('gives amounts in 万元, whole from 100万 up, and the rank only in the upper half', () => {
    const purchases = (amountFen: number, topPercent: number | null) =>
      tierReasonText({ kind: 'purchases', amountFen, marketLevel: '三线', topPercent });
    expect(purchases(345_678_900, 12)).toBe('近12个月订货346万元，在同级（三线）市场前12%');
    expect(purchases(3_560_000, null)).toBe('近12个月订货3.6万元');
  });
});
