import { describe, expect, it } from 'vitest';
import { AccountError } from './accounts.errors.js';
import type { PeriodOrder, PurchaseLine, ReceivableItem } from './accounts.types.js';
import { buildStatement, dueSoonItems, overdueItems, statementPeriod, summarisePurchases } from './statement.rules.js';

const TODAY = '2026-11-26';

describe('statement period', () => {
  it('defaults to the running month, clipped at today', () => {
    expect(statementPeriod(undefined, TODAY)).toEqual({
      kind: 'month',
      label: '2026-11',
      start: '2026-11-01',
      end: '2026-11-26',
      running: true,
    });
  });

  it('reads a past month, the running quarter and a named quarter', () => {
    expect(statementPeriod('2026-10', TODAY)).toMatchObject({ start: '2026-10-01', end: '2026-10-31', running: false });
    expect(statementPeriod('2026-02', TODAY)).toMatchObject({ end: '2026-02-28' });
    expect(statementPeriod('quarter', TODAY)).toMatchObject({
      kind: 'quarter',
      label: '2026-Q4',
      start: '2026-10-01',
      end: '2026-11-26',
      running: true,
    });
    expect(statementPeriod('2026-q3', TODAY)).toMatchObject({ start: '2026-07-01', end: '2026-09-30', running: false });
  });

  it('refuses a future or malformed period with a coded error', () => {
    expect(() => statementPeriod('2026-12', TODAY)).toThrow(AccountError);
    expect(() => statementPeriod('2026-12', TODAY)).toThrow(expect.objectContaining({ code: 'ACCOUNT.FUTURE_PERIOD' }));
    expect(() => statementPeriod('2026-13', TODAY)).toThrow(expect.objectContaining({ code: 'ACCOUNT.BAD_PERIOD' }));
    expect(() => statementPeriod('下个月', TODAY)).toThrow(expect.objectContaining({ code: 'ACCOUNT.BAD_PERIOD' }));
  });
});

const rec = (orderNo: string, amountFen: number, paidFen: number, dueDate: string): ReceivableItem => ({
  orderNo,
  amountFen,
  paidFen,
  dueDate,
  createdAt: new Date('2026-09-01T10:00:00+08:00'),
});

describe('overdue and due-soon receivables', () => {
  const open = [
    rec('SO202608010001', 100_000, 0, '2026-09-15'), // 72 days overdue: blocks ordering (> 30)
    rec('SO202610200001', 50_000, 20_000, '2026-10-27'), // 30 days: overdue, not yet blocking
    rec('SO202611100001', 80_000, 0, '2026-11-26'), // due today
    rec('SO202611150001', 70_000, 0, '2026-12-03'), // due in 7 days
    rec('SO202611200001', 60_000, 0, '2026-12-04'), // 8 days: not due soon
    rec('SO202607010001', 90_000, 90_000, '2026-08-01'), // paid
  ];

  it('lists each open overdue item with its days overdue, the oldest first', () => {
    expect(overdueItems(open, TODAY)).toEqual([
      { orderNo: 'SO202608010001', dueDate: '2026-09-15', openFen: 100_000, daysOverdue: 72, blocking: true },
      { orderNo: 'SO202610200001', dueDate: '2026-10-27', openFen: 30_000, daysOverdue: 30, blocking: false },
    ]);
  });

  it('lists what falls due today and within 7 days', () => {
    expect(dueSoonItems(open, TODAY).map((d) => [d.orderNo, d.daysLeft])).toEqual([
      ['SO202611100001', 0],
      ['SO202611150001', 7],
    ]);
  });
});

describe('buildStatement', () => {
  const order = (orderNo: string, totalFen: number, status: PeriodOrder['status'], day: number): PeriodOrder => ({
    orderNo,
    totalFen,
    status,
    placedAt: new Date(`2026-11-${String(day).padStart(2, '0')}T10:00:00+08:00`),
    paidAt: null,
  });

  it('adds up the period, takes the balance and credit from the ordering credit rule', () => {
    const s = buildStatement({
      dealer: { code: 'D0001', name: '甲', tier: 'key', creditLimitFen: 1_000_000, paymentTermsDays: 30 },
      period: statementPeriod(undefined, TODAY),
      today: TODAY,
      orders: [
        order('SO202611020001', 300_000, 'delivered', 2),
        order('SO202611200001', 200_000, 'placed', 20),
        order('SO202611100001', 50_000, 'cancelled', 10),
      ],
      paidOrders: [order('SO202610050001', 120_000, 'delivered', 5)],
      billed: [rec('SO202611020001', 300_000, 100_000, '2026-12-02')],
      open: [rec('SO202609010001', 150_000, 0, '2026-10-01'), rec('SO202611020001', 300_000, 100_000, '2026-12-02')],
      credit: {
        limitFen: 1_000_000,
        openReceivablesFen: 350_000,
        unpaidPlacedFen: 200_000,
        overdueFen: 150_000,
        maxOverdueDays: 56,
      },
    });
    expect(s.orders).toMatchObject({ count: 2, totalFen: 500_000, cancelledCount: 1, cancelledFen: 50_000 });
    expect(s.orders.items.map((o) => o.orderNo)).toEqual(['SO202611200001', 'SO202611020001']);
    expect(s.payments).toEqual({ count: 1, totalFen: 120_000 });
    expect(s.billed).toEqual({ count: 1, amountFen: 300_000, paidFen: 100_000, openFen: 200_000 });
    expect(s.balance).toEqual({ openReceivablesFen: 350_000, unpaidPlacedFen: 200_000, totalFen: 550_000 });
    expect(s.overdue).toMatchObject({ totalFen: 150_000, blockingFen: 150_000, maxDays: 56 });
    expect(s.dueSoon.items.map((d) => d.orderNo)).toEqual(['SO202611020001']);
    expect(s.credit).toEqual({
      limitFen: 1_000_000,
      usedFen: 550_000,
      leftFen: 450_000,
      canOrder: false,
      settleFen: 150_000,
    });
  });

  it('an empty month has zero totals and an orderable credit line', () => {
    const s = buildStatement({
      dealer: { code: 'D0002', name: '乙', tier: 'regular', creditLimitFen: 500_000, paymentTermsDays: 30 },
      period: statementPeriod(undefined, TODAY),
      today: TODAY,
      orders: [],
      paidOrders: [],
      billed: [],
      open: [],
      credit: { limitFen: 500_000, openReceivablesFen: 0, unpaidPlacedFen: 0, overdueFen: 0, maxOverdueDays: 0 },
    });
    expect(s.orders.count).toBe(0);
    expect(s.overdue.items).toEqual([]);
    expect(s.credit).toEqual({ limitFen: 500_000, usedFen: 0, leftFen: 500_000, canOrder: true, settleFen: 0 });
  });
});

describe('summarisePurchases', () => {
  const period = { label: '2026-10', start: '2026-10-01', end: '2026-10-31', running: false };
  const order = (orderNo: string, totalFen: number, status: PeriodOrder['status'] = 'delivered'): PeriodOrder => ({
    orderNo,
    placedAt: new Date('2026-10-08T10:00:00+08:00'),
    status,
    totalFen,
    paidAt: null,
  });
  const line = (orderNo: string, sku: string, qty: number, amountFen: number): PurchaseLine => ({
    orderNo,
    sku,
    name: sku,
    unit: '套',
    qty,
    amountFen,
  });
  const orders = [order('SO1', 500), order('SO2', 300), order('SO3', 900, 'cancelled')];
  const lines = [line('SO1', 'KW-N60', 10, 500), line('SO2', 'KW-N60', 2, 100), line('SO2', 'KW-T80', 4, 200)];

  it("everything: the orders' own totals, cancelled ones left out, products the largest first", () => {
    const p = summarisePurchases(period, orders, lines, []);
    expect([p.orderCount, p.totalFen]).toEqual([2, 800]);
    expect(p.products.map((x) => [x.sku, x.qty, x.amountFen])).toEqual([
      ['KW-N60', 12, 600],
      ['KW-T80', 4, 200],
    ]);
  });

  it("one product: its lines' orders and amounts only", () => {
    const p = summarisePurchases(period, orders, lines, ['KW-T80']);
    expect([p.orderCount, p.totalFen, p.products.length]).toEqual([1, 200, 1]);
  });
});
