import { describe, expect, it } from 'vitest';
import { bodyOf, MemoryDeliveryLog, MemoryPushQueue } from '../testing/care.fakes.js';
import { type FakePurchase, MemoryRegionalTrendStore } from '../testing/insights.fakes.js';
import { type GroupHistory, needHappened, predictNeeds } from './need-prediction.js';
import {
  NEED_HEADS_UP_KIND,
  NEED_PUSH_KIND,
  NeedPredictionService,
  type NeedTexts,
} from './need-prediction.service.js';
import type { RegionalDealer } from './regional.js';

const W = 1_000_000; // ¥10,000
/** 15 months M−14 … M. */
const history = (series: string, months: number[], dealerCode = 'D1'): GroupHistory => ({
  dealerCode,
  category: 'windows',
  series,
  months,
});
const flat = (x: number) => Array<number>(15).fill(x);

describe('need rules', () => {
  it('a new line rising three months running → training; an established line forecast to grow → display', () => {
    const rising = [...flat(0).slice(0, 9), 0, 0, 0, 1 * W, 2 * W, 3 * W];
    // A year ago 30 → next quarter 45 (season ×1.5); now 36 (+20% on a year ago): forecast 54 ≥ 1.2 × 36.
    const main = [10, 10, 10, 15, 15, 15, 10, 10, 10, 10, 10, 10, 12, 12, 12].map((x) => x * W);
    const needs = predictNeeds([history('窄边框', rising), history('铝合金', main, 'D2')], () => null);
    expect(needs.map((n) => [n.dealerCode, n.need, n.group.series])).toEqual([
      ['D1', 'training', '窄边框'],
      ['D2', 'display', '铝合金'],
    ]);
    expect(needs[1]!.strength).toBeCloseTo(1.5);
  });

  it('an established line that merely spiked is no display need: spikes fall back (the back-test showed it)', () => {
    const spike = [...flat(10 * W).slice(0, 12), 11 * W, 16 * W, 20 * W];
    expect(predictNeeds([history('铝合金', spike)], () => null).map((n) => n.need)).not.toContain('display');
    // Growing on a year ago but the season ahead is flat: 36 × (30 / 30) < 1.2 × 36.
    const flatSeason = [...flat(10 * W).slice(0, 12), 12 * W, 12 * W, 12 * W];
    expect(predictNeeds([history('铝合金', flatSeason)], () => null)).toEqual([]);
  });

  it('last year’s next three months well above the last three → restock; a fall against a rising region → promotion', () => {
    const seasonal = [0, 0, 0, 5 * W, 5 * W, 5 * W, 0, 0, 0, 1 * W, 1 * W, 1 * W, 1 * W, 1 * W, 1 * W];
    expect(predictNeeds([history('断桥铝', seasonal)], () => null).map((n) => n.need)).toEqual(['restock']);
    const falling = [...flat(1 * W).slice(0, 6), ...flat(4 * W).slice(0, 6), 1 * W, 1 * W, 1 * W];
    expect(predictNeeds([history('塑钢', falling)], () => 0.25).map((n) => n.need)).toEqual(['promotion']);
    expect(predictNeeds([history('塑钢', falling)], () => -0.1)).toEqual([]);
    // Small amounts say nothing.
    expect(predictNeeds([history('纱窗', [...flat(0).slice(0, 12), 1, 2, 3])], () => null)).toEqual([]);
  });

  it('the outcome comes from the next three months of orders', () => {
    expect(needHappened('training', 0, 6 * W, 8 * W)).toBe(true);
    expect(needHappened('training', 0, 6 * W, 6 * W)).toBe(false);
    expect(needHappened('restock', 0, 3 * W, 4 * W)).toBe(true);
    expect(needHappened('promotion', 12 * W, 3 * W, 8 * W)).toBe(true);
    expect(needHappened('promotion', 12 * W, 3 * W, 9 * W)).toBe(false);
  });
});

describe('NeedPredictionService (in-memory ports)', () => {
  const dealers: RegionalDealer[] = ['D1', 'D2'].map((code) => ({
    code,
    name: `经销商${code}`,
    province: '浙江',
    marketLevel: '县城',
    managerCode: 'M010',
    tier: 'regular',
  }));
  // D1: narrow-frame windows new and rising Sep → Nov 2026.
  const purchases: FakePurchase[] = [
    { dealerCode: 'D1', day: '2026-09-05', category: 'windows', series: '窄边框', fen: 1 * W },
    { dealerCode: 'D1', day: '2026-10-05', category: 'windows', series: '窄边框', fen: 2 * W },
    { dealerCode: 'D1', day: '2026-11-05', category: 'windows', series: '窄边框', fen: 3 * W },
    { dealerCode: 'D2', day: '2026-11-05', category: 'doors', series: '室内门', fen: 1 * W },
  ];
  const texts: NeedTexts = {
    dealerNeed: (n) =>
      `${n.need.need} ${n.need.group.series} ${n.resource?.kind === 'course' ? n.resource.title : '-'}`,
    managerHeadsUp: (m, list) => `${m} ${list.map((n) => `${n.dealer.code}/${n.need.need}`).join(',')}`,
  };
  const setup = () => {
    const deliveries = new MemoryDeliveryLog();
    const queue = new MemoryPushQueue();
    const service = new NeedPredictionService({
      store: new MemoryRegionalTrendStore(dealers, purchases),
      resources: {
        upcomingCourses: async () => [
          { title: '整体橱柜测量设计实操', startsAt: new Date('2026-12-10T14:00:00+08:00') },
          { title: '窄边框门窗卖点与样窗陈列', startsAt: new Date('2026-12-12T14:00:00+08:00') },
        ],
        successCases: async () => [],
        activePromotions: async () => [],
      },
      deliveries,
      queue,
      texts,
    });
    return { deliveries, queue, service };
  };
  const DEC_1 = new Date('2026-12-01T09:35:00+08:00');

  it('pushes the need with the matching course and tells the manager; once per need and month', async () => {
    const { queue, service } = setup();
    expect(await service.run(DEC_1)).toMatchObject({
      predicted: 1,
      training: 1,
      dealersTold: 1,
      managers: 1,
      queued: 2,
    });
    expect(queue.of(NEED_PUSH_KIND).map((p) => [p.code, bodyOf(p)])).toEqual([
      ['D1', 'training 窄边框 窄边框门窗卖点与样窗陈列'],
    ]);
    expect(queue.of(NEED_HEADS_UP_KIND).map((p) => [p.code, bodyOf(p)])).toEqual([['M010', 'M010 D1/training']]);
    queue.prune();
    expect(await service.run(new Date('2026-12-20T09:35:00+08:00'))).toMatchObject({ dealersTold: 0, queued: 0 });
  });
});
