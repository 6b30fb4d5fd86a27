import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ladderPosition, ladderRebate, projectDraft } from './ladder.js';
import { applyRate, divRoundHalfUp } from './money.js';
import { type LadderRebatePolicy, parsePolicies, PolicyError } from './policy.types.js';

const root = new URL('../../', import.meta.url);
const policies = parsePolicies(readFileSync(new URL('db/seed/data/policies.json', root), 'utf8'));
const vectors = JSON.parse(readFileSync(new URL('test/fixtures/rebate-vectors.json', root), 'utf8')) as {
  cases: { policy: string; amount: number; expect: unknown }[];
};

function ladder(code: string): LadderRebatePolicy {
  const p = policies.find((x) => x.code === code);
  if (p?.kind !== 'ladder_rebate') throw new Error(`no ladder ${code}`);
  return p;
}
const retro = ladder('LADDER-2026Q4');
const marginal = ladder('LADDER-ENG-2026Q4');

describe('parsePolicies', () => {
  it('parses the four kinds of the policies file', () => {
    expect(policies.map((p) => p.kind)).toEqual([
      'ladder_rebate',
      'ladder_rebate',
      'growth_reward',
      'anniversary_bonus',
      'promotion',
    ]);
    expect(policies.find((p) => p.code === 'TOWN-VALUE-2026Q4')?.pilotRatio).toBe(0.1);
  });

  it('rejects an invalid file with a coded error', () => {
    const bad = { policies: [{ ...retro, ladder: [{ from: 100, rate: 0.02 }] }] };
    expect(() => parsePolicies(bad)).toThrow(PolicyError);
    expect(() => parsePolicies('{')).toThrow(/not valid JSON/);
    expect(() => parsePolicies({ policies: [retro, retro] })).toThrow(/duplicate/);
  });
});

describe('rebate vectors', () => {
  it.each(vectors.cases.map((c) => [c.policy, c.amount, c] as const))('%s at %d fen', (code, amount, c) => {
    const pos = ladderPosition(ladder(code), amount);
    expect({ rate: pos.rate, rebate: pos.rebate, next: pos.next }).toEqual(c.expect);
  });
});

describe('ladder boundaries', () => {
  it('exactly at a band start is in that band', () => {
    expect(ladderPosition(retro, 50_000_000)).toMatchObject({ rate: 0.02, band: 1, rebate: 1_000_000 });
    expect(ladderPosition(retro, 200_000_000)).toMatchObject({ rate: 0.04, band: 3, rebate: 8_000_000 });
  });

  it('one fen below a band start stays in the band below', () => {
    const pos = ladderPosition(retro, 49_999_999);
    expect(pos).toMatchObject({ rate: 0, band: 0, rebate: 0 });
    expect(pos.next).toEqual({ from: 50_000_000, gap: 1, rebateAtNext: 1_000_000 });
    const pos2 = ladderPosition(retro, 199_999_999);
    expect(pos2.rate).toBe(0.03);
    // 199,999,999 × 0.03 = 5,999,999.97 → 6,000,000 (half-up at the end)
    expect(pos2.rebate).toBe(6_000_000);
  });

  it('zero', () => {
    expect(ladderPosition(retro, 0)).toEqual({
      rate: 0,
      rebate: 0,
      band: 0,
      bandFrom: 0,
      next: { from: 50_000_000, gap: 50_000_000, rebateAtNext: 1_000_000 },
    });
    expect(ladderPosition(marginal, 0).rebate).toBe(0);
  });

  it('top band has no next', () => {
    expect(ladderPosition(retro, 500_000_000)).toMatchObject({ rate: 0.05, band: 4, next: null });
    expect(ladderPosition(marginal, 300_000_000)).toMatchObject({ rate: 0.04, next: null });
  });

  it('marginal applies each rate to the part inside its band; retroactive to the whole amount', () => {
    // marginal at 300,000,000: 0 + 50M×2% + 100M×3% + 100M×4% = 1M + 3M + 4M
    expect(ladderRebate(marginal, 300_000_000)).toBe(8_000_000);
    expect(ladderRebate(retro, 300_000_000)).toBe(12_000_000);
    // both agree inside the first paying band
    expect(ladderRebate(marginal, 60_000_000)).toBe(200_000);
    expect(ladderRebate(retro, 60_000_000)).toBe(1_200_000);
  });

  it('rounds half-up once at the end, exactly', () => {
    expect(applyRate(125_000_000, 0.03)).toBe(3_750_000);
    expect(applyRate(50, 0.03)).toBe(2); // 1.5 → 2
    expect(applyRate(49, 0.03)).toBe(1); // 1.47 → 1
    expect(applyRate(1, 0.015)).toBe(0); // 0.015 → 0
    expect(divRoundHalfUp(5n, 2n)).toBe(3n);
    expect(divRoundHalfUp(-5n, 2n)).toBe(-3n);
    // marginal: 25 fen inside the 2% band = 0.5 fen → 1 (one rounding at the end)
    expect(ladderRebate(marginal, 50_000_025)).toBe(1); // 0.5 → 1
    expect(ladderRebate(marginal, 50_000_024)).toBe(0); // 0.48 → 0
  });

  it('rejects negative or fractional amounts', () => {
    expect(() => ladderPosition(retro, -1)).toThrow(PolicyError);
    expect(() => ladderPosition(retro, 1.5)).toThrow(/integer/);
  });
});

describe('projectDraft', () => {
  it('shows the effect of a draft that crosses a band', () => {
    const p = projectDraft(retro, 95_000_000, 10_000_000);
    expect(p.before).toMatchObject({ rate: 0.02, rebate: 1_900_000 });
    expect(p.after).toMatchObject({ rate: 0.03, rebate: 3_150_000 });
    expect(p.rebateDelta).toBe(1_250_000);
    expect(p.bandUp).toBe(true);
    expect(p.amountAfter).toBe(105_000_000);
  });

  it('a draft inside a band', () => {
    const p = projectDraft(marginal, 125_000_000, 1_000_000);
    expect(p.rebateDelta).toBe(30_000);
    expect(p.bandUp).toBe(false);
  });
});
