import { DEFAULT_TIER_THRESHOLDS, TIER_BENEFITS, type TierThresholds } from '../dealers/tiers.js';
import { AccountError } from './accounts.errors.js';
import type { ScoreDimensions, ScoreRecord, Tier, TierStatus } from './accounts.types.js';
import type { TierStore } from './ports.js';

/** The dimension with the lowest score (ties: the order of the scoring model). */
export function weakestDimension(d: ScoreDimensions): keyof ScoreDimensions {
  const order: (keyof ScoreDimensions)[] = [
    'purchaseScale',
    'categoryExpertise',
    'storeCoverage',
    'growthPotential',
    'collaboration',
  ];
  return order.reduce((w, k) => (d[k] < d[w] ? k : w), order[0]!);
}

/** The next tier up by total score and the points missing; silent dealers leave silence by ordering, not by score. */
export function nextTierByScore(
  tier: Tier,
  latest: ScoreRecord | null,
  t: TierThresholds = DEFAULT_TIER_THRESHOLDS,
): TierStatus['next'] {
  if (!latest || tier === 'core' || tier === 'silent') return null;
  const target: Tier = tier === 'key' ? 'core' : 'key';
  const minTotal = target === 'core' ? t.core : t.key;
  return { tier: target, minTotal, gap: Math.max(0, Math.round((minTotal - latest.total) * 10) / 10) };
}

/**
 * The dealer's tier (`tier.query`): current tier and what it brings, the last re-tier with its reasons, the five
 * dimension scores of the latest month, the weakest of them and the distance to the next tier.
 */
export class TierService {
  constructor(
    private readonly store: TierStore,
    private readonly thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS,
  ) {}

  async status(input: { dealerCode: string }): Promise<TierStatus> {
    const f = await this.store.tierFacts(input.dealerCode);
    if (!f) throw new AccountError('ACCOUNT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const tier = f.dealer.tier;
    return {
      dealer: { code: f.dealer.code, name: f.dealer.name, tier },
      benefits: TIER_BENEFITS[tier],
      latest: f.latest,
      lastChange: f.lastChange,
      reasons: f.latest?.reasons.length ? f.latest.reasons : f.dealer.tierReasons,
      weakest: f.latest ? weakestDimension(f.latest.dimensions) : null,
      next: nextTierByScore(tier, f.latest, this.thresholds),
    };
  }
}
