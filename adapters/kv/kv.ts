/**
 * The key-value port: token cache, rate limits and locks. Two implementations (memory, Redis) pass one
 * contract test (`kv.contract.test.ts`). TTLs are in milliseconds.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Increments (creating at 0) and, when the key is new, sets its TTL; returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  del(key: string): Promise<void>;
  /** Takes a lock; returns its token, or null when another holder has it. */
  lock(key: string, ttlMs: number): Promise<string | null>;
  /** Releases only if the token still matches (compare-and-delete); true when released. */
  unlock(key: string, token: string): Promise<boolean>;
  close(): Promise<void>;
}
