import { senderKey } from '../../pipeline/identity.js';
export class InboundBatcher {
    db;
    maxBatch;
    maxInFlight;
    queue = [];
    inFlight = 0;
    scheduled = false;
    /** Senders with a row in a batch not yet committed. */
    busy = new Map();
    constructor(db, maxBatch = 256, maxInFlight = 1) {
        this.db = db;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }
    store(input) {
        return new Promise((resolve, reject) => {
            this.queue.push({ input, sender: senderKey(input.channel, input.externalId), resolve, reject });
            this.schedule();
        });
    }
    schedule() {
        if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0)
            return;
        this.scheduled = true;
        // Let the requests already parsed in this turn of the event loop join the batch.
        setImmediate(this.drain);
    }
    drain = () => {
        this.scheduled = false;
        while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
            const batch = [];
            const held = [];
            for (const w of this.queue) {
                if (batch.length < this.maxBatch && !this.busy.has(w.sender))
                    batch.push(w);
                else
                    held.push(w);
            }
            // Every queued sender is busy: the batch that frees one schedules the next drain.
            if (batch.length === 0)
                return;
            // A sender's later messages wait behind its earlier ones, in queue order.
            this.queue = held;
            for (const w of batch)
                this.busy.set(w.sender, (this.busy.get(w.sender) ?? 0) + 1);
            this.inFlight++;
            this.write(batch)
                .catch((e) => {
                for (const w of batch)
                    w.reject(e);
            })
                .finally(() => {
                for (const w of batch) {
                    const n = this.busy.get(w.sender) - 1;
                    if (n === 0)
                        this.busy.delete(w.sender);
                    else
                        this.busy.set(w.sender, n);
                }
                this.inFlight--;
                this.schedule();
            });
        }
    };
    async write(batch) {
        // One row per (channel, key); a retry that arrives in the same batch shares the first one's row.
        const byKey = new Map();
        for (const w of batch) {
            const k = `${w.input.channel}\u0000${w.input.dedupeKey}`;
            const list = byKey.get(k);
            if (list)
                list.push(w);
            else
                byKey.set(k, [w]);
        }
        const firsts = [...byKey.values()].map((l) => l[0]);
        const now = new Date();
        const inserted = await this.db
            .insertInto('inbound_messages')
            .values(firsts.map(({ input: i, sender }) => ({
            channel: i.channel,
            dedupe_key: i.dedupeKey,
            sender,
            msg_type: i.msgType,
            content: i.content,
            payload: JSON.stringify(i.payload ?? {}),
            received_at: i.receivedAt ?? now,
        })))
            .onConflict((oc) => oc.columns(['channel', 'dedupe_key']).doNothing())
            .returning(['id', 'channel', 'dedupe_key'])
            .execute();
        const ids = new Map(inserted.map((r) => [`${r.channel}\u0000${r.dedupe_key}`, r.id]));
        const fresh = new Set(ids.keys());
        const missing = [...byKey.entries()].filter(([k]) => !ids.has(k)).map(([, l]) => l[0].input);
        if (missing.length > 0) {
            const existing = await this.db
                .selectFrom('inbound_messages')
                .select(['id', 'channel', 'dedupe_key'])
                .where((eb) => eb.or(missing.map((i) => eb.and([eb('channel', '=', i.channel), eb('dedupe_key', '=', i.dedupeKey)]))))
                .execute();
            for (const r of existing)
                ids.set(`${r.channel}\u0000${r.dedupe_key}`, r.id);
        }
        for (const [k, waiters] of byKey) {
            const id = ids.get(k);
            waiters.forEach((w, i) => {
                if (id === undefined)
                    w.reject(new Error('inbound row neither inserted nor found'));
                else
                    w.resolve({ id, duplicate: i > 0 || !fresh.has(k) });
            });
        }
    }
}
//# sourceMappingURL=inbound.batcher.js.map