import { describe, expect, it } from 'vitest';
import { MemoryAnomalyStore } from '../testing/anomaly.fakes.js';
import { bodyOf, MemoryDeliveryLog, MemoryPushQueue } from '../testing/care.fakes.js';
import { findAnomalies } from './anomalies.js';
import { AnomalyService } from './anomaly.service.js';
import type { Anomaly, AnomalyNotices } from './anomaly.types.js';
import type { CareDealer } from './ports.js';
import type { StockPosition } from './replenishment.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);
const dealer = (code: string, managerCode = 'M001'): CareDealer => ({
  code,
  name: `经销商${code}`,
  tier: 'key',
  tags: [],
  managerCode,
  marketLevel: '二线',
  partnershipStart: '2020-01-01',
});
const position = (sku: string, onHand: number, sold30: number): StockPosition => ({
  sku,
  name: sku,
  unit: '套',
  onHand,
  sold30,
  leadTimeDays: 14,
  moq: 10,
  orderMultiple: 1,
});
const notices: AnomalyNotices = {
  dealer: (d, list: readonly Anomaly[]) => `dealer ${d.code}: ${list.map((a) => `${a.kind}/${a.subject}`).join(' ')}`,
  manager: (d, list: readonly Anomaly[]) => `manager ${d.code}: ${list.length}`,
};

function setup() {
  const store = new MemoryAnomalyStore([dealer('D0001'), dealer('D0002', 'M002')]);
  const queue = new MemoryPushQueue();
  const deliveries = new MemoryDeliveryLog();
  return { store, queue, deliveries, service: new AnomalyService({ store, queue, deliveries, notices }) };
}

describe('findAnomalies: the four kinds on a business date', () => {
  it('overstock per SKU, a drop per dealer, an overdue payment per bill, an expiring batch per SKU', () => {
    const found = findAnomalies(
      {
        positions: new Map([['D0001', [position('KW-N60', 100, 30), position('KD-B45', 20, 30)]]]),
        trends: new Map([
          ['D0001', { last28: 30, prev28: 100 }],
          ['D0002', { last28: 90, prev28: 100 }],
        ]),
        overdueBills: new Map([['D0002', [{ billNo: 'AR1', outstandingFen: 500_000, dueDate: '2026-11-16' }]]]),
        datedStock: new Map([
          [
            'D0001',
            [
              { sku: 'KC-G1', name: '玻璃胶', unit: '支', qty: 40, expiresOn: '2026-12-20' },
              { sku: 'KC-G2', name: '密封胶', unit: '支', qty: 40, expiresOn: '2027-03-01' },
              { sku: 'KC-G3', name: '结构胶', unit: '支', qty: 0, expiresOn: '2026-11-01' },
            ],
          ],
        ]),
      },
      '2026-11-26',
    );
    expect(found).toEqual([
      {
        dealerCode: 'D0001',
        kind: 'overstock',
        subject: 'KW-N60',
        details: { name: 'KW-N60', unit: '套', onHand: 100, daysOfCover: 100 },
      },
      {
        dealerCode: 'D0001',
        kind: 'sell_through_drop',
        subject: '',
        details: { fraction: 0.7, last28: 30, prev28: 100 },
      },
      {
        dealerCode: 'D0002',
        kind: 'overdue_payment',
        subject: 'AR1',
        details: { outstandingFen: 500_000, dueDate: '2026-11-16', daysOverdue: 10 },
      },
      {
        dealerCode: 'D0001',
        kind: 'expiring_batch',
        subject: 'KC-G1',
        details: { name: '玻璃胶', unit: '支', qty: 40, expiresOn: '2026-12-20', daysLeft: 24 },
      },
    ]);
  });
});

describe('AnomalyService: open once, persist silently, close when cleared', () => {
  it('tells the dealer and their manager once about new anomalies; a persisting one is not re-sent', async () => {
    const { store, queue, deliveries, service } = setup();
    store.inputsGiven.positions.set('D0001', [position('KW-N60', 100, 30)]);
    const first = await service.refresh(['D0001'], NOW);
    expect(first).toMatchObject({ dealers: 1, opened: 1, seen: 0, closed: 0, queued: 2 });
    expect(queue.queued.map((p) => [p.to, p.code, bodyOf(p)])).toEqual([
      ['dealer', 'D0001', 'dealer D0001: overstock/KW-N60'],
      ['managerChat', 'M001', 'manager D0001: 1'],
    ]);
    expect([...(await deliveries.sentKeys('anomaly.opened', 'all')).keys()]).toEqual(['D0001']);
    // Still overstocked the next day, with fresh numbers: seen, not told.
    store.inputsGiven.positions.set('D0001', [position('KW-N60', 120, 30)]);
    const second = await service.refresh(['D0001'], later(1));
    expect(second).toMatchObject({ opened: 0, seen: 1, closed: 0, queued: 0 });
    expect(queue.queued).toHaveLength(2);
    const [row] = await service.openFor('D0001');
    expect(row).toMatchObject({ kind: 'overstock', openedAt: NOW, lastSeenAt: later(1) });
    expect(row!.details).toMatchObject({ onHand: 120 });
  });

  it('closes what cleared without a message, and a reopened anomaly is told again', async () => {
    const { store, queue, service } = setup();
    store.inputsGiven.overdueBills.set('D0002', [{ billNo: 'AR1', outstandingFen: 1, dueDate: '2026-11-01' }]);
    await service.refresh(['D0002'], NOW);
    store.inputsGiven.overdueBills.clear();
    expect(await service.refresh(['D0002'], later(1))).toMatchObject({ opened: 0, closed: 1, queued: 0 });
    expect(await service.openFor('D0002')).toEqual([]);
    expect(store.rows[0]!.closedAt).toEqual(later(1));
    store.inputsGiven.overdueBills.set('D0002', [{ billNo: 'AR1', outstandingFen: 1, dueDate: '2026-11-01' }]);
    expect(await service.refresh(['D0002'], later(5))).toMatchObject({ opened: 1, queued: 2 });
    expect(store.rows).toHaveLength(2);
    expect(queue.of('anomaly.opened').map((p) => p.code)).toEqual(['D0002', 'D0002']);
    expect(queue.of('anomaly.opened.manager').map((p) => p.code)).toEqual(['M002', 'M002']);
  });

  it('a scoped refresh leaves other dealers alone; "all" reaches everyone', async () => {
    const { store, queue, service } = setup();
    store.inputsGiven.trends.set('D0001', { last28: 10, prev28: 100 });
    store.inputsGiven.trends.set('D0002', { last28: 10, prev28: 100 });
    await service.refresh(['D0001'], NOW);
    expect(store.rows.map((a) => a.dealerCode)).toEqual(['D0001']);
    // D0001's drop clears, but a refresh for D0002 does not close it.
    store.inputsGiven.trends.delete('D0001');
    expect(await service.refresh(['D0002'], NOW)).toMatchObject({ opened: 1, closed: 0 });
    expect(await service.refresh('all', later(1))).toMatchObject({ dealers: 2, opened: 0, seen: 1, closed: 1 });
    expect(await service.refresh([], NOW)).toMatchObject({ dealers: 0, queued: 0 });
    expect(queue.queued).toHaveLength(4);
  });

  it('several new anomalies of one dealer go out as one notice each to dealer and manager, in quiet-hours-safe time', async () => {
    const { store, queue, service } = setup();
    store.inputsGiven.positions.set('D0001', [position('KW-N60', 100, 30), position('KD-B45', 50, 0)]);
    store.inputsGiven.trends.set('D0001', { last28: 10, prev28: 100 });
    const night = new Date('2026-11-26T23:30:00+08:00');
    expect(await service.refresh(['D0001'], night)).toMatchObject({ opened: 3, queued: 2 });
    expect(bodyOf(queue.of('anomaly.opened')[0]!)).toBe(
      'dealer D0001: overstock/KW-N60 overstock/KD-B45 sell_through_drop/',
    );
    // Opened at 23:30: the notices wait for the morning.
    for (const p of queue.queued) expect(p.notBefore!.getTime()).toBeGreaterThan(night.getTime() + 6 * 3_600_000);
  });
});
