import type { Policy } from '../policies/policy.types.js';
import type { PastOrder, PeerFavourite, SilentDealer } from './activation.js';
import type { Overdue } from './anomalies.js';
import type { Overstock, ReplenishmentAdvice } from './replenishment.js';
import type { SuccessCase } from './success-case.js';

/**
 * What the care jobs tell dealers and managers, as values: the planners decide the facts, bot/replies/care.replies.ts
 * words them (core holds no user text).
 */

export interface AnniversaryBonus {
  policyName: string;
  rate: number;
  /** Calendar month (1–12) the bonus applies to. */
  month: number;
  /** Qualifying amount of the month so far, and the bonus it earns. */
  amountFen: number;
  bonusFen: number;
  excludedCategories: readonly string[];
}

export interface DealerAnomalies {
  dealerCode: string;
  dealerName: string;
  overstock: readonly Overstock[];
  /** Fraction, 0.45 = −45%. */
  drop: { fraction: number; last28: number; prev28: number } | null;
  overdue: Overdue | null;
}

export type CareMessage =
  | { kind: 'birthday'; contactNames: readonly string[] }
  | { kind: 'anniversary'; dealerName: string; years: number; since: string; bonus: AnniversaryBonus | null }
  /** The 3rd-anniversary bonus announced once in the anniversary month (when the day itself is not today). */
  | { kind: 'anniversaryBonus'; dealerName: string; anniversaryDate: string; bonus: AnniversaryBonus }
  | { kind: 'replenishment'; dealerName: string; advice: readonly ReplenishmentAdvice[] }
  /** To the dealer: only what they can act on (overstock with a clearance idea, overdue payment). */
  | { kind: 'dealerAnomalies'; dealerName: string; overstock: readonly Overstock[]; overdue: Overdue | null }
  /** One summary per account manager per day, covering all their dealers' anomalies. */
  | { kind: 'managerAnomalies'; date: string; items: readonly DealerAnomalies[] }
  | {
      kind: 'silentPlan';
      dealer: SilentDealer;
      lastOrders: readonly PastOrder[];
      peers: readonly PeerFavourite[];
      policies: readonly Policy[];
    }
  | { kind: 'successCase'; dealerName: string; case: SuccessCase };
