/**
 * The app as `bench:e2e` runs it: composed on its own PostgreSQL handle with the bench's key-value store, listening on
 * a free loopback port. One instance runs in the bench's process; with `--instances N` each runs in a child process
 * of its own (bench/e2e.instance.ts), as production runs several behind a proxy.
 */
import type { KyselyPlugin } from 'kysely';
import pino from 'pino';
import type { KeyValueStore } from '../adapters/kv/kv.js';
import { MemoryKeyValueStore } from '../adapters/kv/memory.kv.js';
import { loadConfig } from '../bot/config.js';
import { composeApp } from '../bot/main.js';
import { openDatabase } from '../db/connect.js';

/** Counts the statements the app sends (transactions' begin/commit aside: those come from pg_stat_database). */
class StatementCounter implements KyselyPlugin {
  n = 0;
  transformQuery: KyselyPlugin['transformQuery'] = (a) => {
    this.n++;
    return a.node;
  };
  transformResult: KyselyPlugin['transformResult'] = async (a) => a.result;
}

/**
 * Grants every rate slot: WeCom's per-member limit (30/min) would cap 64 senders at 32 messages/s, and the pipeline
 * itself is measured (the limits are tested in test/channels/wecom.instances.test.ts). Everything else is the
 * in-memory store — each instance its own, which the bench needs of nothing else (no scheduler, no 微信客服 pull).
 */
class UnlimitedKv extends MemoryKeyValueStore implements KeyValueStore {
  override async increment(key: string, ttlMs: number): Promise<number> {
    return key.startsWith('rl:') ? 1 : super.increment(key, ttlMs);
  }
}

export interface BenchAppOptions {
  /** The bench's database. */
  url: string;
  /** The fake WeCom. */
  wecomBase: string;
  wecom: { corpId: string; token: string; aesKey: string; agentId: string; secret: string };
  /** DB_POOL_SIZE (default: the app's own default). */
  pool?: string;
  /** WORKER_CONCURRENCY and WORKER_TURNS_PER_TRANSACTION (default: the app's). */
  concurrency?: string;
  turns?: string;
}

/** What the bench reads of a running app: counters since it started. */
export interface BenchAppStats {
  statements: number;
  /** The pipelined BEGIN's counters (absent in a tree without it, or with it off). */
  trips?: { roundTrips: number; joined: number; commitJoined?: number; dropped: number };
}

export interface BenchApp {
  base: string;
  stats(): BenchAppStats;
  close(): Promise<void>;
}

export async function startBenchApp(o: BenchAppOptions): Promise<BenchApp> {
  const config = loadConfig({
    DATABASE_URL: o.url,
    ...(o.concurrency ? { WORKER_CONCURRENCY: o.concurrency } : {}),
    ...(o.turns ? { WORKER_TURNS_PER_TRANSACTION: o.turns } : {}),
    SANDBOX: '0',
    SEED_ON_EMPTY: '0',
    SCHEDULER_ENABLED: '0',
    LOG_LEVEL: 'warn',
    WECOM_CORP_ID: o.wecom.corpId,
    WECOM_TOKEN: o.wecom.token,
    WECOM_AES_KEY: o.wecom.aesKey,
    WECOM_AGENT_ID: o.wecom.agentId,
    WECOM_SECRET: o.wecom.secret,
    WECOM_API_BASE: o.wecomBase,
  });
  if (config.db.kind !== 'postgres') throw new Error('bench:e2e runs on PostgreSQL');
  const poolSize = o.pool ? Number(o.pool) : config.db.poolSize;
  const opened = await openDatabase({ kind: 'postgres', url: o.url, poolSize });
  const statements = new StatementCounter();
  const database = { ...opened, db: opened.db.withPlugin(statements) };
  try {
    const app = await composeApp(config, {
      database,
      kv: new UnlimitedKv(),
      log: pino({ level: 'warn' }),
      startScheduler: false,
    });
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    return {
      base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      stats: () => ({
        statements: statements.n,
        ...(opened.pipelinedBeginStats ? { trips: opened.pipelinedBeginStats() } : {}),
      }),
      // The app first: its worker and dispatcher stop before the database goes.
      close: async () => {
        await app.close().catch(() => {});
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}
