import { sql } from 'kysely';
import { PollLoop, releaseLeases } from './poll-loop.js';
import { enqueue, routeToManager } from './outbox.js';
import { DeferDelivery, sandboxTransport, takeKfSlot, takeRateSlot, releaseKfSlot, UnreachableRecipient, } from './transports.js';
function backoffMs(attempts) {
    const base = Math.min(10 * 60_000, 1000 * 2 ** (attempts - 1));
    return base / 2 + Math.random() * (base / 2);
}
/**
 * Sends due outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several instances share the
 * work and a crashed sender's rows are taken over when the lease runs out. Failures retry with backoff and are
 * dead-lettered with their reason after `maxAttempts`.
 */
export class OutboxDispatcher {
    db;
    bus;
    opts;
    loop;
    now;
    constructor(db, bus, opts) {
        this.db = db;
        this.bus = bus;
        this.opts = opts;
        this.now = opts.now ?? (() => new Date());
        this.loop = new PollLoop(bus, 'outbox', async () => {
            while (this.loop.active && (await this.runOnce()) > 0) { }
        }, opts.pollMs ?? 500, (e) => this.opts.log?.error({ err: e.message }, 'outbox dispatch failed'));
    }
    start() {
        this.loop.start();
    }
    stop() {
        return this.loop.stop();
    }
    /** For a single-process database (PGlite): rows a crashed run left "sending" are due again at once. */
    releaseStaleLeases() {
        return releaseLeases(this.db, 'outbox', 'sending');
    }
    /**
     * Claims and sends one batch; returns how many rows it claimed. Recipients are served in parallel, each
     * recipient's messages one after another in order (the parts of a split message, a reply's bubbles); when one
     * must wait, the ones behind it wait with it.
     */
    async runOnce() {
        const rows = await this.claim();
        const byRecipient = new Map();
        for (const r of rows) {
            const key = `${r.route}:${r.address}`;
            byRecipient.set(key, [...(byRecipient.get(key) ?? []), r]);
        }
        await Promise.all([...byRecipient.values()].map(async (queue) => {
            for (let i = 0; i < queue.length; i++) {
                const retryAt = await this.deliver(queue[i]);
                if (retryAt) {
                    for (const later of queue.slice(i + 1))
                        await this.postpone(later, retryAt);
                    return;
                }
            }
        }));
        return rows.length;
    }
    async claim() {
        const now = this.now();
        const until = new Date(now.getTime() + (this.opts.leaseMs ?? 60_000));
        return this.db.transaction().execute(async (trx) => {
            const due = await sql `
        select id from outbox
        where (status = 'pending' and next_attempt_at <= ${now})
           or (status = 'sending' and locked_until < ${now})
        order by next_attempt_at, id
        limit ${this.opts.batchSize ?? 50}
        for update skip locked`.execute(trx);
            if (due.rows.length === 0)
                return [];
            return trx
                .updateTable('outbox')
                .set((eb) => ({ status: 'sending', locked_until: until, attempts: eb('attempts', '+', 1) }))
                .where('id', 'in', due.rows.map((r) => Number(r.id)))
                .returningAll()
                .execute();
        });
    }
    /** Sends one row; returns when it will be tried again, or null once it is settled (sent, dead, handed over). */
    async deliver(row) {
        const now = this.now();
        try {
            if (row.route === 'followup')
                throw new UnreachableRecipient('routed to a manager follow-up');
            if (row.route === 'kf') {
                const openKfid = await takeKfSlot(this.db, row.address, now);
                if (this.opts.kf) {
                    try {
                        await this.opts.kf(row, openKfid);
                    }
                    catch (e) {
                        await releaseKfSlot(this.db, row.address);
                        throw e;
                    }
                }
            }
            else if (row.route === 'sandbox' || !this.opts.transports) {
                await sandboxTransport.send(row, this.db);
            }
            else {
                await takeRateSlot(this.opts.kv, row.route, row.address, now);
                await this.opts.transports[row.route].send(row, this.db);
            }
            await this.settle(row, { status: 'sent', sent_at: now, locked_until: null, last_error: null });
            return null;
        }
        catch (e) {
            return this.fail(row, e, now);
        }
    }
    /** Puts a claimed row back without spending an attempt. */
    async postpone(row, until) {
        await this.db
            .updateTable('outbox')
            .set((eb) => ({
            status: 'pending',
            next_attempt_at: until,
            locked_until: null,
            attempts: eb('attempts', '-', 1),
        }))
            .where('id', '=', row.id)
            .execute();
    }
    async settle(row, set) {
        await this.db.updateTable('outbox').set(set).where('id', '=', row.id).execute();
        this.bus.outboxSettled(row.in_reply_to);
    }
    async fail(row, error, now) {
        if (error instanceof DeferDelivery) {
            await this.postpone(row, error.retryAt);
            return error.retryAt;
        }
        if (error instanceof UnreachableRecipient) {
            await this.handOver(row, error.reason);
            return null;
        }
        const retryable = error.retryable !== false;
        const reason = `${error.name}: ${error.message}`.slice(0, 500);
        if (!retryable || row.attempts >= this.opts.maxAttempts) {
            this.opts.log?.error({ outbox: row.id, route: row.route, err: reason }, 'outbox message dead-lettered');
            await this.settle(row, { status: 'dead', last_error: reason, locked_until: null });
            return null;
        }
        this.opts.log?.warn({ outbox: row.id, route: row.route, attempts: row.attempts, err: reason }, 'outbox send failed, will retry');
        const retryAt = new Date(now.getTime() + backoffMs(row.attempts));
        await this.db
            .updateTable('outbox')
            .set({ status: 'pending', last_error: reason, locked_until: null, next_attempt_at: retryAt })
            .where('id', '=', row.id)
            .execute();
        return retryAt;
    }
    /** A dealer out of reach becomes a follow-up item for their account manager: nothing is dropped silently. */
    async handOver(row, reason) {
        await this.db.transaction().execute(async (trx) => {
            const dealer = await trx
                .selectFrom('dealers')
                .select(['code', 'name', 'manager_code'])
                .where('code', '=', row.recipient)
                .executeTakeFirst();
            if (!dealer) {
                await trx
                    .updateTable('outbox')
                    .set({ status: 'dead', last_error: `unreachable: ${reason}`, locked_until: null })
                    .where('id', '=', row.id)
                    .execute();
                return;
            }
            await trx
                .insertInto('followups')
                .values({ manager_code: dealer.manager_code, dealer_code: dealer.code, body: row.body, outbox_id: row.id })
                .onConflict((oc) => oc.column('outbox_id').doNothing())
                .execute();
            await trx
                .updateTable('outbox')
                .set({ status: 'followup', last_error: reason, locked_until: null })
                .where('id', '=', row.id)
                .execute();
            const notice = `【待跟进】无法直接联系 ${dealer.name}（${dealer.code}）：对方已超过 48 小时未在微信客服发消息。请您转达以下内容：\n${row.body}`;
            await enqueue(trx, [
                {
                    recipient: dealer.manager_code,
                    ...(await routeToManager(trx, dealer.manager_code, true)),
                    body: notice,
                    kind: 'followup',
                    dedupeKey: `followup:${row.id}`,
                },
            ]);
        });
        this.bus.outboxSettled(row.in_reply_to);
        this.bus.outboxQueued();
    }
}
//# sourceMappingURL=dispatcher.js.map