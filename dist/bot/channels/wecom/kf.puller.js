import { senderKey } from '../../pipeline/identity.js';
/** origin 3: sent by the customer (4 system event, 5 servicer). */
const ORIGIN_CUSTOMER = 3;
/** Guards against a server that keeps answering has_more. */
const MAX_PAGES_PER_PULL = 100;
export class KfPuller {
    db;
    client;
    kv;
    bus;
    opts;
    inflight = new Map();
    /** A trigger arrived while a pull ran: pull again afterwards (new messages may be past its last page). */
    again = new Map();
    retries = new Map();
    timer = null;
    running = false;
    timers = new Set();
    constructor(db, client, kv, bus, opts = {}) {
        this.db = db;
        this.client = client;
        this.kv = kv;
        this.bus = bus;
        this.opts = opts;
    }
    start() {
        if (this.running)
            return;
        this.running = true;
        this.schedulePoll(0);
    }
    async stop() {
        this.running = false;
        if (this.timer)
            clearTimeout(this.timer);
        for (const t of this.timers)
            clearTimeout(t);
        this.timers.clear();
        await Promise.allSettled([...this.inflight.values()]);
    }
    /** Fire and forget (the callback route calls this after its ack). */
    trigger(openKfid, token) {
        void this.pull(openKfid, token).catch((e) => {
            this.opts.log?.error({ openKfid, err: `${e.name}: ${e.message}` }, 'kf pull failed');
        });
    }
    /** Pulls every page for one KF account; concurrent calls in this process share one run, then one follow-up. */
    pull(openKfid, token) {
        const running = this.inflight.get(openKfid);
        if (running) {
            this.again.set(openKfid, token ?? this.again.get(openKfid));
            return running;
        }
        const run = (async () => {
            let total = { pages: 0, stored: 0, locked: false };
            let tok = token;
            for (;;) {
                const r = await this.pullLocked(openKfid, tok);
                total = { pages: total.pages + r.pages, stored: total.stored + r.stored, locked: r.locked };
                if (!this.again.has(openKfid))
                    break;
                tok = this.again.get(openKfid);
                this.again.delete(openKfid);
            }
            if (total.locked)
                this.retryLater(openKfid, token);
            else
                this.retries.delete(openKfid);
            return total;
        })().finally(() => this.inflight.delete(openKfid));
        this.inflight.set(openKfid, run);
        return run;
    }
    /** The safety poll: every KF account we know of (registered when its first event was stored). */
    async pollAll() {
        const rows = await this.db.selectFrom('kf_cursors').select('open_kfid').execute();
        for (const r of rows) {
            await this.pull(r.open_kfid).catch((e) => {
                this.opts.log?.warn({ openKfid: r.open_kfid, err: `${e.name}: ${e.message}` }, 'kf safety poll failed');
            });
        }
    }
    schedulePoll(ms) {
        const every = this.opts.pollMs ?? 60_000;
        if (!this.running || every <= 0)
            return;
        this.timer = setTimeout(() => {
            void this.pollAll()
                .catch(() => { })
                .finally(() => this.schedulePoll(every));
        }, ms);
        this.timer.unref();
    }
    retryLater(openKfid, token) {
        const n = (this.retries.get(openKfid) ?? 0) + 1;
        if (!this.running || n > 5) {
            this.retries.delete(openKfid); // the safety poll picks it up
            return;
        }
        this.retries.set(openKfid, n);
        const t = setTimeout(() => {
            this.timers.delete(t);
            this.trigger(openKfid, token);
        }, this.opts.lockRetryMs ?? 1_000);
        t.unref();
        this.timers.add(t);
    }
    async pullLocked(openKfid, token) {
        const lockKey = `kf:pull:${openKfid}`;
        const lock = await this.kv.lock(lockKey, this.opts.lockTtlMs ?? 60_000);
        if (!lock)
            return { pages: 0, stored: 0, locked: true };
        try {
            let pages = 0;
            let stored = 0;
            for (; pages < MAX_PAGES_PER_PULL;) {
                const row = await this.db
                    .selectFrom('kf_cursors')
                    .select('cursor')
                    .where('open_kfid', '=', openKfid)
                    .executeTakeFirst();
                const cursor = row?.cursor ?? '';
                const page = await this.client.kfSyncMsg({
                    open_kfid: openKfid,
                    ...(cursor ? { cursor } : {}),
                    ...(token ? { token } : {}),
                });
                pages++;
                const n = await this.storePage(openKfid, row ? cursor : null, page);
                if (n === null)
                    break; // the cursor moved under us (an expired lock): the other puller owns it now
                stored += n;
                if (n > 0)
                    this.bus.inboundStored();
                if (!page.has_more || page.next_cursor === cursor)
                    break;
            }
            return { pages, stored, locked: false };
        }
        finally {
            await this.kv.unlock(lockKey, lock).catch(() => { });
        }
    }
    /**
     * Stores one page's customer messages and moves the cursor from `expected` to the page's next cursor, in one
     * transaction. Returns how many rows were new, or null when the cursor was no longer `expected`.
     */
    async storePage(openKfid, expected, page) {
        return this.db.transaction().execute(async (trx) => {
            const moved = expected === null
                ? await trx
                    .insertInto('kf_cursors')
                    .values({ open_kfid: openKfid, cursor: page.next_cursor })
                    .onConflict((oc) => oc.column('open_kfid').doNothing())
                    .executeTakeFirst()
                : await trx
                    .updateTable('kf_cursors')
                    .set({ cursor: page.next_cursor, updated_at: new Date() })
                    .where('open_kfid', '=', openKfid)
                    .where('cursor', '=', expected)
                    .executeTakeFirst();
            const count = Number('numInsertedOrUpdatedRows' in moved ? moved.numInsertedOrUpdatedRows : moved.numUpdatedRows);
            if (count !== 1)
                return null;
            const customer = page.msg_list.filter((m) => m.origin === ORIGIN_CUSTOMER &&
                typeof m.msgid === 'string' &&
                typeof m.external_userid === 'string' &&
                m.external_userid !== '');
            if (customer.length === 0)
                return 0;
            const inserted = await trx
                .insertInto('inbound_messages')
                .values(customer.map((m) => ({
                channel: 'kf',
                dedupe_key: `kfmsg:${m.msgid}`,
                sender: senderKey('kf', m.external_userid),
                msg_type: m.msgtype === 'text' || m.msgtype === 'image' ? m.msgtype : m.msgtype || 'unknown',
                content: m.msgtype === 'text' ? (m.text?.content ?? '') : null,
                payload: JSON.stringify(payloadOf(m)),
            })))
                .onConflict((oc) => oc.columns(['channel', 'dedupe_key']).doNothing())
                .returning('dedupe_key')
                .execute();
            const fresh = new Set(inserted.map((r) => r.dedupe_key));
            // The dispatcher's 48 h / 5-message window opens again with each new customer message.
            const latest = new Map();
            for (const m of customer) {
                if (!fresh.has(`kfmsg:${m.msgid}`))
                    continue;
                latest.set(m.external_userid, Math.max(latest.get(m.external_userid) ?? 0, Number(m.send_time) || 0));
            }
            for (const [externalUserId, sendTime] of latest) {
                const at = new Date(sendTime * 1000);
                await trx
                    .insertInto('kf_sessions')
                    .values({ external_userid: externalUserId, open_kfid: openKfid, last_inbound_at: at, sent_since_inbound: 0 })
                    .onConflict((oc) => oc
                    .column('external_userid')
                    .doUpdateSet({ open_kfid: openKfid, last_inbound_at: at, sent_since_inbound: 0 })
                    .where('kf_sessions.last_inbound_at', '<=', at))
                    .execute();
            }
            return inserted.length;
        });
    }
}
function payloadOf(m) {
    const p = {
        msgId: m.msgid,
        openKfId: m.open_kfid,
        sendTime: m.send_time,
        msgType: m.msgtype,
    };
    const image = m['image'];
    if (m.msgtype === 'image' && typeof image?.media_id === 'string')
        p['mediaId'] = image.media_id;
    if (m.text?.menu_id)
        p['menuId'] = m.text.menu_id;
    return p;
}
//# sourceMappingURL=kf.puller.js.map