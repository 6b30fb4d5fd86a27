import type { Notifier } from '../common/notifier.port.js';
import type { Cohort } from './targeting.js';
import type { Policy, Tier } from './policy.types.js';
import type { PolicyOrderLine } from './qualifying.js';

/** A stored policy: its validated rules plus the HQ switches. */
export interface PolicyRecord {
  policy: Policy;
  active: boolean;
  /** A piloted policy promoted to the whole target (the holdout gets it too). */
  promoted: boolean;
  /**
   * A piloted policy's pilot: the round(pilotRatio × target) targeted dealers of lowest stable hash (`pilotSet`).
   * The stores fill it from the dealer table; without it the cohort falls back to the per-dealer hash bucket.
   */
  pilot?: ReadonlySet<string>;
}

/** What the policies capability needs to know about a dealer. */
export interface PolicyDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: readonly string[];
  /** `YYYY-MM-DD`. */
  partnershipStart: string;
}

/** An order line with its dealer and the product's tags (for promotions and conversion checks). */
export interface DealerOrderLine extends PolicyOrderLine {
  dealerCode: string;
  /** The line's order (absent in sources that do not name it: no latest-order effect then). */
  orderNo?: string;
  sku: string;
  productTags: readonly string[];
}

export interface PolicyDelivery {
  policyCode: string;
  dealerCode: string;
  cohort: Cohort;
  pushedAt: Date;
  /** Status of the outbox row that carried the push (null when the row is unknown). */
  outboxStatus: string | null;
  feedback: string | null;
}

/** Storage the policies capability uses (implemented in db/repositories/policies.repository.ts). */
export interface PolicyStore {
  /** Every stored policy (active or not); a stored spec that fails validation throws. */
  listPolicies(): Promise<PolicyRecord[]>;
  findPolicy(code: string): Promise<PolicyRecord | null>;
  setPromoted(code: string, promoted: boolean): Promise<void>;
  findDealer(code: string): Promise<PolicyDealer | null>;
  listDealers(): Promise<PolicyDealer[]>;
  /** Lines of orders the dealers placed on Asia/Shanghai dates `from`..`to` (inclusive), any status. */
  orderLines(dealerCodes: readonly string[], from: string, to: string): Promise<DealerOrderLine[]>;
  deliveries(policyCode: string): Promise<PolicyDelivery[]>;
  /** Records a push; false when the dealer already had one (primary key). Links the outbox row by dedupe key. */
  recordDelivery(d: {
    policyCode: string;
    dealerCode: string;
    cohort: Cohort;
    dedupeKey: string;
    pushedAt: Date;
  }): Promise<boolean>;
  /** Deliveries to the dealer pushed at or after `since`, with the policy kind. */
  recentDeliveries(dealerCode: string, since: Date): Promise<Array<{ policyCode: string; kind: string }>>;
  /** Stores the first feedback on these deliveries (rows that already have feedback keep theirs). */
  recordFeedback(dealerCode: string, policyCodes: readonly string[], feedback: string): Promise<number>;
}

/** Runs `fn` in one transaction: the store and the notifier write together or not at all. */
export interface PolicyUnitOfWork {
  run<T>(fn: (store: PolicyStore, notifier: Notifier) => Promise<T>): Promise<T>;
}
