import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicies, type Tier } from './policy.types.js';
import { isTargeted, pilotBucket, pilotCohort, pilotSet, policyReaches } from './targeting.js';

const policies = parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
const eng = policies.find((p) => p.code === 'LADDER-ENG-2026Q4')!;
const town = policies.find((p) => p.code === 'TOWN-VALUE-2026Q4')!;
const codes = Array.from({ length: 600 }, (_, i) => `D${String(i + 1).padStart(4, '0')}`);
const tiers: Tier[] = ['core', 'key', 'regular', 'silent'];
const tagSets = [[], ['工程渠道'], ['下沉市场'], ['门窗专长', '工程渠道'], ['高成长'], ['下沉市场', '零售终端']];

describe('isTargeted', () => {
  it('requires a listed tier and, when tags are listed, one matching tag', () => {
    expect(isTargeted(eng, { tier: 'core', tags: ['工程渠道'] })).toBe(true);
    expect(isTargeted(eng, { tier: 'silent', tags: ['工程渠道'] })).toBe(false);
    expect(isTargeted(eng, { tier: 'core', tags: ['下沉市场'] })).toBe(false);
    expect(isTargeted(eng, { tier: 'key', tags: [] })).toBe(false);
    const all = policies.find((p) => p.code === 'LADDER-2026Q4')!;
    expect(isTargeted(all, { tier: 'silent', tags: [] })).toBe(true);
  });

  it('never matches a non-target, over every tier and tag combination', () => {
    for (const policy of policies) {
      for (const tier of tiers) {
        for (const tags of tagSets) {
          const expected =
            policy.target.tiers.includes(tier) &&
            (policy.target.tagsAny.length === 0 || tags.some((t) => policy.target.tagsAny.includes(t)));
          expect(isTargeted(policy, { tier, tags })).toBe(expected);
        }
      }
    }
  });
});

describe('pilotCohort', () => {
  it('puts about 10% of D0001..D0600 in the pilot (±3 points)', () => {
    const pilots = codes.filter((c) => pilotCohort(town.code, c, 0.1) === 'pilot').length;
    expect(pilots / codes.length).toBeGreaterThanOrEqual(0.07);
    expect(pilots / codes.length).toBeLessThanOrEqual(0.13);
  });

  it('is stable across runs and depends on the policy', () => {
    const first = codes.map((c) => pilotCohort(town.code, c, 0.1));
    expect(codes.map((c) => pilotCohort(town.code, c, 0.1))).toEqual(first);
    // pinned values: a change of hash would silently reshuffle live pilots
    expect(pilotBucket('TOWN-VALUE-2026Q4', 'D0001')).toBe(0.8508081382606179);
    const other = codes.map((c) => pilotCohort('OTHER-POLICY', c, 0.1));
    expect(other).not.toEqual(first);
  });

  it('is "all" without a pilot ratio, and buckets are in [0, 1)', () => {
    expect(pilotCohort('LADDER-2026Q4', 'D0001', null)).toBe('all');
    for (const c of codes) {
      const b = pilotBucket(town.code, c);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(1);
    }
  });

  it('policyReaches combines targeting and the pilot', () => {
    const reached = codes.filter((code) => policyReaches(town, { code, tier: 'regular', tags: ['下沉市场'] }));
    expect(reached.length).toBe(codes.filter((c) => pilotCohort(town.code, c, 0.1) === 'pilot').length);
    expect(codes.some((code) => policyReaches(town, { code, tier: 'core', tags: ['下沉市场'] }))).toBe(false);
  });
});

describe('pilotSet (issue 13: round(10%) of the target by stable hash rank)', () => {
  const target = codes.slice(0, 250).map((code) => ({ code, tier: 'regular' as const, tags: ['下沉市场'] }));

  it('takes exactly round(ratio × target) dealers: 25 of 250 at 10% (the per-dealer bucket gave 19)', () => {
    const bucketPilots = target.filter((d) => pilotCohort(town.code, d.code, 0.1) === 'pilot').length;
    expect(bucketPilots).not.toBe(25); // the old rule's draw, kept to show what changed
    expect(pilotSet(town, target)?.size).toBe(25);
    expect(pilotSet(town, target.slice(0, 245))?.size).toBe(25); // 24.5 rounds half up
    expect(pilotSet(town, target.slice(0, 244))?.size).toBe(24);
    expect(pilotSet({ ...town, pilotRatio: 0.3 }, target)?.size).toBe(75);
  });

  it('is the lowest hashes of the targeted dealers only, the same on every run and in any input order', () => {
    const others = codes.slice(250, 400).map((code) => ({ code, tier: 'core' as const, tags: ['下沉市场'] }));
    const set = pilotSet(town, [...others, ...target])!;
    expect([...set].every((c) => target.some((d) => d.code === c))).toBe(true);
    const cutoff = Math.max(...[...set].map((c) => pilotBucket(town.code, c)));
    const below = target.filter((d) => pilotBucket(town.code, d.code) <= cutoff).map((d) => d.code);
    expect(new Set(below)).toEqual(set);
    expect(pilotSet(town, [...target].reverse())).toEqual(set);
  });

  it('is null without a pilot ratio; at least one dealer of a small target; empty without a target', () => {
    expect(pilotSet(eng, target)).toBeNull();
    expect(pilotSet(town, target.slice(0, 4))?.size).toBe(1);
    expect(pilotSet(town, [])?.size).toBe(0);
  });
});
