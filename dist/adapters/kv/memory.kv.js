import { randomUUID } from 'node:crypto';
/** In-process KV for a single instance (the embedded default). Expired keys are dropped on read and swept. */
export class MemoryKeyValueStore {
    now;
    kind = 'memory';
    map = new Map();
    sweeper;
    constructor(now = Date.now) {
        this.now = now;
        this.sweeper = setInterval(() => this.sweep(), 60_000);
        this.sweeper.unref();
    }
    live(key) {
        const e = this.map.get(key);
        if (e && e.expiresAt !== null && e.expiresAt <= this.now()) {
            this.map.delete(key);
            return undefined;
        }
        return e;
    }
    sweep() {
        for (const key of this.map.keys())
            this.live(key);
    }
    expiry(ttlMs) {
        return ttlMs === undefined ? null : this.now() + ttlMs;
    }
    async get(key) {
        return this.live(key)?.value ?? null;
    }
    async set(key, value, ttlMs) {
        this.map.set(key, { value, expiresAt: this.expiry(ttlMs) });
    }
    async setIfAbsent(key, value, ttlMs) {
        if (this.live(key))
            return false;
        this.map.set(key, { value, expiresAt: this.expiry(ttlMs) });
        return true;
    }
    async increment(key, ttlMs) {
        const e = this.live(key);
        const next = (e ? Number(e.value) : 0) + 1;
        this.map.set(key, { value: String(next), expiresAt: e ? e.expiresAt : this.expiry(ttlMs) });
        return next;
    }
    async del(key) {
        this.map.delete(key);
    }
    async lock(key, ttlMs) {
        const token = randomUUID();
        return (await this.setIfAbsent(key, token, ttlMs)) ? token : null;
    }
    async unlock(key, token) {
        if (this.live(key)?.value !== token)
            return false;
        this.map.delete(key);
        return true;
    }
    async close() {
        clearInterval(this.sweeper);
        this.map.clear();
    }
}
//# sourceMappingURL=memory.kv.js.map