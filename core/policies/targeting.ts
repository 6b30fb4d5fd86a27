import type { Policy, Tier } from './policy.types.js';

export interface TargetDealer {
  tier: Tier;
  tags: readonly string[];
}

export type Cohort = 'pilot' | 'holdout' | 'all';

/** The dealer's tier is listed AND (no tags required OR one of its tags is listed). */
export function isTargeted(policy: Pick<Policy, 'target'>, dealer: TargetDealer): boolean {
  const { tiers, tagsAny } = policy.target;
  if (!tiers.includes(dealer.tier)) return false;
  return tagsAny.length === 0 || dealer.tags.some((t) => tagsAny.includes(t));
}

/** FNV-1a over the UTF-8 bytes, then the murmur3 finaliser for a better spread; unsigned 32-bit. */
export function stableHash32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable number in [0, 1) for a policy and a dealer. */
export function pilotBucket(policyCode: string, dealerCode: string): number {
  return stableHash32(`${policyCode}:${dealerCode}`) / 0x1_0000_0000;
}

/** 'pilot' for about `pilotRatio` of dealers (stable across runs), 'holdout' for the rest; 'all' without a pilot. */
export function pilotCohort(policyCode: string, dealerCode: string, pilotRatio: number | null): Cohort {
  if (pilotRatio === null) return 'all';
  return pilotBucket(policyCode, dealerCode) < pilotRatio ? 'pilot' : 'holdout';
}

/**
 * The pilot of a piloted policy: exactly round(pilotRatio × target) of the targeted dealers (at least one when there
 * is a target: a pilot of nobody measures nothing), those of lowest stable hash (`pilotBucket`, ties by code) — the
 * same dealers on every run while the target stays the same. Null without a pilot.
 */
export function pilotSet(
  policy: Pick<Policy, 'code' | 'pilotRatio' | 'target'>,
  dealers: ReadonlyArray<TargetDealer & { code: string }>,
): Set<string> | null {
  if (policy.pilotRatio === null) return null;
  const ranked = dealers
    .filter((d) => isTargeted(policy, d))
    .map((d) => ({ code: d.code, h: stableHash32(`${policy.code}:${d.code}`) }))
    .sort((a, b) => a.h - b.h || a.code.localeCompare(b.code));
  const size = ranked.length === 0 ? 0 : Math.max(1, Math.round(policy.pilotRatio * ranked.length));
  return new Set(ranked.slice(0, size).map((d) => d.code));
}

/** Whether a dealer gets the policy now: targeted and not held out of a pilot. */
export function policyReaches(policy: Policy, dealer: TargetDealer & { code: string }): boolean {
  return isTargeted(policy, dealer) && pilotCohort(policy.code, dealer.code, policy.pilotRatio) !== 'holdout';
}
