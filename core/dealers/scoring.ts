import type { DealerMetrics } from './metrics.js';
import { DEFAULT_TAG_RULES, type DerivedTag, deriveTags, type TagRules } from './tags.js';
import { DEFAULT_TIER_THRESHOLDS, TIER_RANK, type Tier, type TierThresholds, tierFor } from './tiers.js';

/**
 * Monthly dealer scoring: five dimensions on 0–100, a weighted total, a tier, derived tags and the reasons behind
 * them (values; bot words them). Pure: the repository computes the raw metrics of every dealer in a few set-based
 * statements.
 */

export interface ScoringWeights {
  purchaseScale: number;
  categoryExpertise: number;
  storeCoverage: number;
  growthPotential: number;
  collaboration: number;
}

export interface ScoringConfig {
  weights: ScoringWeights;
  thresholds: TierThresholds;
  tagRules: TagRules;
  /** Store count and region spread that earn the full coverage score. */
  fullCoverageStores: number;
  fullCoverageRegions: number;
}

export const DEFAULT_SCORING: Readonly<ScoringConfig> = Object.freeze({
  weights: {
    purchaseScale: 0.3,
    categoryExpertise: 0.25,
    storeCoverage: 0.2,
    growthPotential: 0.15,
    collaboration: 0.1,
  },
  thresholds: DEFAULT_TIER_THRESHOLDS,
  tagRules: DEFAULT_TAG_RULES,
  fullCoverageStores: 40,
  fullCoverageRegions: 10,
});

export interface Dimensions {
  purchaseScale: number;
  categoryExpertise: number;
  storeCoverage: number;
  growthPotential: number;
  collaboration: number;
}

export interface DealerScore {
  dealerCode: string;
  dimensions: Dimensions;
  total: number;
  tier: Tier;
  derivedTags: DerivedTag[];
  reasons: TierReason[];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
/** One decimal, half-up (what numeric(5,1) stores). */
export const round1 = (x: number) => Math.round(x * 10 + 1e-9) / 10;

/** Growth of `recent` over `before`; a start from nothing counts as +100%, nothing at all as 0. */
export function growthRate(recent: number, before: number): number {
  if (before > 0) return recent / before - 1;
  return recent > 0 ? 1 : 0;
}

/**
 * Percentile of each value within its group: the share of the other members strictly below it (0–100, the
 * PostgreSQL percent_rank). A group of one scores 100 when it bought anything.
 */
export function percentileWithinGroups(
  rows: ReadonlyArray<{ key: string; group: string; value: number }>,
): Map<string, number> {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const g = groups.get(r.group) ?? [];
    g.push(r.value);
    groups.set(r.group, g);
  }
  for (const g of groups.values()) g.sort((a, b) => a - b);
  const out = new Map<string, number>();
  for (const r of rows) {
    const g = groups.get(r.group)!;
    if (g.length === 1) {
      out.set(r.key, r.value > 0 ? 100 : 0);
      continue;
    }
    // Binary search: how many values are strictly below r.value.
    let lo = 0;
    let hi = g.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g[mid]! < r.value) lo = mid + 1;
      else hi = mid;
    }
    out.set(r.key, (100 * lo) / (g.length - 1));
  }
  return out;
}

/** Category expertise: the strongest category group's share of purchases and its sell-through rate (动销率). */
export function strongestCategory(m: DealerMetrics): { name: '门窗' | '橱柜'; share: number; sellThrough: number } {
  const wd = m.amount12Fen > 0 ? m.windowDoorFen / m.amount12Fen : 0;
  const cab = m.amount12Fen > 0 ? m.cabinetFen / m.amount12Fen : 0;
  const rate = (sold: number, onHand: number) => (sold + onHand > 0 ? sold / (sold + onHand) : 0);
  return cab > wd
    ? { name: '橱柜', share: cab, sellThrough: rate(m.cabinetSold30, m.cabinetOnHand) }
    : { name: '门窗', share: wd, sellThrough: rate(m.windowDoorSold30, m.windowDoorOnHand) };
}

/** Collaboration parts on 0–1; a part the dealer had no occasion for (no pushes, no policy) counts as 0.5. */
export function collaborationParts(m: DealerMetrics): {
  regularity: number;
  needs: number;
  policy: number;
  response: number;
} {
  return {
    regularity: clamp01(m.monthsWithOrders / 12),
    needs: m.needsRaised > 0 ? 0.5 * clamp01(m.needsRaised / 3) + 0.5 * clamp01(m.needsRated / m.needsRaised) : 0.5,
    policy: m.policyDeliveries > 0 ? clamp01(m.policyFeedback / m.policyDeliveries) : 0.5,
    response: m.pushes > 0 ? clamp01(m.pushesAnswered / m.pushes) : 0.5,
  };
}

function dimensionsOf(m: DealerMetrics, purchasePercentile: number, cfg: ScoringConfig): Dimensions {
  const cat = strongestCategory(m);
  const g3 = growthRate(m.last3Fen, m.prev3Fen);
  const g6 = growthRate(m.last6Fen, m.prev6Fen);
  const c = collaborationParts(m);
  return {
    purchaseScale: round1(purchasePercentile),
    categoryExpertise: round1(100 * (0.5 * cat.share + 0.5 * cat.sellThrough)),
    storeCoverage: round1(
      100 *
        (0.6 * clamp01(m.activeStores / cfg.fullCoverageStores) +
          0.4 * clamp01(m.storeRegions / cfg.fullCoverageRegions)),
    ),
    // −50% → 0, flat → 33.3, +100% → 100 (blend of the 3-month and 6-month trends).
    growthPotential: round1(100 * clamp01((0.5 * g3 + 0.5 * g6 + 0.5) / 1.5)),
    collaboration: round1(100 * (0.4 * c.regularity + 0.2 * c.needs + 0.2 * c.policy + 0.2 * c.response)),
  };
}

export function totalOf(d: Dimensions, w: ScoringWeights): number {
  return round1(
    d.purchaseScale * w.purchaseScale +
      d.categoryExpertise * w.categoryExpertise +
      d.storeCoverage * w.storeCoverage +
      d.growthPotential * w.growthPotential +
      d.collaboration * w.collaboration,
  );
}

/**
 * Why a dealer scored as it did, as values (bot/replies/tiers.replies.ts words them; the words are what
 * dealer_scores.reasons and dealers.tier_reasons store). Changes and rates are fractions (0.52 = 52%).
 */
export type TierReason =
  /** Silent: days since the last order and its date. */
  | { kind: 'silent'; days: number; lastOrderDate: string }
  /** Silent without a single order since the partnership began. */
  | { kind: 'neverOrdered' }
  /** The last 3 months' orders against the 3 before (signed, at least ±10%). */
  | { kind: 'growth'; change: number }
  /** Orders again in the last 3 months after none in the 3 before. */
  | { kind: 'resumed' }
  /** The strongest category group's sell-through rate (动销率). */
  | { kind: 'sellThrough'; category: '门窗' | '橱柜'; rate: number }
  /** The last 12 months' orders; `topPercent` is the rank within the market level when in its upper half. */
  | { kind: 'purchases'; amountFen: number; marketLevel: string; topPercent: number | null }
  /** Active stores and the counties they cover. */
  | { kind: 'stores'; stores: number; regions: number }
  /** A downgrade: the total score fell below the minimum of the tier held before. */
  | { kind: 'belowTier'; total: number; tier: Tier; minTotal: number }
  /** A downgrade: one of the weakest dimensions and its score (0–100). */
  | { kind: 'weakDimension'; dimension: keyof Dimensions; score: number };

/** Up to three reasons, the most telling first (growth, sell-through, purchases; stores when there is room). */
export function reasonsFor(m: DealerMetrics, d: Dimensions, tier: Tier): TierReason[] {
  if (tier === 'silent') {
    return [
      // Both come from the last order: null together.
      m.lastOrderDate !== null && m.daysSinceLastOrder !== null
        ? { kind: 'silent', days: m.daysSinceLastOrder, lastOrderDate: m.lastOrderDate }
        : { kind: 'neverOrdered' },
    ];
  }
  const out: TierReason[] = [];
  const g3 = growthRate(m.last3Fen, m.prev3Fen);
  if (m.prev3Fen > 0 && Math.abs(g3) >= 0.1) out.push({ kind: 'growth', change: g3 });
  else if (m.prev3Fen === 0 && m.last3Fen > 0) out.push({ kind: 'resumed' });
  const cat = strongestCategory(m);
  if (cat.sellThrough > 0) out.push({ kind: 'sellThrough', category: cat.name, rate: cat.sellThrough });
  out.push({
    kind: 'purchases',
    amountFen: m.amount12Fen,
    marketLevel: m.marketLevel,
    topPercent: d.purchaseScale >= 50 ? Math.max(1, Math.round(100 - d.purchaseScale)) : null,
  });
  if (out.length < 3 && m.activeStores > 0) {
    out.push({ kind: 'stores', stores: m.activeStores, regions: m.storeRegions });
  }
  return out.slice(0, 3);
}

/**
 * The reasons of a tier change, matching its direction: an upgrade is explained by strengths (growth, sell-through,
 * purchases, stores — never a decline), a downgrade by what fell short (the score under the old tier's minimum, a
 * decline, the weakest dimensions — never a strength). Without a change (or into silence) the ordinary reasons.
 */
export function changeReasons(
  m: DealerMetrics,
  d: Dimensions,
  total: number,
  before: Tier,
  after: Tier,
  thresholds: TierThresholds = DEFAULT_TIER_THRESHOLDS,
): TierReason[] {
  const plain = reasonsFor(m, d, after);
  if (after === 'silent' || TIER_RANK[after] === TIER_RANK[before]) return plain;
  if (TIER_RANK[after] > TIER_RANK[before])
    return plain
      .filter((r) => !(r.kind === 'growth' && r.change < 0) && !(r.kind === 'purchases' && r.topPercent === null))
      .slice(0, 3);
  const out: TierReason[] = [];
  const minTotal = before === 'core' ? thresholds.core : before === 'key' ? thresholds.key : null;
  if (minTotal !== null && total < minTotal) out.push({ kind: 'belowTier', total, tier: before, minTotal });
  const g3 = growthRate(m.last3Fen, m.prev3Fen);
  if (m.prev3Fen > 0 && g3 <= -0.1) out.push({ kind: 'growth', change: g3 });
  const weakest = (Object.entries(d) as Array<[keyof Dimensions, number]>).sort((a, b) => a[1] - b[1]);
  for (const [dimension, score] of weakest) {
    if (out.length >= 3) break;
    out.push({ kind: 'weakDimension', dimension, score });
  }
  return out;
}

/** Scores every dealer of the set (purchase scale is a percentile within the dealer's market level). */
export function scoreDealers(metrics: readonly DealerMetrics[], cfg: ScoringConfig = DEFAULT_SCORING): DealerScore[] {
  const percentiles = percentileWithinGroups(
    metrics.map((m) => ({ key: m.dealerCode, group: m.marketLevel, value: m.amount12Fen })),
  );
  return metrics.map((m) => {
    const dimensions = dimensionsOf(m, percentiles.get(m.dealerCode) ?? 0, cfg);
    const total = totalOf(dimensions, cfg.weights);
    const tier = tierFor(total, m.daysSinceLastOrder, m.partnershipDays, cfg.thresholds);
    return {
      dealerCode: m.dealerCode,
      dimensions,
      total,
      tier,
      derivedTags: deriveTags(m, tier === 'silent', cfg.tagRules),
      reasons: reasonsFor(m, dimensions, tier),
    };
  });
}
