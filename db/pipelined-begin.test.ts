/**
 * BEGIN sent with a transaction's first statement and COMMIT with its last (`commitWith`) (db/pipelined-begin.ts), on
 * a real PostgreSQL: the same commits and rollbacks, one round trip (one socket write, one ReadyForQuery) fewer for
 * each, nothing sent for a transaction without statements, and the connection usable after every kind of failure.
 * PostgreSQL only (PGlite has its own driver), but for `commitWith` on either database at the end.
 */
import { Kysely, type PostgresCursor, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase, urlOf } from '../test/helpers/db.js';
import { compiledOnce } from './compiled.js';
import { type DatabaseHandle, openDatabase } from './connect.js';
import { type PipelinedBeginPool, pipelinedBeginPool } from './pipelined-begin.js';
import { type PlanCachedPool, planCachedPool } from './plan-cache.js';
import { kyselyUnitOfWork } from './repositories/unit-of-work.js';
import type { Database } from './schema.js';

const templates = inject('pgTemplates');

type Db = Kysely<any>;

/** A statement built for `commitWith`: only `compiledOnce` statements carry the COMMIT. */
const insertReturning = compiledOnce(
  (_db, k: string) => sql<{ k: string }>`insert into pb_items (k) values (${k}) returning k`,
);
const addItem = (db: Db, k: string) => insertReturning(db as Kysely<Database>, k);
/** A unit of work over the handle itself (its scope is the transaction's handle). */
const unitOf = (db: Db) => kyselyUnitOfWork(db as Kysely<Database>, (trx) => trx as Db);

/** What went over the wire since the pool opened: socket writes and ReadyForQuery messages (one per round trip). */
interface Wire {
  writes: number;
  roundTrips: number;
}

interface Opened {
  db: Db;
  wire: Wire;
  pool: pg.Pool;
  pipelined?: PipelinedBeginPool;
  cached?: PlanCachedPool;
}

describe.skipIf(!templates)('BEGIN with the first statement on PostgreSQL', () => {
  let first: DatabaseHandle;
  let url: string;
  const opened: Opened[] = [];

  beforeAll(async () => {
    first = await openTestDatabase();
    url = await urlOf(first);
    await sql`create table pb_items (k text primary key)`.execute(first.db);
  });
  afterAll(async () => {
    for (const o of opened) await o.db.destroy().catch(() => {});
    await first?.close();
  });

  /** A pool of `max` connections counting its writes and round trips; `pipelined: false` is the kill switch. */
  function open(max: number, opts: { pipelined?: boolean; planCache?: boolean } = {}): Opened {
    const pool = new pg.Pool({ connectionString: url, max });
    pool.on('error', () => {});
    const wire: Wire = { writes: 0, roundTrips: 0 };
    pool.on('connect', (client) => {
      client.on('error', () => {});
      const connection = (client as unknown as { connection: pg.Connection & { stream: Record<string, unknown> } })
        .connection;
      connection.on('readyForQuery', () => wire.roundTrips++);
      const socket = connection.stream;
      for (const method of ['_write', '_writev']) {
        const original = socket[method] as (...args: unknown[]) => unknown;
        socket[method] = function (this: unknown, ...args: unknown[]) {
          wire.writes++;
          return original.apply(this, args);
        };
      }
    });
    const pipelined = opts.pipelined === false ? undefined : pipelinedBeginPool(pool);
    const cached = opts.planCache === false ? undefined : planCachedPool(pipelined ?? pool);
    const db: Db = new Kysely({ dialect: new PostgresDialect({ pool: cached ?? pipelined ?? pool }) });
    const o = { db, wire, pool, pipelined, cached };
    opened.push(o);
    return o;
  }

  /** Wire traffic of `fn` (the pool warmed up first: its connection made). */
  async function traffic(o: Opened, fn: () => Promise<unknown>): Promise<Wire> {
    const before = { ...o.wire };
    await fn();
    return { writes: o.wire.writes - before.writes, roundTrips: o.wire.roundTrips - before.roundTrips };
  }

  const keys = async (db: Db, like: string) =>
    (await sql<{ k: string }>`select k from pb_items where k like ${like} order by k`.execute(db)).rows.map((r) => r.k);

  it('writes BEGIN with the first statement: one round trip and one write fewer, the same results', async () => {
    const measure = async (o: Opened, tag: string) => {
      await sql`select 1`.execute(o.db);
      return traffic(o, () =>
        o.db.transaction().execute(async (trx) => {
          await sql`insert into pb_items (k) values (${`${tag}-1`})`.execute(trx);
          const { rows } = await sql<{
            n: number;
          }>`select count(*)::int as n from pb_items where k like ${`${tag}-%`}`.execute(trx);
          expect(rows[0]!.n).toBe(1);
        }),
      );
    };
    const on = open(1);
    const off = open(1, { pipelined: false });
    // begin + insert, select, commit — against begin, insert, select, commit.
    expect(await measure(on, 'rt-on')).toEqual({ writes: 3, roundTrips: 3 });
    expect(await measure(off, 'rt-off')).toEqual({ writes: 4, roundTrips: 4 });
    expect(on.pipelined!.stats()).toMatchObject({ held: 1, joined: 1, dropped: 0, alone: 0 });
    expect(await keys(first.db, 'rt-%')).toEqual(['rt-off-1', 'rt-on-1']);
  });

  it('commits and rolls back as before', async () => {
    const o = open(2);
    await o.db.transaction().execute(async (trx) => {
      await sql`insert into pb_items (k) values ('cr-a'), ('cr-b')`.execute(trx);
      await sql`delete from pb_items where k = 'cr-b'`.execute(trx);
    });
    await expect(
      o.db.transaction().execute(async (trx) => {
        await sql`insert into pb_items (k) values ('cr-c')`.execute(trx);
        throw new Error('give up');
      }),
    ).rejects.toThrow('give up');
    expect(await keys(first.db, 'cr-%')).toEqual(['cr-a']);
  });

  it('sends nothing for a transaction that ends before any statement', async () => {
    const o = open(1);
    await sql`select 1`.execute(o.db);
    const wire = await traffic(o, async () => {
      await o.db.transaction().execute(async () => {});
      await expect(
        o.db.transaction().execute(async () => {
          throw new Error('before any statement');
        }),
      ).rejects.toThrow('before any statement');
    });
    expect(wire).toEqual({ writes: 0, roundTrips: 0 });
    expect(o.pipelined!.stats()).toMatchObject({ held: 2, dropped: 2, joined: 0 });
    // The next transaction opens for real.
    await o.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ open: boolean }>`
        select xact_start is not null as open from pg_stat_activity where pid = pg_backend_pid()`.execute(trx);
      expect(rows[0]!.open).toBe(true);
    });
  });

  it('aborts the transaction on a unique violation in its first statement; the rollback ends it, the connection serves on', async () => {
    const o = open(1);
    const insert = (db: Db, k: string) => sql`insert into pb_items (k) values (${k})`.execute(db);
    await insert(o.db, 'uv-a');
    for (let round = 0; round < 3; round++) {
      // Round 0 sends the insert unnamed, later rounds under the name the plan cache gave it.
      await expect(o.db.transaction().execute((trx) => insert(trx, 'uv-a'))).rejects.toMatchObject({ code: '23505' });
      await expect(
        o.db.transaction().execute(async (trx) => {
          await insert(trx, 'uv-a').catch(() => {});
          await insert(trx, `uv-after-${round}`);
        }),
      ).rejects.toMatchObject({ code: '25P02' });
      await o.db.transaction().execute((trx) => insert(trx, `uv-ok-${round}`));
    }
    expect(o.cached!.stats().reused).toBeGreaterThan(0);
    expect(await keys(first.db, 'uv-%')).toEqual(['uv-a', 'uv-ok-0', 'uv-ok-1', 'uv-ok-2']);
  });

  it('parses a named statement with BEGIN once per connection and reuses it in later transactions', async () => {
    const o = open(2);
    const add = (db: Db, n: number) => sql<{ x: number }>`select ${n}::int + 1000 as x`.execute(db);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => o.db.transaction().execute(async (trx) => (await add(trx, i)).rows[0]!.x)),
    );
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1000));
    for (let i = 0; i < 4; i++) await o.db.transaction().execute((trx) => add(trx, i));
    const stats = o.cached!.stats();
    expect(stats.prepared).toBeLessThanOrEqual(2); // once per connection at most
    expect(stats.reused).toBeGreaterThan(8);
    expect(o.pipelined!.stats().joined).toBe(16);
  });

  it('forgets a name whose Parse failed behind BEGIN, and parses it again once it can', async () => {
    const o = open(1);
    const read = (db: Db) => sql<{ n: number }>`select count(*)::int as n from pb_later where a > ${0}`.execute(db);
    for (let i = 0; i < 2; i++) await expect(read(o.db)).rejects.toMatchObject({ code: '42P01' }); // named from the 2nd
    await expect(o.db.transaction().execute((trx) => read(trx))).rejects.toMatchObject({ code: '42P01' });
    await sql`create table pb_later (a int)`.execute(o.db);
    for (let i = 0; i < 3; i++) {
      expect((await o.db.transaction().execute((trx) => read(trx))).rows[0]!.n).toBe(0);
    }
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_prepared_statements where statement like '%pb_later%'`.execute(o.db);
    expect(rows[0]!.n).toBe(1);
    await sql`drop table pb_later`.execute(o.db);
  });

  it('takes a savepoint, SET LOCAL or set_config as the first statement like any other', async () => {
    const o = open(1);
    await o.db.transaction().execute(async (trx) => {
      await sql`savepoint sp1`.execute(trx);
      await sql`insert into pb_items (k) values ('sp-gone')`.execute(trx);
      await sql`rollback to savepoint sp1`.execute(trx);
      await sql`insert into pb_items (k) values ('sp-kept')`.execute(trx);
    });
    expect(await keys(first.db, 'sp-%')).toEqual(['sp-kept']);
    const timeout = (db: Db) => sql<{ t: string }>`select current_setting('statement_timeout') as t`.execute(db);
    await o.db.transaction().execute(async (trx) => {
      await sql`set local statement_timeout = 4321`.execute(trx);
      expect((await timeout(trx)).rows[0]!.t).toBe('4321ms');
    });
    expect((await timeout(o.db)).rows[0]!.t).not.toBe('4321ms');
    const setting = (db: Db) => sql<{ v: string }>`select current_setting('gs.pb', true) as v`.execute(db);
    await o.db.transaction().execute(async (trx) => {
      await sql`select set_config('gs.pb', ${'local'}, true)`.execute(trx);
      expect((await setting(trx)).rows[0]!.v).toBe('local');
    });
    expect((await setting(o.db)).rows[0]!.v ?? '').toBe('');
  });

  it('keeps the isolation level and access mode of the BEGIN text', async () => {
    const o = open(1);
    const level = await o.db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(
        async (trx) =>
          (await sql<{ l: string }>`select current_setting('transaction_isolation') as l`.execute(trx)).rows[0]!.l,
      );
    expect(level).toBe('serializable');
    await expect(
      o.db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => sql`insert into pb_items (k) values ('ro')`.execute(trx)),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await keys(first.db, 'ro')).toEqual([]);
  });

  it('fails every statement of a transaction whose BEGIN the server refused, until its end: nothing runs outside it', async () => {
    const o = open(1);
    const c = await o.pipelined!.connect();
    try {
      await c.query('start transaction isolation level sometimes');
      await expect(c.query("insert into pb_items (k) values ('bf-1')")).rejects.toMatchObject({ code: '42601' });
      await expect(c.query("insert into pb_items (k) values ('bf-2')")).rejects.toMatchObject({ code: '42601' });
      expect((await c.query('commit')).command).toBe('ROLLBACK');
      expect(c.getTransactionStatus()).toBe('I');
      const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pb_items where k like $1', [
        'bf-%',
      ]);
      expect(rows[0]!.n).toBe(0);
    } finally {
      c.release();
    }
  });

  it('runs a text of several statements after BEGIN sent alone', async () => {
    const o = open(1);
    await expect(
      o.db.transaction().execute(async (trx) => {
        await sql
          .raw(`insert into pb_items (k) values ('ms-1'); insert into pb_items (k) values ('ms-2')`)
          .execute(trx);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    await o.db.transaction().execute(async (trx) => {
      await sql.raw(`insert into pb_items (k) values ('ms-3'); insert into pb_items (k) values ('ms-4')`).execute(trx);
    });
    expect(await keys(first.db, 'ms-%')).toEqual(['ms-3', 'ms-4']);
    expect(o.pipelined!.stats()).toMatchObject({ alone: 2, joined: 0 });
  });

  it('sends BEGIN alone before a submittable (a cursor) that writes its own messages', async () => {
    const o = open(1);
    const c = await o.pipelined!.connect();
    try {
      await c.query('begin');
      const insert = new pg.Query("insert into pb_items (k) values ('sub-1')");
      const done = new Promise((resolve, reject) => insert.on('end', resolve).on('error', reject));
      c.query(insert as unknown as PostgresCursor<unknown>);
      await done;
      expect(c.getTransactionStatus()).toBe('T');
      expect((await c.query('rollback')).command).toBe('ROLLBACK');
    } finally {
      c.release();
    }
    expect(await keys(first.db, 'sub-%')).toEqual([]);
    expect(o.pipelined!.stats()).toMatchObject({ alone: 1, joined: 0 });
  });

  it('is on by default in openDatabase and off with pipelinedBegin: false', async () => {
    const on = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    const off = await openDatabase({ kind: 'postgres', url, poolSize: 1, pipelinedBegin: false });
    try {
      for (const h of [on, off]) {
        await h.db
          .transaction()
          .execute((trx) => sql`insert into pb_items (k) values (${`od-${h === on}`})`.execute(trx));
      }
      expect(on.pipelinedBeginStats!()).toMatchObject({ held: 1, joined: 1 });
      expect(off.pipelinedBeginStats).toBeUndefined();
    } finally {
      await on.close();
      await off.close();
    }
    expect(await keys(first.db, 'od-%')).toEqual(['od-false', 'od-true']);
  });

  it("parses the first statement's rows with the pool's type parsers (a date stays text, as every other statement's)", async () => {
    const h = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    try {
      const read = () => sql<{ d: unknown }>`select '2026-11-26'::date as d`;
      const first = await h.db.transaction().execute(async (trx) => (await read().execute(trx)).rows[0]!.d);
      const outside = (await read().execute(h.db)).rows[0]!.d;
      expect(h.pipelinedBeginStats!()).toMatchObject({ joined: 1 });
      expect(first).toBe('2026-11-26');
      expect(outside).toBe('2026-11-26');
    } finally {
      await h.close();
    }
  });

  it('fails the first statement when the connection drops while BEGIN is held; the pool replaces the connection', async () => {
    const o = open(1);
    const pid = async (db: Db) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
    const before = await pid(o.db);
    const admin = new pg.Client({ connectionString: templates!.url });
    await admin.connect();
    try {
      await expect(
        o.db.transaction().execute(async (trx) => {
          await admin.query('select pg_terminate_backend($1)', [before]);
          await new Promise((r) => setTimeout(r, 100));
          await sql`insert into pb_items (k) values ('drop-1')`.execute(trx);
        }),
      ).rejects.toThrow();
    } finally {
      await admin.end();
    }
    expect(await pid(o.db)).not.toBe(before);
    await o.db.transaction().execute((trx) => sql`insert into pb_items (k) values ('drop-2')`.execute(trx));
    expect(await keys(first.db, 'drop-%')).toEqual(['drop-2']);
  });

  describe('COMMIT with the last statement (commitWith)', () => {
    beforeAll(async () => {
      await sql`create table pc_parent (id int primary key)`.execute(first.db);
      await sql`
        create table pc_child (k text primary key, parent int references pc_parent deferrable initially deferred)`.execute(
        first.db,
      );
    });

    it('writes the statement and COMMIT in one write; committed and visible elsewhere once it resolves', async () => {
      const measure = async (o: Opened, tag: string) => {
        await sql`select 1`.execute(o.db);
        let seen: string[] = [];
        const wire = await traffic(o, () =>
          unitOf(o.db).transaction(async (trx, tx) => {
            await sql`select count(*) from pb_items where k = ${tag}`.execute(trx);
            const rows = await tx.commitWith(() => addItem(trx, `${tag}-1`));
            expect(rows).toEqual([{ k: `${tag}-1` }]);
            seen = await keys(first.db, `${tag}-%`); // another connection, before the caller's commit
          }),
        );
        return { wire, seen };
      };
      const on = open(1);
      const off = open(1, { pipelined: false });
      // begin + select, insert + commit — against begin, select, insert, commit.
      expect(await measure(on, 'cw-on')).toEqual({ wire: { writes: 2, roundTrips: 2 }, seen: ['cw-on-1'] });
      expect(await measure(off, 'cw-off')).toEqual({ wire: { writes: 4, roundTrips: 4 }, seen: [] });
      expect(on.pipelined!.stats()).toMatchObject({ held: 1, joined: 1, commitJoined: 1, roundTrips: 3 });
      expect(await keys(first.db, 'cw-%')).toEqual(['cw-off-1', 'cw-on-1']);
    });

    it('writes a held BEGIN, the one statement and COMMIT in one write', async () => {
      const o = open(1);
      await sql`select 1`.execute(o.db);
      const wire = await traffic(o, () =>
        unitOf(o.db).transaction((trx, tx) => tx.commitWith(() => addItem(trx, 'bc-1'))),
      );
      expect(wire).toEqual({ writes: 1, roundTrips: 1 });
      expect(o.pipelined!.stats()).toMatchObject({ held: 1, joined: 1, commitJoined: 1 });
      expect(await keys(first.db, 'bc-%')).toEqual(['bc-1']);
      // The session is out of its transaction: the next one opens afresh.
      const { rows } = await sql<{ open: boolean }>`
        select xact_start is not null as open from pg_stat_activity where pid = pg_backend_pid()`.execute(o.db);
      expect(rows[0]!.open).toBe(true); // this autocommit statement's own
      expect(await o.db.transaction().execute(async (trx) => (await addItem(trx, 'bc-2'))[0]!.k)).toBe('bc-2');
    });

    it('a failing statement skips the COMMIT: the transaction rolls back as before, the connection serves on', async () => {
      const o = open(1);
      await addItem(o.db, 'se-dup');
      for (let round = 0; round < 3; round++) {
        // Round 0 sends the insert unnamed, later rounds under the name the plan cache gave it.
        await expect(
          unitOf(o.db).transaction(async (trx, tx) => {
            await addItem(trx, `se-lost-${round}`);
            await tx.commitWith(() => addItem(trx, 'se-dup'));
          }),
        ).rejects.toMatchObject({ code: '23505' });
        await unitOf(o.db).transaction((trx, tx) => tx.commitWith(() => addItem(trx, `se-ok-${round}`)));
      }
      expect(await keys(first.db, 'se-%')).toEqual(['se-dup', 'se-ok-0', 'se-ok-1', 'se-ok-2']);
      expect(o.cached!.stats().reused).toBeGreaterThan(0);
    });

    it('a failing COMMIT fails the statement with its error; the rollback goes nowhere, nothing committed', async () => {
      const o = open(1);
      await sql`select 1`.execute(o.db);
      const orphan = compiledOnce(
        (_db, k: string) => sql<{ k: string }>`insert into pc_child (k, parent) values (${k}, 999) returning k`,
      );
      for (let round = 0; round < 3; round++) {
        const wire = await traffic(o, async () => {
          await expect(
            unitOf(o.db).transaction(async (trx, tx) => {
              await addItem(trx, `ce-lost-${round}`);
              await tx.commitWith(() => orphan(trx as Kysely<Database>, `ce-${round}`));
            }),
          ).rejects.toMatchObject({ code: '23503' });
          // The error comes before its ReadyForQuery: the next statement waits for it.
          await sql`select 1`.execute(o.db);
        });
        // begin + insert, insert + commit, select: the caller's rollback answered without the server.
        expect(wire).toEqual({ writes: 3, roundTrips: 3 });
      }
      // The caller swallows the statement's error: its commit fails with it all the same.
      await expect(
        unitOf(o.db).transaction(async (trx, tx) => {
          await addItem(trx, 'ce-lost-swallowed');
          await tx.commitWith(() => orphan(trx as Kysely<Database>, 'ce-swallowed')).catch(() => {});
        }),
      ).rejects.toMatchObject({ code: '23503' });
      expect(await keys(first.db, 'ce-%')).toEqual([]);
      expect((await sql<{ n: number }>`select count(*)::int as n from pc_child`.execute(first.db)).rows[0]!.n).toBe(0);
      await unitOf(o.db).transaction((trx, tx) => tx.commitWith(() => addItem(trx, 'ce-after')));
      expect(await keys(first.db, 'ce-%')).toEqual(['ce-after']);
      // The statements parsed fine: their names (the two inserts, `select 1`) stay parsed on the connection.
      expect(o.cached!.stats()).toMatchObject({ prepared: 3 });
    });

    it('a connection lost during the COMMIT fails the statement; nothing committed, the pool replaces it', async () => {
      // A deferred trigger that sleeps: the COMMIT runs it, and the backend is terminated meanwhile.
      await sql`create table pc_slow (k text primary key)`.execute(first.db);
      await sql`
        create function pc_sleep() returns trigger language plpgsql as $$ begin perform pg_sleep(2); return null; end $$`.execute(
        first.db,
      );
      await sql`
        create constraint trigger pc_slow_commit after insert on pc_slow deferrable initially deferred
        for each row execute function pc_sleep()`.execute(first.db);
      const slow = compiledOnce((_db, k: string) => sql`insert into pc_slow (k) values (${k})`);
      const o = open(1);
      const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(o.db)).rows[0]!.pid;
      const before = await pid();
      const admin = new pg.Client({ connectionString: templates!.url });
      await admin.connect();
      try {
        // Its outcome is caught at once: the termination may reject it before the admin's answer is read.
        const outcome = unitOf(o.db)
          .transaction((trx, tx) => tx.commitWith(() => slow(trx as Kysely<Database>, 'sl-1')))
          .then(
            () => null,
            (e: unknown) => e,
          );
        // The insert is through (the COMMIT sleeps in its trigger) once the session waits on pg_sleep.
        let sleeping = false;
        for (let i = 0; i < 100 && !sleeping; i++) {
          const { rows } = await admin.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where pid = $1 and wait_event = 'PgSleep'",
            [before],
          );
          sleeping = rows[0]!.n > 0;
          if (!sleeping) await new Promise((r) => setTimeout(r, 20));
        }
        expect(sleeping).toBe(true);
        await admin.query('select pg_terminate_backend($1)', [before]);
        expect(await outcome).toMatchObject({ code: '57P01' });
      } finally {
        await admin.end();
      }
      expect((await sql<{ n: number }>`select count(*)::int as n from pc_slow`.execute(first.db)).rows[0]!.n).toBe(0);
      expect(await pid()).not.toBe(before);
      await unitOf(o.db).transaction((trx, tx) => tx.commitWith(() => addItem(trx, 'sl-after')));
      expect(await keys(first.db, 'sl-%')).toEqual(['sl-after']);
    });

    it('a statement after the committing one rejects and sends nothing; only the first of the work carries COMMIT', async () => {
      const o = open(1);
      await sql`select 1`.execute(o.db);
      const wire = await traffic(o, () =>
        unitOf(o.db).transaction(async (trx, tx) => {
          await tx.commitWith(async () => {
            await addItem(trx, 'sa-1');
            await expect(addItem(trx, 'sa-2')).rejects.toThrow(/outside the transaction/);
          });
          await expect(sql`insert into pb_items (k) values ('sa-3')`.execute(trx)).rejects.toThrow(
            /outside the transaction/,
          );
        }),
      );
      expect(wire).toEqual({ writes: 1, roundTrips: 1 });
      expect(await keys(first.db, 'sa-%')).toEqual(['sa-1']);
    });

    it('a rollback after the committing statement rejects: its work is committed', async () => {
      const o = open(1);
      await expect(
        unitOf(o.db).transaction(async (trx, tx) => {
          await tx.commitWith(() => addItem(trx, 'ra-1'));
          throw new Error('too late');
        }),
      ).rejects.toThrow(/rollback after the transaction committed/);
      expect(await keys(first.db, 'ra-%')).toEqual(['ra-1']);
      await unitOf(o.db).transaction((trx, tx) => tx.commitWith(() => addItem(trx, 'ra-2')));
      expect(await keys(first.db, 'ra-%')).toEqual(['ra-1', 'ra-2']);
    });

    it('lets the COMMIT go alone after a work without a statement, or with one not built for it', async () => {
      const o = open(1);
      await sql`select 1`.execute(o.db);
      const wire = await traffic(o, async () => {
        await unitOf(o.db).transaction(async (trx, tx) => {
          await addItem(trx, 'na-1');
          await tx.commitWith(async () => {});
          await addItem(trx, 'na-2'); // the mark is gone with the work
        });
        await unitOf(o.db).transaction((trx, tx) =>
          tx.commitWith(() => sql`insert into pb_items (k) values ('na-3')`.execute(trx)),
        );
      });
      // begin + insert, insert, commit; begin + insert, commit.
      expect(wire).toEqual({ writes: 5, roundTrips: 5 });
      expect(o.pipelined!.stats().commitJoined).toBe(0);
      expect(await keys(first.db, 'na-%')).toEqual(['na-1', 'na-2', 'na-3']);
    });

    it('parses a named committing statement once per connection, COMMIT unnamed behind it', async () => {
      const o = open(1);
      for (let i = 0; i < 5; i++) {
        await unitOf(o.db).transaction(async (trx, tx) => {
          if (i % 2) await sql`select 1`.execute(trx); // BEGIN sent before it, or with it
          expect(await tx.commitWith(() => addItem(trx, `nm-${i}`))).toEqual([{ k: `nm-${i}` }]);
        });
      }
      // The insert named from its 2nd use (then reused), and `select 1` from its 2nd (i = 3).
      expect(o.cached!.stats()).toMatchObject({ prepared: 2, reused: 3 });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_prepared_statements where statement like '%then commit%'`.execute(o.db);
      expect(rows[0]!.n).toBe(1);
      expect(o.pipelined!.stats()).toMatchObject({ commitJoined: 5 });
    });
  });

  it('keeps concurrent transactions on the pool apart', async () => {
    const o = open(4);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        o.db.transaction().execute(async (trx) => {
          await sql`insert into pb_items (k) values (${`cc-${String(i).padStart(2, '0')}`})`.execute(trx);
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pb_items where k = ${`cc-${String(i).padStart(2, '0')}`}`.execute(trx);
          expect(rows[0]!.n).toBe(1);
          if (i % 5 === 0) throw new Error(`undo ${i}`);
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(8);
    const kept = await keys(first.db, 'cc-%');
    expect(kept).toHaveLength(32);
    expect(kept.some((k) => Number(k.slice(3)) % 5 === 0)).toBe(false);
    expect(o.pipelined!.stats()).toMatchObject({ held: 40, joined: 40 });
  });
});

describe('commitWith on either database', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
    await sql`create table pb_items (k text primary key)`.execute(h.db);
  });
  afterAll(async () => h?.close());

  it("commits the work's statement with the transaction and returns its rows (PGlite: the marker is a comment)", async () => {
    const rows = await unitOf(h.db).transaction(async (trx, tx) => {
      await sql`insert into pb_items (k) values ('ew-1')`.execute(trx);
      return tx.commitWith(() => addItem(trx, 'ew-2'));
    });
    expect(rows).toEqual([{ k: 'ew-2' }]);
    await expect(
      unitOf(h.db).transaction(async (trx, tx) => {
        await addItem(trx, 'ew-3');
        await tx.commitWith(() => addItem(trx, 'ew-1'));
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows: all } = await sql<{ k: string }>`select k from pb_items order by k`.execute(h.db);
    expect(all.map((r) => r.k)).toEqual(['ew-1', 'ew-2']);
    if (h.pipelinedBeginStats) expect(h.pipelinedBeginStats()).toMatchObject({ commitJoined: 2 });
  });
});
