/**
 * The plan cache (db/plan-cache.ts) statement by statement (`npm run bench:plan-cache [-- --pg URL --calls 400
 * --rounds 5]`): the hot statements of a conversation turn, each through its own repository, sent unnamed (the
 * baseline: what Kysely and node-postgres send without the cache) and named (the cache), alternating in rounds on two
 * one-connection pools over one database (its own, seeded with the K demo plus 20,000 finished messages and
 * replies, dropped at the end). Per call: wall time (one in flight) and the PostgreSQL backend's CPU time
 * (`/proc/<backend pid>/schedstat`, when the server runs on this machine), and how many statements the call sends.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Tier } from '../core/catalog/pricing.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/connect.js';
import { KyselyConversationStore } from '../db/repositories/conversation.repository.js';
import { KyselyIdentityDirectory } from '../db/repositories/identity.repository.js';
import { KyselyInboundStore } from '../db/repositories/inbound.repository.js';
import { NeedsRepository } from '../db/repositories/needs.repository.js';
import { KyselyOrderStore } from '../db/repositories/order.repository.js';
import { KyselyOutboxStore } from '../db/repositories/outbox.repository.js';
import { KyselyStockStore } from '../db/repositories/stock.repository.js';
import type { Database } from '../db/schema.js';
import { seedDemoData } from '../db/seed/k-demo.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const PG_URL = args.get('pg') ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CALLS = Number(args.get('calls') ?? 400);
const ROUNDS = Number(args.get('rounds') ?? 5);

interface Fixture {
  dealer: { code: string; tier: Tier };
  sender: string;
  skus: string[];
  inboundId: number;
}

/** One call of a case: the statements one step of a turn sends (through the repository that sends them). */
const CASES: Array<{ name: string; run: (db: Kysely<Database>, f: Fixture, i: number) => Promise<unknown> }> = [
  { name: 'select $1', run: (db, _f, i) => sql`select ${i}::int as x`.execute(db) },
  { name: 'conversation state (one row by key)', run: (db, f) => new KyselyConversationStore(db).load(f.sender) },
  {
    name: 'identity (channel_identities ⋈ dealers ⋈ managers)',
    run: (db, f) => new KyselyIdentityDirectory(db).resolve('wecom', f.sender),
  },
  { name: "a dealer's open needs", run: (db, f) => new NeedsRepository(db).activeOfDealer(f.dealer.code, 5) },
  {
    name: 'recent orders with their lines (2 statements)',
    run: (db, f) => new KyselyOrderStore(db).recentOrders(f.dealer.code, 5),
  },
  {
    name: 'stock facts of 3 SKUs (products ⋈ prices ⋈ HQ and dealer stock ⋈ sales)',
    run: (db, f) => new KyselyStockStore(db).stockFacts(f.dealer, f.skus, '2026-01-01', '2099-01-01'),
  },
  {
    name: 'outbox insert of one reply (FK, unique dedupe key)',
    run: (db, f, i) =>
      new KyselyOutboxStore(db).enqueue([
        {
          dedupeKey: `bench:${randomBytes(6).toString('hex')}:${i}`,
          recipient: f.dealer.code,
          address: f.sender,
          route: 'wecom_app',
          body: '您好，有什么可以帮您？',
          format: 'text',
          kind: 'reply',
          inReplyTo: f.inboundId,
          notBefore: new Date(),
        },
      ]),
  },
  {
    name: 'inbound claim, nothing due (never named: SKIP LOCKED; begin/commit)',
    run: (db) => new KyselyInboundStore(db).claim(new Date(), new Date(Date.now() + 30_000), 32),
  },
];

/** CPU time of a PostgreSQL backend in µs, if its /proc entry is readable here. */
function backendCpuUs(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1_000;
  } catch {
    return null;
  }
}

class Counter {
  n = 0;
  readonly plugin = {
    transformQuery: (a: { node: never }) => {
      this.n++;
      return a.node;
    },
    transformResult: async (a: { result: never }) => a.result,
  };
}

const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
const name = `gs_bench_plans_${randomBytes(4).toString('hex')}`;
await admin.query(`create database ${name}`);
const u = new URL(PG_URL);
u.pathname = `/${name}`;
const handles: DatabaseHandle[] = [];
try {
  const setup = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 2, planCache: false });
  handles.push(setup);
  await migrateToLatest(setup.db);
  await seedDemoData(setup.db, { scale: 0.2, now: new Date() });
  await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content, status, processed_at)
    select 'wecom', 'd' || g, 'wx-' || g % 64, 'text', '你好', 'done', now() from generate_series(1, 20000) g`.execute(
    setup.db,
  );
  await sql`insert into outbox (dedupe_key, recipient, address, route, body, in_reply_to, status, sent_at)
    select 'o' || g, 'D0001', 'wx-' || g % 64, 'wecom_app', '您好', g, 'sent', now() from generate_series(1, 20000) g`.execute(
    setup.db,
  );
  await sql`analyze`.execute(setup.db);
  const dealer = await setup.db
    .selectFrom('dealers as d')
    .innerJoin('orders as o', 'o.dealer_code', 'd.code')
    .select(['d.code', 'd.tier'])
    .groupBy(['d.code', 'd.tier'])
    .orderBy(sql`count(*)`, 'desc')
    .executeTakeFirstOrThrow();
  const sender = `wx-${dealer.code}`;
  await setup.db
    .insertInto('channel_identities')
    .values({ channel: 'wecom', external_id: sender, dealer_code: dealer.code })
    .execute();
  const skus = (await setup.db.selectFrom('products').select('sku').orderBy('sku').limit(3).execute()).map(
    (p) => p.sku,
  );
  const fixture: Fixture = { dealer: { code: dealer.code, tier: dealer.tier as Tier }, sender, skus, inboundId: 1 };

  const modes = [
    { mode: 'unnamed (baseline)', planCache: false as const },
    { mode: 'cached', planCache: undefined },
  ].map((m) => {
    const counter = new Counter();
    return { ...m, counter, handle: null as DatabaseHandle | null, db: null as Kysely<Database> | null };
  });
  for (const m of modes) {
    m.handle = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 1, planCache: m.planCache });
    handles.push(m.handle);
    m.db = m.handle.db.withPlugin(m.counter.plugin as never);
  }
  const pidOf = async (db: Kysely<Database>) =>
    (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

  const table: Array<Record<string, string>> = [];
  for (const c of CASES) {
    const acc = modes.map(() => ({ wallUs: 0, cpuUs: 0 as number | null, calls: 0, statements: 0 }));
    for (const m of modes) for (let i = 0; i < 20; i++) await c.run(m.db!, fixture, i); // warm: named from here
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const m = modes[k]!;
        const a = acc[k]!;
        const pid = await pidOf(m.db!);
        const s0 = m.counter.n;
        const c0 = backendCpuUs(pid);
        const t0 = performance.now();
        for (let i = 0; i < CALLS; i++) await c.run(m.db!, fixture, i);
        a.wallUs += (performance.now() - t0) * 1_000;
        const c1 = backendCpuUs(pid);
        a.cpuUs = a.cpuUs === null || c0 === null || c1 === null ? null : a.cpuUs + (c1 - c0);
        a.calls += CALLS;
        a.statements += m.counter.n - s0;
      }
    }
    const [base, cached] = acc as [(typeof acc)[0], (typeof acc)[0]];
    const per = (x: number, n: number) => (x / n).toFixed(0);
    table.push({
      statement: c.name,
      'statements/call': (base.statements / base.calls).toFixed(0),
      'unnamed µs (PG CPU µs)': `${per(base.wallUs, base.calls)} (${base.cpuUs === null ? '—' : per(base.cpuUs, base.calls)})`,
      'cached µs (PG CPU µs)': `${per(cached.wallUs, cached.calls)} (${cached.cpuUs === null ? '—' : per(cached.cpuUs, cached.calls)})`,
      'wall ×': (base.wallUs / cached.wallUs).toFixed(2),
      'PG CPU ×': base.cpuUs && cached.cpuUs ? (base.cpuUs / cached.cpuUs).toFixed(2) : '—',
    });
  }
  console.log(
    `\nStatements unnamed vs named by the plan cache, one in flight, ${ROUNDS} alternating rounds of ${CALLS} calls`,
  );
  console.table(table);
  const stats = modes[1]!.handle!.planCacheStats!();
  console.log(
    `Cache: ${stats.prepared} parsed, ${stats.reused} reused, ${stats.unnamed} unnamed, ${stats.evicted} evicted. ` +
      `Load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
} finally {
  for (const h of handles) await h.close().catch(() => {});
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
