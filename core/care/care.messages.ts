import type { Policy } from '../policies/policy.types.js';
import type { Voucher } from './offers.js';
import type { PastOrder, PeerFavourite, SilentDealer } from './activation.js';
import type { ReplenishmentAdvice } from './replenishment.js';
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

export type CareMessage =
  | { kind: 'birthday'; contactNames: readonly string[]; offer?: Voucher }
  | {
      kind: 'anniversary';
      dealerName: string;
      years: number;
      since: string;
      bonus: AnniversaryBonus | null;
      offer?: Voucher;
    }
  /** The 3rd-anniversary bonus announced once in the anniversary month (when the day itself is not today). */
  | { kind: 'anniversaryBonus'; dealerName: string; anniversaryDate: string; bonus: AnniversaryBonus }
  | { kind: 'replenishment'; dealerName: string; advice: readonly ReplenishmentAdvice[] }
  | {
      kind: 'silentPlan';
      dealer: SilentDealer;
      lastOrders: readonly PastOrder[];
      peers: readonly PeerFavourite[];
      policies: readonly Policy[];
    }
  | { kind: 'successCase'; dealerName: string; case: SuccessCase };
