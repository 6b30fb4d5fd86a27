import { describe, expect, it } from 'vitest';
import {
  MemoryPolicyStore,
  MemoryPolicyUnitOfWork,
  orderLine,
  SAMPLE_LADDER as ladder,
  SAMPLE_PROMOTION as promo,
} from '../testing/policies.fakes.js';
import type { Policy } from './policy.types.js';
import type { DealerOrderLine, PolicyDealer } from './ports.js';
import { PolicyService, pushDedupeKey } from './policy.service.js';
import { pilotCohort } from './targeting.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

const dealer = (code: string, tier: PolicyDealer['tier'], tags: string[] = []): PolicyDealer => ({
  code,
  name: `${code} 商行`,
  tier,
  tags,
  partnershipStart: '2021-05-01',
});
const town = Array.from({ length: 40 }, (_, i) => dealer(`D1${String(i).padStart(3, '0')}`, 'regular', ['下沉市场']));
const line = (over: Partial<DealerOrderLine>) => orderLine({ dealerCode: 'D0001', ...over });

function setup(records: Policy[] = [ladder, promo]) {
  const store = new MemoryPolicyStore({
    records: records.map((policy) => ({ policy, active: true, promoted: false })),
    dealers: [dealer('D0001', 'core'), dealer('D0002', 'regular'), dealer('D0003', 'key'), ...town],
    lines: [
      line({ amountFen: 90_000_000 }),
      line({ amountFen: 30_000_000, category: 'doors' }),
      line({ amountFen: 5_000_000, category: 'accessories' }),
      line({ amountFen: 40_000_000, orderStatus: 'cancelled' }),
    ],
  });
  const uow = new MemoryPolicyUnitOfWork(store);
  const composed: string[] = [];
  const compose = (d: PolicyDealer, p: { kind: string }) => {
    composed.push(`${d.code}:${p.kind}`);
    return `push ${d.code}`;
  };
  return { store, uow, policies: new PolicyService(store, uow), compose, composed };
}

describe('PolicyService on in-memory ports', () => {
  it('lists the policies that reach a dealer by tier and tags, and its live ladder position', async () => {
    const { policies } = setup();
    const core = dealer('D0001', 'core');
    expect((await policies.applicablePolicies(core, NOW)).map((r) => [r.policy.code, r.cohort])).toEqual([
      [ladder.code, 'all'],
    ]);
    expect(await policies.applicablePolicies(dealer('D0002', 'regular'), NOW)).toEqual([]);
    const [p] = await policies.positions(core, NOW);
    if (p?.kind !== 'ladder_rebate') throw new Error('expected the ladder');
    // ¥900,000 windows + ¥300,000 doors; accessories excluded, the cancelled order netted out.
    expect(p.basis).toMatchObject({ amountFen: 120_000_000, excludedFen: 5_000_000, cancelledFen: 40_000_000 });
    expect(p.position).toMatchObject({
      rate: 0.03,
      rebate: 3_600_000,
      next: { gap: 80_000_000, rebateAtNext: 8_000_000 },
    });
  });

  it('pushes a pilot to its pilot cohort only, once each; promoting reaches the holdout', async () => {
    const { policies, uow, store, compose } = setup();
    const pilots = town.filter((d) => pilotCohort(promo.code, d.code, promo.pilotRatio) === 'pilot').map((d) => d.code);
    expect(pilots.length).toBeGreaterThan(0);
    expect(pilots.length).toBeLessThan(town.length);
    const first = await policies.push(promo.code, { now: NOW, compose });
    expect(first).toMatchObject({
      target: 40,
      pilot: pilots.length,
      holdout: 40 - pilots.length,
      eligible: pilots.length,
      alreadyDelivered: 0,
      queued: pilots.length,
      promoted: false,
    });
    expect(uow.notifier.ofKind('policy.push').map((m) => m.to)).toEqual(pilots);
    expect(uow.notifier.sent[0]).toMatchObject({
      body: `push ${pilots[0]}`,
      dedupeKey: pushDedupeKey(promo.code, pilots[0]!),
    });
    expect(first.notBefore).not.toBeNull();
    const again = await policies.push(promo.code, { now: at(1), compose });
    expect([again.queued, again.alreadyDelivered]).toEqual([0, pilots.length]);
    const all = await policies.push(promo.code, { now: at(2), compose, promote: true });
    expect([all.promoted, all.queued, all.eligible]).toEqual([true, 40 - pilots.length, 40]);
    expect(store.deliveryRows.filter((d) => d.cohort === 'holdout')).toHaveLength(40 - pilots.length);
  });

  it('refuses an unknown, inactive or ended policy and sends nothing', async () => {
    const { policies, store, uow, compose } = setup();
    await expect(policies.push('NOPE', { now: NOW, compose })).rejects.toMatchObject({ code: 'POLICY.NOT_FOUND' });
    store.records[0]!.active = false;
    await expect(policies.push(ladder.code, { now: NOW, compose })).rejects.toMatchObject({ code: 'POLICY.INVALID' });
    store.records[0]!.active = true;
    await expect(
      policies.push(ladder.code, { now: new Date('2027-01-02T10:00:00+08:00'), compose }),
    ).rejects.toMatchObject({
      code: 'POLICY.INVALID',
    });
    expect([uow.notifier.sent.length, store.deliveryRows.length]).toEqual([0, 0]);
  });

  it('measures reach and conversion: pilot from its own push, holdout from the first pilot push, 14 days', async () => {
    const { policies, store, compose } = setup();
    await policies.push(promo.code, { now: NOW, compose });
    const pilots = store.deliveryRows.map((d) => d.dealerCode);
    const holdout = town.map((d) => d.code).filter((c) => !pilots.includes(c));
    store.deliveryRows[0]!.outboxStatus = 'sent';
    const promoLine = (dealerCode: string, days: number): DealerOrderLine =>
      line({ dealerCode, productTags: ['高性价比'], amountFen: 2_500_000, placedAt: at(days) });
    // One pilot converts inside its window; one holdout dealer inside the window, another after it.
    store.lines.push(promoLine(pilots[0]!, 3), promoLine(holdout[0]!, 5), promoLine(holdout[1]!, 20));
    const open = await policies.effect(promo.code, at(7));
    expect(open.windowClosed).toBe(false);
    const e = await policies.effect(promo.code, at(15));
    expect(e).toMatchObject({ pushed: pilots.length, reached: 1, windowDays: 14, windowClosed: true, feedback: 0 });
    expect(e.conversion.pilot).toEqual({ n: pilots.length, converted: 1, rate: 1 / pilots.length });
    expect(e.conversion.holdout).toEqual({ n: holdout.length, converted: 1, rate: 1 / holdout.length });
    expect(e.conversion.lift).toBeCloseTo(1 / pilots.length - 1 / holdout.length, 10);
  });

  it('records a policy question as feedback on the last 3 days of pushes, first question only, same kind first', async () => {
    const { policies, store, compose } = setup();
    store.records.push({
      policy: { ...ladder, code: 'LADDER-TOWN', target: promo.target, pilotRatio: null },
      active: true,
      promoted: false,
    });
    await policies.push(promo.code, { now: NOW, compose });
    await policies.push('LADDER-TOWN', { now: NOW, compose });
    const code = store.deliveryRows.find((d) => d.policyCode === promo.code)!.dealerCode;
    expect(await policies.recordFeedback(code, at(1), '这个满减怎么算', 'promotion')).toBe(1);
    expect(store.deliveryRows.filter((d) => d.dealerCode === code).map((d) => [d.policyCode, d.feedback])).toEqual([
      [promo.code, '这个满减怎么算'],
      ['LADDER-TOWN', null],
    ]);
    expect(await policies.recordFeedback(code, at(1), '返利呢')).toBe(1); // the ladder push had none yet
    expect(await policies.recordFeedback(code, at(1), '再问一次')).toBe(0);
    expect(await policies.recordFeedback(code, at(4), '过期了')).toBe(0);
  });
});
