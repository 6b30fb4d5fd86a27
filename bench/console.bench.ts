/**
 * Console page latency at scale (default 10: 6,000 dealers) on PostgreSQL: every page signed in as HQ and as an
 * account manager, through the real app (`inject`, no socket), against `/readyz` (one database round trip) as the
 * baseline of the same run. Prints the first (cold) request and p50/p95 of the next ones, and each page's weight.
 * Creates its own database, seeds the K demo, drops it at the end (CONSOLE_BENCH_KEEP=1 keeps it for a rerun).
 * Run: npm run bench:console   (CONSOLE_BENCH_SCALE, CONSOLE_BENCH_PG_URL, CONSOLE_BENCH_ROUNDS)
 */
import { sql } from 'kysely';
import pino from 'pino';
import pg from 'pg';
import { MemoryKeyValueStore } from '../adapters/kv/memory.kv.js';
import { loadConfig } from '../bot/config.js';
import { composeApp } from '../bot/main.js';
import { openDatabase } from '../db/connect.js';
import { isDatabaseEmpty, seedDemoData } from '../db/seed/k-demo.js';
import { dealerPage, HQ_PAGES, SHARED_PAGES } from '../test/console/console.pages.js';
import { ConsoleBrowser } from '../test/console/console.session.js';
import { newToken, SESSION_COOKIE, sessionIdOf } from '../bot/console/auth.js';

const SCALE = Number(process.env.CONSOLE_BENCH_SCALE ?? 10);
const SERVER = process.env.CONSOLE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.CONSOLE_BENCH_ROUNDS ?? 30);
const KEEP = process.env.CONSOLE_BENCH_KEEP === '1';
const NOW = new Date('2026-11-26T10:00:00+08:00');
const TOKEN = 'console-bench-admin-token-0123456789';
const TARGET_P95_MS = 200;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  const name = `gs_bench_console_s${String(SCALE).replace('.', '_')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  const app = await composeApp(
    loadConfig({ DATABASE_URL: url.toString(), ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent', SEED_ON_EMPTY: '0' }),
    { database, kv: new MemoryKeyValueStore(), log: pino({ level: 'silent' }), startPipeline: false, now: () => NOW },
  );
  try {
    if (await isDatabaseEmpty(database.db)) {
      const t0 = performance.now();
      const s = await seedDemoData(database.db, { scale: SCALE, now: NOW });
      console.log(
        `seeded scale ${SCALE}: ${s.counts.dealers} dealers, ${s.counts.orders} orders in ${Math.round(performance.now() - t0)} ms`,
      );
      await app.services(database.db).scoreDealers('2026-10', NOW);
      // As autovacuum would leave a loaded table: statistics, and the visibility map index-only scans rely on.
      await sql`vacuum analyze`.execute(database.db);
    }
    const db = database.db;
    const dealer = await db
      .selectFrom('dealers')
      .select(['code', 'manager_code'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const userid = (
      await db
        .selectFrom('managers')
        .select('wecom_userid')
        .where('code', '=', dealer.manager_code)
        .executeTakeFirstOrThrow()
    ).wecom_userid;

    const hq = new ConsoleBrowser(app.server);
    await hq.signInHq(TOKEN);
    const pages: Array<[string, ConsoleBrowser, string]> = [
      ['baseline', hq, '/readyz'],
      ...[...HQ_PAGES, dealerPage(dealer.code)].map((p): [string, ConsoleBrowser, string] => ['hq', hq, p]),
    ];
    if (userid) {
      // The manager's session is made as the WeCom sign-in would make it (no WeCom in a bench).
      const manager = new ConsoleBrowser(app.server);
      const token = newToken();
      await app.services(db).consoleSessions.create({
        id: sessionIdOf(token),
        role: 'manager',
        managerCode: dealer.manager_code,
        csrf: newToken(),
        createdAt: NOW,
        lastSeenAt: NOW,
      });
      manager.cookies.set(SESSION_COOKIE, token);
      pages.push(
        ...[...SHARED_PAGES, dealerPage(dealer.code)].map((p): [string, ConsoleBrowser, string] => [
          'manager',
          manager,
          p,
        ]),
      );
    }
    const rows: Array<{ who: string; path: string; cold: number; p50: number; p95: number; bytes: number }> = [];
    for (const [who, browser, path] of pages) {
      const times: number[] = [];
      let bytes = 0;
      let cold = 0;
      for (let i = 0; i <= ROUNDS; i++) {
        const t0 = performance.now();
        const res = await browser.get(path);
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) throw new Error(`${who} ${path}: ${res.statusCode}`);
        bytes = res.rawPayload.length;
        if (i === 0) cold = ms;
        else times.push(ms);
      }
      times.sort((a, b) => a - b);
      rows.push({ who, path, cold, p50: pct(times, 50), p95: pct(times, 95), bytes });
    }
    const base = rows[0]!.p95;
    console.log(`\nconsole pages at scale ${SCALE} on PostgreSQL, ${ROUNDS} requests each after the first (ms)`);
    console.log('who      page                                      first     p50     p95  ×baseline   bytes');
    for (const r of rows) {
      console.log(
        `${r.who.padEnd(8)} ${r.path.padEnd(40)} ${r.cold.toFixed(1).padStart(7)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${(r.p95 / base).toFixed(1).padStart(10)} ${String(r.bytes).padStart(7)}`,
      );
    }
    const pagesOnly = rows.slice(1);
    const worst = pagesOnly.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    const heaviest = pagesOnly.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(
      `\nslowest p95: ${worst.path} (${worst.who}) ${worst.p95.toFixed(1)} ms — target ≤ ${TARGET_P95_MS} ms: ${worst.p95 <= TARGET_P95_MS ? 'met' : 'MISSED'}`,
    );
    console.log(`heaviest page: ${heaviest.path} ${heaviest.bytes} bytes (no scripts, no other requests)`);
  } finally {
    await app.close();
    await database.close();
    if (!KEEP) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
