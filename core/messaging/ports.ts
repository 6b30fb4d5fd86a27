import type { TurnRequest } from '../conversation/ports.js';
import type {
  Channel,
  DealerContact,
  DealerSummary,
  Followup,
  Identity,
  InboundInput,
  InboundMessage,
  InboundProgress,
  ManagerContact,
  ManagerSummary,
  NewFollowup,
  NewOutboxMessage,
  OutboxMessage,
  PipelineCounts,
  StoredInbound,
} from './types.js';

/** What `InboundStore.take` took. */
export interface TakenMessages {
  /** The ids taken, with their attempts; the others are not ours. */
  readonly attempts: ReadonlyMap<number, number>;
  /** Taken id → the next unfinished message of its sender stored before the take (absent: none). */
  readonly next: ReadonlyMap<number, number>;
}

/** The one place inbound messages are written and claimed. */
export interface InboundStore {
  /**
   * Stores a batch in one statement, skipping messages whose (channel, dedupe key) is already stored. Answers per
   * input, in input order; a repeat of an earlier input of the same batch shares its row and is a duplicate.
   */
  store(inputs: readonly InboundInput[]): Promise<StoredInbound[]>;
  /**
   * Leases up to `limit` messages until `until`, each the oldest unfinished message of its sender, skipping rows
   * another instance holds (FOR UPDATE SKIP LOCKED) and the ids in `exclude` (this instance's own, not yet taken);
   * counts an attempt on each. The poll path: work of other instances, retries, messages left by a crash.
   */
  claim(now: Date, until: Date, limit: number, exclude?: readonly number[]): Promise<InboundMessage[]>;
  /**
   * The first statement of a turn's transaction: takes the messages it can and marks them done at once (their turns
   * commit with it, or the transaction rolls back and they are as before). `handed` (stored and handed over in
   * memory, never leased) are taken while pending, due, the oldest unfinished message of their sender and locked by
   * no other transaction (skipped, never waited for), counting an attempt; `leased` (from `claim`) while still
   * leased. Returns the ids taken with their attempts (the others are not ours) and, for a taken message whose sender
   * has a later unfinished one stored already, that one's id: the worker follows the sender there after the commit,
   * even when another instance stored it (see `heads`). A turn that fails after this is put back with `retry` in the
   * same transaction.
   *
   * `readAhead`: the turns' first reads (`ConversationStore.loadTurn`'s), made by the same statement for the senders
   * of the messages it takes; that transaction's next `loadTurn` of such a sender with the same lookup is answered
   * from it (once; a `save` or `clear` of the sender drops it). Safe under the take's snapshot: a message is taken
   * only when every earlier one of its sender is finished, i.e. their turns (and state) committed before it.
   *
   * @example
   * await uow.transaction(async ({ stores }) => {
   *   const taken = await stores.inbound.take([m.id], [], now, [{ sender: m.sender }]);
   *   // taken.attempts: Map { m.id => 1 }, or empty: someone else's. Then the turn (its loadTurn answered from the
   *   // take), its replies …
   * });
   */
  take(
    handed: readonly number[],
    leased: readonly number[],
    now: Date,
    readAhead?: readonly TurnRequest[],
  ): Promise<TakenMessages>;
  /**
   * Which of these handed messages `take` could take now (pending, due, the oldest unfinished message of their
   * sender), read without locking: asked before slow work done ahead of the transaction (the LLM), which would be
   * wasted on a message that waits behind its sender's earlier one.
   */
  takeable(ids: readonly number[], now: Date): Promise<number[]>;
  /**
   * The oldest unfinished message of each of these senders, whole, when `take` could take it now as a handed one
   * (pending, due), but for the ids in `except`; read without locking. Asked after a commit for the senders whose
   * next message the worker does not hold: another instance may have stored it, and could not take it then.
   */
  heads(senders: readonly string[], except: readonly number[], now: Date): Promise<InboundMessage[]>;
  /**
   * A handed message whose transaction rolled back (its turn failed): counts the attempt and retries it from
   * `retryAt`, if it is still pending, due and nobody holds it (otherwise someone else has it: null). Returns the
   * attempts counted.
   */
  failed(id: number, now: Date, retryAt: Date, error: string): Promise<number | null>;
  /** Back to pending (also a message `take` marked done in this transaction), retried from `retryAt`. */
  retry(id: number, retryAt: Date, error: string): Promise<void>;
  /** Parked for good: it no longer blocks its sender. */
  park(id: number, error: string): Promise<void>;
  /** Every leased message becomes pending again (single-process database after a crash). */
  releaseLeases(): Promise<number>;
  progress(id: number): Promise<InboundProgress | null>;
}

export interface OutboxStore {
  /** Inserts rows; a row whose dedupe key exists is skipped. Returns how many were new. */
  enqueue(messages: readonly NewOutboxMessage[]): Promise<number>;
  /**
   * Inserts rows in one statement (a row whose dedupe key exists is skipped), each claimed at birth — `sending`,
   * leased until `claim.until`, attempts 1, first tried `claim.now` — when it is `claimable` and its recipient has
   * no unfinished row other than `claim.held` (the rows this instance is sending); `pending` otherwise. Returns the
   * rows inserted, in id order (the claimed ones are this instance's to send).
   */
  enqueueClaiming(
    messages: readonly (NewOutboxMessage & { claimable: boolean })[],
    claim: { now: Date; until: Date; held: readonly number[] },
  ): Promise<OutboxMessage[]>;
  /**
   * Leases up to `limit` due rows (and rows whose lease ran out) until `until`, in id order. A recipient's row is
   * not claimed while an earlier one to them is in flight or waits for a rephrasing; in a managers' alert chat (group
   * robot, app chat) nor while an earlier one that was tried waits (rate limit, retry): their alerts read in order.
   * At most `perRecipient` rows of one recipient (default `limit`), so one recipient's backlog leaves room for others.
   */
  claim(now: Date, until: Date, limit: number, perRecipient?: number): Promise<OutboxMessage[]>;
  markSent(id: number, now: Date): Promise<void>;
  /** Marks many rows sent in one statement, each at its own time. */
  markSentAll(rows: readonly { id: number; at: Date }[]): Promise<void>;
  markDead(id: number, reason: string): Promise<void>;
  /** Handed over to a person (a follow-up item). */
  markFollowup(id: number, reason: string): Promise<void>;
  /** Back to pending after a failed send, due again at `at`. */
  retry(id: number, reason: string, at: Date): Promise<void>;
  /** Back to pending without spending the attempt the claim counted. */
  postpone(id: number, until: Date): Promise<void>;
  /**
   * Releases a held reply (waiting for its rephrasing), all of its parts (`partKeys`: `key`, `key#2` …): due at
   * `now`. With `bodies`, the parts' text becomes those when every part is still pending and the new text needs no
   * more parts than the held one (held parts left over are dropped unsent). Returns whether `bodies` went in.
   */
  release(partKeys: readonly string[], now: Date, bodies?: readonly string[]): Promise<boolean>;
  releaseLeases(): Promise<number>;
  /** The latest `limit` rows, oldest first; with `to`, those whose recipient or address is `to`. */
  latest(limit: number, to?: string): Promise<OutboxMessage[]>;
}

export interface IdentityDirectory {
  resolve(channel: Channel, externalId: string): Promise<Identity>;
  /** Several accounts in one look-up; answers in input order. */
  resolveAll(accounts: readonly { channel: Channel; externalId: string }[]): Promise<Identity[]>;
}

/** Where dealers and managers can be reached (for routing pushes). */
export interface RecipientDirectory {
  dealerContacts(dealerCodes: readonly string[]): Promise<DealerContact[]>;
  managerContacts(managerCodes: readonly string[]): Promise<ManagerContact[]>;
  dealer(code: string): Promise<DealerSummary | null>;
  /** The people the dev chat can act as, in code order. */
  people(limit: number): Promise<{ managers: ManagerSummary[]; dealers: DealerSummary[] }>;
}

/** 微信客服 state: the sync cursor per KF account, and each customer's 48 h / 5-message window. */
export interface KfStateStore {
  /** Known KF accounts (registered with their first event). */
  accounts(): Promise<string[]>;
  /** Registers a KF account with an empty cursor, if it is new. */
  register(openKfid: string): Promise<void>;
  /** The stored cursor, or null when the account has none yet. */
  cursor(openKfid: string): Promise<string | null>;
  /** Moves the cursor from `expected` (null: none yet) to `next`; false when it was no longer `expected`. */
  moveCursor(openKfid: string, expected: string | null, next: string): Promise<boolean>;
  /** A customer's message at `at` opens the window again (never moves it back to an older message). */
  openWindow(externalUserId: string, openKfid: string, at: Date): Promise<void>;
  /** Takes one send of an open window atomically; the KF account to send from, or null when it is closed. */
  takeSlot(externalUserId: string, windowStart: Date, maxSends: number): Promise<string | null>;
  /** Gives back a send that did not happen. */
  releaseSlot(externalUserId: string): Promise<void>;
}

/** A user's action on the mini-program: `quota` replies allowed from `at` until `until`. */
export interface MpWindowOpening {
  openid: string;
  at: Date;
  quota: number;
  until: Date;
}

/**
 * The mini-program's reply windows: a user's message allows 5 replies within 48 h, entering the session 2 within a
 * minute; a new action raises the quota and the deadline to the larger of the old and the new (they do not add up).
 */
export interface MpSessionStore {
  /**
   * Records users' actions, as if one after another in the given order: each allows `quota` replies from `at`
   * until `until` (a batch of callbacks opens its windows in the transaction that stores its messages).
   */
  open(openings: readonly MpWindowOpening[]): Promise<void>;
  /** Takes one reply of an open window atomically; false when it is closed or used up. */
  takeSlot(openid: string, now: Date): Promise<boolean>;
  /** Gives back a reply that did not happen. */
  releaseSlot(openid: string): Promise<void>;
  /** Closes the window (WeChat said it is closed: 45015 / 45047). */
  close(openid: string): Promise<void>;
}

export interface FollowupStore {
  /** Adds an item; one per outbox row when `outboxId` is given. */
  add(item: NewFollowup): Promise<void>;
  list(status: 'open' | 'done', managerCode?: string, limit?: number): Promise<Followup[]>;
  /** False when there is no such item. */
  close(id: number): Promise<boolean>;
}

export interface PipelineStatusReader {
  counts(): Promise<PipelineCounts>;
}

/** The pipeline's stores, all bound to one database handle or one transaction. */
export interface PipelineStores {
  inbound: InboundStore;
  outbox: OutboxStore;
  identities: IdentityDirectory;
  recipients: RecipientDirectory;
  kf: KfStateStore;
  mp: MpSessionStore;
  followups: FollowupStore;
}

/**
 * A unit of work over scopes of stores: `root` commits each call on its own; `transaction` runs `work` in one
 * transaction with a scope bound to it, committing when `work` resolves and rolling back when it throws.
 */
export interface UnitOfWork<Scope> {
  readonly root: Scope;
  transaction<R>(work: (scope: Scope, tx: TransactionControl) => Promise<R>): Promise<R>;
}

/** What a unit of work's transaction offers beyond its scope. */
export interface TransactionControl {
  /**
   * Runs `work` after a savepoint: when it throws, what it wrote is rolled back (the rest of the transaction stays)
   * and the error is passed on. Savepoints are not released (one round trip fewer): keep them to a few dozen per
   * transaction (PostgreSQL caches 64 subtransactions per backend).
   *
   * @example
   * await uow.transaction(async (scope, tx) => {
   *   for (const m of messages) await tx.savepoint(() => handle(scope, m)).catch(() => failed.push(m));
   * });
   */
  savepoint<R>(work: () => Promise<R>): Promise<R>;
  /**
   * Runs `work` as the transaction's last: its statement goes out with the COMMIT behind it, in one write (one round
   * trip fewer). Nothing may run in the transaction after it — no statement (it would fail: the transaction is
   * over), nothing that can throw (the rollback it calls for fails: the work is committed). When `work` rejects,
   * nothing committed: a failed COMMIT fails it with its error. A work that sends no statement, or one not built
   * for it, leaves the COMMIT to go alone as usual; only its first statement carries the COMMIT.
   *
   * @example
   * await uow.transaction(async ({ stores }, tx) => {
   *   await stores.inbound.take([m.id], [], now);
   *   const rows = await tx.commitWith(() => stores.outbox.enqueueClaiming(replies, claim));
   *   return rows.filter((r) => r.status === 'sending'); // pure code on its result only
   * });
   */
  commitWith<R>(work: () => Promise<R>): Promise<R>;
}

/** One conversation turn's scope: the pipeline's stores and the services its step uses, bound together. */
export interface TurnScope<Services> {
  stores: PipelineStores;
  services: Services;
}
