import type { Notifier } from '../../core/common/notifier.port.js';
import type { PipelineStores, TurnScope, UnitOfWork } from '../../core/messaging/ports.js';
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
};

/** Rewords a template explanation, or null to keep the template (see bot/replies/rephrase.ts). */
export type Rephraser = (template: { text: string; facts: readonly string[] }) => Promise<string | null>;

export interface WorkerOptions {
  /** Messages in flight at once (each the head of its sender's queue). */
  concurrency: number;
  /**
   * Up to this many claimed messages (of different senders) share one transaction, each after its own savepoint:
   * one commit for all of them; a failing one is rolled back alone (default 8).
   */
  turnsPerTransaction?: number;
  maxAttempts: number;
  /** How long a claimed message stays ours before another instance may take it over. */
  leaseMs?: number;
  pollMs?: number;
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
 * sender can be claimed), different senders in parallel. Each message's step, replies and "done" mark commit in
 * one transaction, so a crash anywhere means the message is simply processed again, once.
 */
export class InboundWorker<Services> {
  private inFlight = 0;
  private readonly loop: PollLoop;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly stores: PipelineStores;
  private readonly identities: IdentityCache;

  constructor(
    private readonly turns: UnitOfWork<TurnScope<Services>>,
    private readonly step: ConversationStep<Services>,
    private readonly bus: PipelineBus,
    private readonly opts: WorkerOptions,
  ) {
    this.stores = turns.root.stores;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
    this.identities = new IdentityCache(opts.identityTtlMs);
    this.loop = new PollLoop(
      bus,
      'inbound',
      () => this.fill(),
      opts.pollMs ?? 500,
      (e) => this.opts.log?.error({ err: e.message }, 'inbound claim failed'),
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming new work and waits for the messages in flight. */
  async stop(): Promise<void> {
    await this.loop.stop();
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** For a single-process database (PGlite): leases left by a crashed run can be taken back at once. */
  releaseStaleLeases(): Promise<number> {
    return this.stores.inbound.releaseLeases();
  }

  /**
   * Claims messages while there are free slots and hands them out in transactions of up to `turnsPerTransaction`
   * (sizes balanced, so they run in parallel on as many connections); each finished transaction frees its slots
   * and wakes the loop.
   */
  private async fill(): Promise<void> {
    const perTransaction = Math.max(1, this.opts.turnsPerTransaction ?? 8);
    let claimed = 0;
    do {
      const free = this.opts.concurrency - this.inFlight;
      if (free <= 0 || !this.loop.active) break;
      const batch = await this.claim(free);
      claimed = batch.length;
      const groups = Math.ceil(batch.length / perTransaction);
      for (let g = 0; g < groups; g++) {
        const group = batch.slice(
          Math.floor((g * batch.length) / groups),
          Math.floor(((g + 1) * batch.length) / groups),
        );
        this.inFlight += group.length;
        this.processBatch(group)
          // Even recording the failure failed (database gone): the lease runs out and the message is retried.
          .catch((e: Error) =>
            this.opts.log?.error({ inbound: group.map((m) => m.id), err: e.message }, 'inbound bookkeeping failed'),
          )
          .finally(() => {
            this.inFlight -= group.length;
            this.loop.kick();
          });
      }
    } while (claimed > 0);
  }

  /** Claims up to `limit` messages, each the head of its sender's queue, skipping rows another instance holds. */
  claim(limit: number): Promise<InboundMessage[]> {
    const now = this.now();
    return this.stores.inbound.claim(now, new Date(now.getTime() + this.leaseMs), limit);
  }

  /** Handles one claimed message in a transaction of its own; exposed for tests that drive the pipeline. */
  async process(message: InboundMessage): Promise<void> {
    const turn = newTurn();
    try {
      // Resolved once, before `prepare` and the transaction: both use it (usually remembered, see IdentityCache).
      const { channel, externalId } = parseSenderKey(message.sender);
      const identity = await this.identities.resolve(this.stores.identities, channel, externalId);
      const prepared = await this.prepare(message, identity);
      const replies = await this.turns.transaction(async (scope) => {
        await this.turn(scope, message, identity, prepared, turn);
        const written = await this.writeReplies(scope.stores, [message], [turn]);
        // Someone else finished it after our lease ran out: roll back so nothing is sent twice.
        if (!(await scope.stores.inbound.finish(message.id, this.now()))) throw new LeaseLostError();
        return written;
      });
      this.handOff(replies);
    } catch (e) {
      if (e instanceof LeaseLostError) return this.bus.inboundFinished(message.id);
      turn.error = e as Error;
    }
    await this.settle(message, turn);
  }

  /**
   * Handles claimed messages of different senders in one transaction: one commit for all, each message's step,
   * replies and "done" mark together in it. Each turn runs after a savepoint: a failing one is rolled back alone
   * and retried or parked after the commit, its neighbours commit. The messages are locked first, so a lease lost
   * to another instance is found before any work (and none can be lost after). Exposed for tests.
   */
  async processBatch(messages: readonly InboundMessage[]): Promise<void> {
    if (messages.length === 1) return this.process(messages[0]!);
    const turns = messages.map(newTurn);
    // One look-up for every sender not remembered (each is a different sender: no turn changes another's identity).
    const identities = await this.identities.resolveAll(
      this.stores.identities,
      messages.map((m) => parseSenderKey(m.sender)),
    );
    const prepared = await Promise.all(messages.map((m, i) => this.prepare(m, identities[i]!)));
    let lost = new Set<number>();
    try {
      const replies = await this.turns.transaction(async (scope, tx) => {
        const ours = new Set(await scope.stores.inbound.lockClaimed(messages.map((m) => m.id)));
        lost = new Set(messages.filter((m) => !ours.has(m.id)).map((m) => m.id));
        const done: number[] = [];
        for (const [i, message] of messages.entries()) {
          if (lost.has(message.id)) continue;
          const turn = turns[i]!;
          try {
            await tx.savepoint(() => this.turn(scope, message, identities[i]!, prepared[i], turn));
            done.push(message.id);
          } catch (e) {
            // Rolled back to its savepoint: nothing it wrote stays; it is retried or parked after the commit.
            Object.assign(turn, newTurn(), { error: e as Error });
          }
        }
        // The successful turns' replies, in one insert (a turn rolled back to its savepoint left none).
        const written = await this.writeReplies(scope.stores, messages, turns);
        if ((await scope.stores.inbound.finishAll(done, this.now())) !== done.length)
          throw new Error('a locked message could not be finished');
        return written;
      });
      this.handOff(replies);
    } catch (e) {
      // The transaction as a whole failed (commit, connection): nothing of it holds, each message is retried.
      for (const t of turns) Object.assign(t, newTurn(), { error: t.error ?? (e as Error) });
    }
    await Promise.all(
      messages.map((m, i) => (lost.has(m.id) ? this.bus.inboundFinished(m.id) : this.settle(m, turns[i]!))),
    );
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
  ): Promise<void> {
    const now = this.now();
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
   * Before the commit: the transaction's replies in one insert. With a local dispatcher, the ones due at once are
   * claimed at birth for it when their recipient has nothing unfinished besides what it sends already (decided in
   * the insert); the rest are pending, found by the claim (their turns wake it after the commit).
   */
  private async writeReplies(
    stores: TurnScope<Services>['stores'],
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
    const inserted = await stores.outbox.enqueueClaiming(rows, {
      now,
      until: reservation?.until ?? now,
      held: reservation?.held ?? [],
    });
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
      if (turn.error) turn.queued = (await this.recordFailure(message, turn.error)) || turn.queued;
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

  /** A failing message retries with backoff, then is parked with its error so it no longer blocks its sender. */
  private async recordFailure(message: InboundMessage, error: Error): Promise<boolean> {
    const reason = `${error.name}: ${error.message}`.slice(0, 500);
    this.opts.log?.error({ inbound: message.id, attempts: message.attempts, err: reason }, 'inbound step failed');
    if (message.attempts < this.opts.maxAttempts) {
      const retryAt = new Date(this.now().getTime() + Math.min(60_000, 500 * 2 ** message.attempts));
      await this.stores.inbound.retry(message.id, retryAt, reason);
      return false;
    }
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

class LeaseLostError extends Error {}

/** What a turn leaves for after its commit. */
interface Turn {
  queued: boolean;
  /** The turn's replies, written with the transaction's others before its commit. */
  replies: OutgoingMessage[];
  held: HeldReply[];
  error: Error | null;
}
const newTurn = (): Turn => ({ queued: false, replies: [], held: [], error: null });

/** Replies inserted claimed at birth, for the local dispatcher after the commit. */
interface WrittenReplies {
  claimed: OutboxMessage[];
  reservation: Reservation;
}

/** A reply enqueued held (due later) while the model rephrases it after the commit. */
interface HeldReply {
  dedupeKey: string;
  rephrase: NonNullable<StepReply['rephrase']>;
  route: Route['route'];
  format: StepReply['format'];
  /** The template body as enqueued: its parts are the rows held. */
  body: string;
}
