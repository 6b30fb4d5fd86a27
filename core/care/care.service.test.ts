import { describe, expect, it } from 'vitest';
import { policySchema } from '../policies/policy.types.js';
import { type FakeCareDealer, MemoryCareStore, MemoryDeliveryLog, MemoryPushQueue } from '../testing/care.fakes.js';
import { CareService } from './care.service.js';
import { isQuietTime } from './quiet-hours.js';

// The daily run of 2026-11-26 (09:10 Shanghai); no database.
const NOW = new Date('2026-11-26T09:10:00+08:00');
const day = (n: number, from = NOW) => new Date(from.getTime() + n * 86_400_000);

const ANNIV_3Y = policySchema.parse({
  code: 'ANNIV-3Y',
  name: '合作三周年额外返利',
  kind: 'anniversary_bonus',
  years: 3,
  bonusRate: 0.03,
  excludeCategories: ['accessories'],
  target: { tiers: ['core', 'key', 'regular', 'silent'], tagsAny: [] },
});

const dealer = (code: string, start: string, extra: Partial<FakeCareDealer> = {}): FakeCareDealer => ({
  code,
  name: `经销商${code}`,
  tier: 'regular',
  tags: [],
  managerCode: 'M001',
  marketLevel: '二线',
  partnershipStart: start,
  lastOrderDate: '2026-11-20',
  ...extra,
});

function setup() {
  const store = new MemoryCareStore({
    dealerList: [
      dealer('D0001', '2018-03-01', {
        contacts: [{ name: '王强', birthday: '1980-11-26' }],
        tier: 'key',
        tags: ['门窗专长'],
      }),
      dealer('D0002', '2020-11-26'),
      dealer('D0005', '2023-11-10'),
      dealer('D0006', '2023-11-26'),
      dealer('D0004', '2017-06-01', { managerCode: 'M002', lastOrderDate: '2026-07-29' }),
    ],
    policies: [ANNIV_3Y],
  });
  store.orderLines.set('D0005', [
    {
      placedAt: new Date('2026-11-23T10:00:00+08:00'),
      orderStatus: 'delivered',
      category: 'windows',
      amountFen: 1_200_000,
    },
    {
      placedAt: new Date('2026-11-23T10:00:00+08:00'),
      orderStatus: 'delivered',
      category: 'accessories',
      amountFen: 50_000,
    },
  ]);
  const deliveries = new MemoryDeliveryLog();
  const queue = new MemoryPushQueue();
  return { store, deliveries, queue, care: new CareService({ store, deliveries, queue }) };
}

describe('CareService on in-memory ports', () => {
  it('greets birthdays once, even after the outbox is pruned', async () => {
    const { care, queue, deliveries } = setup();
    expect(await care.run('birthday', NOW)).toEqual({ birthdays: 1, queued: 1 });
    expect(queue.of('care.birthday')[0]).toMatchObject({ code: 'D0001', dedupeKey: 'care.birthday:D0001:2026-11-26' });
    expect(queue.of('care.birthday')[0]!.message).toEqual({ kind: 'birthday', contactNames: ['王强'] });
    expect(deliveries.rows).toEqual([{ kind: 'care.birthday', subject: 'D0001', key: '2026-11-26', sentAt: NOW }]);
    queue.prune();
    expect(await care.run('birthday', NOW)).toEqual({ birthdays: 1, queued: 0 });
    expect(queue.queued).toEqual([]);
  });

  it('announces the anniversary bonus once a month, merged into the greeting on the day', async () => {
    const { care, queue } = setup();
    expect(await care.run('anniversary', NOW)).toMatchObject({ anniversaries: 2, bonusNotices: 2, queued: 3 });
    expect(queue.of('care.anniversary').map((p) => p.code)).toEqual(['D0002', 'D0006']);
    expect(queue.of('care.anniversary')[1]!.message).toMatchObject({ kind: 'anniversary', years: 3 });
    const notice = queue.of('care.anniversary.bonus');
    expect(notice.map((p) => p.dedupeKey)).toEqual(['care.anniversary.bonus:D0005:2026-11']);
    // ¥12,000 of windows count, the accessories do not: 3% = ¥360.
    expect(notice[0]!.message).toMatchObject({
      kind: 'anniversaryBonus',
      bonus: { amountFen: 1_200_000, bonusFen: 36_000 },
    });
    queue.prune();
    expect(await care.run('anniversary', day(1))).toMatchObject({ anniversaries: 0, bonusNotices: 0, queued: 0 });
  });

  it('a greeting recorded for the anniversary day (an upgraded database) counts as the bonus announced', async () => {
    const { care, deliveries, queue } = setup();
    await deliveries.record([{ kind: 'care.anniversary', subject: 'D0005', key: '2026-11-10' }], day(-16));
    expect(await care.run('anniversary', NOW)).toMatchObject({ bonusNotices: 1 });
    expect(queue.of('care.anniversary.bonus')).toEqual([]);
  });

  it('advises replenishment at most once in 3 days', async () => {
    const { care, store, queue } = setup();
    store.positions.set('D0001', [
      {
        sku: 'KW-N60',
        name: '窄边框平开窗 N60',
        unit: '套',
        onHand: 20,
        sold30: 60,
        leadTimeDays: 14,
        moq: 10,
        orderMultiple: 1,
      },
    ]);
    const queued = async (n: number) => (await care.run('replenishment', day(n))).queued;
    expect([await queued(0), await queued(1), await queued(2), await queued(3)]).toEqual([1, 0, 0, 1]);
    expect(queue.of('care.replenishment').map((p) => p.dedupeKey)).toEqual([
      'care.replenishment:D0001:2026-11-26',
      'care.replenishment:D0001:2026-11-29',
    ]);
  });

  it('sends a silent dealer’s activation plan to the manager once a month', async () => {
    const { care, queue } = setup();
    expect(await care.run('silent', NOW)).toEqual({ silent: 1, queued: 1 });
    expect(queue.queued[0]).toMatchObject({
      to: 'manager',
      code: 'M002',
      delivery: { subject: 'D0004', key: '2026-11' },
    });
    expect((await care.run('silent', day(1))).queued).toBe(0);
    expect((await care.run('silent', day(5))).queued).toBe(1); // December
  });

  it('sends each dealer the best-matching success case once a week, never the same case twice', async () => {
    const { care, store, queue } = setup();
    store.dealerList = store.dealerList.filter((d) => d.code === 'D0001');
    store.cases = [
      { id: 1, title: '橱柜套餐', body: 'b1', tags: ['橱柜专长'], tier: 'key', dealerCode: null },
      { id: 2, title: '门窗旺季', body: 'b2', tags: ['门窗专长'], tier: null, dealerCode: null },
      { id: 3, title: '自家案例', body: 'b3', tags: ['门窗专长'], tier: 'key', dealerCode: 'D0001' },
    ];
    const monday = new Date('2026-11-23T10:10:00+08:00');
    expect(await care.run('successCase', monday)).toMatchObject({ queued: 1 });
    expect(await care.run('successCase', day(2, monday))).toMatchObject({ alreadyThisWeek: 1, queued: 0 });
    expect(await care.run('successCase', day(7, monday))).toMatchObject({ queued: 1 });
    expect(await care.run('successCase', day(14, monday))).toMatchObject({ noMatch: 1, queued: 0 });
    expect(queue.queued.map((p) => p.dedupeKey)).toEqual([
      'care.case:D0001:2026-11-23:2',
      'care.case:D0001:2026-11-30:1',
    ]);
    // The chat uses the same rule: best first, never the dealer's own case; a manager gets the first ones.
    expect((await care.casesFor('D0001')).map((c) => c.id)).toEqual([2, 1]);
    expect((await care.casesFor(null)).map((c) => c.id)).toEqual([1, 2]);
  });

  it('a late run (catch-up at 22:00) sends nothing in quiet hours', async () => {
    const { care, queue } = setup();
    await care.run('anniversary', NOW, new Date('2026-11-26T22:00:00+08:00'));
    expect(queue.queued.length).toBeGreaterThan(0);
    for (const p of queue.queued) expect(isQuietTime(p.notBefore!)).toBe(false);
  });
});
