import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrationNames, migrationProvider } from './migrations/index.js';
import { type PipelinedBeginStats, pipelinedBeginPool } from './pipelined-begin.js';
import { type PlanCacheOptions, type PlanCacheStats, planCachedPool } from './plan-cache.js';
import type { Database } from './schema.js';
import { parseTimestamptz } from './timestamptz.js';

export type DatabaseConfig =
  /**
   * `planCache`: repeated statements as named prepared statements per connection (db/plan-cache.ts); false: off.
   * `pipelinedBegin`: a transaction's BEGIN sent with its first statement, and COMMIT with its last (`commitWith`)
   * (db/pipelined-begin.ts); false: both alone.
   */
  | { kind: 'postgres'; url: string; poolSize?: number; planCache?: PlanCacheOptions | false; pipelinedBegin?: boolean }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadDataDir?: Blob | File };

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** Human description for startup logs (never includes credentials). */
  describe: string;
  close(): Promise<void>;
  /** The raw PGlite instance, for dump/load in tests. */
  pglite?: PGlite;
  /** PostgreSQL with the plan cache on: what it did so far. */
  planCacheStats?: () => PlanCacheStats;
  /**
   * PostgreSQL with BEGIN sent with the first statement (and COMMIT with the last): BEGINs held, joined, dropped,
   * COMMITs joined, and round trips.
   */
  pipelinedBeginStats?: () => PipelinedBeginStats;
}

export class DatabaseLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `PGlite data directory ${dataDir} is in use by process ${holderPid}. ` +
        'Only one process may open it: stop that process, or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'DatabaseLockedError';
  }
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;
const PG_TIMESTAMPTZ = 1184;

// Both drivers return int8/numeric as numbers (money in fen stays far below 2^53) and dates as strings.
const pgTypeParsers: Record<number, (v: string) => unknown> = {
  [PG_INT8]: (v) => Number(v),
  [PG_NUMERIC]: (v) => Number(v),
  [PG_DATE]: (v) => v,
};
/** node-postgres only: its timestamptz parser is a regex chain (PGlite has its own). */
const pgOnlyParsers: Record<number, (v: string) => unknown> = { ...pgTypeParsers, [PG_TIMESTAMPTZ]: parseTimestamptz };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive lock file beside the data dir: two processes on one PGlite dir silently lose writes. */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DatabaseLockedError(dataDir, holder);
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          pgOnlyParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // A server restart, failover or pg_terminate_backend (57P01) emits 'error' on every client. The pool listens on
    // idle ones only; a checked-out client's error would be unhandled and kill the process. Its running query
    // rejects on its own, and the pool discards the broken client on release.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const pipelined = config.pipelinedBegin === false ? undefined : pipelinedBeginPool(pool);
    const wire = pipelined ?? pool;
    const cached = config.planCache === false ? undefined : planCachedPool(wire, config.planCache);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: cached ?? wire }) });
    const url = new URL(config.url);
    return {
      db,
      kind: 'postgres',
      describe: `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: () => db.destroy(),
      ...(cached ? { planCacheStats: cached.stats } : {}),
      ...(pipelined ? { pipelinedBeginStats: pipelined.stats } : {}),
    };
  }
  const parsers = {
    [pgliteTypes.INT8]: pgTypeParsers[PG_INT8]!,
    [pgliteTypes.NUMERIC]: pgTypeParsers[PG_NUMERIC]!,
    [pgliteTypes.DATE]: pgTypeParsers[PG_DATE]!,
  };
  if (config.kind === 'pglite-memory') {
    const pglite = await PGlite.create({ parsers, loadDataDir: config.loadDataDir });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return { db, kind: 'pglite', describe: 'PGlite (in memory)', pglite, close: () => db.destroy() };
  }
  const dataDir = resolve(config.dataDir);
  const unlock = lockDataDir(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
    const pglite = await PGlite.create({ dataDir, parsers });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      describe: `PGlite ${config.dataDir}`,
      pglite,
      close: async () => {
        await db.destroy();
        await pglite.close().catch(() => {});
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // Migrations are independent of each other; numbers were reserved per branch, so one with a lower number can
  // land after a higher one ran: it still runs (Kysely refuses that by default).
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** For /readyz: the database answers and every migration is applied (not only the highest-numbered one). */
export async function migrationsCurrent(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const applied = new Set(rows.map((r) => r.name));
  return migrationNames.every((name) => applied.has(name));
}
