/**
 * An API access_token shared through the KeyValueStore, so every instance uses one token: fetched single-flight
 * per process and once across instances (the holder of a KV lock fetches and stores it; the others wait for the
 * stored token), expired a little early, and replaced at most once when the API says it is invalid — unless another
 * caller already replaced it.
 */
import type { KeyValueStore } from './kv.js';

/** A token is dropped this long before the API's own expiry. */
const EARLY_EXPIRY_SEC = 300;
/** How often an instance waiting for another's fetch looks for the stored token. */
const WAIT_POLL_MS = 25;
/**
 * The token last read or fetched is used without reading the store again for this long: a reply's send does not
 * cost a store (Redis) round trip. A token another instance replaced meanwhile is found when the API refuses the old
 * one (`refresh` reads the store first), as when it expires.
 */
const LOCAL_TTL_MS = 5_000;

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

export class AccessTokenCache {
  readonly #inflight = new Map<string, Promise<string>>();
  #local: { token: string; until: number } | null = null;

  /**
   * `key` must not contain the secret (hash it): a KV dump then reveals nothing. `lockTtlMs` bounds how long a
   * fetch may hold the others back (the API call's timeout and a margin).
   */
  constructor(
    private readonly kv: KeyValueStore,
    private readonly key: string,
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly lockTtlMs: number,
  ) {}

  /** The cached token (this process's copy for a few seconds, else the store's), fetched when absent. */
  async get(): Promise<string> {
    const local = this.#local;
    if (local && Date.now() < local.until) return local.token;
    const cached = await this.kv.get(this.key);
    if (cached) return this.#remember(cached);
    return this.#remember(await this.#singleFlight(() => this.#fetchShared(null)));
  }

  /** Replaces `stale` (a token the API refused) unless someone — this process or another instance — already has. */
  async refresh(stale: string): Promise<string> {
    if (this.#local?.token === stale) this.#local = null;
    return this.#remember(await this.#singleFlight(() => this.#fetchShared(stale)));
  }

  /** Drops `token` if it is still the cached one (refused even when fresh). */
  async forget(token: string): Promise<void> {
    if (this.#local?.token === token) this.#local = null;
    if ((await this.kv.get(this.key)) === token) await this.kv.del(this.key);
  }

  #remember(token: string): string {
    this.#local = { token, until: Date.now() + LOCAL_TTL_MS };
    return token;
  }

  /**
   * One fetch across instances: the holder of the KV lock fetches and stores the token; the others poll the store
   * until it is there (or the lock is free again: the holder failed or died, its lock's TTL ran out). `stale`: a
   * token the API refused, which does not count as stored.
   */
  async #fetchShared(stale: string | null): Promise<string> {
    const lockKey = `${this.key}:fetch`;
    // Bounded: past two lock lifetimes the store is unreliable, and fetching without the lock beats failing.
    const giveUpAt = Date.now() + 2 * this.lockTtlMs;
    for (;;) {
      const current = await this.kv.get(this.key);
      if (current && current !== stale) return current;
      const lock = Date.now() < giveUpAt ? await this.kv.lock(lockKey, this.lockTtlMs) : 'unlocked';
      if (lock) {
        try {
          const again = lock === 'unlocked' ? current : await this.kv.get(this.key);
          if (again && again !== stale) return again;
          try {
            return await this.#fetch();
          } catch (e) {
            if (stale && again === stale) await this.kv.del(this.key);
            throw e;
          }
        } finally {
          if (lock !== 'unlocked') await this.kv.unlock(lockKey, lock).catch(() => false);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  async #fetch(): Promise<string> {
    const { token, expiresInSec } = await this.fetchToken();
    const ttlSec = expiresInSec - EARLY_EXPIRY_SEC;
    // Set before the in-flight entry is dropped, so late joiners find it in the store.
    if (ttlSec > 0) await this.kv.set(this.key, token, ttlSec * 1000);
    return token;
  }

  #singleFlight(run: () => Promise<string>): Promise<string> {
    const existing = this.#inflight.get(this.key);
    if (existing) return existing;
    const p = run().finally(() => this.#inflight.delete(this.key));
    this.#inflight.set(this.key, p);
    return p;
  }
}
