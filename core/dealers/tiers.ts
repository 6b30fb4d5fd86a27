import type { Tier } from '../policies/policy.types.js';

export type { Tier };

export const TIER_NAMES_ZH: Readonly<Record<Tier, string>> = {
  core: '核心',
  key: '重点培育',
  regular: '普通',
  silent: '沉默',
};

/** Higher is better; used to tell an upgrade from a downgrade. */
export const TIER_RANK: Readonly<Record<Tier, number>> = { silent: 0, regular: 1, key: 2, core: 3 };

export interface TierThresholds {
  /** Minimum total score (0–100) for `core`. */
  core: number;
  /** Minimum total score for `key`. */
  key: number;
  /** A dealer with no order for this many days is `silent`, whatever its score. */
  silentDays: number;
}

export const DEFAULT_TIER_THRESHOLDS: Readonly<TierThresholds> = Object.freeze({ core: 75, key: 60, silentDays: 90 });

/** What a tier brings. Discounts are off the catalog price; SLA hours match the needs engine's deadlines. */
export interface TierBenefits {
  discountRate: number;
  needSlaHours: number;
  perks: readonly string[];
}

/**
 * The tier benefits table (HQ's configuration, K's programme): core dealers get new products to trial first and a
 * rebate tailored to them; key dealers free training seats and marketing materials. `tier.query` and the re-tier
 * notices quote it.
 */
export const TIER_BENEFITS: Readonly<Record<Tier, TierBenefits>> = Object.freeze({
  core: {
    discountRate: 0.05,
    needSlaHours: 24,
    perks: ['新品优先试销', '定制化返利', '专属客户经理一对一服务', '旺季优先排产与发货'],
  },
  key: {
    discountRate: 0.03,
    needSlaHours: 48,
    perks: ['免费培训名额', '营销物料支持', '季度经营复盘'],
  },
  regular: { discountRate: 0, needSlaHours: 72, perks: ['标准订货与售后服务'] },
  silent: { discountRate: 0, needSlaHours: 72, perks: ['客户经理上门回访', '复购激活支持'] },
});

/**
 * The tier for a total score. No order for `silentDays` (or none ever, once the partnership is that old) means
 * `silent`; a new partner without orders yet stays `regular`.
 */
export function tierFor(
  total: number,
  daysSinceLastOrder: number | null,
  partnershipDays: number,
  t: TierThresholds = DEFAULT_TIER_THRESHOLDS,
): Tier {
  const silent = daysSinceLastOrder === null ? partnershipDays >= t.silentDays : daysSinceLastOrder >= t.silentDays;
  if (silent) return 'silent';
  if (total >= t.core) return 'core';
  if (total >= t.key) return 'key';
  return 'regular';
}
