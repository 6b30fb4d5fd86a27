import { describe, expect, it } from 'vitest';
import type { StockReport } from '../../core/stock/stock.service.js';
import { ordersReplies } from './orders.replies.js';
import type { Statement, TierStatus } from '../../core/accounts/accounts.types.js';
import type { SalesReport, TrendReport } from '../../core/insights/insights.types.js';
import { needList } from '../../core/needs/need-list.js';
import type { Need } from '../../core/needs/needs.types.js';
import { unanswered } from '../../core/testing/needs.fakes.js';
import { salesWindow, trendWindow } from '../../core/insights/windows.js';
import { statementReply, tierReply } from './accounts.replies.js';
import { salesReply, trendReply } from './insights.replies.js';
import { dealerMatchesReply, needListReply, timeLeftText } from './manager.replies.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

const STATEMENT: Statement = {
  dealer: { code: 'D0001', name: '杭州锦华门窗商行', tier: 'key' },
  period: { kind: 'month', label: '2026-11', start: '2026-11-01', end: '2026-11-26', running: true },
  asOf: '2026-11-26',
  orders: {
    items: [
      {
        orderNo: 'SO202611200001',
        placedAt: new Date('2026-11-20T10:00:00+08:00'),
        status: 'placed',
        totalFen: 20_000_000,
        paidAt: null,
      },
    ],
    count: 1,
    totalFen: 20_000_000,
    cancelledCount: 1,
    cancelledFen: 5_000_000,
  },
  payments: { count: 2, totalFen: 12_345_600 },
  rebates: { items: [], count: 0, totalFen: 0 },
  billed: { count: 0, amountFen: 0, paidFen: 0, openFen: 0 },
  balance: { openReceivablesFen: 15_000_000, unpaidPlacedFen: 20_000_000, totalFen: 35_000_000 },
  overdue: {
    items: [{ orderNo: 'SO202609010001', dueDate: '2026-10-01', openFen: 15_000_000, daysOverdue: 56, blocking: true }],
    totalFen: 15_000_000,
    blockingFen: 15_000_000,
    maxDays: 56,
  },
  dueSoon: { items: [], totalFen: 0, withinDays: 7 },
  credit: { limitFen: 50_000_000, usedFen: 35_000_000, leftFen: 15_000_000, canOrder: false, settleFen: 15_000_000 },
};

describe('statement and tier replies', () => {
  it('every amount of the statement is shown, overdue items with their days', () => {
    const text = statementReply(STATEMENT);
    expect(text.split('\n')[0]).toBe('【对账单｜2026年11月（截至11月26日）】杭州锦华门窗商行');
    for (const s of [
      '本月订单 1 笔，合计 ¥200,000',
      '已取消，¥50,000',
      '本月回款 2 笔，合计 ¥123,456',
      '当前欠款 ¥350,000',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain('SO202609010001 未付 ¥150,000，10月1日到期，已逾期 56 天（影响下单）');
    expect(text).toContain('信用额度 ¥500,000，已用 ¥350,000，剩余 ¥150,000。');
    expect(text).toContain('需先回款 ¥150,000 才能继续下单');
  });

  it('an empty month says so and still gives the balance and credit', () => {
    const empty: Statement = {
      ...STATEMENT,
      orders: { items: [], count: 0, totalFen: 0, cancelledCount: 0, cancelledFen: 0 },
      payments: { count: 0, totalFen: 0 },
      balance: { openReceivablesFen: 0, unpaidPlacedFen: 0, totalFen: 0 },
      overdue: { items: [], totalFen: 0, blockingFen: 0, maxDays: 0 },
      credit: { limitFen: 50_000_000, usedFen: 0, leftFen: 50_000_000, canOrder: true, settleFen: 0 },
    };
    const text = statementReply(empty);
    expect(text).toContain('本月没有订单和回款。');
    expect(text).toContain('当前没有欠款。');
    expect(text).toContain('剩余 ¥500,000。');
    expect(text).toContain('目前可以正常下单。');
  });

  it('markdown bolds the title and uses "- " bullets; a long statement fits one WeCom message', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      ...STATEMENT.overdue.items[0]!,
      orderNo: `SO2026090100${i}`,
    }));
    const md = statementReply({ ...STATEMENT, overdue: { ...STATEMENT.overdue, items: many } }, 'markdown');
    expect(md.startsWith('**对账单｜2026年11月（截至11月26日）**')).toBe(true);
    expect(md).toContain('- SO202609010');
    expect(md).toContain('……等共 40 笔');
    expect(bytes(md)).toBeLessThanOrEqual(2048);
  });

  it('the tier reply gives the re-tier and its reasons, the five scores, the gap and the benefits', () => {
    const dims = {
      purchaseScale: 70,
      categoryExpertise: 62,
      storeCoverage: 35.5,
      growthPotential: 58,
      collaboration: 81,
    };
    const t: TierStatus = {
      dealer: { code: 'D0001', name: '杭州锦华门窗商行', tier: 'key' },
      benefits: { discountRate: 0.03, needSlaHours: 48, perks: [] },
      latest: {
        month: '2026-10',
        dimensions: dims,
        total: 64.8,
        tierBefore: 'key',
        tierAfter: 'key',
        reasons: ['门窗动销率88%'],
      },
      lastChange: {
        month: '2026-09',
        dimensions: dims,
        total: 61.2,
        tierBefore: 'regular',
        tierAfter: 'key',
        reasons: ['近3个月订货增长35%'],
      },
      reasons: ['门窗动销率88%'],
      weakest: 'storeCoverage',
      next: { tier: 'core', minTotal: 75, gap: 10.2 },
    };
    const text = tierReply(t);
    expect(text).toContain('目前是「重点培育」经销商');
    expect(text).toContain('2026年9月评估由「普通」升为「重点培育」，依据：近3个月订货增长35%。');
    expect(text).toContain('2026年10月评分 64.8 分：门窗动销率88%。');
    expect(text).toContain('· 门店覆盖（权重 20%）：35.5');
    expect(text).toContain('距「核心」（75 分）还差 10.2 分，其中「门店覆盖」得分最低');
    expect(text).toContain('· 订货价在目录价基础上优惠3%');
  });
});

describe('sell-through and trend replies', () => {
  const base: SalesReport = {
    dealer: { code: 'D0001', name: '杭州锦华门窗商行' },
    activeStores: 12,
    store: null,
    stores: null,
    window: salesWindow({ period: '2026-10' }, '2026-11-26'),
    skus: null,
    lines: [
      {
        sku: 'KW-N60',
        name: '窄边框平开窗 N60',
        unit: '套',
        category: 'windows',
        qty: 41,
        previousQty: 35,
        change: 6 / 35,
      },
      { sku: 'KA-T1', name: '台面', unit: '米', category: 'accessories', qty: 8, previousQty: 0, change: null },
    ],
    totals: [
      { unit: '套', qty: 41, previousQty: 35, change: 6 / 35 },
      { unit: '米', qty: 8, previousQty: 0, change: null },
    ],
    lastSaleDay: '2026-11-25',
    hasRecentData: true,
  };

  it('gives units per product against the month before, per unit', () => {
    const text = salesReply(base);
    expect(text).toContain('【门店动销｜2026年10月（10月1日–10月31日）】');
    expect(text).toContain('合计卖出 41套（2026年9月 35套，+17%），8米（2026年9月 0米，新增）');
    expect(text).toContain('· 窄边框平开窗 N60：41套，2026年9月 35套（+17%）');
    expect(text).toContain('12 家在营门店');
  });

  it('no POS data for two months, and no sales in the period, are told apart', () => {
    expect(salesReply({ ...base, hasRecentData: false, lastSaleDay: '2026-09-01' })).toContain(
      '近两个月没有门店动销数据（最近一次是9月1日）',
    );
    expect(
      salesReply({ ...base, lines: [], totals: [], window: salesWindow({ span: 'week' }, '2026-11-26') }),
    ).toContain('本周没有动销记录，上周同期也没有。');
  });

  it('the trend lists categories with change and shares, the best products and the dealer against the average', () => {
    const t: TrendReport = {
      dealer: { code: 'D0001', name: '甲' },
      scope: { province: '浙江', marketLevel: '二线', dealers: 8, widened: false },
      window: trendWindow('2026-11-26'),
      categories: [
        {
          category: 'windows',
          regionFen: 600_000_000,
          regionPreviousFen: 500_000_000,
          change: 0.2,
          averagePerDealerFen: 75_000_000,
          dealerFen: 60_000_000,
          dealerPreviousFen: 40_000_000,
          dealerShare: 0.75,
          regionShare: 0.6,
          sellThrough: [
            { unit: '套', qty: 320, previousQty: null },
            { unit: '米', qty: 12, previousQty: null },
          ],
        },
      ],
      topProducts: [
        {
          sku: 'KW-N60',
          name: '窄边框平开窗 N60',
          category: 'windows',
          fen: 300_000_000,
          previousFen: 0,
          change: null,
        },
      ],
      dealerTotalFen: 80_000_000,
      averagePerDealerTotalFen: 125_000_000,
    };
    const text = trendReply(t);
    expect(text).toContain(
      '【区域趋势｜浙江二线市场】近3个月（8月27日–11月26日），同类 8 家经销商（环比：与前3个月相比；同比：与去年同期相比）：',
    );
    expect(text).toContain('· 窗类：进货 ¥6,000,000（环比 +20%），门店卖出 320套、12米；占区域 60%，占您 75%');
    expect(text).toContain('1. 窄边框平开窗 N60 ¥3,000,000（新增）');
    expect(text).toContain('您近3个月进货 ¥800,000，同类经销商平均 ¥1,250,000。');
  });
});

describe('manager replies', () => {
  const need = (id: number, o: Partial<Need>): Need => ({
    id,
    dealerCode: 'D0001',
    category: 'after_sales',
    text: '门把手装上没俩月就晃',
    ownerCode: 'M001',
    tier: 'key',
    firstResponseDue: new Date(NOW.getTime() + 3 * 3_600_000 + 20 * 60_000),
    resolutionDue: new Date(NOW.getTime() + 30 * 3_600_000),
    ...unanswered(),
    createdAt: new Date(NOW.getTime() - 3_600_000),
    ...o,
  });

  it('lists needs with the time left or overdue, and says when there are none', () => {
    const l = needList(
      [
        { need: need(1024, {}), dealerName: '杭州锦华门窗商行' },
        { need: need(1025, { firstResponseDue: new Date(NOW.getTime() - 26 * 3_600_000) }), dealerName: '乙' },
      ],
      'all',
      NOW,
      10,
    );
    const text = needListReply(l);
    expect(text.split('\n')[0]).toBe('【待处理需求】共 2 条未完成，其中今天新来 2 条、已超时 1 条。');
    expect(text).toContain('N1025【售后】乙：门把手装上没俩月就晃｜待认领，已超时 1天2小时');
    expect(text).toContain('N1024【售后】杭州锦华门窗商行：门把手装上没俩月就晃｜待认领，还剩 3小时20分');
    expect(needListReply(needList([], 'overdue', NOW, 10))).toBe('【已超时的需求】您手上目前没有待处理的需求。');
    expect(timeLeftText(-30_000)).toBe('已超时 1分钟');
  });

  it('offers the matches of a name search, or says none was found', () => {
    const entry = {
      code: 'D0002',
      name: '萧山华美建材有限公司',
      tier: 'key' as const,
      province: '浙江',
      city: '杭州',
      county: '萧山区',
      contactNames: [],
    };
    expect(dealerMatchesReply('华美', [{ entry, score: 1 }])).toContain(
      '· D0002 萧山华美建材有限公司（重点培育，杭州萧山区）',
    );
    expect(dealerMatchesReply('老王建材', [])).toContain('没有在您负责的经销商里找到“老王建材”');
  });
});

describe('replenishAsked: a product asked about', () => {
  const product = {
    sku: 'KW-T80',
    name: '推拉窗',
    unit: '套',
    leadTimeDays: 10,
    priceFen: 100_000,
  } as StockReport['product'];
  const hq = { onHand: 0, reserved: 0 } as StockReport['hq'];
  it('no synced stock of it: said so, never "enough"', () => {
    const r = ordersReplies.replenishAsked([{ product, hq, dealer: null, sold30: 0, daysOfCover: null }], []);
    expect(r).toContain('推拉窗：还没有您的库存同步数据，没法判断够不够卖');
    expect(r).not.toContain('够卖（');
  });
});
