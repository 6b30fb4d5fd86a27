import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/connect.js';

/**
 * A fresh, migrated database for one suite: a copy of the run's template on PostgreSQL when
 * TEST_DATABASE_URL is set, else PGlite loaded from the run's dump. `seeded` copies the small K demo.
 */
export async function openTestDatabase(opts: { seeded?: boolean } = {}): Promise<DatabaseHandle> {
  const which = opts.seeded ? 'seeded' : 'empty';
  const templates = inject('pgTemplates');
  if (templates) {
    const name = `${templates.copyPrefix}${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: templates.url });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${templates[which]}`);
    } finally {
      await admin.end();
    }
    const u = new URL(templates.url);
    u.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 10 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const a = new pg.Client({ connectionString: templates.url });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`).finally(() => a.end());
      },
    };
  }
  const dumps = inject('pgliteDumps');
  if (!dumps) throw new Error('test database templates were not prepared (vitest globalSetup)');
  const blob = new Blob([readFileSync(dumps[which])]);
  return openDatabase({ kind: 'pglite-memory', loadDataDir: blob });
}

/** The URL tests use to reach a real PostgreSQL server directly (e.g. to stop or break a connection), if any. */
export function testDatabaseUrl(): string | undefined {
  return inject('pgTemplates')?.url;
}

/** The URL of `handle`'s PostgreSQL test database, for pools of its own (PostgreSQL only). */
export async function urlOf(handle: DatabaseHandle): Promise<string> {
  const templates = inject('pgTemplates');
  if (!templates) throw new Error('another pool needs PostgreSQL (TEST_DATABASE_URL)');
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  const url = new URL(templates.url);
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}

/**
 * Another connection pool on `first`'s PostgreSQL database: a second instance of the app sharing it (PostgreSQL
 * only; PGlite has a single connection).
 */
export async function openSecondInstance(first: DatabaseHandle, poolSize: number): Promise<DatabaseHandle> {
  return openDatabase({ kind: 'postgres', url: await urlOf(first), poolSize });
}

/**
 * Two instances of the app on one PostgreSQL database for the suite it is called in (PostgreSQL only): `first` a
 * fresh test database, `second` another pool of `secondPool` connections on it.
 */
export function useTwoInstances(secondPool: number): { first: DatabaseHandle; second: DatabaseHandle } {
  const two = {} as { first: DatabaseHandle; second: DatabaseHandle };
  beforeAll(async () => {
    two.first = await openTestDatabase();
    two.second = await openSecondInstance(two.first, secondPool);
  });
  afterAll(async () => {
    await two.second?.close();
    await two.first?.close();
  });
  return two;
}
