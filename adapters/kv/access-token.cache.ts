/**
 * An access_token shared through the KeyValueStore (so every instance uses one token), fetched single-flight per
 * process, expired a little early, and replaced at most once when the API says it is invalid — unless another
 * caller already replaced it.
 */
import type { KeyValueStore } from './kv.js';

/** A token is dropped this long before the API's own expiry. */
const EARLY_EXPIRY_SEC = 300;

export interface FetchedToken {
  token: string;
  expiresInSec: number;
}

export class AccessTokenCache {
  readonly #inflight = new Map<string, Promise<string>>();

  /** `key` must not contain the secret (hash it): a KV dump then reveals nothing. */
  constructor(
    private readonly kv: KeyValueStore,
    private readonly key: string,
    private readonly fetchToken: () => Promise<FetchedToken>,
  ) {}

  /** The cached token, fetched when absent. */
  async get(): Promise<string> {
    const cached = await this.kv.get(this.key);
    if (cached) return cached;
    return this.#singleFlight(() => this.#fetch());
  }

  /** Replaces `stale` unless someone (this process or another instance) already has. */
  refresh(stale: string): Promise<string> {
    return this.#singleFlight(async () => {
      const current = await this.kv.get(this.key);
      if (current && current !== stale) return current;
      try {
        return await this.#fetch();
      } catch (e) {
        if (current === stale) await this.kv.del(this.key);
        throw e;
      }
    });
  }

  /** Drops `token` if it is still the cached one (refused even when fresh). */
  async forget(token: string): Promise<void> {
    if ((await this.kv.get(this.key)) === token) await this.kv.del(this.key);
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
