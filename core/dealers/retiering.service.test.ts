import { describe, expect, it } from 'vitest';
import { MemoryDeliveryLog, MemoryPushQueue } from '../testing/care.fakes.js';
import { BASE_METRICS, MemoryDealerScoreStore } from '../testing/dealers.fakes.js';
import { tierReasonText } from '../../bot/replies/tiers.replies.js';
import { isMonth, monthAsOf, previousMonth, RetieringService } from './retiering.service.js';
import { changeReasons } from './scoring.js';

const base = BASE_METRICS;

function setup() {
  const store = new MemoryDealerScoreStore();
  store.metricRows = [
    { ...base, dealerCode: 'D0001' },
    { ...base, dealerCode: 'D0004', lastOrderDate: '2026-07-29', daysSinceLastOrder: 125 },
  ];
  store.dealers = [
    { code: 'D0001', name: '南京恒信门窗', tier: 'regular', managerCode: 'M001', manualTags: [] },
    { code: 'D0004', name: '阜宁老街建材', tier: 'regular', managerCode: 'M002', manualTags: ['重点关注'] },
  ];
  store.managers = new Map([
    ['M001', '张伟'],
    ['M002', '李娜'],
  ]);
  const queue = new MemoryPushQueue();
  const deliveries = new MemoryDeliveryLog();
  return { store, queue, deliveries, retiering: new RetieringService({ store, deliveries, queue }, tierReasonText) };
}

const SIX_TEN = new Date('2026-12-01T06:10:00+08:00');

describe('RetieringService on in-memory ports', () => {
  it('re-tiers, tells the changed dealer and every manager once, after quiet hours', async () => {
    const { retiering, store, queue } = setup();
    expect(await retiering.scoreMonth('2026-11', SIX_TEN)).toMatchObject({
      historical: 0,
      scored: 2,
      changed: 1,
      silent: 1,
      queued: 3,
    });
    // The new tier waits for its notice (after quiet hours): prices do not change at 06:10.
    expect(store.dealers.find((d) => d.code === 'D0004')!.tier).toBe('regular');
    const notice = queue.queued.find((p) => p.dedupeKey === 'dealers.tier:D0004:2026-11')!;
    expect(store.pending.get('D0004')).toEqual({ tier: 'silent', at: notice.notBefore });
    expect(await retiering.applyDueTiers(new Date(notice.notBefore!.getTime() - 1000))).toBe(0);
    expect(await retiering.applyDueTiers(notice.notBefore!)).toBe(1);
    expect(store.dealers.find((d) => d.code === 'D0004')!.tier).toBe('silent');
    expect(store.scores.get('2026-11-01')!.get('D0004')!.tags).toContain('重点关注');
    expect(queue.queued.map((p) => p.dedupeKey)).toEqual([
      'dealers.tier:D0004:2026-11',
      'dealers.tier.summary:M001:2026-11',
      'dealers.tier.summary:M002:2026-11',
    ]);
    for (const p of queue.queued) expect(p.notBefore!.getTime()).toBeGreaterThan(SIX_TEN.getTime());
    // A re-run after the outbox is pruned: the delivery log still knows.
    queue.prune();
    expect(await retiering.scoreMonth('2026-11', SIX_TEN)).toMatchObject({ changed: 1, queued: 0 });
  });

  it('re-scores an old month without touching today’s tiers or telling anyone', async () => {
    const { retiering, store, queue } = setup();
    await retiering.scoreMonth('2026-11', SIX_TEN);
    const before = store.dealers.map((d) => ({ ...d }));
    const sent = queue.queued.length;
    expect(await retiering.scoreMonth('2026-03', SIX_TEN)).toMatchObject({ historical: 1, queued: 0 });
    expect(store.dealers).toEqual(before);
    expect(queue.queued).toHaveLength(sent);
  });

  it('a downgrade is explained by what fell short, an upgrade by strengths', () => {
    const m = {
      ...BASE_METRICS,
      dealerCode: 'D0009',
      amount12Fen: 90_000_000,
      last3Fen: 10_000_000,
      prev3Fen: 30_000_000,
      windowDoorSold30: 90,
      windowDoorOnHand: 10,
      activeStores: 6,
      storeRegions: 3,
    };
    const d = { purchaseScale: 80, categoryExpertise: 70, storeCoverage: 40, growthPotential: 20, collaboration: 55 };
    const down = changeReasons(m, d, 58.5, 'key', 'regular').map(tierReasonText);
    expect(down).toEqual([
      '综合评分58.5分，低于「重点培育」所需的60分',
      '近3个月订货下降67%',
      '「成长潜力」得分20分，是短板',
    ]);
    for (const r of down) expect(r).not.toMatch(/动销率|前\d+%|在营门店|增长/);
    const up = changeReasons({ ...m, last3Fen: 40_000_000 }, d, 76, 'key', 'core').map(tierReasonText);
    expect(up[0]).toBe('近3个月订货增长33%');
    for (const r of up) expect(r).not.toMatch(/下降|短板|低于/);
  });

  it('names months in Asia/Shanghai', () => {
    expect(previousMonth(new Date('2026-12-31T16:30:00Z'))).toBe('2026-12'); // 2027-01-01 00:30 in Shanghai
    expect(previousMonth(SIX_TEN)).toBe('2026-11');
    expect([isMonth('2026-11'), isMonth('2026-13')]).toEqual([true, false]);
    expect(monthAsOf('2026-11', SIX_TEN)).toEqual(new Date('2026-12-01T00:00:00+08:00'));
    expect(monthAsOf('2026-12', SIX_TEN)).toEqual(SIX_TEN);
  });
});
