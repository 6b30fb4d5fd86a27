import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
// Compare-and-delete: a lock that expired and was taken by another holder must not be released by us.
const UNLOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// INCR and set the TTL only when the key is new, atomically.
const INCR_SCRIPT = `local v = redis.call('incr', KEYS[1]) if v == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return v`;
/** Redis KV shared by every instance (token cache, rate limits, locks). Keys are namespaced by `prefix`. */
export class RedisKeyValueStore {
    prefix;
    kind = 'redis';
    redis;
    constructor(url, prefix = 'gs:') {
        this.prefix = prefix;
        this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    }
    async connect() {
        await this.redis.connect();
        return this;
    }
    k(key) {
        return this.prefix + key;
    }
    async get(key) {
        return this.redis.get(this.k(key));
    }
    async set(key, value, ttlMs) {
        if (ttlMs === undefined)
            await this.redis.set(this.k(key), value);
        else
            await this.redis.set(this.k(key), value, 'PX', ttlMs);
    }
    async setIfAbsent(key, value, ttlMs) {
        return (await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
    }
    async increment(key, ttlMs) {
        return Number(await this.redis.eval(INCR_SCRIPT, 1, this.k(key), String(ttlMs)));
    }
    async del(key) {
        await this.redis.del(this.k(key));
    }
    async lock(key, ttlMs) {
        const token = randomUUID();
        return (await this.setIfAbsent(key, token, ttlMs)) ? token : null;
    }
    async unlock(key, token) {
        return Number(await this.redis.eval(UNLOCK_SCRIPT, 1, this.k(key), token)) === 1;
    }
    async close() {
        await this.redis.quit().catch(() => this.redis.disconnect());
    }
}
//# sourceMappingURL=redis.kv.js.map