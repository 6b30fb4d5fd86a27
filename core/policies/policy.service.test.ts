import { describe, expect, it } from 'vitest';
import { shanghaiClock } from '../common/time.js';
import { explainPosition, formatYuan } from '../../bot/replies/policy.explain.js';
import { allNumbersGrounded } from './number.guard.js';
import { lineQualifies, positionOf, pushNotBefore, reachOf } from './policy.service.js';
import type { PolicyDealer } from './ports.js';
import { SAMPLE_LADDER as ladder, orderLine as line, SAMPLE_PROMOTION as promo } from '../testing/policies.fakes.js';

const dealer: PolicyDealer = {
  code: 'D0042',
  name: '测试商行',
  tier: 'core',
  tags: [],
  partnershipStart: '2020-03-01',
};
const NOW = new Date('2026-11-26T10:00:00+08:00');

describe('positionOf / explainPosition', () => {
  const lines = [
    line({ amountFen: 100_000_000 }),
    line({ amountFen: 25_000_000, category: 'doors' }),
    line({ amountFen: 3_000_000, category: 'accessories' }), // excluded
    line({ amountFen: 7_000_000, orderStatus: 'cancelled' }), // netted out
    line({ amountFen: 9_000_000, placedAt: new Date('2026-09-30T23:59:00+08:00') }), // before the period (Shanghai)
    line({ amountFen: 1_000_000, placedAt: new Date('2026-09-30T16:30:00Z') }), // 2026-10-01 00:30 in Shanghai: counts
  ];

  it('counts lines in the period, nets cancelled orders and leaves excluded categories out', () => {
    const p = positionOf(ladder, 'all', dealer, lines, NOW);
    if (p.kind !== 'ladder_rebate') throw new Error('expected a ladder position');
    expect(p.basis).toMatchObject({ amountFen: 126_000_000, excludedFen: 3_000_000, cancelledFen: 7_000_000 });
    expect(p.position).toMatchObject({
      rate: 0.03,
      rebate: 3_780_000,
      next: { gap: 74_000_000, rebateAtNext: 8_000_000 },
    });
  });

  it('explains with the dealer numbers and what was left out, every number among the facts', () => {
    const p = positionOf(ladder, 'all', dealer, lines, NOW);
    const ex = explainPosition(p, dealer);
    expect(ex.text).toContain(
      `您本季度累计 ${formatYuan(126_000_000)}，处于 3% 档，已累计返利 ${formatYuan(3_780_000)}`,
    );
    expect(ex.text).toContain(`再订 ${formatYuan(74_000_000)} 可到 4% 档，届时返利 ${formatYuan(8_000_000)}`);
    expect(ex.text).toContain(`五金辅料 ${formatYuan(3_000_000)}`);
    expect(ex.text).toContain(`已取消订单 ${formatYuan(7_000_000)}`);
    expect(allNumbersGrounded(ex.text, ex.facts)).toBe(true);
    expect(allNumbersGrounded('您本季度累计 ¥1,260,001', ex.facts)).toBe(false);
  });
});

describe('reachOf', () => {
  it('reaches a targeted dealer, holds out the non-pilot part until promoted', () => {
    expect(reachOf({ policy: ladder, active: true, promoted: false }, dealer)).toEqual({
      targeted: true,
      cohort: 'all',
      reaches: true,
    });
    expect(reachOf({ policy: ladder, active: false, promoted: false }, dealer).reaches).toBe(false);
    expect(reachOf({ policy: ladder, active: true, promoted: false }, { ...dealer, tier: 'regular' }).targeted).toBe(
      false,
    );
    const town = (code: string): PolicyDealer => ({ ...dealer, code, tier: 'regular', tags: ['下沉市场'] });
    const codes = Array.from({ length: 200 }, (_, i) => `D${String(i + 1).padStart(4, '0')}`);
    const held = codes.filter(
      (c) => reachOf({ policy: promo, active: true, promoted: false }, town(c)).cohort === 'holdout',
    );
    expect(held.length).toBeGreaterThan(150);
    for (const c of held) {
      expect(reachOf({ policy: promo, active: true, promoted: false }, town(c)).reaches).toBe(false);
      expect(reachOf({ policy: promo, active: true, promoted: true }, town(c)).reaches).toBe(true);
    }
  });
});

describe('lineQualifies', () => {
  it('promotions need a tagged product, others a counted category, all inside the period and not cancelled', () => {
    const at = new Date('2026-11-20T10:00:00+08:00');
    expect(lineQualifies(promo, line({ placedAt: at, productTags: ['高性价比'] }))).toBe(true);
    expect(lineQualifies(promo, line({ placedAt: at, productTags: ['高端'] }))).toBe(false);
    expect(lineQualifies(promo, line({ placedAt: at, productTags: ['高性价比'], orderStatus: 'cancelled' }))).toBe(
      false,
    );
    expect(lineQualifies(ladder, line({ placedAt: at }))).toBe(true);
    expect(lineQualifies(ladder, line({ placedAt: at, category: 'accessories' }))).toBe(false);
    expect(lineQualifies(ladder, line({ placedAt: new Date('2027-01-02T10:00:00+08:00') }))).toBe(false);
  });
});

describe('pushNotBefore (the shared rule of core/care/quiet-hours.ts: quiet 21:00–08:30, never at :00/:30)', () => {
  const at = (iso: string) => new Date(iso);
  const clock = (d: Date) => shanghaiClock(d);

  it('holds evening and night pushes to the next morning from 08:31, spread by their index in the send', () => {
    for (const [now, day] of [
      ['2026-11-26T21:00:00+08:00', '2026-11-27'],
      ['2026-11-26T23:59:00+08:00', '2026-11-27'],
      ['2026-11-27T00:10:00+08:00', '2026-11-27'],
      ['2026-11-27T08:29:00+08:00', '2026-11-27'],
    ] as const) {
      for (const index of [0, 1, 500]) {
        const t = pushNotBefore(at(now), index);
        const { hour, minute } = clock(t);
        expect(new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)).toBe(day);
        expect(hour).toBe(8);
        expect(minute).toBeGreaterThanOrEqual(31);
        expect(minute % 30).not.toBe(0);
      }
    }
  });

  it('sends daytime pushes now, moved off the :00 and :30 minutes', () => {
    expect(pushNotBefore(at('2026-11-26T10:17:00+08:00'), 0).toISOString()).toBe(
      at('2026-11-26T10:17:00+08:00').toISOString(),
    );
    expect(clock(pushNotBefore(at('2026-11-26T10:00:00+08:00'), 0))).toMatchObject({ hour: 10, minute: 1 });
    expect(clock(pushNotBefore(at('2026-11-26T10:29:30+08:00'), 0))).toMatchObject({ hour: 10, minute: 31 });
    expect(clock(pushNotBefore(at('2026-11-26T08:30:00+08:00'), 0))).toMatchObject({ hour: 8, minute: 31 });
    // 21:00 itself is quiet: next morning.
    expect(clock(pushNotBefore(at('2026-11-26T21:00:00+08:00'), 0))).toMatchObject({ hour: 8, minute: 31 });
  });
});
