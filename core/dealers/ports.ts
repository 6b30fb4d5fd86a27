import type { DealerMetrics } from './metrics.js';
import type { DealerScore } from './scoring.js';
import type { Tier } from './tiers.js';

export interface DealerTierRow {
  code: string;
  name: string;
  tier: Tier;
  managerCode: string;
  manualTags: string[];
}

/**
 * A month's score as written: the score, the tier before it, the merged tags (derived ∪ manual) and the reasons in
 * the words stored with it.
 */
export interface ScoreWrite extends Omit<DealerScore, 'reasons'> {
  tierBefore: Tier;
  tags: string[];
  reasons: string[];
  /** A changed tier takes effect when its notice goes out (prices start with the notice), not when it is scored. */
  tierFrom?: Date;
}

/** Storage the monthly scoring needs. Months are 'YYYY-MM-01'. */
export interface DealerScoreStore {
  /** Raw scoring metrics of every dealer as of `asOf`, set-based. */
  metrics(asOf: Date): Promise<DealerMetrics[]>;
  dealerTiers(): Promise<DealerTierRow[]>;
  managerNames(): Promise<Map<string, string>>;
  /** The latest month scored so far, or null before the first scoring. */
  latestScoredMonth(): Promise<string | null>;
  /** The tier a dealer had before `month` was first scored (a re-run must not see its own tier change). */
  tiersBeforeMonth(month: string): Promise<Map<string, Tier>>;
  /** Each dealer's tier as of the latest month scored before `month`. */
  tiersScoredBefore(month: string): Promise<Map<string, Tier>>;
  /** Upserts one month's scores (a re-run keeps the first run's tier_before). */
  saveScores(month: string, scores: readonly ScoreWrite[]): Promise<void>;
  /**
   * Sets the dealers' reasons and tags, and their tier — or, for a `tierFrom` after `now`, records it as pending
   * from then (a pending tier a re-run finds again stays pending).
   */
  applyTiers(scores: readonly ScoreWrite[], now: Date): Promise<void>;
  /** Pending tiers whose time has come become the dealers' tier; returns how many. */
  applyDueTiers(now: Date): Promise<number>;
}
