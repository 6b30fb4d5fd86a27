import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from './kv.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

/** In-process KV for a single instance (the embedded default). Expired keys are dropped on read and swept. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly map = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    for (const key of this.map.keys()) this.live(key);
  }

  private expiry(ttlMs?: number): number | null {
    return ttlMs === undefined ? null : this.now() + ttlMs;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.map.set(key, { value, expiresAt: this.expiry(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    this.map.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async increment(key: string, ttlMs: number) {
    const e = this.live(key);
    const next = (e ? Number(e.value) : 0) + 1;
    this.map.set(key, { value: String(next), expiresAt: e ? e.expiresAt : this.expiry(ttlMs) });
    return next;
  }

  async del(key: string) {
    this.map.delete(key);
  }

  async lock(key: string, ttlMs: number) {
    const token = randomUUID();
    return (await this.setIfAbsent(key, token, ttlMs)) ? token : null;
  }

  async unlock(key: string, token: string) {
    if (this.live(key)?.value !== token) return false;
    this.map.delete(key);
    return true;
  }

  async close() {
    clearInterval(this.sweeper);
    this.map.clear();
  }
}
