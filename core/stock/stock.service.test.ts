import { describe, expect, it } from 'vitest';
import { InMemoryCatalog, InMemoryStockStore, product } from '../testing/index.js';
import { StockService } from './stock.service.js';

// Specified on in-memory fakes (core/testing): no database.
const NOW = new Date('2026-11-26T10:00:00+08:00');
const SYNCED = new Date('2026-11-25T20:00:00+08:00');

function world() {
  const catalog = new InMemoryCatalog([
    product('KW-N60', { listPriceFen: 128_000, moq: 10, leadTimeDays: 14 }),
    product('KW-N75', { listPriceFen: 146_000, moq: 10, leadTimeDays: 21 }),
    product('KD-A1', { category: 'doors', moq: 2, orderMultiple: 2 }),
  ])
    .setHqStock('KW-N60', 30, 25)
    .setHqStock('KW-N75', 500, 0);
  const store = new InMemoryStockStore(catalog)
    .setDealerStock('D001', 'KW-N60', 12, SYNCED)
    .setDealerStock('D001', 'KW-N75', 300, SYNCED)
    // The window is the 30 Shanghai days before today: 10-27 … 11-25. Sales outside it do not count.
    .sell('D001', 'KW-N60', '2026-10-27', 30)
    .sell('D001', 'KW-N60', '2026-11-25', 30)
    .sell('D001', 'KW-N60', '2026-11-26', 500)
    .sell('D001', 'KW-N60', '2026-10-26', 500)
    .sell('D001', 'KW-N75', '2026-11-10', 30)
    .sell('D002', 'KW-N60', '2026-11-10', 999);
  return new StockService(store);
}

describe('StockService (unit, in-memory fakes)', () => {
  it('reports HQ availability, the dealer stock and its days of cover over the 30-day window', async () => {
    const [n60] = await world().report({ code: 'D001', tier: 'key' }, ['KW-N60'], NOW);
    expect(n60!.product.priceFen).toBe(124_160); // key tier: 3 % off 1,280.00
    // 30 on hand − 25 reserved = 5 available against one MOQ of 10: 5 short, expected after the 14-day lead time.
    expect(n60!.hq).toEqual({ onHand: 30, reserved: 25, available: 5, shortfall: 5, expectedDate: '2026-12-10' });
    expect(n60!.dealer).toEqual({ qty: 12, syncedAt: SYNCED });
    expect(n60!.sold30).toBe(60);
    expect(n60!.daysOfCover).toBe(6); // 12 units at 2 a day
  });

  it('skips unknown products and has no cover without a synced stock figure', async () => {
    const rows = await world().report({ code: 'D001', tier: 'regular' }, ['NOPE', 'KD-A1'], NOW);
    expect(rows.map((r) => r.product.sku)).toEqual(['KD-A1']);
    expect(rows[0]).toMatchObject({ dealer: null, sold30: 0, daysOfCover: null });
    expect(rows[0]!.hq).toMatchObject({ available: 0, shortfall: 2 });
  });

  it('suggests restocking only what runs out within lead time + safety days, in valid quantities', async () => {
    const advice = await world().replenishment({ code: 'D001', tier: 'regular' }, NOW);
    // KW-N60: 6 days of cover < 14 + 7; KW-N75: 300 units at 1 a day is 300 days — no advice.
    expect(advice.map((a) => a.sku)).toEqual(['KW-N60']);
    const [n60] = advice;
    // 30 days of sell-through at 2 a day.
    expect(n60).toMatchObject({ stockQty: 12, sold30: 60, daysOfCover: 6, thresholdDays: 21, qty: 60 });
  });
});
