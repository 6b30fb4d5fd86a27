import pino from 'pino';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { type AppConfig, loadConfig } from '../../bot/config.js';
import { type App, composeApp } from '../../bot/main.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { openTestDatabase } from './db.js';

export interface TestApp extends App {
  /** Sends a sandbox message as `from` and returns the replies (through the real pipeline). */
  say(from: string, text: string, id?: string): Promise<string[]>;
  /** Everything sent to a recipient (code or chat id), oldest first. */
  outbox(
    to?: string,
  ): Promise<Array<{ id: number; to: string; route: string; kind: string; body: string; status: string }>>;
}

/**
 * The whole assistant on a fresh test database (the seeded K demo slice by default), sandbox on, memory KV.
 * `env` adds configuration (e.g. WeCom pointing at the fake server).
 */
export async function startTestApp(
  opts: {
    seeded?: boolean;
    env?: Record<string, string>;
    kv?: KeyValueStore;
    now?: () => Date;
    /** Runs on the database before the app is composed (fixtures the catalog matcher must see). */
    prepare?: (db: DatabaseHandle['db']) => Promise<void>;
  } = {},
): Promise<TestApp> {
  const config: Readonly<AppConfig> = loadConfig({
    SANDBOX: '1',
    SEED_ON_EMPTY: '0',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const database = await openTestDatabase({ seeded: opts.seeded ?? true });
  if (opts.prepare) await opts.prepare(database.db);
  const kv = opts.kv ?? new MemoryKeyValueStore();
  const app = await composeApp(config, { database, kv, log: pino({ level: 'silent' }), now: opts.now });
  const close = app.close.bind(app);
  return Object.assign(app, {
    async say(from: string, text: string, id?: string) {
      const res = await app.server.inject({
        method: 'POST',
        url: '/sandbox/messages',
        payload: { from, text, ...(id ? { id } : {}) },
      });
      if (res.statusCode !== 200) throw new Error(`sandbox answered ${res.statusCode}: ${res.body}`);
      return (res.json() as { replies: string[] }).replies;
    },
    async outbox(to?: string) {
      const res = await app.server.inject({
        method: 'GET',
        url: `/sandbox/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`,
      });
      return (
        res.json() as {
          messages: Array<{ id: number; to: string; route: string; kind: string; body: string; status: string }>;
        }
      ).messages;
    },
    async close() {
      await close();
      await database.close();
      if (!opts.kv) await kv.close();
    },
  });
}
