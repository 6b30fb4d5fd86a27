import { describe, expect, it } from 'vitest';
import type { CategoryAmounts, CategoryUnits, ProductAmount, SkuSales, TrendScope } from './insights.types.js';
import type { SalesStore, TrendStore } from './ports.js';
import { SalesService, salesLines, storeLines, totalsByUnit } from './sales.service.js';
import { categoryTrends, TrendsService } from './trends.service.js';
import { addMonths, mondayOf, salesWindow, trendWindow } from './windows.js';

const TODAY = '2026-11-26'; // a Thursday
const NOW = new Date('2026-11-26T10:00:00+08:00');

describe('windows', () => {
  it('adds months clamped to the month end', () => {
    expect(addMonths('2026-08-31', -6)).toBe('2026-02-28');
    expect(addMonths('2026-11-26', 2)).toBe('2027-01-26');
    expect(mondayOf(TODAY)).toBe('2026-11-23');
  });

  it('a past month compares with the whole month before; the running month with the same days', () => {
    expect(salesWindow({ period: '2026-10' }, TODAY)).toMatchObject({
      current: { start: '2026-10-01', end: '2026-10-31' },
      previous: { start: '2026-09-01', end: '2026-09-30' },
      running: false,
    });
    expect(salesWindow({ period: '2026-11' }, TODAY)).toMatchObject({
      current: { start: '2026-11-01', end: '2026-11-26' },
      previous: { start: '2026-10-01', end: '2026-10-26' },
      running: true,
    });
    // March 1–31 running to the 31st compares with February, clipped at its end.
    expect(salesWindow({ period: '2027-03' }, '2027-03-31').previous).toEqual({
      start: '2027-02-01',
      end: '2027-02-28',
    });
  });

  it('this week is Monday to today against the same days last week; the default is 30 days against 30', () => {
    expect(salesWindow({ span: 'week' }, TODAY)).toMatchObject({
      current: { start: '2026-11-23', end: TODAY },
      previous: { start: '2026-11-16', end: '2026-11-19' },
    });
    expect(salesWindow({}, TODAY)).toMatchObject({
      current: { start: '2026-10-28', end: TODAY },
      previous: { start: '2026-09-28', end: '2026-10-27' },
    });
  });

  it('last week is last Monday to Sunday against the week before', () => {
    expect(salesWindow({ span: 'last_week' }, TODAY)).toEqual({
      kind: 'week',
      label: 'last_week',
      current: { start: '2026-11-16', end: '2026-11-22' },
      previous: { start: '2026-11-09', end: '2026-11-15' },
      running: false,
    });
  });

  it('the week before last is the Monday to Sunday two weeks back, against the week before it', () => {
    expect(salesWindow({ span: 'week_before_last' }, TODAY)).toEqual({
      kind: 'week',
      label: 'week_before_last',
      current: { start: '2026-11-09', end: '2026-11-15' },
      previous: { start: '2026-11-02', end: '2026-11-08' },
      running: false,
    });
  });

  it('refuses a future or malformed month', () => {
    expect(() => salesWindow({ period: '2026-12' }, TODAY)).toThrow(
      expect.objectContaining({ code: 'INSIGHT.FUTURE_PERIOD' }),
    );
    expect(() => salesWindow({ period: '11月' }, TODAY)).toThrow(
      expect.objectContaining({ code: 'INSIGHT.BAD_PERIOD' }),
    );
  });

  it('the trend compares the last three months with the three before, without a gap or overlap', () => {
    expect(trendWindow(TODAY)).toMatchObject({
      current: { start: '2026-08-27', end: TODAY },
      previous: { start: '2026-05-27', end: '2026-08-26' },
    });
  });
});

const sku = (s: string, qty: number, unit = '套', category = 'windows'): SkuSales => ({
  sku: s,
  name: s,
  unit,
  category,
  qty,
});

describe('sell-through lines', () => {
  it('joins both periods per product with the change, most sold first', () => {
    const lines = salesLines(
      [sku('KW-N60', 30), sku('KW-T80', 4, '米', 'accessories')],
      [sku('KW-N60', 20), sku('KW-A50', 6)],
    );
    expect(lines.map((l) => [l.sku, l.qty, l.previousQty, l.change])).toEqual([
      ['KW-N60', 30, 20, 0.5],
      ['KW-T80', 4, 0, null],
      ['KW-A50', 0, 6, -1],
    ]);
    expect(totalsByUnit(lines)).toEqual([
      { unit: '套', qty: 30, previousQty: 26, change: 4 / 26 },
      { unit: '米', qty: 4, previousQty: 0, change: null },
    ]);
  });
});

describe('SalesService (in-memory store)', () => {
  const asked: string[] = [];
  const store = (last: string | null): SalesStore => ({
    salesDealer: async (code) => (code === 'D0001' ? { code, name: '甲', activeStores: 12 } : null),
    sellThroughBySku: async (_d, start, end, skus) => {
      asked.push(`${start}..${end} ${skus?.join(',') ?? '*'}`);
      return start === '2026-10-01' ? [sku('KW-N60', 41)] : [sku('KW-N60', 35)];
    },
    lastSellThroughDay: async () => last,
    activeStores: async () => [
      { code: 'D0001-S01', name: '一店' },
      { code: 'D0001-S02', name: '二店' },
      { code: 'D0001-S03', name: '三店' },
    ],
    dealerStore: async (dealer, code) =>
      dealer === 'D0001' && code.startsWith('D0001-') ? { code, name: `店${code}` } : null,
    storeSellThrough: async (_d, start, _end, _skus, storeCode) => {
      const october = start === '2026-10-01';
      const rows = [
        { ...sku('KW-N60', october ? 30 : 20), storeCode: 'D0001-S01', storeName: '一店' },
        { ...sku('KW-N60', october ? 11 : 15), storeCode: 'D0001-S02', storeName: '二店' },
        { ...sku('KC-L01', october ? 2 : 0, '延米', 'cabinets'), storeCode: 'D0001-S02', storeName: '二店' },
      ];
      return rows.filter((r) => r.qty > 0 && (!storeCode || r.storeCode === storeCode));
    },
  });

  it('answers "N60 上个月走了几套" from last month against the month before', async () => {
    const r = await new SalesService(store('2026-11-25')).report({
      dealerCode: 'D0001',
      skus: ['KW-N60'],
      period: '2026-10',
      now: NOW,
    });
    expect(asked).toEqual(['2026-10-01..2026-10-31 KW-N60', '2026-09-01..2026-09-30 KW-N60']);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ qty: 41, previousQty: 35 });
    expect(r.activeStores).toBe(12);
    expect(r.hasRecentData).toBe(true);
  });

  it('splits per store from the stores\' POS ("各门店"), or answers for one own store; another dealer\'s store is not found', async () => {
    const service = new SalesService(store('2026-11-25'));
    const split = await service.report({ dealerCode: 'D0001', period: '2026-10', byStore: true, now: NOW });
    expect(split.store).toBeNull();
    expect(split.stores).toEqual([
      {
        code: 'D0001-S01',
        name: '一店',
        totals: [{ unit: '套', qty: 30, previousQty: 20, change: 0.5 }],
      },
      {
        code: 'D0001-S02',
        name: '二店',
        totals: [
          { unit: '套', qty: 11, previousQty: 15, change: -4 / 15 },
          { unit: '延米', qty: 2, previousQty: 0, change: null },
        ],
      },
      // An active store that sold nothing is listed last: the weakest, not left out.
      { code: 'D0001-S03', name: '三店', totals: [] },
    ]);
    const one = await service.report({ dealerCode: 'D0001', period: '2026-10', storeCode: 'D0001-S02', now: NOW });
    expect(one.store).toEqual({ code: 'D0001-S02', name: '店D0001-S02' });
    expect(one.stores).toBeNull();
    expect(one.lines.map((l) => [l.sku, l.qty, l.previousQty])).toEqual([
      ['KW-N60', 11, 15],
      ['KC-L01', 2, 0],
    ]);
    await expect(service.report({ dealerCode: 'D0001', storeCode: 'D0002-S01', now: NOW })).rejects.toMatchObject({
      code: 'INSIGHT.STORE_NOT_FOUND',
      details: { storeCode: 'D0002-S01' },
    });
  });

  it('tells missing POS data from no sales: nothing for 60 days is "no data"', async () => {
    expect((await new SalesService(store('2026-09-20')).report({ dealerCode: 'D0001', now: NOW })).hasRecentData).toBe(
      false,
    );
    expect((await new SalesService(store(null)).report({ dealerCode: 'D0001', now: NOW })).hasRecentData).toBe(false);
    await expect(new SalesService(store(null)).report({ dealerCode: 'D0404', now: NOW })).rejects.toMatchObject({
      code: 'INSIGHT.DEALER_NOT_FOUND',
    });
  });
});

describe('regional trends', () => {
  const amounts = (w: number, c: number): CategoryAmounts[] => [
    { category: 'windows', regionFen: w, dealerFen: Math.round(w / 10) },
    { category: 'cabinets', regionFen: c, dealerFen: 0 },
  ];

  it('per category: change, average per dealer, the dealer share against the region share', () => {
    const t = categoryTrends({
      current: amounts(6_000_000, 4_000_000),
      previous: amounts(5_000_000, 5_000_000),
      sellThrough: [
        { category: 'windows', unit: '米', regionQty: 40, dealerQty: 0 },
        { category: 'windows', unit: '套', regionQty: 300, dealerQty: 20 },
      ],
      sellThroughPrevious: null,
      dealers: 8,
    });
    expect(t.map((c) => c.category)).toEqual(['windows', 'cabinets']);
    expect(t[0]).toMatchObject({
      change: 0.2,
      averagePerDealerFen: 750_000,
      dealerFen: 600_000,
      dealerShare: 1,
      regionShare: 0.6,
      sellThrough: [
        { unit: '套', qty: 300, previousQty: null },
        { unit: '米', qty: 40, previousQty: null },
      ],
    });
    expect(t[1]).toMatchObject({ change: -0.2, dealerShare: 0, regionShare: 0.4, sellThrough: [] });
  });

  it('widens to the market level nationwide when the province has too few dealers of it', async () => {
    const scopes: string[] = [];
    const store: TrendStore = {
      trendDealer: async (code) => ({ code, name: '甲', province: '浙江', marketLevel: '县城' }),
      scopeDealerCount: async (s: TrendScope) => {
        scopes.push(`${s.province ?? '*'}/${s.marketLevel}`);
        return s.province ? 2 : 40;
      },
      categoryPurchases: async (_s, _d, start) => amounts(start === '2026-08-27' ? 4_000_000 : 2_000_000, 1_000_000),
      categorySellThrough: async (): Promise<CategoryUnits[]> => [],
      productPurchases: async (_s, start): Promise<ProductAmount[]> => [
        { sku: 'KW-N60', name: 'N60', category: 'windows', fen: start === '2026-08-27' ? 3_000_000 : 1_000_000 },
        { sku: 'KC-01', name: '橱柜', category: 'cabinets', fen: 0 },
      ],
      firstSellThroughDay: async () => '2026-08-29',
    };
    const r = await new TrendsService(store).regional({ dealerCode: 'D0001', now: NOW });
    expect(scopes).toEqual(['浙江/县城', '*/县城']);
    expect(r.scope).toEqual({ province: null, marketLevel: '县城', dealers: 40, widened: true });
    expect(r.categories[0]).toMatchObject({ category: 'windows', change: 1, sellThrough: [] });
    expect(r.topProducts).toEqual([
      { sku: 'KW-N60', name: 'N60', category: 'windows', fen: 3_000_000, previousFen: 1_000_000, change: 2 },
    ]);
    expect(r.dealerTotalFen).toBe(400_000);
    expect(r.averagePerDealerTotalFen).toBe(125_000);
  });
});

describe('storeLines: stores ranked by the main unit, never a sum of 套 and 米', () => {
  it('21套 ranks above 16套 + 30米', () => {
    const sale = (storeCode: string, sku: string, unit: string, qty: number) => ({
      storeCode,
      storeName: storeCode,
      sku,
      name: sku,
      unit,
      category: 'windows',
      qty,
    });
    const lines = storeLines(
      [
        sale('S19', 'KW-N60', '套', 16),
        sale('S19', 'KW-R01', '米', 30),
        sale('S24', 'KW-N60', '套', 21),
        sale('S01', 'KW-N60', '套', 21),
      ],
      [],
    );
    expect(lines.map((l) => l.code)).toEqual(['S01', 'S24', 'S19']);
  });
});
