/**
 * The one-time codes managers bind their 微信客服 account with, on the in-memory store (with a clock, for expiry) and
 * on real Redis (TEST_REDIS_URL, skipped when unreachable unless REQUIRE_REDIS): single use, 10 minutes, one live
 * code per manager, 5 tries an hour per chat account, one winner when two accounts race with the same code.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { RedisKeyValueStore } from '../../adapters/kv/redis.kv.js';
import { KF_CODE_TTL_MS, KfBindingCodes, readKfBindingCode } from '../../core/accounts/kf-binding.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUp(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
const redis = await redisUp();
if (!redis && process.env.REQUIRE_REDIS) throw new Error(`Redis required but not reachable at ${REDIS_URL}`);

it('reads a bare code or "绑定 123456", nothing else', () => {
  expect(readKfBindingCode('123456')).toBe('123456');
  expect(readKfBindingCode(' 绑定 012345 ')).toBe('012345');
  expect(readKfBindingCode('绑定：654321')).toBe('654321');
  expect(readKfBindingCode('1234567')).toBeNull();
  expect(readKfBindingCode('D0012 13800138000')).toBeNull();
  expect(readKfBindingCode('我是客户经理 123456')).toBeNull();
});

function contract(name: string, make: () => Promise<KeyValueStore>, enabled = true) {
  describe.runIf(enabled)(`KfBindingCodes on ${name}`, () => {
    const stores: KeyValueStore[] = [];
    const codes = async () => {
      const kv = await make();
      stores.push(kv);
      return new KfBindingCodes(kv);
    };
    // Accounts and managers unique per run: a shared Redis keeps keys between runs.
    const id = () => randomUUID().slice(0, 8);
    afterAll(async () => {
      for (const kv of stores) await kv.close();
    });

    it('binds once: the same code again, from any account, is refused', async () => {
      const c = await codes();
      const { code, ttlMs } = await c.issue(`M-${id()}`);
      expect(code).toMatch(/^\d{6}$/);
      expect(ttlMs).toBe(KF_CODE_TTL_MS);
      const first = await c.redeem(`kf:${id()}`, code);
      expect(first.kind).toBe('bound');
      expect(await c.redeem(`kf:${id()}`, code)).toEqual({ kind: 'invalid', triesLeft: 4 });
    });

    it('names the manager it was issued to; a new code replaces the live one', async () => {
      const c = await codes();
      const manager = `M-${id()}`;
      const old = await c.issue(manager);
      const fresh = await c.issue(manager);
      if (old.code !== fresh.code) expect((await c.redeem(`kf:${id()}`, old.code)).kind).toBe('invalid');
      expect(await c.redeem(`kf:${id()}`, fresh.code)).toEqual({ kind: 'bound', managerCode: manager });
    });

    it('two accounts racing with the same code: exactly one binds', async () => {
      const c = await codes();
      const { code } = await c.issue(`M-${id()}`);
      const results = await Promise.all(Array.from({ length: 8 }, () => c.redeem(`kf:${id()}`, code)));
      expect(results.filter((r) => r.kind === 'bound')).toHaveLength(1);
    });

    it('5 tries an hour per account, then even the right code is refused', async () => {
      const c = await codes();
      const { code } = await c.issue(`M-${id()}`);
      const account = `kf:${id()}`;
      const wrong = code === '999999' ? '999998' : '999999';
      const lefts = [];
      for (let i = 0; i < 5; i++) lefts.push(await c.redeem(account, wrong));
      expect(lefts.map((r) => (r.kind === 'invalid' ? r.triesLeft : r.kind))).toEqual([4, 3, 2, 1, 0]);
      expect(await c.redeem(account, code)).toEqual({ kind: 'tooMany' });
      expect((await c.redeem(`kf:${id()}`, code)).kind).toBe('bound');
    });
  });
}

contract('memory', async () => new MemoryKeyValueStore());
contract('redis', async () => new RedisKeyValueStore(REDIS_URL).connect(), redis);

it('a code expires after 10 minutes', async () => {
  let clock = Date.parse('2026-11-30T10:00:00Z');
  const kv = new MemoryKeyValueStore(() => clock);
  const c = new KfBindingCodes(kv);
  const late = await c.issue('M001');
  const inTime = await c.issue('M002');
  clock += KF_CODE_TTL_MS - 1000;
  expect((await c.redeem('kf:a', inTime.code)).kind).toBe('bound');
  clock += 2000;
  expect((await c.redeem('kf:b', late.code)).kind).toBe('invalid');
  await kv.close();
});
