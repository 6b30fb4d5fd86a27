import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentLadderFor, currentPromotionsFor, laddersFor } from './current.js';
import { ladderRebate } from './ladder.js';
import type { ReachDealer } from './current.js';
import { parsePolicies } from './policy.types.js';
import type { PolicyRecord } from './ports.js';
import { orderDiscount } from './promotion.js';
import { qualifyingAmount } from './qualifying.js';

const filePolicies = parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
const records = (over: Partial<Record<string, Partial<PolicyRecord>>> = {}): PolicyRecord[] =>
  filePolicies.map((policy) => ({ policy, active: true, promoted: false, ...over[policy.code] }));
const TODAY = '2026-11-26';

describe('currentLadderFor / laddersFor (policies.json states how ladders combine)', () => {
  const eng = { code: 'D0001', tier: 'core' as const, tags: ['工程渠道'] };
  const codesOf = (d: ReachDealer, today = TODAY, recs = records()) =>
    laddersFor(d, today, recs).map((l) => l.policy.code);

  it('an engineering-channel dealer earns the general ladder AND the marginal one (combines.stacks)', () => {
    expect(codesOf(eng)).toEqual(['LADDER-2026Q4', 'LADDER-ENG-2026Q4']);
    const [base, extra] = laddersFor(eng, TODAY, records());
    expect(base?.stacksOn).toEqual([]);
    expect(extra?.stacksOn).toEqual(['LADDER-2026Q4']);
    // The base ladder is the one a draft's band projection shows.
    expect(currentLadderFor(eng, TODAY, records())?.code).toBe('LADDER-2026Q4');
    // ¥536,700 of orders: ¥10,734 on the general ladder plus ¥734 on the marginal one (it used to be ¥734 alone).
    const [g, m] = laddersFor(eng, TODAY, records()).map((l) => ladderRebate(l.policy, 53_670_000));
    expect([g, m]).toEqual([1_073_400, 73_400]);
  });

  it('other dealers get the general ladder only', () => {
    expect(codesOf({ code: 'D0001', tier: 'core', tags: [] })).toEqual(['LADDER-2026Q4']);
    // LADDER-ENG does not target silent dealers, whatever their tags.
    expect(codesOf({ code: 'D0001', tier: 'silent', tags: ['工程渠道'] })).toEqual(['LADDER-2026Q4']);
  });

  it('"replaces" drops the named ladder; with no stated relation the most specific replaces the general one', () => {
    const replacing = filePolicies.map((policy) => ({
      policy:
        policy.code === 'LADDER-ENG-2026Q4'
          ? { ...policy, combines: { mode: 'replaces' as const, with: ['LADDER-2026Q4'] } }
          : policy,
      active: true,
      promoted: false,
    }));
    expect(codesOf(eng, TODAY, replacing)).toEqual(['LADDER-ENG-2026Q4']);
    expect(laddersFor(eng, TODAY, replacing)[0]?.replaces).toEqual(['LADDER-2026Q4']);
    const silentOnRelation = filePolicies.map((policy) => ({
      policy: { ...policy, combines: undefined },
      active: true,
      promoted: false,
    }));
    expect(codesOf(eng, TODAY, silentOnRelation)).toEqual(['LADDER-ENG-2026Q4']);
  });

  it('a combines entry must name another policy of the same kind', () => {
    const file = JSON.parse(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
    file.policies[1].combines = { mode: 'stacks', with: ['GROWTH-2026'] };
    expect(() => parsePolicies(file)).toThrow(/combines names GROWTH-2026/);
    file.policies[1].combines = { mode: 'stacks', with: ['NOPE'] };
    expect(() => parsePolicies(file)).toThrow(/combines names NOPE/);
  });

  it('skips inactive ladders and ladders whose period does not contain today', () => {
    expect(currentLadderFor(eng, TODAY, records({ 'LADDER-2026Q4': { active: false } }))?.code).toBe(
      'LADDER-ENG-2026Q4',
    );
    expect(currentLadderFor(eng, '2027-01-02', records())).toBeNull();
    expect(currentLadderFor(eng, '2026-09-30', records())).toBeNull();
  });
});

describe('currentPromotionsFor', () => {
  const town = (code: string) => ({ code, tier: 'regular' as const, tags: ['下沉市场'] });
  it('reaches pilot dealers in the period; the holdout once promoted', () => {
    // D0906 is in TOWN-VALUE-2026Q4's 10% pilot, D0904 is not.
    expect(currentPromotionsFor(town('D0906'), TODAY, records()).map((p) => p.code)).toEqual(['TOWN-VALUE-2026Q4']);
    expect(currentPromotionsFor(town('D0904'), TODAY, records())).toEqual([]);
    expect(
      currentPromotionsFor(town('D0904'), TODAY, records({ 'TOWN-VALUE-2026Q4': { promoted: true } })).map(
        (p) => p.code,
      ),
    ).toEqual(['TOWN-VALUE-2026Q4']);
    expect(currentPromotionsFor(town('D0906'), '2026-10-31', records())).toEqual([]);
    expect(currentPromotionsFor({ ...town('D0906'), tags: [] }, TODAY, records())).toEqual([]);
  });
});

describe('orderDiscount', () => {
  const promo = filePolicies.find((p) => p.code === 'TOWN-VALUE-2026Q4');
  if (promo?.kind !== 'promotion') throw new Error('fixture');
  it('splits the discount over the promoted lines exactly, to the fen', () => {
    const d = orderDiscount(
      [promo],
      [
        { sku: 'A', tags: ['高性价比'], amountFen: 1_000_001 },
        { sku: 'B', tags: ['网红'], amountFen: 5_000_000 },
        { sku: 'C', tags: ['高性价比'], amountFen: 1_000_003 },
      ],
      TODAY,
    );
    // 8% of 2,000,004 = 160,000.32 → 160,000.
    expect(d.discountFen).toBe(160_000);
    expect(d.lineDiscountsFen[1]).toBe(0);
    expect(d.lineDiscountsFen.reduce((s, x) => s + x, 0)).toBe(160_000);
    expect(d.lineDiscountsFen).toEqual([80_000, 0, 80_000]);
  });

  it('gives the gap and no discount below the minimum', () => {
    const d = orderDiscount([promo], [{ sku: 'A', tags: ['高性价比'], amountFen: 1_999_999 }], TODAY);
    expect(d).toMatchObject({ discountFen: 0, lineDiscountsFen: [0] });
    expect(d.promotions[0]?.result).toMatchObject({ reached: false, gapFen: 1 });
  });

  it('the ladder counts a line net of its discount', () => {
    const q = qualifyingAmount(
      [
        { amountFen: 2_000_000, discountFen: 160_000, category: 'windows', orderStatus: 'placed', placedAt: TODAY },
        { amountFen: 100_000, category: 'accessories', orderStatus: 'placed', placedAt: TODAY },
      ],
      { period: { start: '2026-10-01', end: '2026-12-31' }, excludeCategories: ['accessories'] },
    );
    expect(q.amountFen).toBe(1_840_000);
  });
});
