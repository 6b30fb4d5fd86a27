import { describe, expect, it } from 'vitest';
import { bodyOf, MemoryDeliveryLog, MemoryPushQueue } from '../testing/care.fakes.js';
import { type FakePurchase, MemoryRegionalTrendStore } from '../testing/insights.fakes.js';
import type { MarketLevel } from './insights.types.js';
import { type RegionalDealer, regionalTable, scopeTrend, trendChange, trendWindows } from './regional.js';
import {
  DEALER_INSIGHT_KIND,
  focusOn,
  REGION_SUMMARY_KIND,
  TrendInsightService,
  type TrendTexts,
} from './trend-insights.service.js';

describe('trend windows', () => {
  it('three whole months against the three before and the same three a year earlier', () => {
    expect(trendWindows('2026-11-30')).toEqual({
      current: { start: '2026-09-01', end: '2026-11-30' },
      previous: { start: '2026-06-01', end: '2026-08-31' },
      lastYear: { start: '2025-09-01', end: '2025-11-30' },
    });
    expect(trendWindows('2026-02-28').lastYear).toEqual({ start: '2024-12-01', end: '2025-02-28' });
    expect(trendWindows('2026-11-26')).toEqual({
      current: { start: '2026-08-27', end: '2026-11-26' },
      previous: { start: '2026-05-27', end: '2026-08-26' },
      lastYear: { start: '2025-08-27', end: '2025-11-26' },
    });
  });
});

const dealer = (code: string, province: string, marketLevel: MarketLevel, managerCode = 'M010'): RegionalDealer => ({
  code,
  name: `经销商${code}`,
  province,
  marketLevel,
  managerCode,
  tier: 'regular',
});

// 浙江 县城: D1–D6; 江苏 县城: D7, D8 (too few: compared with 县城 nationwide); 浙江 二线: D9 (alone: nationwide).
const DEALERS = [
  ...['D1', 'D2', 'D3', 'D4', 'D5', 'D6'].map((c) => dealer(c, '浙江', '县城')),
  dealer('D7', '江苏', '县城', 'M020'),
  dealer('D8', '江苏', '县城', 'M020'),
  dealer('D9', '浙江', '二线'),
];

const buy = (dealerCode: string, day: string, series: string, fen: number, category = 'windows'): FakePurchase => ({
  dealerCode,
  day,
  category,
  series,
  fen,
});

/** Aluminium windows +40% on last year for D1–D5 (D6 buys none), narrow-frame steady, everything in Oct. */
function purchases(): FakePurchase[] {
  const rows: FakePurchase[] = [];
  for (const c of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'D9']) {
    for (const day of ['2025-10-10', '2026-07-10', '2026-10-10']) rows.push(buy(c, day, '窄边框', 20_000));
  }
  for (const c of ['D1', 'D2', 'D3', 'D4', 'D5']) {
    rows.push(buy(c, '2025-10-11', '铝合金', 10_000));
    rows.push(buy(c, '2026-07-11', '铝合金', 12_000));
    rows.push(buy(c, '2026-10-11', '铝合金', 14_000));
  }
  rows.push(buy('D1', '2026-10-12', '工程款', 1_000, 'cabinets')); // a group with one buyer never leads
  return rows;
}

describe('the regional table', () => {
  const store = new MemoryRegionalTrendStore(DEALERS, purchases());
  const rows = async (end: string) => {
    const w = trendWindows(end);
    return {
      current: await store.groupPurchases(w.current.start, w.current.end),
      previous: await store.groupPurchases(w.previous.start, w.previous.end),
      lastYear: await store.groupPurchases(w.lastYear.start, w.lastYear.end),
    };
  };

  it('per group: against last year and the 3 months before, buyers and the average share', async () => {
    const t = scopeTrend(
      { province: '浙江', marketLevel: '县城', widened: false },
      ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'],
      await rows('2026-11-30'),
    );
    const alu = t.groups.find((g) => g.series === '铝合金')!;
    expect(alu).toMatchObject({ fen: 70_000, previousFen: 60_000, lastYearFen: 50_000, buyers: 5 });
    expect(alu.yoyChange).toBeCloseTo(0.4);
    expect(alu.change).toBeCloseTo(1 / 6);
    // Five dealers at 14/(14+20) (D1 also bought ¥10 of cabinets), D6 at 0.
    expect(alu.averageShare).toBeCloseTo((4 * (14 / 34) + 14_000 / 35_000) / 6);
    expect(t.rising?.series).toBe('铝合金');
    expect(trendChange(t.rising!)).toBeCloseTo(0.4);
    expect(t.falling).toBeNull();
    expect(t.scope).toEqual({ province: '浙江', marketLevel: '县城', dealers: 6, widened: false });
  });

  it('without a year of history the comparison is the 3 months before', async () => {
    const t = scopeTrend({ province: '浙江', marketLevel: '县城', widened: false }, ['D1', 'D2', 'D3'], {
      ...(await rows('2026-11-30')),
      lastYear: [],
    });
    expect(t.lastYearFen).toBeNull();
    expect(trendChange(t.groups.find((g) => g.series === '铝合金')!)).toBeCloseTo(1 / 6);
    expect(t.rising?.series).toBe('铝合金');
  });

  it('a scope with too few dealers is the market level nationwide', async () => {
    const { byDealer, scopes } = regionalTable(DEALERS, await rows('2026-11-30'));
    expect(byDealer.get('D1')!.scope).toMatchObject({ province: '浙江', dealers: 6, widened: false });
    expect(byDealer.get('D7')!.scope).toMatchObject({ province: null, marketLevel: '县城', dealers: 8, widened: true });
    expect(byDealer.get('D9')!.scope).toMatchObject({ province: null, marketLevel: '二线', dealers: 1 });
    expect(scopes).toHaveLength(3);
  });
});

const texts: TrendTexts = {
  dealerInsight: (i) =>
    `${i.dealer.code} ${i.focus?.kind} ${i.focus?.position.group.series} ${i.focus?.position.dealerShare.toFixed(2)}`,
  regionSummary: (s) =>
    `${s.manager.code} ${s.scopes.map((x) => `${x.trend.rising?.series ?? '-'}:${x.underweight.map((d) => d.code).join(',')}`).join(' ')}`,
};

describe('TrendInsightService (in-memory ports)', () => {
  const setup = () => {
    const store = new MemoryRegionalTrendStore(DEALERS, purchases(), [
      { code: 'M010', name: '张经理', role: 'account', provinces: ['浙江'] },
      { code: 'M001', name: '王大区', role: 'regional', provinces: ['浙江', '江苏'] },
      { code: 'M030', name: '空经理', role: 'account', provinces: ['安徽'] },
    ]);
    const deliveries = new MemoryDeliveryLog();
    const queue = new MemoryPushQueue();
    return { deliveries, queue, service: new TrendInsightService({ store, deliveries, queue, texts }) };
  };
  const DEC_1 = new Date('2026-12-01T09:20:00+08:00');

  it("each buying dealer's insight once a month, for the last three whole months", async () => {
    const { queue, service, deliveries } = setup();
    expect(await service.runDealerInsights(DEC_1)).toMatchObject({ dealers: 9, queued: 9 });
    const bodies = queue.of(DEALER_INSIGHT_KIND).map(bodyOf);
    expect(bodies).toContain('D2 rising 铝合金 0.41');
    expect(bodies).toContain('D6 rising 铝合金 0.00');
    // Re-run the same month (the outbox pruned meanwhile): nothing again; the delivery log remembers.
    queue.prune();
    expect(await service.runDealerInsights(new Date('2026-12-15T09:20:00+08:00'))).toMatchObject({ queued: 0 });
    expect(deliveries.rows.filter((r) => r.kind === DEALER_INSIGHT_KIND).map((r) => r.key)).toEqual(
      Array(9).fill('2026-12'),
    );
    // January covers Oct–Dec: everything bought in Oct still counts, and it goes again.
    expect((await service.runDealerInsights(new Date('2027-01-01T09:20:00+08:00'))).queued).toBe(9);
  });

  it("managers get their region's summary with the dealers lagging in the rising group; once a month", async () => {
    const { queue, service } = setup();
    expect(await service.runRegionSummaries(DEC_1)).toMatchObject({ managers: 2, queued: 2 });
    const bodies = queue.of(REGION_SUMMARY_KIND).map(bodyOf);
    // The regional manager: 县城 nationwide (江苏's two dealers are too few), 浙江 县城, 二线 nationwide (one dealer).
    expect(bodies).toEqual(['M001 铝合金:D7,D8 铝合金:D6 -:', 'M010 铝合金:D6 -:']);
    expect((await service.runRegionSummaries(DEC_1)).queued).toBe(0);
  });

  it('in chat: 乡镇 is answered from the county dealers, a named group becomes the focus', async () => {
    const { service } = setup();
    const now = new Date('2026-11-26T10:00:00+08:00');
    const v = await service.dealerView({ dealerCode: 'D9', now, marketLevel: '乡镇' });
    expect(v.askedLevel).toBe('乡镇');
    expect(v.trend.scope).toMatchObject({ province: '浙江', marketLevel: '县城', dealers: 6, widened: false });
    const own = await service.dealerView({ dealerCode: 'D1', now });
    const narrow = focusOn(own, { category: 'windows', series: '窄边框' });
    expect(narrow.focus).toMatchObject({ kind: 'asked', position: { dealerFen: 20_000 } });
    await expect(service.dealerView({ dealerCode: 'D404', now })).rejects.toMatchObject({
      code: 'INSIGHT.DEALER_NOT_FOUND',
    });
    expect(await service.regionSummary('M404', now)).toBeNull();
  });
});
