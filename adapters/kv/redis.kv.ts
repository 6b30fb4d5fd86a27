import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { KeyValueStore } from './kv.js';

// Compare-and-delete: a lock that expired and was taken by another holder must not be released by us.
const UNLOCK_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// INCR and set the TTL only when the key is new, atomically.
const INCR_SCRIPT = `local v = redis.call('incr', KEYS[1]) if v == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return v`;

/** Redis KV shared by every instance (token cache, rate limits, locks). Keys are namespaced by `prefix`. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'gs:',
  ) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  async connect(): Promise<this> {
    await this.redis.connect();
    return this;
  }

  private k(key: string) {
    return this.prefix + key;
  }

  async get(key: string) {
    return this.redis.get(this.k(key));
  }

  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs === undefined) await this.redis.set(this.k(key), value);
    else await this.redis.set(this.k(key), value, 'PX', ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async increment(key: string, ttlMs: number) {
    return Number(await this.redis.eval(INCR_SCRIPT, 1, this.k(key), String(ttlMs)));
  }

  async del(key: string) {
    await this.redis.del(this.k(key));
  }

  async lock(key: string, ttlMs: number) {
    const token = randomUUID();
    return (await this.setIfAbsent(key, token, ttlMs)) ? token : null;
  }

  async unlock(key: string, token: string) {
    return Number(await this.redis.eval(UNLOCK_SCRIPT, 1, this.k(key), token)) === 1;
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
