import { type Kysely, sql } from 'kysely';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { Database, InboundRow } from '../../db/schema.js';
import type { PipelineBus } from './bus.js';
import { type Identity, parseSenderKey, resolveIdentity } from './identity.js';
import { enqueue, MAX_MESSAGE_BYTES, outboxNotifier, type Route } from './outbox.js';
import { PollLoop, releaseLeases } from './poll-loop.js';

export interface StepInput {
  /** The turn's transaction: everything the step writes commits together with its replies, or not at all. */
  db: Kysely<Database>;
  message: InboundRow;
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
}

/**
 * One conversation turn inside the worker's transaction. `prepare`, when present, runs first on the plain database
 * handle — for work too slow to do while holding a transaction (PGlite has a single connection).
 */
export type ConversationStep = ((input: StepInput) => Promise<StepReply[]>) & {
  prepare?: (input: { db: Kysely<Database>; message: InboundRow; now: Date }) => Promise<unknown>;
};

/** Rewords a template explanation, or null to keep the template (see bot/replies/rephrase.ts). */
export type Rephraser = (template: { text: string; facts: readonly string[] }) => Promise<string | null>;

export interface WorkerOptions {
  concurrency: number;
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
}

const PARKED_REPLY = '抱歉，这条消息暂时没能处理成功，已记录下来并转给您的客户经理跟进。您也可以稍后再试。';
const PARKED_REPLY_OTHERS = '抱歉，这条消息暂时没能处理成功，已记录下来。请稍后再试。';
const parkedAlert = (name: string, code: string, text: string) =>
  `【待跟进】${name}（${code}）的一条消息系统未能处理，请人工回复：\n“${text.slice(0, 300)}”`;

/** Where a reply to an inbound message goes: back on the channel it came from. */
function replyRoute(identity: Identity): Route {
  switch (identity.channel) {
    case 'wecom':
      return { route: 'wecom_app', address: identity.externalId };
    case 'kf':
      return { route: 'kf', address: identity.externalId };
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
export class InboundWorker {
  private inFlight = 0;
  private readonly loop: PollLoop;
  private readonly leaseMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly step: ConversationStep,
    private readonly bus: PipelineBus,
    private readonly opts: WorkerOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.now = opts.now ?? (() => new Date());
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
    return releaseLeases(this.db, 'inbound_messages', 'processing');
  }

  /** Claims messages while there are free slots; each finished message frees a slot and wakes the loop. */
  private async fill(): Promise<void> {
    let claimed = 0;
    do {
      const free = this.opts.concurrency - this.inFlight;
      if (free <= 0 || !this.loop.active) break;
      const batch = await this.claim(free);
      claimed = batch.length;
      for (const m of batch) {
        this.inFlight++;
        this.process(m)
          // Even recording the failure failed (database gone): the lease runs out and the message is retried.
          .catch((e: Error) => this.opts.log?.error({ inbound: m.id, err: e.message }, 'inbound bookkeeping failed'))
          .finally(() => {
            this.inFlight--;
            this.loop.kick();
          });
      }
    } while (claimed > 0);
  }

  /** Claims up to `limit` messages, each the head of its sender's queue, skipping rows another instance holds. */
  async claim(limit: number): Promise<InboundRow[]> {
    const now = this.now();
    const until = new Date(now.getTime() + this.leaseMs);
    return this.db.transaction().execute(async (trx) => {
      const heads = await sql<{ id: number }>`
        select m.id from inbound_messages m
        where m.status in ('pending', 'processing')
          and (m.locked_until is null or m.locked_until < ${now})
          and not exists (
            select 1 from inbound_messages p
            where p.sender = m.sender and p.status in ('pending', 'processing') and p.id < m.id)
        order by m.id
        limit ${limit}
        for update skip locked`.execute(trx);
      if (heads.rows.length === 0) return [];
      return trx
        .updateTable('inbound_messages')
        .set((eb) => ({ status: 'processing', locked_until: until, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          heads.rows.map((r) => Number(r.id)),
        )
        .returningAll()
        .execute();
    });
  }

  /** Handles one claimed message; exposed for tests that drive the pipeline step by step. */
  async process(message: InboundRow): Promise<void> {
    const { channel, externalId } = parseSenderKey(message.sender);
    let queued = false;
    const held: Array<{ dedupeKey: string; rephrase: NonNullable<StepReply['rephrase']> }> = [];
    try {
      const prepared = this.step.prepare
        ? await this.step.prepare({ db: this.db, message, now: this.now() }).catch(() => undefined)
        : undefined;
      await this.db.transaction().execute(async (trx) => {
        const now = this.now();
        const identity = await resolveIdentity(trx, channel, externalId);
        const notifier = outboxNotifier(
          trx,
          () => {
            queued = true;
          },
          now,
        );
        const replies = await this.step({ db: trx, message, identity, now, notifier, prepared });
        const route = replyRoute(identity);
        const holdUntil = new Date(now.getTime() + (this.opts.rephraseHoldMs ?? 6000));
        const n = await enqueue(
          trx,
          replies.map((r, i) => {
            const dedupeKey = `reply:${message.id}:${i}`;
            const rephrase = this.opts.rephraser && r.rephrase;
            if (rephrase) held.push({ dedupeKey, rephrase });
            return {
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
          }),
        );
        if (n) queued = true;
        const done = await trx
          .updateTable('inbound_messages')
          .set({ status: 'done', processed_at: now, locked_until: null, last_error: null })
          .where('id', '=', message.id)
          .where('status', '=', 'processing')
          .executeTakeFirst();
        // Someone else finished it after our lease ran out: roll back so nothing is sent twice.
        if (Number(done.numUpdatedRows) !== 1) throw new LeaseLostError();
      });
      for (const h of held) await this.applyRephrasing(h.dedupeKey, h.rephrase);
    } catch (e) {
      if (e instanceof LeaseLostError) return;
      queued = (await this.recordFailure(message, e as Error)) || queued;
    } finally {
      if (queued) this.bus.outboxQueued();
      this.bus.inboundFinished(message.id);
    }
  }

  /** After commit: swaps in the model's grounded wording, or keeps the template, and releases the held reply. */
  private async applyRephrasing(dedupeKey: string, r: NonNullable<StepReply['rephrase']>): Promise<void> {
    const worded = await this.opts.rephraser!({ text: r.text, facts: r.facts }).catch(() => null);
    const body = worded ? `${worded}${r.suffix ?? ''}` : null;
    const fits = body !== null && Buffer.byteLength(body, 'utf8') <= MAX_MESSAGE_BYTES;
    try {
      await this.db
        .updateTable('outbox')
        .set({ ...(fits ? { body } : {}), next_attempt_at: this.now() })
        .where('dedupe_key', '=', dedupeKey)
        .where('status', '=', 'pending')
        .execute();
    } catch (e) {
      // The turn is committed; the held template goes out when its hold ends.
      this.opts.log?.error({ reply: dedupeKey, err: (e as Error).message }, 'releasing a rephrased reply failed');
    }
  }

  /** A failing message retries with backoff, then is parked with its error so it no longer blocks its sender. */
  private async recordFailure(message: InboundRow, error: Error): Promise<boolean> {
    const reason = `${error.name}: ${error.message}`.slice(0, 500);
    this.opts.log?.error({ inbound: message.id, attempts: message.attempts, err: reason }, 'inbound step failed');
    const park = message.attempts >= this.opts.maxAttempts;
    const retryAt = new Date(this.now().getTime() + Math.min(60_000, 500 * 2 ** message.attempts));
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('inbound_messages')
        .set({ status: park ? 'parked' : 'pending', locked_until: park ? null : retryAt, last_error: reason })
        .where('id', '=', message.id)
        .execute();
      if (!park) return false;
      const { channel, externalId } = parseSenderKey(message.sender);
      const identity = await resolveIdentity(trx, channel, externalId);
      const queued = await enqueue(trx, [
        {
          recipient: recipientOf(identity),
          ...replyRoute(identity),
          body: identity.kind === 'dealer' ? PARKED_REPLY : PARKED_REPLY_OTHERS,
          kind: 'reply.parked',
          dedupeKey: `parked:${message.id}`,
          inReplyTo: message.id,
        },
      ]);
      // The dealer was told their manager follows up: make it so (a follow-up item and a note in the alert chat).
      if (identity.kind === 'dealer' && queued > 0) {
        await trx
          .insertInto('followups')
          .values({ manager_code: identity.managerCode, dealer_code: identity.dealerCode, body: message.content ?? '' })
          .execute();
        await outboxNotifier(trx).toManagerChat(
          identity.managerCode,
          parkedAlert(identity.dealerName, identity.dealerCode, message.content ?? ''),
          { dedupeKey: `parked.alert:${message.id}`, kind: 'followup' },
        );
      }
      return queued > 0;
    });
  }
}

class LeaseLostError extends Error {}
