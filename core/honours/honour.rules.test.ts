import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HONOUR_RULES,
  type HonourCandidate,
  honourWinners,
  parsePeriod,
  periodsDue,
  quarterPeriod,
  yearBefore,
  yearPeriod,
} from './honour.rules.js';

const [collab, growth] = DEFAULT_HONOUR_RULES as [(typeof DEFAULT_HONOUR_RULES)[0], (typeof DEFAULT_HONOUR_RULES)[0]];
const c = (code: string, province: string, v: Partial<HonourCandidate>): HonourCandidate => ({
  code,
  name: code,
  province,
  managerCode: 'M001',
  orders: 3,
  amountFen: 20_000_000,
  baseAmountFen: 10_000_000,
  collaboration: 80,
  ...v,
});

describe('honour periods', () => {
  it('names quarters and years and finds the ones finished on a date', () => {
    expect(quarterPeriod(2026, 4)).toMatchObject({ label: '2026Q4', start: '2026-10-01', end: '2027-01-01' });
    expect(quarterPeriod(2026, 3).months).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(parsePeriod('2025')).toEqual(yearPeriod(2025));
    expect(parsePeriod('2025Q5')).toBeNull();
    expect(periodsDue('2026-10-02').map((p) => p.label)).toEqual(['2026Q3']);
    expect(periodsDue('2027-01-02').map((p) => p.label)).toEqual(['2026Q4', '2026']);
    expect(yearBefore(quarterPeriod(2026, 3))).toMatchObject({
      label: '2025Q3',
      start: '2025-07-01',
      end: '2025-10-01',
    });
  });
});

describe('honour winners by the published rules', () => {
  const q3 = quarterPeriod(2026, 3);

  it('协同之星: the best mean collaboration per province, above the floor and with enough orders', () => {
    const winners = honourWinners(collab, q3, [
      c('D1', '浙江', { collaboration: 91 }),
      c('D2', '浙江', { collaboration: 95, orders: 1 }), // too few orders
      c('D3', '浙江', { collaboration: 88 }),
      c('D4', '江苏', { collaboration: 59 }), // below 60
      c('D5', '江苏', { collaboration: null }),
    ]);
    expect(winners.map((w) => [w.candidate.code, w.value])).toEqual([['D1', 91]]);
  });

  it('终端突破奖: the largest growth per province on a large enough base; ties go to the larger amount', () => {
    const winners = honourWinners(growth, q3, [
      c('D1', '浙江', { amountFen: 15_000_000, baseAmountFen: 10_000_000 }), // +50%
      c('D2', '浙江', { amountFen: 30_000_000, baseAmountFen: 20_000_000 }), // +50%, larger
      c('D3', '江苏', { amountFen: 9_000_000, baseAmountFen: 5_000_000 }), // base below ¥100,000
      c('D4', '江苏', { amountFen: 12_000_000, baseAmountFen: 10_000_000 }), // +20% < 30%
      c('D5', '安徽', { amountFen: 13_000_000, baseAmountFen: 10_000_000 }), // +30%
    ]);
    expect(winners.map((w) => [w.candidate.code, w.value])).toEqual([
      ['D2', 0.5],
      ['D5', 0.3],
    ]);
  });

  it('a year needs the yearly number of orders', () => {
    expect(honourWinners(collab, yearPeriod(2025), [c('D1', '浙江', { orders: 5 })])).toEqual([]);
    expect(honourWinners(collab, yearPeriod(2025), [c('D1', '浙江', { orders: 6 })])).toHaveLength(1);
  });
});
