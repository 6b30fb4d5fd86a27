import type { Tier } from '../dealers/tiers.js';
import type { Session, TrainingDealer } from './training.types.js';

/**
 * Tiers whose seats are free: a tier benefit (K: 重点培育 gets 免费培训; 核心 has everything 重点 has). Others pay the
 * session's fee, shown before they enrol.
 */
export const FREE_TRAINING_TIERS: readonly Tier[] = ['core', 'key'];

/** Whether a session is meant for the dealer: its tier among the targets (none = all), one tag among the targets. */
export function isTargeted(session: Pick<Session, 'targetTiers' | 'targetTags'>, dealer: TrainingDealer): boolean {
  const tierOk = session.targetTiers.length === 0 || session.targetTiers.includes(dealer.tier);
  const tagOk = session.targetTags.length === 0 || session.targetTags.some((t) => dealer.tags.includes(t));
  return tierOk && tagOk;
}

/** What the dealer pays for a seat, in fen. */
export function feeFor(session: Pick<Session, 'feeFen'>, tier: Tier): number {
  return FREE_TRAINING_TIERS.includes(tier) ? 0 : session.feeFen;
}

/** Seats still free. */
export const seatsLeft = (s: Pick<Session, 'seats' | 'enrolled'>): number => Math.max(0, s.seats - s.enrolled);
