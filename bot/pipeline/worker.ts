import type { Notifier } from '../../core/common/notifier.port.js';
import type { TurnRequest } from '../../core/conversation/ports.js';
import type {
  InboundStore,
  PipelineStores,
  TakenMessages,
  TransactionControl,
  TurnScope,
  UnitOfWork,
} from '../../core/messaging/ports.js';
import { parseSenderKey } from '../../core/messaging/sender.js';
import type { Identity, InboundMessage, OutboxMessage } from '../../core/messaging/types.js';
import type { PipelineBus } from './bus.js';
import type { ReplyHandOff, Reservation } from './dispatcher.js';
import { IdentityCache } from './identity-cache.js';
import {
  enqueue,
  type OutgoingMessage,
  outboxNotifier,
  outgoingParts,
  partKey,
  recipientKey,
  replyRows,
  type Route,
} from './outbox.js';
import { PollLoop } from './poll-loop.js';
import type { PipelineTexts } from '../replies/pipeline.replies.js';

export interface StepInput<Services> {
  /** Bound to the turn's transaction: everything the step writes commits together with its replies, or not at all. */
  services: Services;
  message: InboundMessage;
  identity: Identity;
  now: Date;
  notifier: Notifier;
  /** What the step's `prepare` worked out before the transaction (slow calls such as the LLM), if it has one. */
  prepared?: unknown;
}

export interface StepReply {
  body: string;
  format?: 'text' | 'markdown';
  /**
   * The body is a template explanation the LLM may rephrase after the turn commits: `text` (with `facts`, every
   * number computed) becomes the model's wording if that is grounded, then `suffix` follows.
   */
  rephrase?: { text: string; facts: readonly string[]; suffix?: string };
  /** A page of the ordering mini-program this reply is about: sent as a card after it, on the mini-program route. */
  card?: ReplyCard;
}

/** A mini-program page a reply can open ("查看订单", the printable statement). */
export interface ReplyCard {
  title: string;
  page: 'order' | 'statement';
  query: Readonly<Record<string, string>>;
}

/**
 * One conversation turn inside the worker's transaction. `prepare`, when present, runs first with services on the
 * plain database handle — for work too slow to do while holding a transaction (PGlite has a single connection).
 */
export type ConversationStep<Services> = ((input: StepInput<Services>) => Promise<StepReply[]>) & {
  prepare?: (input: { services: Services; message: InboundMessage; identity: Identity; now: Date }) => Promise<unknown>;
  /** Which messages `prepare` is for (default all): the others skip it and the identity lookup it needs. */
  preparesFor?: (message: InboundMessage) => boolean;
  /**
   * What the turns of a transaction read first (their conversation state), as requests its take reads in the same
   * statement (`InboundStore.take`'s `readAhead`): one statement, one round trip, for the take and every turn's
   * first read. Pure; the turns run at the `now` it was given.
   */
  readAhead?: (turns: readonly ReadAheadTurn[], now: Date) => readonly TurnRequest[];
};

/** A turn of the transaction, for `ConversationStep.readAhead`. */
export interface ReadAheadTurn {
  message: InboundMessage;
  identity: Identity;
  prepared?: unknown;
}

/** Rewords a template explanation, or null to keep the template (see bot/replies/rephrase.ts). */
export type Rephraser = (template: { text: string; facts: readonly string[] }) => Promise<string | null>;

export interface WorkerOptions {
  /** Messages in flight at once (each the head of its sender's queue). */
  concurrency: number;
  /**
   * Up to this many claimed messages (of different senders) share one transaction: one commit for all of them; a
   * failing one is rolled back alone (the batch runs again with a savepoint per turn). Default 32: under a burst,
   * fewer commits and round trips per message (bench:e2e 807 → 972 msg/s against 8); a lone message goes alone.
   */
  turnsPerTransaction?: number;
  maxAttempts: number;
  /** How long a claimed message stays ours before another instance may take it over. */
  leaseMs?: number;
  /** How often the poll path looks for work nobody handed here (other instances', retries, a crash's). */
  pollMs?: number;
  /**
   * Handed messages held in memory at most (default 10,000): beyond it a stored message is left to the poll, which
   * finds it in the database.
   */
  holdLimit?: number;
  now?: () => Date;
  log?: { error(obj: object, msg: string): void };
  /** LLM phrasing of explanations (only with an LLM configured). */
  rephraser?: Rephraser;
  /** How long a reply waits for its rephrasing before the template goes out regardless (default 6 s). */
  rephraseHoldMs?: number;
  /** How long a bound sender's identity is reused without reading it again (default 10 s; 0: read every turn). */
  identityTtlMs?: number;
  /** The mini-program pages cards open (null: no cards, e.g. no thumbnail configured). */
  mpCards?: { orderPage: string; statementPage: string } | null;
  /**
   * This instance's dispatcher: a transaction's replies due at once are inserted already claimed for it (when
   * nothing of their recipient is unfinished elsewhere) and handed to it after the commit. Without it, every reply is
   * inserted pending and the dispatcher's claim finds it.
   */
  handOff?: ReplyHandOff;
  /** What a sender and their manager are told when a message is parked (bot/replies). */
  texts: Pick<PipelineTexts, 'parkedToDealer' | 'parkedToOthers' | 'parkedAlert'>;
}

/** The outbox body and format of a mini-program card opening `card`'s page. */
function cardRow(card: ReplyCard, pages: { orderPage: string; statementPage: string }) {
  const page = card.page === 'order' ? pages.orderPage : pages.statementPage;
  const pagePath = `${page}?${new URLSearchParams(card.query)}`;
  return { body: JSON.stringify({ title: card.title, pagePath }), format: 'mpcard' as const };
}

/** Where a reply to an inbound message goes: back on the channel it came from. */
function replyRoute(identity: Identity): Route {
  switch (identity.channel) {
    case 'wecom':
      return { route: 'wecom_app', address: identity.externalId };
    case 'kf':
      return { route: 'kf', address: identity.externalId };
    case 'miniprogram':
      return { route: 'mp', address: identity.externalId };
    default:
      return { route: 'sandbox', address: identity.externalId };
  }
}

function recipientOf(identity: Identity): string {
  if (identity.kind === 'dealer') return identity.dealerCode;
  if (identity.kind === 'manager') return identity.managerCode;
  return identity.externalId;
}

/**
 * Processes stored messages: per sender strictly in arrival order (only the oldest unfinished message of a
 * sender can be taken), different senders in parallel. Each message's step, replies and "done" mark commit in
 * one transaction, so a crash anywhere means the message is simply processed again, once.
 *
 * Two ways in. The fast path: the channels hand the messages they stored to this process (`bus.inboundStored`);
 * they wait in per-sender queues here, and a sender's head is taken by the first statement of its turn's
 * transaction (`InboundStore.take`), with no claim of its own. The poll path (every `pollMs`, and at once when the
 * fast path had to leave something to it): the lease claim (`InboundStore.claim`, a transaction of its own) finds
 * what was not handed here — other instances' messages, retries, a crashed process's. It stays the lease claim
 * because the attempt it counts is committed before the work: a message found after a crash is counted even if it
 * crashes the process again. `prepare` (the LLM) runs once per message in this instance: the poll's claim skips
 * the handed messages in flight here. Across instances it may run twice (a message handed here and claimed by
 * another instance's poll meanwhile): only one of them takes it, the other's preparation is dropped.
 */
export class InboundWorker<Services> {
  private inFlight = 0;
  private readonly loop: PollLoop;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly stores: PipelineStores;
  private readonly identities: IdentityCache;
  /** Handed messages not yet in flight, per sender in id order; the map's order is the senders' turn order. */
  private readonly queues = new Map<string, InboundMessage[]>();
  private held = 0;
  /** Ids held here (queued or in flight): a message is held once. */
  private readonly known = new Set<number>();
  /** Messages in flight per sender. */
  private readonly busy = new Map<string, number>();
  /** Handed messages in flight (not leased): the poll's claim leaves them to us. */
  private readonly handedInFlight = new Set<number>();
  /** The poll path should run at the next pass (the fast path left something to it). */
  private pollWanted = true;
  private lastPoll = 0;

  constructor(
    private readonly turns: UnitOfWork<TurnScope<Services>>,
    private readonly step: ConversationStep<Services>,
    private readonly bus: PipelineBus,
    private readonly opts: WorkerOptions,
  ) {
    this.stores = turns.root.stores;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 500;
    this.now = opts.now ?? (() => new Date());
    this.identities = new IdentityCache(opts.identityTtlMs);
    this.loop = new PollLoop(
      bus,
      'inbound',
      () => this.fill(),
      this.pollMs,
      (e) => this.opts.log?.error({ err: e.message }, 'inbound claim failed'),
    );
  }

  start(): void {
    if (this.loop.active) return;
    this.bus.on('inbound', this.accept);
    this.loop.start();
  }

  /** Stops taking new work and waits for the messages in flight (those only queued stay pending for any poll). */
  async stop(): Promise<void> {
    this.bus.off('inbound', this.accept);
    await this.loop.stop();
    for (const q of this.queues.values()) for (const m of q) this.known.delete(m.id);
    this.queues.clear();
    this.held = 0;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** For a single-process database (PGlite): leases left by a crashed run can be taken back at once. */
  releaseStaleLeases(): Promise<number> {
    return this.stores.inbound.releaseLeases();
  }

  /** Messages handed over by the channels: queued behind their sender's earlier ones, up to `holdLimit`. */
  private readonly accept = (messages: readonly InboundMessage[] = []): void => {
    const limit = this.opts.holdLimit ?? 10_000;
    for (const m of messages) {
      if (this.known.has(m.id)) continue;
      if (this.held >= limit) {
        this.pollWanted = true;
        continue;
      }
      const q = this.queues.get(m.sender);
      if (!q) this.queues.set(m.sender, [m]);
      else if (q[q.length - 1]!.id < m.id) q.push(m);
      else
        q.splice(
          q.findIndex((x) => x.id > m.id),
          0,
          m,
        );
      this.known.add(m.id);
      this.held++;
    }
  };

  /**
   * Fills the free slots: the queued heads of senders not in flight, then (when due) what the poll's claim finds;
   * hands them out in transactions of up to `turnsPerTransaction` (sizes balanced, so they run in parallel on as
   * many connections); each finished transaction frees its slots and wakes the loop.
   */
  private async fill(): Promise<void> {
    const perTransaction = Math.max(1, this.opts.turnsPerTransaction ?? 32);
    for (;;) {
      let free = this.opts.concurrency - this.inFlight;
      if (free <= 0 || !this.loop.active) break;
      const pollDue = this.pollWanted || Date.now() - this.lastPoll >= this.pollMs;
      // A due poll gets half the free slots first, so a steady stream of handed messages never starves it (the
      // next round gives what it leaves to the queues).
      const batch = this.heads(pollDue ? Math.ceil(free / 2) : free);
      // In flight from here: the poll's claim below leaves them alone.
      this.enter(batch);
      free -= batch.length;
      if (free > 0 && pollDue) {
        this.pollWanted = false;
        this.lastPoll = Date.now();
        try {
          const claimed = await this.claim(free);
          // Every free slot filled: more may wait.
          if (claimed.length >= free) this.pollWanted = true;
          for (const m of claimed) this.unqueue(m);
          this.enter(claimed);
          batch.push(...claimed);
        } catch (e) {
          this.pollWanted = true;
          this.opts.log?.error({ err: (e as Error).message }, 'inbound claim failed');
        }
      }
      if (batch.length === 0) break;
      const groups = Math.ceil(batch.length / perTransaction);
      for (let g = 0; g < groups; g++) {
        const group = batch.slice(
          Math.floor((g * batch.length) / groups),
          Math.floor(((g + 1) * batch.length) / groups),
        );
        this.processBatch(group)
          // Even recording the failure failed (database gone): the message is pending (or its lease runs out) and
          // the poll finds it again.
          .catch((e: Error) => {
            this.pollWanted = true;
            this.opts.log?.error({ inbound: group.map((m) => m.id), err: e.message }, 'inbound bookkeeping failed');
          })
          .finally(() => {
            this.leave(group);
            this.loop.kick();
          });
      }
    }
  }

  /** Up to `limit` queued heads of senders with nothing in flight here, each sender then to the back of the line. */
  private heads(limit: number): InboundMessage[] {
    const out: InboundMessage[] = [];
    if (this.held === 0) return out;
    for (const [sender, q] of this.queues) {
      if (out.length >= limit) break;
      if (this.busy.has(sender)) continue;
      out.push(q.shift()!);
      this.held--;
      // Marked busy at once: the sender re-added behind the others is skipped if this loop reaches it again.
      this.busy.set(sender, 0);
      this.queues.delete(sender);
      if (q.length > 0) this.queues.set(sender, q);
    }
    return out;
  }

  /** A message the poll's claim found that is also queued here: the claim has it now. */
  private unqueue(m: InboundMessage): void {
    const q = this.queues.get(m.sender);
    const i = q ? q.findIndex((x) => x.id === m.id) : -1;
    if (i < 0) return;
    q!.splice(i, 1);
    this.held--;
    if (q!.length === 0) this.queues.delete(m.sender);
  }

  private enter(group: readonly InboundMessage[]): void {
    this.inFlight += group.length;
    for (const m of group) {
      this.busy.set(m.sender, (this.busy.get(m.sender) ?? 0) + 1);
      this.known.add(m.id);
      if (isHanded(m)) this.handedInFlight.add(m.id);
    }
  }

  private leave(group: readonly InboundMessage[]): void {
    this.inFlight -= group.length;
    for (const m of group) {
      const n = (this.busy.get(m.sender) ?? 1) - 1;
      if (n <= 0) this.busy.delete(m.sender);
      else this.busy.set(m.sender, n);
      this.known.delete(m.id);
      this.handedInFlight.delete(m.id);
      // The sender's next messages may be only in the database (handed elsewhere, or beyond the hold limit).
      if (!isHanded(m)) this.pollWanted = true;
    }
  }

  /**
   * The poll path: leases up to `limit` messages, each the head of its sender's queue, skipping rows another
   * instance holds, the handed messages in flight here and the first one queued of each sender (the fast path's:
   * the claim only finds what was not handed here, and a handed sender's later ones wait behind it).
   */
  claim(limit: number): Promise<InboundMessage[]> {
    const now = this.now();
    const ours = [...this.handedInFlight];
    for (const q of this.queues.values()) ours.push(q[0]!.id);
    return this.stores.inbound.claim(now, new Date(now.getTime() + this.leaseMs), limit, ours);
  }

  /**
   * Handles one message (handed, or leased by `claim`) in a transaction of its own, whose first statement takes
   * it; exposed for tests that drive the pipeline. No savepoint: a failing turn rolls the whole transaction back and
   * its failure is recorded after (`recordFailure`).
   */
  process(message: InboundMessage): Promise<void> {
    return this.processBatch([message]);
  }

  private async processOne(message: InboundMessage): Promise<void> {
    const turn = newTurn();
    let attempts: number | undefined;
    let taken: TakenMessages | undefined;
    try {
      // Resolved once, before `prepare` and the transaction: both use it (usually remembered, see IdentityCache).
      const { channel, externalId } = parseSenderKey(message.sender);
      const identity = await this.identities.resolve(this.stores.identities, channel, externalId);
      const prepared = await this.prepare(message, identity);
      const replies = await this.turns.transaction(async (scope, tx) => {
        const now = this.now();
        const ahead = this.step.readAhead?.([{ message, identity, prepared }], now);
        taken = await this.take(scope.stores.inbound, [message], now, ahead);
        attempts = taken.attempts.get(message.id);
        // Not ours (another instance has it or finished it, or an earlier message of the sender waits).
        if (attempts === undefined) return null;
        await this.turn(scope, message, identity, prepared, turn, now);
        return this.writeReplies(scope.stores, tx, [message], [turn]);
      });
      this.handOff(replies);
      if (taken) this.follow([message], taken);
    } catch (e) {
      // Rolled back as a whole, the take too: the message is as it was (handed: pending; leased: still leased).
      turn.error = e as Error;
    }
    if (!turn.error && attempts === undefined) return this.skipped(message);
    await this.settle(message, turn);
  }

  /**
   * Handles messages of different senders (handed, or leased by `claim`) in one transaction: one commit for all,
   * each message's step and replies together in it. Its first statement takes the messages and marks them done;
   * those it could not take are not ours and are left alone. The turns run one after another without savepoints
   * (a savepoint is a round trip per turn); when one throws, the whole transaction is rolled back and the batch runs
   * again in a new one, each turn after a savepoint: the failing one is rolled back alone and put back for a retry
   * in that transaction (parked after the commit when out of attempts), its neighbours commit once. Exposed for tests.
   */
  async processBatch(batch: readonly InboundMessage[]): Promise<void> {
    const abandoned = batch.filter((m) => this.abandoned(m));
    if (abandoned.length > 0) await Promise.all(abandoned.map((m) => this.parkAbandoned(m)));
    const messages = await this.worthPreparing(abandoned.length ? batch.filter((m) => !this.abandoned(m)) : batch);
    if (messages.length <= 1) return messages.length ? this.processOne(messages[0]!) : undefined;
    // One look-up for every sender not remembered (each is a different sender: no turn changes another's identity).
    const identities = await this.identities.resolveAll(
      this.stores.identities,
      messages.map((m) => parseSenderKey(m.sender)),
    );
    const prepared = await Promise.all(messages.map((m, i) => this.prepare(m, identities[i]!)));
    let turns = messages.map(newTurn);
    let taken: TakenMessages = NOTHING_TAKEN;
    let failed = false;
    try {
      let replies: WrittenReplies | null;
      try {
        replies = await this.runBatch(messages, identities, prepared, turns, false, (t) => {
          taken = t;
        });
      } catch (e) {
        if (!(e instanceof TurnFailed)) throw e;
        // A turn threw: nothing of the first run holds (its take neither); again, with a savepoint per turn.
        turns = messages.map(newTurn);
        taken = NOTHING_TAKEN;
        replies = await this.runBatch(messages, identities, prepared, turns, true, (t) => {
          taken = t;
        });
      }
      this.handOff(replies);
      this.follow(messages, taken);
    } catch (e) {
      // The transaction as a whole failed (commit, connection): nothing of it holds, each message is retried.
      failed = true;
      for (const t of turns) Object.assign(t, newTurn(), { error: t.error ?? (e as Error) });
    }
    await Promise.all(
      messages.map((m, i) => (failed || taken.attempts.has(m.id) ? this.settle(m, turns[i]!) : this.skipped(m))),
    );
  }

  /**
   * One transaction of a batch's turns. Without `savepoints`, a throwing turn aborts it (`TurnFailed`: the caller
   * runs the batch again with them); with them, a throwing turn is rolled back to its savepoint and put back for a
   * retry — the one extra statement of a failing turn.
   */
  private runBatch(
    messages: readonly InboundMessage[],
    identities: readonly Identity[],
    prepared: readonly unknown[],
    turns: readonly Turn[],
    savepoints: boolean,
    took: (taken: TakenMessages) => void,
  ): Promise<WrittenReplies | null> {
    return this.turns.transaction(async (scope, tx) => {
      // One clock for the take and the transaction's turns (the read ahead is for it). The rerun with savepoints
      // (rare: a turn threw) reads each turn its own way.
      const now = this.now();
      const ahead = savepoints
        ? undefined
        : this.step.readAhead?.(
            messages.map((message, i) => ({ message, identity: identities[i]!, prepared: prepared[i] })),
            now,
          );
      const taken = await this.take(scope.stores.inbound, messages, now, ahead);
      took(taken);
      for (const [i, message] of messages.entries()) {
        const attempts = taken.attempts.get(message.id);
        if (attempts === undefined) continue;
        const turn = turns[i]!;
        const run = () => this.turn(scope, message, identities[i]!, prepared[i], turn, now);
        if (!savepoints) {
          await run().catch((e: Error) => {
            throw new TurnFailed(e);
          });
          continue;
        }
        try {
          await tx.savepoint(run);
        } catch (e) {
          // Rolled back to its savepoint: nothing it wrote stays; put back to be retried (or parked after the commit).
          Object.assign(turn, newTurn(), { error: e as Error, recordedAttempts: attempts });
          await scope.stores.inbound.retry(message.id, this.retryAt(attempts), reasonOf(e as Error));
        }
      }
      // The successful turns' replies, in one insert (a turn rolled back to its savepoint left none), with the COMMIT.
      return this.writeReplies(scope.stores, tx, messages, turns);
    });
  }

  /**
   * Skips the handed messages `prepare` would work on in vain (found waiting behind their sender's earlier message:
   * the poll brings them back after it), so a message is prepared once per attempt here. Without a preparation
   * for them there is nothing to save: the take finds out.
   */
  private async worthPreparing(messages: readonly InboundMessage[]): Promise<readonly InboundMessage[]> {
    const step = this.step;
    const ask = step.prepare
      ? messages.filter((m) => isHanded(m) && step.preparesFor?.(m) !== false).map((m) => m.id)
      : [];
    if (ask.length === 0) return messages;
    const ok = new Set(await this.stores.inbound.takeable(ask, this.now()));
    const waiting = new Set(ask.filter((id) => !ok.has(id)));
    for (const m of messages) if (waiting.has(m.id)) this.skipped(m);
    return waiting.size ? messages.filter((m) => !waiting.has(m.id)) : messages;
  }

  /**
   * Takes `messages` in the transaction of `inbound`, reading `ahead` with them (see `InboundStore.take`): ids taken
   * → attempts.
   */
  private take(
    inbound: InboundStore,
    messages: readonly InboundMessage[],
    now: Date,
    ahead?: readonly TurnRequest[],
  ): Promise<TakenMessages> {
    const handed: number[] = [];
    const leased: number[] = [];
    for (const m of messages) (isHanded(m) ? handed : leased).push(m.id);
    return inbound.take(handed, leased, now, ahead);
  }

  /**
   * A message the transaction could not take: not ours. Someone else has it, or its sender's earlier message is
   * unfinished — whoever takes that one follows the sender here after its commit (`follow`), and the poll finds what a
   * crash leaves.
   */
  private skipped(message: InboundMessage): void {
    this.bus.inboundFinished(message.id);
  }

  /**
   * After a commit: each taken message's sender, unless this worker holds its next message already (`take`'s `next`),
   * is looked up once more (`InboundStore.heads`), and its head held here as handed when `take` could take it. Behind
   * a round-robin proxy a sender's next message is usually stored by another instance, whose take skipped it while
   * this one was unfinished; when it was stored during this transaction, only a look after the commit sees it (and
   * when it is stored after that look, the other instance's own take sees this one finished). One statement for the
   * transaction; with one instance it finds nothing (the next message, if any, was handed here).
   */
  private follow(messages: readonly InboundMessage[], taken: TakenMessages): void {
    if (!this.loop.active) return;
    const senders: string[] = [];
    const except: number[] = [];
    for (const m of messages) {
      if (!taken.attempts.has(m.id)) continue;
      const next = taken.next.get(m.id);
      if (next !== undefined && this.known.has(next)) continue;
      senders.push(m.sender);
      for (const q of this.queues.get(m.sender) ?? []) except.push(q.id);
    }
    if (senders.length === 0) return;
    // After what the commit set going (the replies' sends): the look-up is not on their path.
    setImmediate(() =>
      this.stores.inbound
        .heads(senders, except, this.now())
        .then((found) => {
          if (found.length === 0 || !this.loop.active) return;
          this.accept(found);
          this.loop.kick();
        })
        .catch((e: Error) => {
          this.pollWanted = true;
          this.opts.log?.error({ senders, err: e.message }, 'inbound follow failed');
        }),
    );
  }

  private retryAt(attempts: number): Date {
    return new Date(this.now().getTime() + Math.min(60_000, 500 * 2 ** attempts));
  }

  /**
   * A message's step in the caller's transaction; its replies are collected in `turn` (written by `writeReplies`
   * with the transaction's others), with what follows the commit.
   */
  private async turn(
    { stores, services }: TurnScope<Services>,
    message: InboundMessage,
    identity: Identity,
    prepared: unknown,
    turn: Turn,
    now: Date,
  ): Promise<void> {
    const notifier = outboxNotifier(
      stores,
      () => {
        turn.queued = true;
      },
      now,
    );
    const replies = await this.step({ services, message, identity, now, notifier, prepared });
    const route = replyRoute(identity);
    const holdUntil = new Date(now.getTime() + (this.opts.rephraseHoldMs ?? 6000));
    turn.replies.push(
      ...replies.flatMap((r, i): OutgoingMessage[] => {
        const dedupeKey = `reply:${message.id}:${i}`;
        const rephrase = this.opts.rephraser && r.rephrase;
        if (rephrase) turn.held.push({ dedupeKey, rephrase, route: route.route, format: r.format, body: r.body });
        const text = {
          recipient: recipientOf(identity),
          ...route,
          body: r.body,
          format: r.format,
          kind: 'reply',
          dedupeKey,
          inReplyTo: message.id,
          // Due at the turn's clock (the dispatcher compares with the same clock); a reply waiting for its
          // rephrasing is held briefly — should this process die, the template still goes out then.
          notBefore: rephrase ? holdUntil : now,
        };
        const card = route.route === 'mp' && r.card && this.opts.mpCards ? cardRow(r.card, this.opts.mpCards) : null;
        // The card follows its text (the outbox keeps a recipient's rows in order).
        return card ? [text, { ...text, ...card, kind: 'reply.card', dedupeKey: `${dedupeKey}:card` }] : [text];
      }),
    );
  }

  /**
   * The transaction's last statement: its replies in one insert, the COMMIT written with it (`commitWith`; without
   * replies the COMMIT goes alone). With a local dispatcher, the ones due at once are claimed at birth for it when
   * their recipient has nothing unfinished besides what it sends already (decided in the insert); the rest are
   * pending, found by the claim (their turns wake it after the commit). Only plain code on the inserted rows follows
   * the insert: nothing may run, nor throw, in a transaction that has committed.
   */
  private async writeReplies(
    stores: TurnScope<Services>['stores'],
    tx: TransactionControl,
    messages: readonly InboundMessage[],
    turns: readonly Turn[],
  ): Promise<WrittenReplies | null> {
    const now = this.now();
    const rows = replyRows(
      turns.flatMap((t) => t.replies),
      now,
      this.opts.handOff !== undefined,
    );
    if (rows.length === 0) return null;
    const reservation = this.opts.handOff?.reserve([
      ...new Set(rows.filter((r) => r.claimable).map((r) => recipientKey(r))),
    ]);
    if (!reservation) for (const r of rows) r.claimable = false;
    const inserted = await tx.commitWith(() =>
      stores.outbox.enqueueClaiming(rows, {
        now,
        until: reservation?.until ?? now,
        held: reservation?.held ?? [],
      }),
    );
    const waiting = new Set(inserted.filter((r) => r.status !== 'sending').map((r) => r.inReplyTo));
    for (const [i, m] of messages.entries()) if (waiting.has(m.id)) turns[i]!.queued = true;
    const claimed = inserted.filter((r) => r.status === 'sending');
    return reservation && claimed.length > 0 ? { claimed, reservation } : null;
  }

  /** After the commit: the replies claimed at birth go to the local dispatcher (no claim, no wake-up). */
  private handOff(replies: WrittenReplies | null): void {
    if (replies) this.opts.handOff?.handOff(replies.claimed, replies.reservation);
  }

  /** After the commit: rephrasings of held replies, or the failure recorded; then the wake-ups. */
  private async settle(message: InboundMessage, turn: Turn): Promise<void> {
    try {
      if (turn.error) turn.queued = (await this.recordFailure(message, turn)) || turn.queued;
      else for (const h of turn.held) await this.applyRephrasing(h);
    } finally {
      if (turn.queued) this.bus.outboxQueued();
      this.bus.inboundFinished(message.id);
    }
  }

  /** The step's slow preparation (the LLM), outside the transaction; a failure just means no preparation. */
  private async prepare(message: InboundMessage, identity: Identity): Promise<unknown> {
    if (!this.step.prepare || this.step.preparesFor?.(message) === false) return undefined;
    try {
      return await this.step.prepare({ services: this.turns.root.services, message, identity, now: this.now() });
    } catch {
      return undefined;
    }
  }

  /**
   * After commit: swaps in the model's grounded wording, or keeps the template, and releases the held reply. A
   * template long enough to be split is replaced as a whole: every part, rendered and split like the template.
   */
  private async applyRephrasing(h: HeldReply): Promise<void> {
    const r = h.rephrase;
    const worded = await this.opts.rephraser!({ text: r.text, facts: r.facts }).catch(() => null);
    const template = outgoingParts(h.route, h.body, h.format).parts;
    const keys = template.map((_, i) => partKey(h.dedupeKey, i));
    const bodies = worded ? outgoingParts(h.route, `${worded}${r.suffix ?? ''}`, h.format).parts : undefined;
    try {
      await this.stores.outbox.release(keys, this.now(), bodies);
    } catch (e) {
      // The turn is committed; the held template goes out when its hold ends.
      this.opts.log?.error({ reply: h.dedupeKey, err: (e as Error).message }, 'releasing a rephrased reply failed');
    }
  }

  /**
   * A failing message retries with backoff, then is parked with its error so it no longer blocks its sender. A
   * failure put back in its transaction is only parked here when out of attempts; a handed message rolled back with
   * its transaction is counted now (unless someone else has it by then).
   */
  private async recordFailure(message: InboundMessage, turn: Turn): Promise<boolean> {
    const error = turn.error!;
    const reason = reasonOf(error);
    let attempts = turn.recordedAttempts ?? message.attempts;
    if (turn.recordedAttempts === null && isHanded(message)) {
      const counted = await this.stores.inbound.failed(message.id, this.now(), this.retryAt(attempts + 1), reason);
      if (counted === null) return false;
      attempts = counted;
    }
    this.opts.log?.error({ inbound: message.id, attempts, err: reason }, 'inbound step failed');
    if (attempts < this.opts.maxAttempts) {
      if (turn.recordedAttempts === null && !isHanded(message))
        await this.stores.inbound.retry(message.id, this.retryAt(attempts), reason);
      return false;
    }
    return this.park(message, reason);
  }

  /**
   * Leased more times than it may be tried, though every failure it had was recorded: each of the extra leases ended
   * with its worker gone before the turn finished (the process crashed or was killed, or the lease ran out), so the
   * message may be what crashes the process. Parked unrun, as a failing one is, so it cannot take instance after
   * instance down. A handed message is never counted here: its take rolls back with a crash, and the poll's lease
   * counts it from then on.
   */
  private abandoned(m: InboundMessage): boolean {
    return !isHanded(m) && m.attempts > this.opts.maxAttempts;
  }

  private async parkAbandoned(message: InboundMessage): Promise<void> {
    const reason = `abandoned: leased ${message.attempts} times, its worker stopped before the turn finished each time`;
    this.opts.log?.error({ inbound: message.id, attempts: message.attempts }, 'inbound message abandoned: parked');
    let queued = false;
    try {
      queued = await this.park(message, reason);
    } catch (e) {
      // Still leased: the poll finds it again once the lease ends, and parks it then.
      this.opts.log?.error({ inbound: message.id, err: (e as Error).message }, 'parking an abandoned message failed');
    } finally {
      if (queued) this.bus.outboxQueued();
      this.bus.inboundFinished(message.id);
    }
  }

  /** Parks `message` with `reason`, telling its sender (and a dealer's manager, with a follow-up) in one transaction. */
  private park(message: InboundMessage, reason: string): Promise<boolean> {
    const texts = this.opts.texts;
    return this.turns.transaction(async ({ stores }) => {
      await stores.inbound.park(message.id, reason);
      const { channel, externalId } = parseSenderKey(message.sender);
      const identity = await stores.identities.resolve(channel, externalId);
      const queued = await enqueue(stores.outbox, [
        {
          recipient: recipientOf(identity),
          ...replyRoute(identity),
          body: identity.kind === 'dealer' ? texts.parkedToDealer : texts.parkedToOthers,
          kind: 'reply.parked',
          dedupeKey: `parked:${message.id}`,
          inReplyTo: message.id,
        },
      ]);
      // The dealer was told their manager follows up: make it so (a follow-up item and a note in the alert chat).
      if (identity.kind === 'dealer' && queued > 0) {
        await stores.followups.add({
          managerCode: identity.managerCode,
          dealerCode: identity.dealerCode,
          body: message.content ?? '',
        });
        await outboxNotifier(stores).toManagerChat(
          identity.managerCode,
          texts.parkedAlert(identity.dealerName, identity.dealerCode, message.content ?? ''),
          { dedupeKey: `parked.alert:${message.id}`, kind: 'followup' },
        );
      }
      return queued > 0;
    });
  }
}

/** What a turn leaves for after its commit. */
interface Turn {
  queued: boolean;
  /** The turn's replies, written with the transaction's others before its commit. */
  replies: OutgoingMessage[];
  held: HeldReply[];
  error: Error | null;
  /** The failure was put back in the committed transaction, after this many attempts (null: not recorded yet). */
  recordedAttempts: number | null;
}
const newTurn = (): Turn => ({ queued: false, replies: [], held: [], error: null, recordedAttempts: null });

/** Replies inserted claimed at birth, for the local dispatcher after the commit. */
interface WrittenReplies {
  claimed: OutboxMessage[];
  reservation: Reservation;
}

/** A turn of a batch run without savepoints threw: the transaction is rolled back and the batch run again with them. */
class TurnFailed extends Error {
  constructor(readonly turnError: Error) {
    super(turnError.message);
  }
}

/** `take`'s answer when the transaction failed before it. */
const NOTHING_TAKEN: TakenMessages = { attempts: new Map(), next: new Map() };

/** Handed over in memory (pending, never leased), as opposed to leased by the poll's claim. */
const isHanded = (m: InboundMessage): boolean => m.status === 'pending';

const reasonOf = (e: Error): string => `${e.name}: ${e.message}`.slice(0, 500);

/** A reply enqueued held (due later) while the model rephrases it after the commit. */
interface HeldReply {
  dedupeKey: string;
  rephrase: NonNullable<StepReply['rephrase']>;
  route: Route['route'];
  format: StepReply['format'];
  /** The template body as enqueued: its parts are the rows held. */
  body: string;
}
