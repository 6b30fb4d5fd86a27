import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from './kv.js';
import { MemoryKeyValueStore } from './memory.kv.js';
import { RedisKeyValueStore } from './redis.kv.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const redisUp = await redisReachable();
// CI sets REQUIRE_REDIS so a missing Redis fails there instead of being skipped.
if (!redisUp && process.env.REQUIRE_REDIS) throw new Error(`Redis required but not reachable at ${REDIS_URL}`);
if (!redisUp)
  console.warn(`[kv.contract] Redis not reachable at ${REDIS_URL}: the Redis half of the contract test is skipped`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function contract(name: string, make: () => Promise<KeyValueStore>, enabled = true) {
  describe.runIf(enabled)(`KeyValueStore contract: ${name}`, () => {
    let kv: KeyValueStore;
    const ns = `test:${randomUUID()}:`;
    beforeAll(async () => {
      kv = await make();
    });
    afterAll(async () => {
      await kv.close();
    });

    it('gets and sets, with and without TTL, and deletes', async () => {
      expect(await kv.get(`${ns}a`)).toBeNull();
      await kv.set(`${ns}a`, '1');
      await kv.set(`${ns}b`, '2', 80);
      expect(await kv.get(`${ns}a`)).toBe('1');
      expect(await kv.get(`${ns}b`)).toBe('2');
      await sleep(150);
      expect(await kv.get(`${ns}b`)).toBeNull();
      await kv.del(`${ns}a`);
      expect(await kv.get(`${ns}a`)).toBeNull();
    });

    it('sets if absent exactly once under concurrency', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => kv.setIfAbsent(`${ns}once`, String(i), 5000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('increments atomically and keeps the first TTL', async () => {
      const values = await Promise.all(Array.from({ length: 20 }, () => kv.increment(`${ns}n`, 100)));
      expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await sleep(180);
      expect(await kv.increment(`${ns}n`, 100)).toBe(1);
    });

    it('locks with a token and releases only with that token', async () => {
      const t1 = await kv.lock(`${ns}lock`, 5000);
      expect(t1).toBeTruthy();
      expect(await kv.lock(`${ns}lock`, 5000)).toBeNull();
      expect(await kv.unlock(`${ns}lock`, 'someone-else')).toBe(false);
      expect(await kv.unlock(`${ns}lock`, t1!)).toBe(true);
      expect(await kv.lock(`${ns}lock`, 5000)).toBeTruthy();
    });

    it('does not release a lock that expired and was taken by another holder', async () => {
      const t1 = await kv.lock(`${ns}exp`, 50);
      await sleep(120);
      const t2 = await kv.lock(`${ns}exp`, 5000);
      expect(t2).toBeTruthy();
      expect(await kv.unlock(`${ns}exp`, t1!)).toBe(false);
      expect(await kv.unlock(`${ns}exp`, t2!)).toBe(true);
    });
  });
}

contract('memory', async () => new MemoryKeyValueStore());
contract('redis', async () => new RedisKeyValueStore(REDIS_URL).connect(), redisUp);
