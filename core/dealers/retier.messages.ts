import type { Tier } from './tiers.js';

/** A dealer whose tier changed in a re-tiering, with the score and reasons behind it. */
export interface TierChange {
  dealerCode: string;
  dealerName: string;
  managerCode: string;
  before: Tier;
  after: Tier;
  total: number;
  reasons: readonly string[];
}

/**
 * What re-tiering tells dealers and managers, as values (`month` is 'YYYY-MM'); bot/replies/care.replies.ts words
 * them.
 */
export type TierMessage =
  /** The one message a dealer gets when their tier changes: why, and what the new tier brings. */
  | { kind: 'tierChange'; change: TierChange; month: string; managerName: string | null }
  /** The account manager's monthly summary of their dealers' tier changes. */
  | { kind: 'tierSummary'; month: string; changes: readonly TierChange[]; scored: number };
