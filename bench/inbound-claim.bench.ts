/**
 * The worker's inbound claim on PostgreSQL (`npm run bench:inbound-claim [-- --pg URL --done 10000,200000]`): 64
 * senders with 40 messages waiting each, behind N finished messages; the store's own `claim` (64 heads), then the
 * leases are put back, 30 times. Baseline in the same run: the same database without the unfinished-rows index
 * (migration 0023), so the scan walks the primary key through the finished rows.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { KyselyInboundStore } from '../db/repositories/inbound.repository.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const PG_URL = args.get('pg') ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DONE = (args.get('done') ?? '10000,200000').split(',').map(Number);
const ROUNDS = 30;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
};

const rows: Array<Record<string, string>> = [];
const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
for (const done of DONE) {
  const name = `gs_bench_claim_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const h = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 2 });
  try {
    await migrateToLatest(h.db);
    await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content, status, processed_at)
      select 'wecom', 'd' || g, 'wecom:s' || (g % 500), 'text', 'x', 'done', now()
      from generate_series(1, ${done}) g`.execute(h.db);
    await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content)
      select 'wecom', 'p' || g, 'wecom:s' || (g % 64), 'text', 'x' from generate_series(1, 2560) g`.execute(h.db);
    const store = new KyselyInboundStore(h.db);
    for (const index of ['without (baseline)', 'with inbound_unfinished']) {
      if (index.startsWith('without')) await sql`drop index inbound_unfinished`.execute(h.db);
      else
        await sql`create index inbound_unfinished on inbound_messages(id) where status in ('pending','processing')`.execute(
          h.db,
        );
      await sql`analyze inbound_messages`.execute(h.db);
      const ms: number[] = [];
      for (let i = 0; i < ROUNDS + 3; i++) {
        const now = new Date();
        const t = performance.now();
        const claimed = await store.claim(now, new Date(now.getTime() + 30_000), 64);
        if (i >= 3) ms.push(performance.now() - t);
        if (claimed.length !== 64) throw new Error(`claimed ${claimed.length}, not 64`);
        await store.releaseLeases();
      }
      rows.push({
        'finished rows': String(done),
        index,
        'claim p50 ms': pct(ms, 50).toFixed(2),
        'claim p99 ms': pct(ms, 99).toFixed(2),
      });
    }
  } finally {
    await h.close();
    await admin.query(`drop database if exists ${name} with (force)`);
  }
}
await admin.end();
console.log('\nInbound claim of 64 sender heads (2,560 messages waiting), on PostgreSQL:\n');
console.table(rows);
console.log(
  `Load average (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
