import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { PipelineStores, UnitOfWork } from '../../core/messaging/ports.js';
import type { OutboxMessage, OutboxRoute } from '../../core/messaging/types.js';
import type { PipelineBus } from './bus.js';
import { pipelineMetrics } from './metrics.js';
import { enqueue, recipientKey, routeToManager } from './outbox.js';
import { PollLoop } from './poll-loop.js';
import { SentMarks } from './sent-marks.js';
import type { PipelineTexts } from '../replies/pipeline.replies.js';
import {
  DeferDelivery,
  sandboxTransport,
  sendInMpWindow,
  takeKfSlot,
  sendWithinRate,
  type Transport,
  UnreachableRecipient,
} from './transports.js';

export interface DispatcherOptions {
  kv: KeyValueStore;
  /** null: no WeCom configured, every route delivers into the sandbox (the routing decisions still apply). */
  transports: { wecom_app: Transport; wecom_appchat: Transport; wecom_webhook: Transport } | null;
  kf: ((row: OutboxMessage, openKfid: string) => Promise<void>) | null;
  /** Mini-program replies (null: not configured; rows still respect the window, then land in the sandbox). */
  mp?: ((row: OutboxMessage) => Promise<void>) | null;
  /** The notice a manager gets for a dealer out of reach (bot/replies). */
  texts: Pick<PipelineTexts, 'unreachable' | 'undelivered'>;
  maxAttempts: number;
  batchSize?: number;
  /** Rows of one recipient per claim (default 20, a group robot's minute): a backlog leaves room for the others. */
  perRecipient?: number;
  pollMs?: number;
  leaseMs?: number;
  now?: () => Date;
  /** Fixed delay between tries to record "sent" (tests); default a backoff from 250 ms. */
  recordRetryMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Routes on which WeCom drops a repeated send (app message duplicate check, KF client msgid). */
const DEDUPLICATED_ROUTES = new Set<OutboxRoute>(['wecom_app', 'kf']);
/** A group robot's minute: a claim takes no more of one recipient's rows than a robot may send in a minute. */
const DEFAULT_PER_RECIPIENT = 20;
/** Tries to record "sent" (about 4 s in all with the default backoff), well inside the lease. */
const SENT_RECORD_TRIES = 5;

function backoffMs(attempts: number): number {
  const base = Math.min(10 * 60_000, 1000 * 2 ** (attempts - 1));
  return base / 2 + Math.random() * (base / 2);
}

/**
 * What the worker agrees with the dispatcher before inserting a transaction's replies (`reserve`): the rows this
 * instance already sends to those recipients (a reply may be claimed at birth behind them) and the lease. After the
 * commit the rows claimed at birth are handed over with it (`handOff`).
 */
export interface Reservation {
  held: readonly number[];
  until: Date;
  /** Releases recorded up to the reservation: a later one of the same recipient turns its hand-off back. */
  epoch: number;
}

/** The local dispatcher as the worker sees it: replies claimed at birth go to it in memory, without a claim. */
export interface ReplyHandOff {
  /**
   * For the recipients `keys` (`recipientKey`): the rows held in memory for them and the lease to claim with; null
   * when the dispatcher is not running or holds a batch of rows already (the replies are then inserted pending,
   * for a claim).
   */
  reserve(keys: readonly string[]): Reservation | null;
  /** After the commit: rows claimed at birth under `reservation` join their recipients' queues. */
  handOff(rows: readonly OutboxMessage[], reservation: Reservation): void;
}

/** A row held in memory, waiting its turn in its recipient's queue (or being sent). */
interface Held {
  row: OutboxMessage;
  /** Called once the row is settled (sent, retried, dead, handed over) or put back. */
  done(): void;
}

/** One recipient's rows in memory, sent one after another in id order. */
interface RecipientQueue {
  items: Held[];
  /** Work was queued while this recipient was busy: a claim may have skipped their rows, claim when done. */
  claimAfter: boolean;
}

/**
 * Sends due outbox rows. Rows come from two doors: the claim (FOR UPDATE SKIP LOCKED and a lease, so several
 * instances share the work and a crashed sender's rows are taken over when the lease runs out) and the local
 * worker's hand-off of replies it inserted already claimed (`ReplyHandOff`: no claim for them). Both join one
 * per-recipient queue in memory: a recipient's rows go out one after another, different recipients concurrently;
 * when a row must wait (a retry, a deferral) the rows behind it are put back with it. Failures retry with backoff
 * and are dead-lettered with their reason after `maxAttempts`.
 */
export class OutboxDispatcher implements ReplyHandOff {
  private readonly loop: PollLoop;
  private readonly now: () => Date;
  private readonly stores: PipelineStores;
  private readonly sentMarks: SentMarks;
  private readonly queues = new Map<string, RecipientQueue>();
  /** Rows in the queues: a claim takes no more than a batch less these. */
  private held = 0;
  /** A pass claimed nothing because a batch was held: claim again once rows settle. */
  private capped = false;
  /** Recipients whose queue was put back (a retry or deferral), with when and until when (see `Reservation`). */
  private readonly released = new Map<string, { epoch: number; until: Date; at: number }>();
  private epoch = 0;

  constructor(
    private readonly pipeline: UnitOfWork<PipelineStores>,
    private readonly bus: PipelineBus,
    private readonly opts: DispatcherOptions,
  ) {
    this.stores = pipeline.root;
    this.sentMarks = new SentMarks(this.stores.outbox);
    this.now = opts.now ?? (() => new Date());
    this.loop = new PollLoop(
      bus,
      'outbox',
      () => this.pump(),
      opts.pollMs ?? 500,
      (e) => this.opts.log?.error({ err: e.message }, 'outbox dispatch failed'),
    );
  }

  start(): void {
    this.bus.on('outbox', this.queued);
    this.loop.start();
  }

  /** Stops claiming and waits for the rows held in memory to settle. */
  async stop(): Promise<void> {
    this.bus.off('outbox', this.queued);
    await this.loop.stop();
    while (this.queues.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** For a single-process database (PGlite): rows a crashed run left "sending" are due again at once. */
  releaseStaleLeases(): Promise<number> {
    return this.stores.outbox.releaseLeases();
  }

  /**
   * Claims and sends one batch; returns how many rows it claimed. Recipients are served in parallel, each
   * recipient's messages one after another in order (the parts of a split message, a reply's bubbles); when one
   * must wait, the ones behind it wait with it.
   */
  async runOnce(): Promise<number> {
    // Hand-offs may hold more than a batch: then nothing is claimed.
    const free = this.batchSize - this.held;
    const rows = free > 0 ? await this.claim(free) : [];
    await this.accept(rows, true);
    return rows.length;
  }

  reserve(keys: readonly string[]): Reservation | null {
    // A batch held already (WeCom slow): the replies wait in the outbox, as the claim leaves rows there.
    if (!this.loop.active || this.held >= this.batchSize) return null;
    const held: number[] = [];
    for (const key of keys) for (const h of this.queues.get(key)?.items ?? []) held.push(h.row.id);
    return { held, until: new Date(this.now().getTime() + this.leaseMs), epoch: this.epoch };
  }

  handOff(rows: readonly OutboxMessage[], reservation: Reservation): void {
    if (rows.length === 0 || !this.loop.active) return;
    // The commit came after the lease: the claim path may hold them already (it takes them in any case).
    if (this.now() >= reservation.until) {
      this.loop.kick();
      return;
    }
    const accepted: OutboxMessage[] = [];
    for (const row of rows) {
      const released = this.released.get(recipientKey(row));
      if (!released || released.epoch <= reservation.epoch) accepted.push(row);
      // A row they were claimed behind was put back meanwhile (a retry): they wait with it, as if queued behind.
      else
        this.postpone(row, released.until).catch((e: Error) =>
          this.opts.log?.error({ outbox: row.id, err: e.message }, 'outbox hand-off: could not put back'),
        );
    }
    void this.accept(accepted);
  }

  private get batchSize(): number {
    return this.opts.batchSize ?? 128;
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? 60_000;
  }

  /** Work was queued (bus): the recipients busy now may have rows a claim skips; claim again when they are done. */
  private readonly queued = (): void => {
    for (const q of this.queues.values()) q.claimAfter = true;
  };

  /**
   * The running loop: claims while fewer than a batch of rows are held, so a slow call holds up only its own
   * recipient (the claim skips recipients with a send in flight). Runs when work is queued, when a recipient the
   * claim may have skipped is done, and on the poll; rows handed over by the worker need none of it.
   */
  private async pump(): Promise<void> {
    while (this.loop.active) {
      if (this.held >= this.batchSize) {
        this.capped = true;
        return;
      }
      const rows = await this.claim(this.batchSize - this.held);
      if (rows.length === 0) return;
      void this.accept(rows, true);
    }
  }

  /**
   * Adds claimed rows to their recipients' queues (starting a queue's sender when it is new). Rows of a claim
   * (`claimed`) may have more of their recipient behind them (a claim takes at most `perRecipient`): claim again
   * when the recipient is done. The promise settles once every row did.
   */
  private accept(rows: readonly OutboxMessage[], claimed = false): Promise<void> {
    const done: Promise<void>[] = [];
    for (const row of rows) {
      const key = recipientKey(row);
      let queue = this.queues.get(key);
      const isNew = !queue;
      queue ??= { items: [], claimAfter: false };
      if (isNew) this.queues.set(key, queue);
      const q = queue;
      if (claimed) q.claimAfter = true;
      done.push(new Promise<void>((resolve) => q.items.push({ row, done: resolve })));
      this.held++;
      if (isNew) void this.drain(key, q);
    }
    return Promise.all(done).then(() => undefined);
  }

  /**
   * Sends a recipient's queue in order until it is empty; rows handed over meanwhile join it. When a row must wait,
   * the rows behind it are put back until then, and the recipient is recorded as released (see `handOff`).
   */
  private async drain(key: string, queue: RecipientQueue): Promise<void> {
    let retryAt: Date | null = null;
    let recorded = true;
    try {
      while (queue.items.length > 0) {
        retryAt = await this.deliver(queue.items[0]!.row);
        if (retryAt) break;
        this.settled(queue.items.shift()!);
      }
    } catch (e) {
      // The database went away while settling a row (recording a retry, a dead letter, a postponement): the rows
      // keep their lease and are claimed again when it runs out.
      recorded = false;
      retryAt = this.now();
      this.opts.log?.error(
        { outbox: queue.items.map((h) => h.row.id), err: (e as Error).message },
        'outbox send: could not record',
      );
    }
    // Synchronously with the last row leaving: a reservation from now on holds none of these.
    this.queues.delete(key);
    const rest = queue.items.splice(0);
    if (rest.length > 0 && retryAt) {
      this.epoch++;
      const at = Date.now();
      for (const [k, r] of this.released) if (r.at < at - this.leaseMs) this.released.delete(k);
      this.released.set(key, { epoch: this.epoch, until: retryAt, at });
      this.settled(rest[0]!);
      for (const h of rest.slice(1)) {
        if (recorded)
          await this.postpone(h.row, retryAt).catch((e: Error) =>
            this.opts.log?.error({ outbox: h.row.id, err: e.message }, 'outbox send: could not record'),
          );
        this.settled(h);
      }
    }
    if (queue.claimAfter || (this.capped && this.held < this.batchSize)) {
      this.capped = false;
      this.loop.kick();
    }
  }

  private settled(h: Held): void {
    this.held--;
    h.done();
  }

  private claim(limit: number): Promise<OutboxMessage[]> {
    const now = this.now();
    const until = new Date(now.getTime() + this.leaseMs);
    return this.stores.outbox.claim(now, until, limit, this.opts.perRecipient ?? DEFAULT_PER_RECIPIENT);
  }

  /** Sends one row; returns when it will be tried again, or null once it is settled (sent, dead, handed over). */
  private async deliver(row: OutboxMessage): Promise<Date | null> {
    const now = this.now();
    try {
      if (row.route === 'followup') throw new UnreachableRecipient('routed to a manager follow-up');
      if (row.route === 'kf') {
        const openKfid = await takeKfSlot(this.stores.kf, row.address, now);
        if (this.opts.kf) {
          try {
            await this.opts.kf(row, openKfid);
          } catch (e) {
            // Give the send back, so a few failed calls do not close the window early.
            await this.stores.kf.releaseSlot(row.address);
            throw e;
          }
        }
      } else if (row.route === 'mp') {
        await sendInMpWindow(this.stores.mp, row, now, this.opts.mp ?? null);
      } else if (row.route === 'sandbox' || !this.opts.transports) {
        await sandboxTransport.send(row);
      } else {
        await sendWithinRate(this.opts.kv, this.opts.transports[row.route], row, now);
      }
    } catch (e) {
      const error = e as Error;
      if (!(error as { timedOut?: boolean }).timedOut) return this.fail(row, error);
      // Timed out: WeCom may have delivered it. Send again only where WeCom drops the duplicate.
      pipelineMetrics.increment('outbox_send_unknown');
      if (DEDUPLICATED_ROUTES.has(row.route)) {
        pipelineMetrics.increment('outbox_resend_after_unknown');
        return this.fail(row, error);
      }
      pipelineMetrics.increment('outbox_unknown_not_resent');
      this.opts.log?.warn(
        { outbox: row.id, route: row.route },
        'outbox send timed out; not resent (no duplicate check)',
      );
    }
    await this.recordSent(row, now);
    this.bus.outboxSettled(row.inReplyTo);
    return null;
  }

  /**
   * Records a delivered row. A failure here (the database dropping) would send it again after the lease, so the
   * record is retried for a while first; a row still unrecorded is counted (WeCom's duplicate check then drops the
   * resend on app messages and KF).
   */
  private async recordSent(row: OutboxMessage, now: Date): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Sends settling together are recorded in one statement.
        await this.sentMarks.mark(row.id, now);
        if (attempt > 0) pipelineMetrics.increment('outbox_sent_mark_retried');
        return;
      } catch (e) {
        if (attempt + 1 >= SENT_RECORD_TRIES) {
          pipelineMetrics.increment('outbox_sent_unrecorded');
          this.opts.log?.error({ outbox: row.id, err: (e as Error).message }, 'sent, but could not record it');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.opts.recordRetryMs ?? 250 * 2 ** attempt));
      }
    }
  }

  /** Puts a claimed row back without spending an attempt. */
  private postpone(row: OutboxMessage, until: Date): Promise<void> {
    return this.stores.outbox.postpone(row.id, until);
  }

  private async fail(row: OutboxMessage, error: Error): Promise<Date | null> {
    if (error instanceof DeferDelivery) {
      await this.postpone(row, error.retryAt);
      return error.retryAt;
    }
    if (error instanceof UnreachableRecipient) {
      await this.handOver(row, error.reason);
      return null;
    }
    const retryable = (error as { retryable?: boolean }).retryable !== false;
    const reason = `${error.name}: ${error.message}`.slice(0, 500);
    if (!retryable || row.attempts >= this.opts.maxAttempts) {
      this.opts.log?.error({ outbox: row.id, route: row.route, err: reason }, 'outbox message dead-lettered');
      // A dealer who never got this message must reach their manager: the dead row raises a follow-up.
      await this.handOver(row, reason, 'dead');
      return null;
    }
    this.opts.log?.warn(
      { outbox: row.id, route: row.route, attempts: row.attempts, err: reason },
      'outbox send failed, will retry',
    );
    // From the attempt's end: a send that took 7 s to fail still waits its full backoff.
    const retryAt = new Date(this.now().getTime() + backoffMs(row.attempts));
    await this.stores.outbox.retry(row.id, reason, retryAt);
    return retryAt;
  }

  /**
   * A dealer out of reach (or whose message was dead-lettered: `outcome` 'dead') becomes a follow-up item for their
   * account manager: nothing is dropped silently. A row to anyone else is dead-lettered as it is.
   */
  private async handOver(row: OutboxMessage, reason: string, outcome: 'followup' | 'dead' = 'followup'): Promise<void> {
    await this.pipeline.transaction(async (tx) => {
      const dealer = await tx.recipients.dealer(row.recipient);
      if (!dealer) {
        await tx.outbox.markDead(row.id, outcome === 'dead' ? reason : `unreachable: ${reason}`);
        return;
      }
      await tx.followups.add({
        managerCode: dealer.managerCode,
        dealerCode: dealer.code,
        body: row.body,
        outboxId: row.id,
      });
      if (outcome === 'dead') await tx.outbox.markDead(row.id, reason);
      else await tx.outbox.markFollowup(row.id, reason);
      await enqueue(tx.outbox, [
        {
          recipient: dealer.managerCode,
          ...(await routeToManager(tx.recipients, dealer.managerCode, true)),
          body: this.opts.texts[outcome === 'dead' ? 'undelivered' : 'unreachable'](dealer.name, dealer.code, row.body),
          kind: 'followup',
          dedupeKey: `followup:${row.id}`,
        },
      ]);
    });
    this.bus.outboxSettled(row.inReplyTo);
    this.bus.outboxQueued();
  }
}
