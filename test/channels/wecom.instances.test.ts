import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { RedisKeyValueStore } from '../../adapters/kv/redis.kv.js';
import { WecomClient, type WecomApiConfig } from '../../adapters/wecom/wecom.client.js';
import { DeferDelivery, takeRateSlot } from '../../bot/pipeline/transports.js';
import { KfPuller } from '../../bot/channels/wecom/kf.puller.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';

/**
 * Issue 14, scale-out: several instances share one key-value store (Redis in production, the in-memory store when
 * embedded). The access token is fetched once across them, and WeCom's rate limits count every instance's sends.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'app-secret-instances';

async function redisUp(): Promise<boolean> {
  const probe = new RedisKeyValueStore(REDIS_URL);
  try {
    await Promise.race([probe.connect(), new Promise((_, no) => setTimeout(() => no(new Error('timeout')), 1000))]);
    return true;
  } catch {
    return false;
  } finally {
    await probe.close().catch(() => {});
  }
}
const redis = await redisUp();
if (!redis && process.env.REQUIRE_REDIS) throw new Error(`Redis required but not reachable at ${REDIS_URL}`);

/** Three instances' stores: one shared memory store, or three connections to one Redis (a key prefix per run). */
type Stores = { make: () => Promise<KeyValueStore[]>; name: string; enabled: boolean };
const kinds: Stores[] = [
  {
    name: 'in-memory (embedded)',
    enabled: true,
    make: async () => {
      const one = new MemoryKeyValueStore();
      return [one, one, one];
    },
  },
  {
    name: 'Redis, one connection per instance',
    enabled: redis,
    make: async () => Promise.all([0, 1, 2].map(() => prefixed(new RedisKeyValueStore(REDIS_URL).connect()))),
  },
];

/** The run's own key space, so parallel runs on one Redis do not meet. */
let runPrefix = `test:${randomUUID()}:`;
async function prefixed(open: Promise<KeyValueStore>): Promise<KeyValueStore> {
  const kv = await open;
  const p = (k: string) => `${runPrefix}${k}`;
  return {
    kind: kv.kind,
    get: (k) => kv.get(p(k)),
    set: (k, v, ttl) => kv.set(p(k), v, ttl),
    setIfAbsent: (k, v, ttl) => kv.setIfAbsent(p(k), v, ttl),
    increment: (k, ttl) => kv.increment(p(k), ttl),
    del: (k) => kv.del(p(k)),
    lock: (k, ttl) => kv.lock(p(k), ttl),
    unlock: (k, t) => kv.unlock(p(k), t),
    close: () => kv.close(),
  };
}

for (const kind of kinds) {
  describe.runIf(kind.enabled)(`three instances on one store: ${kind.name}`, () => {
    let fake: FakeWecom;
    let stores: KeyValueStore[] = [];
    let config: WecomApiConfig;
    beforeAll(async () => {
      fake = await startFakeWecom({ corpId: 'ww-inst', secrets: [SECRET] });
    });
    afterAll(async () => {
      await fake.close();
    });
    beforeEach(async () => {
      for (const s of new Set(stores)) await s.close();
      runPrefix = `test:${randomUUID()}:`;
      stores = await kind.make();
      fake.reset();
      config = { apiBase: fake.baseUrl, corpId: 'ww-inst', secret: SECRET, agentId: 1000002, timeoutMs: 1000 };
    });
    afterAll(async () => {
      for (const s of new Set(stores)) await s.close();
    });

    it('fetch the access token once between them, and refresh it once when WeCom expires it', async () => {
      // A slow gettoken: every instance asks while the first fetch is under way.
      fake.injectDelay('gettoken', 150);
      const clients = stores.map((kv) => new WecomClient(config, { kv }));
      await Promise.all(clients.flatMap((c, i) => [0, 1, 2].map((j) => c.sendAppMessage(`u${i}${j}`, { text: 'x' }))));
      expect(fake.callsOf('gettoken')).toHaveLength(1);
      expect(fake.callsOf('message/send').filter((c) => c.errcode === 0)).toHaveLength(9);

      fake.expireTokens();
      fake.injectDelay('gettoken', 150);
      await Promise.all(clients.map((c, i) => c.sendAppMessage(`v${i}`, { text: 'y' })));
      expect(fake.callsOf('gettoken')).toHaveLength(2);
    });

    it('an instance that died holding the fetch lock delays the others only until the lock expires', async () => {
      const [a, b] = stores;
      const key = (await tokenKeyOf(a!, config)).key;
      // The dead instance's lock: no token will ever come from it.
      expect(await a!.lock(`${key}:fetch`, 300)).not.toBeNull();
      const started = Date.now();
      await new WecomClient(config, { kv: b! }).sendAppMessage('u1', { text: 'x' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(fake.callsOf('gettoken')).toHaveLength(1);
    });

    it("count WeCom's per-member limits (30/min, 1,000/h) and the robot's 20/min across instances", async () => {
      const now = new Date('2026-11-26T02:00:10Z');
      const take = (i: number, route: 'wecom_app' | 'wecom_webhook', address: string) =>
        takeRateSlot(stores[i % 3]!, route, address, now).then(
          () => 'sent',
          (e: unknown) => (e instanceof DeferDelivery ? e.retryAt.toISOString() : 'error'),
        );
      const member = await Promise.all(Array.from({ length: 40 }, (_, i) => take(i, 'wecom_app', 'u-limit')));
      expect(member.filter((r) => r === 'sent')).toHaveLength(30);
      expect(new Set(member.filter((r) => r !== 'sent'))).toEqual(new Set(['2026-11-26T02:01:00.000Z']));
      const robot = await Promise.all(Array.from({ length: 25 }, (_, i) => take(i, 'wecom_webhook', 'robot-key')));
      expect(robot.filter((r) => r === 'sent')).toHaveLength(20);

      // The hour: 1,000 per member across instances, minute after minute.
      let sentInHour = 30;
      for (let m = 1; m < 40; m++) {
        const at = new Date(now.getTime() + m * 60_000);
        if (at.getUTCHours() !== now.getUTCHours()) break;
        const r = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            takeRateSlot(stores[i % 3]!, 'wecom_app', 'u-limit', at).then(
              () => 1,
              () => 0,
            ),
          ),
        );
        sentInHour += r.reduce<number>((s, x) => s + x, 0);
      }
      expect(sentInHour).toBeLessThanOrEqual(1000);
    });

    it('pull one KF account once between them: one takes the lock and the cursor, the others stand aside', async () => {
      const database = await openTestDatabase();
      try {
        const kfid = 'wkKF-instances';
        fake.queueKfMessages(
          kfid,
          Array.from({ length: 1005 }, (_, i) => ({ msgid: `inst-${i}`, external_userid: `wm-inst-${i % 5}` })),
        );
        // A slow first page: every instance is triggered while the first pull holds the account.
        fake.injectDelay('kf/sync_msg', 300, 1);
        const pullers = stores.map(
          (kv) =>
            new KfPuller(
              pipelineUnitOfWork(database.db),
              // A page of 1,000 messages under a loaded machine: far more time than the token tests' 1 s.
              new WecomClient({ ...config, kfSecret: SECRET, timeoutMs: 15_000 }, { kv }),
              kv,
              new PipelineBus(),
            ),
        );
        const results = await Promise.all(pullers.map((p) => p.pull(kfid)));
        expect(results.filter((r) => !r.locked)).toEqual([{ pages: 2, stored: 1005, locked: false }]);
        expect(results.filter((r) => r.locked)).toHaveLength(2);
        expect(fake.callsOf('kf/sync_msg').map((c) => (c.body as { cursor?: string }).cursor)).toEqual([
          undefined,
          'c1000',
        ]);
        const rows = await database.db
          .selectFrom('inbound_messages')
          .select(database.db.fn.countAll<number>().as('n'))
          .where('dedupe_key', 'like', 'kfmsg:inst-%')
          .executeTakeFirstOrThrow();
        expect(Number(rows.n)).toBe(1005);
        await Promise.all(pullers.map((p) => p.stop()));
      } finally {
        await database.close();
      }
    });
  });
}

/** Where the client keeps its token (adapters/wecom/wecom.client.ts: a hash, never the secret). */
async function tokenKeyOf(_kv: KeyValueStore, config: WecomApiConfig): Promise<{ key: string }> {
  const h = createHash('sha256').update(`${config.corpId}\0${config.secret}`).digest('hex');
  return { key: `wecom:token:${h.slice(0, 32)}` };
}
