import type { Policy, Tier } from '../policies/policy.types.js';
import type { CareOffers, VoucherIssuer } from './offers.js';
import type { PolicyOrderLine } from '../policies/qualifying.js';
import type { TierMessage } from '../dealers/retier.messages.js';
import type { PastOrder } from './activation.js';
import type { StockPosition } from './replenishment.js';
import type { CareMessage } from './care.messages.js';
import type { SuccessCase } from './success-case.js';

/** A dealer as the care planners see it. */
export interface CareDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  managerCode: string;
  marketLevel: string;
  partnershipStart: string;
}

export interface SilentRow extends CareDealer {
  lastOrderDate: string | null;
  daysSinceLastOrder: number | null;
}

export interface PeerPurchase {
  marketLevel: string;
  /** '' = every dealer of the market level. */
  tag: string;
  name: string;
  amountFen: number;
}

/**
 * Set-based reads the care planners need: each returns the rows of every dealer concerned at once. `date` is the
 * business date (Asia/Shanghai); windows end the day before it.
 */
export interface CareStore {
  /** Dealers by code (all when `codes` is omitted), ordered by code. */
  dealers(codes?: readonly string[]): Promise<CareDealer[]>;
  /** Dealers with a contact whose birthday is `date` (29 Feb on 28 Feb in other years), with those contacts. */
  birthdaysOn(date: string): Promise<Array<CareDealer & { contacts: string[] }>>;
  /** Dealers whose partnership started on this day of the year in an earlier year. */
  anniversariesOn(date: string): Promise<CareDealer[]>;
  dealersStartedBetween(from: string, to: string): Promise<CareDealer[]>;
  /** Order lines of some dealers placed in [from, before). */
  orderLinesBetween(codes: readonly string[], from: Date, before: Date): Promise<Map<string, PolicyOrderLine[]>>;
  activePolicies(): Promise<Policy[]>;
  /** Every dealer's stock positions over core/stock's sell-through window. */
  stockPositions(date: string): Promise<Map<string, StockPosition[]>>;
  /** Dealers without an order for `days` days (or none since a partnership at least that old). */
  silentDealers(date: string, days?: number): Promise<SilentRow[]>;
  lastOrders(codes: readonly string[], n?: number): Promise<Map<string, PastOrder[]>>;
  peerPurchases(date: string): Promise<PeerPurchase[]>;
  successCases(): Promise<SuccessCase[]>;
}

/**
 * One piece of care (or a case, a tier notice, a summary) recorded as given: `subject` is the dealer it is about (or
 * the manager, for summaries), `key` names the occasion (a date, a month, `<monday>:<case id>` …).
 */
export interface Delivery {
  kind: string;
  subject: string;
  key: string;
}

/**
 * The history of what was sent, kept apart from the outbox (a delivery queue that is pruned): every "already
 * sent" and "at most once per N days" check reads it.
 */
export interface DeliveryLog {
  /** Recorded keys of `kind` per subject; only these subjects (all when 'all') and, when given, only these keys. */
  sentKeys(
    kind: string,
    subjects: readonly string[] | 'all',
    keys?: readonly string[],
  ): Promise<Map<string, Set<string>>>;
  /** Records deliveries (a recorded one is left as it is); returns how many were new. */
  record(deliveries: readonly Delivery[], at: Date): Promise<number>;
}

/** Every proactive message the care and scoring planners send. */
/**
 * A push already worded by a service's own texts port (implemented in bot/replies), e.g. the monthly trend insight
 * and the predicted-need resource, whose words depend on a whole read model rather than a few values.
 */
export interface WordedMessage {
  kind: 'worded';
  body: string;
}

export type PushMessage = CareMessage | TierMessage | WordedMessage;

/** A proactive message a planner wants sent; the queue routes and writes it to the outbox. */
export interface Push {
  to: 'dealer' | 'manager' | 'managerChat';
  code: string;
  /** What to say, as a value (bot/replies words it when the push is queued). */
  message: PushMessage;
  /** The outbox kind (reports, sandbox). */
  kind: string;
  /** The outbox's own idempotency key (kept while the row is in the outbox). */
  dedupeKey: string;
  notBefore?: Date;
  /** What the push is recorded as once queued; a push whose delivery is recorded is not sent again. */
  delivery: Delivery;
}

/** Writes many pushes to the outbox of the caller's transaction at once (routing included). */
export interface PushQueue {
  /** Returns how many outbox rows were new. */
  enqueue(pushes: readonly Push[]): Promise<number>;
}

/** What the care and scoring services need on one transaction. */
export interface CarePorts {
  store: CareStore;
  deliveries: DeliveryLog;
  queue: PushQueue;
  /** Issues the vouchers birthday and anniversary greetings carry (absent: greetings carry no offer). */
  vouchers?: VoucherIssuer;
  /** The offers HQ configured (CARE_OFFERS); K's defaults when absent. */
  offers?: CareOffers;
}
