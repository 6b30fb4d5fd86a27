import { sql } from 'kysely';
import { parseSenderKey, resolveIdentity } from './identity.js';
import { enqueue, MAX_MESSAGE_BYTES, outboxNotifier } from './outbox.js';
import { PollLoop, releaseLeases } from './poll-loop.js';
const PARKED_REPLY = '抱歉，这条消息暂时没能处理成功，已记录下来并转给您的客户经理跟进。您也可以稍后再试。';
const PARKED_REPLY_OTHERS = '抱歉，这条消息暂时没能处理成功，已记录下来。请稍后再试。';
const parkedAlert = (name, code, text) => `【待跟进】${name}（${code}）的一条消息系统未能处理，请人工回复：\n“${text.slice(0, 300)}”`;
/** Where a reply to an inbound message goes: back on the channel it came from. */
function replyRoute(identity) {
    switch (identity.channel) {
        case 'wecom':
            return { route: 'wecom_app', address: identity.externalId };
        case 'kf':
            return { route: 'kf', address: identity.externalId };
        default:
            return { route: 'sandbox', address: identity.externalId };
    }
}
function recipientOf(identity) {
    if (identity.kind === 'dealer')
        return identity.dealerCode;
    if (identity.kind === 'manager')
        return identity.managerCode;
    return identity.externalId;
}
/**
 * Processes stored messages: per sender strictly in arrival order (only the oldest unfinished message of a
 * sender can be claimed), different senders in parallel. Each message's step, replies and "done" mark commit in
 * one transaction, so a crash anywhere means the message is simply processed again, once.
 */
export class InboundWorker {
    db;
    step;
    bus;
    opts;
    inFlight = 0;
    loop;
    leaseMs;
    now;
    constructor(db, step, bus, opts) {
        this.db = db;
        this.step = step;
        this.bus = bus;
        this.opts = opts;
        this.leaseMs = opts.leaseMs ?? 30_000;
        this.now = opts.now ?? (() => new Date());
        this.loop = new PollLoop(bus, 'inbound', () => this.fill(), opts.pollMs ?? 500, (e) => this.opts.log?.error({ err: e.message }, 'inbound claim failed'));
    }
    start() {
        this.loop.start();
    }
    /** Stops claiming new work and waits for the messages in flight. */
    async stop() {
        await this.loop.stop();
        while (this.inFlight > 0)
            await new Promise((r) => setTimeout(r, 10));
    }
    /** For a single-process database (PGlite): leases left by a crashed run can be taken back at once. */
    releaseStaleLeases() {
        return releaseLeases(this.db, 'inbound_messages', 'processing');
    }
    /** Claims messages while there are free slots; each finished message frees a slot and wakes the loop. */
    async fill() {
        let claimed = 0;
        do {
            const free = this.opts.concurrency - this.inFlight;
            if (free <= 0 || !this.loop.active)
                break;
            const batch = await this.claim(free);
            claimed = batch.length;
            for (const m of batch) {
                this.inFlight++;
                this.process(m)
                    // Even recording the failure failed (database gone): the lease runs out and the message is retried.
                    .catch((e) => this.opts.log?.error({ inbound: m.id, err: e.message }, 'inbound bookkeeping failed'))
                    .finally(() => {
                    this.inFlight--;
                    this.loop.kick();
                });
            }
        } while (claimed > 0);
    }
    /** Claims up to `limit` messages, each the head of its sender's queue, skipping rows another instance holds. */
    async claim(limit) {
        const now = this.now();
        const until = new Date(now.getTime() + this.leaseMs);
        return this.db.transaction().execute(async (trx) => {
            const heads = await sql `
        select m.id from inbound_messages m
        where m.status in ('pending', 'processing')
          and (m.locked_until is null or m.locked_until < ${now})
          and not exists (
            select 1 from inbound_messages p
            where p.sender = m.sender and p.status in ('pending', 'processing') and p.id < m.id)
        order by m.id
        limit ${limit}
        for update skip locked`.execute(trx);
            if (heads.rows.length === 0)
                return [];
            return trx
                .updateTable('inbound_messages')
                .set((eb) => ({ status: 'processing', locked_until: until, attempts: eb('attempts', '+', 1) }))
                .where('id', 'in', heads.rows.map((r) => Number(r.id)))
                .returningAll()
                .execute();
        });
    }
    /** Handles one claimed message; exposed for tests that drive the pipeline step by step. */
    async process(message) {
        const { channel, externalId } = parseSenderKey(message.sender);
        let queued = false;
        const held = [];
        try {
            const prepared = this.step.prepare
                ? await this.step.prepare({ db: this.db, message, now: this.now() }).catch(() => undefined)
                : undefined;
            await this.db.transaction().execute(async (trx) => {
                const now = this.now();
                const identity = await resolveIdentity(trx, channel, externalId);
                const notifier = outboxNotifier(trx, () => {
                    queued = true;
                }, now);
                const replies = await this.step({ db: trx, message, identity, now, notifier, prepared });
                const route = replyRoute(identity);
                const holdUntil = new Date(now.getTime() + (this.opts.rephraseHoldMs ?? 6000));
                const n = await enqueue(trx, replies.map((r, i) => {
                    const dedupeKey = `reply:${message.id}:${i}`;
                    const rephrase = this.opts.rephraser && r.rephrase;
                    if (rephrase)
                        held.push({ dedupeKey, rephrase });
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
                }));
                if (n)
                    queued = true;
                const done = await trx
                    .updateTable('inbound_messages')
                    .set({ status: 'done', processed_at: now, locked_until: null, last_error: null })
                    .where('id', '=', message.id)
                    .where('status', '=', 'processing')
                    .executeTakeFirst();
                // Someone else finished it after our lease ran out: roll back so nothing is sent twice.
                if (Number(done.numUpdatedRows) !== 1)
                    throw new LeaseLostError();
            });
            for (const h of held)
                await this.applyRephrasing(h.dedupeKey, h.rephrase);
        }
        catch (e) {
            if (e instanceof LeaseLostError)
                return;
            queued = (await this.recordFailure(message, e)) || queued;
        }
        finally {
            if (queued)
                this.bus.outboxQueued();
            this.bus.inboundFinished(message.id);
        }
    }
    /** After commit: swaps in the model's grounded wording, or keeps the template, and releases the held reply. */
    async applyRephrasing(dedupeKey, r) {
        const worded = await this.opts.rephraser({ text: r.text, facts: r.facts }).catch(() => null);
        const body = worded ? `${worded}${r.suffix ?? ''}` : null;
        const fits = body !== null && Buffer.byteLength(body, 'utf8') <= MAX_MESSAGE_BYTES;
        try {
            await this.db
                .updateTable('outbox')
                .set({ ...(fits ? { body } : {}), next_attempt_at: this.now() })
                .where('dedupe_key', '=', dedupeKey)
                .where('status', '=', 'pending')
                .execute();
        }
        catch (e) {
            // The turn is committed; the held template goes out when its hold ends.
            this.opts.log?.error({ reply: dedupeKey, err: e.message }, 'releasing a rephrased reply failed');
        }
    }
    /** A failing message retries with backoff, then is parked with its error so it no longer blocks its sender. */
    async recordFailure(message, error) {
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
            if (!park)
                return false;
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
                await outboxNotifier(trx).toManagerChat(identity.managerCode, parkedAlert(identity.dealerName, identity.dealerCode, message.content ?? ''), { dedupeKey: `parked.alert:${message.id}`, kind: 'followup' });
            }
            return queued > 0;
        });
    }
}
class LeaseLostError extends Error {
}
//# sourceMappingURL=worker.js.map