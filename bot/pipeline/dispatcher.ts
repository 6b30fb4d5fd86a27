import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { PipelineStores, UnitOfWork } from '../../core/messaging/ports.js';
import type { OutboxMessage, OutboxRoute } from '../../core/messaging/types.js';
import type { PipelineBus } from './bus.js';
import { pipelineMetrics } from './metrics.js';
import { enqueue, routeToManager } from './outbox.js';
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
 * Sends due outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several instances share the
 * work and a crashed sender's rows are taken over when the lease runs out. Failures retry with backoff and are
 * dead-lettered with their reason after `maxAttempts`.
 */
export class OutboxDispatcher {
  private readonly loop: PollLoop;
  private readonly now: () => Date;
  private readonly stores: PipelineStores;
  private readonly sentMarks: SentMarks;

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
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
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
    const rows = await this.claim(this.opts.batchSize ?? 128);
    await Promise.all(this.sendQueues(rows).map((q) => q.done));
    return rows.length;
  }

  /**
   * The running loop: claims while fewer than a batch of rows are in flight, so a slow call holds up only its own
   * recipient (the claim skips recipients with a send in flight). Wakes when a send settles or new work is queued.
   */
  private async pump(): Promise<void> {
    const batchSize = this.opts.batchSize ?? 128;
    const inFlight = new Set<Promise<void>>();
    let rowsInFlight = 0;
    // One wake-up for the loop (a send settled, or work was queued); one that comes while the loop is busy is kept.
    let wake: (() => void) | null = null;
    let poked = false;
    const poke = () => {
      poked = true;
      wake?.();
    };
    this.bus.on('outbox', poke);
    try {
      while (this.loop.active) {
        poked = false;
        const rows = rowsInFlight < batchSize ? await this.claim(batchSize - rowsInFlight) : [];
        for (const queue of this.sendQueues(rows)) {
          rowsInFlight += queue.size;
          const sending = queue.done.finally(() => {
            rowsInFlight -= queue.size;
            inFlight.delete(sending);
            poke();
          });
          inFlight.add(sending);
        }
        if (rows.length > 0) continue;
        if (inFlight.size === 0) return;
        if (!poked)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        wake = null;
        // Sends settling in the same turn of the event loop free their slots together: one claim for them all.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.bus.off('outbox', poke);
      await Promise.all(inFlight);
    }
  }

  /** Starts each recipient's queue; a queue's promise settles when its rows are settled or postponed. */
  private sendQueues(rows: OutboxMessage[]): Array<{ size: number; done: Promise<void> }> {
    const byRecipient = new Map<string, OutboxMessage[]>();
    for (const r of rows) {
      const key = `${r.route}:${r.address}`;
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), r]);
    }
    return [...byRecipient.values()].map((queue) => ({
      size: queue.length,
      done: (async () => {
        for (let i = 0; i < queue.length; i++) {
          const retryAt = await this.deliver(queue[i]!);
          if (retryAt) {
            for (const later of queue.slice(i + 1)) await this.postpone(later, retryAt);
            return;
          }
        }
      })().catch((e: Error) => {
        // The database went away while settling a row (recording a retry, a dead letter, a postponement). Nobody
        // awaits a running queue, so a rejection here would end the process; the rows keep their lease and are
        // claimed again when it runs out.
        this.opts.log?.error({ outbox: queue.map((r) => r.id), err: e.message }, 'outbox send: could not record');
      }),
    }));
  }

  private claim(limit: number): Promise<OutboxMessage[]> {
    const now = this.now();
    const until = new Date(now.getTime() + (this.opts.leaseMs ?? 60_000));
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
