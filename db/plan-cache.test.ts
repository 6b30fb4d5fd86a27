/**
 * The plan cache on a real PostgreSQL (db/plan-cache.ts): repeated statements become named prepared statements on
 * their connection, within the bounds, never for what must not be prepared, and through failed parses, DDL that
 * changes a statement's columns and connections the server drops. PostgreSQL only (PGlite has its own driver).
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase, urlOf } from '../test/helpers/db.js';
import { type DatabaseHandle, openDatabase } from './connect.js';
import { isCacheable, LOCKS_BY_IDS, type PlanCacheOptions } from './plan-cache.js';
import { KyselyInboundStore } from './repositories/inbound.repository.js';
import { KyselyOutboxStore } from './repositories/outbox.repository.js';
import type { Database } from './schema.js';

const templates = inject('pgTemplates');

describe('which statements may be named', () => {
  it('only one SELECT, INSERT, UPDATE, DELETE or WITH, never a queue claim', () => {
    expect(isCacheable('select "id" from "outbox" where "id" = $1')).toBe(true);
    expect(isCacheable('  with x as (select 1) insert into t select * from x')).toBe(true);
    expect(isCacheable('update t set a = $1')).toBe(true);
    for (const text of [
      'begin',
      'commit',
      'rollback',
      'savepoint "sp1"',
      'create table t (a int)',
      'alter table outbox add column x int',
      'set local plan_cache_mode = force_generic_plan',
      'select 1; select 2',
      'select id from outbox order by id limit $1 for update skip locked',
      'with c as (select id from t) select id from t where id in (select id from c) for update of t SKIP\n  LOCKED',
      `select ${'1, '.repeat(5_000)}1`,
    ]) {
      expect(isCacheable(text), text.slice(0, 60)).toBe(false);
    }
    // A statement that locks given rows by id says so, and may be named.
    expect(
      isCacheable(
        `with m as (select id from t where id = any($1) for update skip locked) ${LOCKS_BY_IDS} update t set a = 1`,
      ),
    ).toBe(true);
  });
});

describe.skipIf(!templates)('the plan cache on PostgreSQL', () => {
  let first: DatabaseHandle;
  let url: string;
  const opened: DatabaseHandle[] = [];

  beforeAll(async () => {
    first = await openTestDatabase();
    url = await urlOf(first);
  });
  afterAll(async () => {
    for (const h of opened) await h.close().catch(() => {});
    await first?.close();
  });

  /** Another pool on the test database, with its own cache. */
  async function pool(poolSize: number, planCache?: PlanCacheOptions): Promise<DatabaseHandle> {
    const h = await openDatabase({ kind: 'postgres', url, poolSize, planCache });
    opened.push(h);
    return h;
  }

  /** The named statements of the connection this runs on (one connection in these pools). */
  async function prepared(db: Kysely<Database>): Promise<string[]> {
    const { rows } = await sql<{ statement: string }>`
      select statement from pg_prepared_statements where name like 'gs\\_%' order by prepare_time, name`.execute(db);
    return rows.map((r) => r.statement);
  }

  const hot = (db: Kysely<Database>, n: number) => sql<{ x: number }>`select ${n}::int + 1 as x`.execute(db);

  it('names a text from its second use, parses it once per connection and answers the same', async () => {
    const h = await pool(1);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await hot(h.db, i)).rows[0]!.x);
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    expect(h.planCacheStats!()).toMatchObject({ prepared: 1, reused: 3 });
    expect(await prepared(h.db)).toContain('select $1::int + 1 as x');
    // Transaction brackets, DDL and the catalog read above stay unnamed however often they run.
    await h.db.transaction().execute(async (trx) => {
      await sql`create temporary table plan_cache_tmp (a int) on commit drop`.execute(trx);
    });
    await h.db.transaction().execute(async (trx) => {
      await sql`create temporary table plan_cache_tmp (a int) on commit drop`.execute(trx);
    });
    const names = await prepared(h.db);
    expect(names.filter((s) => /^(begin|commit|create)/i.test(s))).toEqual([]);
  });

  it('keeps the outbox claim unnamed (its generic plan sorts the whole due backlog)', async () => {
    const h = await pool(1);
    const outbox = new KyselyOutboxStore(h.db);
    for (let i = 0; i < 4; i++) await outbox.claim(new Date(), new Date(Date.now() + 30_000), 50);
    const names = await prepared(h.db);
    expect(names.some((s) => /skip\s+locked/i.test(s))).toBe(false);
    // The claim's other statement (the update of what it took) is not a claim: nothing was due, so it never ran.
    expect(h.planCacheStats!().prepared).toBe(0);
  });

  it("plans the turn's take, reply insert and mark-sent once per connection (a generic plan), not on every call", async () => {
    const h = await pool(1);
    const inbound = new KyselyInboundStore(h.db);
    const outbox = new KyselyOutboxStore(h.db);
    const now = new Date();
    const until = new Date(now.getTime() + 30_000);
    // Batches of 1..6 (as a turn's): a custom plan counts a constant array's elements and a generic one guesses 10,
    // so with the arrays in sight of the planner the generic plan looked costlier and every call was planned again.
    for (let i = 0; i < 12; i++) {
      const size = (i % 6) + 1;
      const stored = await inbound.store(
        Array.from({ length: size }, (_, k) => ({
          channel: 'sandbox' as const,
          dedupeKey: `generic:${i}:${k}`,
          externalId: `generic-${i}-${k}`,
          msgType: 'text',
          content: 'hi',
        })),
      );
      const ids = stored.map((m) => m.id);
      expect((await inbound.take(ids, [], now)).attempts.size).toBe(size);
      const replies = await outbox.enqueueClaiming(
        ids.map((id, k) => ({
          dedupeKey: `generic-reply:${id}`,
          recipient: `generic-${i}-${k}`,
          address: `generic-${i}-${k}`,
          route: 'sandbox' as const,
          body: 'hello',
          format: 'text' as const,
          kind: 'reply',
          inReplyTo: id,
          notBefore: now,
          claimable: true,
        })),
        { now, until, held: [] },
      );
      expect(replies.map((r) => r.status)).toEqual(ids.map(() => 'sending'));
      await outbox.markSentAll(replies.map((r) => ({ id: r.id, at: now })));
    }
    const { rows } = await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
      select statement, generic_plans, custom_plans from pg_prepared_statements where name like 'gs\\_%'`.execute(h.db);
    const plans = (text: RegExp) => rows.find((r) => text.test(r.statement));
    for (const text of [
      /insert into outbox as o/,
      /update outbox o set status = 'sent'/,
      /update inbound_messages m/,
    ]) {
      const p = plans(text);
      expect(p, String(text)).toBeDefined();
      // PostgreSQL plans a statement's first 5 executions with its values, then keeps the generic plan.
      expect(Number(p!.generic_plans), String(text)).toBeGreaterThan(0);
      expect(Number(p!.custom_plans), String(text)).toBeLessThanOrEqual(5);
    }
  });

  it('holds at most maxPerConnection names, DEALLOCATEs the least recently used and keeps the hot one', async () => {
    const h = await pool(1, { maxPerConnection: 4 });
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 12; k++) {
        // 12 distinct texts (an IN list of 1..12 values), each sent 3 times; the hot one between them.
        const values = Array.from({ length: k + 1 }, (_, i) => i);
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from generate_series(0, 20) g where g in (${sql.join(values)})`.execute(h.db);
        expect(rows[0]!.n).toBe(k + 1);
        expect((await hot(h.db, k)).rows[0]!.x).toBe(k + 1);
      }
    }
    const names = await prepared(h.db);
    expect(names.length).toBeLessThanOrEqual(4);
    expect(names).toContain('select $1::int + 1 as x');
    const stats = h.planCacheStats!();
    expect(stats.evicted).toBeGreaterThan(0);
    expect(stats.prepared - stats.evicted).toBe(names.length);
  });

  it('counts at most maxTracked texts: one forgotten before its next use is never named', async () => {
    const h = await pool(1, { maxTracked: 3 });
    for (let round = 0; round < 4; round++) {
      for (const n of [1, 2, 3, 4]) {
        const { rows } = await sql<{ x: number }>`select ${round}::int * ${sql.raw(String(n))} as x`.execute(h.db);
        expect(rows[0]!.x).toBe(round * n);
      }
    }
    expect(h.planCacheStats!().prepared).toBe(0);
    expect(await prepared(h.db)).toEqual([]);
  });

  it('parses again after a failed parse (an aborted transaction) and keeps working', async () => {
    const h = await pool(1);
    await hot(h.db, 0);
    await hot(h.db, 0); // named and parsed
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`select 1 / 0`.execute(trx);
      }),
    ).rejects.toThrow(/division by zero/);
    // A text admitted but first parsed inside an aborted transaction: the Parse fails, the next use parses again.
    const other = (db: Kysely<Database>) => sql<{ y: string }>`select ${'a'}::text || 'b' as y`.execute(db);
    await other(h.db); // seen once
    await expect(
      h.db.transaction().execute(async (trx) => {
        await sql`select 1 / 0`.execute(trx).catch(() => {});
        await other(trx);
      }),
    ).rejects.toThrow(/current transaction is aborted/);
    expect((await other(h.db)).rows[0]!.y).toBe('ab');
    expect((await other(h.db)).rows[0]!.y).toBe('ab');
    expect((await hot(h.db, 7)).rows[0]!.x).toBe(8);
    expect(await prepared(h.db)).toEqual(expect.arrayContaining(["select $1::text || 'b' as y"]));
  });

  it('runs a named SELECT * again after its table changed shape, and replaces that connection', async () => {
    const h = await pool(1);
    await sql`create table plan_cache_shape (a int)`.execute(h.db);
    await sql`insert into plan_cache_shape values (1)`.execute(h.db);
    const read = (db: Kysely<Database> = h.db) =>
      db
        .selectFrom('plan_cache_shape' as never)
        .selectAll()
        .where('a' as never, '>', 0 as never)
        .execute();
    await read();
    await read();
    await sql`alter table plan_cache_shape add column b int default 2`.execute(h.db);
    expect(await read()).toEqual([{ a: 1, b: 2 }]);
    expect(h.planCacheStats!().replanned).toBe(1);
    // Inside a transaction it cannot be run again: that transaction fails, and its connection is replaced after it.
    await read(); // the new connection names it again
    await read();
    const pid = () => sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(h.db).then((r) => r.rows[0]!.pid);
    const before = await pid();
    await sql`alter table plan_cache_shape add column c int default 3`.execute(h.db);
    await expect(h.db.transaction().execute(async (trx) => read(trx))).rejects.toThrow(/cached plan must not change/);
    expect(await pid()).not.toBe(before);
    expect(await read()).toEqual([{ a: 1, b: 2, c: 3 }]);
    await sql`drop table plan_cache_shape`.execute(h.db);
  });

  it('survives the server dropping every connection mid-run (57P01): names are parsed again on new ones', async () => {
    const h = await pool(4);
    const failures: string[] = [];
    let ok = 0;
    let stop = false;
    const loop = async (k: number) => {
      while (!stop) {
        try {
          // Mostly in flight (a named statement that sleeps): the drop hits checked-out connections.
          const { rows } = await sql<{ x: number }>`select ${k}::int + 1 as x, pg_sleep(0.01)::text as s`.execute(h.db);
          expect(rows[0]!.x).toBe(k + 1);
          await h.db.selectFrom('outbox').select('id').where('recipient', '=', `u${k}`).execute();
          ok++;
        } catch (e) {
          failures.push(`${(e as { code?: string }).code ?? ''} ${(e as Error).message}`);
        }
      }
    };
    const loops = [0, 1, 2, 3, 4, 5].map(loop);
    await new Promise((r) => setTimeout(r, 300));
    const before = h.planCacheStats!().prepared;
    const { rows: db } = await sql<{ name: string }>`select current_database() as name`.execute(first.db);
    const admin = new pg.Client({ connectionString: templates!.url });
    await admin.connect();
    try {
      for (let i = 0; i < 2; i++) {
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = $2 and application_name = $3',
          [db[0]!.name, 'client backend', ''],
        );
        expect(rows.length).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await admin.end();
    }
    const okBefore = ok;
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(loops);
    expect(ok).toBeGreaterThan(okBefore);
    expect(failures.length).toBeGreaterThan(0);
    // Only the dropped connections failed: never a statement name the new connection did not have.
    for (const f of failures) {
      expect(f).not.toMatch(/prepared statement|Prepared statements must be unique/);
      expect(f).toMatch(/57P01|terminat|Connection terminated|ECONNRESET|not queryable|closed/i);
    }
    expect(h.planCacheStats!().prepared).toBeGreaterThan(before);
  });
});
