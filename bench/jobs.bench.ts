/**
 * Daily care jobs at scale (default 10: 6,000 dealers, 120,000 stores) on PostgreSQL: the set-based jobs against a
 * straightforward per-dealer loop of the same rules (bench/jobs.loop.ts), in the same run, on the same data. Each
 * side runs in a transaction that is rolled back, so both start from the same outbox; both must produce the same
 * messages (same dedupe keys and bodies). Creates its own database, seeds the K demo, drops it at the end.
 * Run: npm run bench:jobs   (JOBS_BENCH_SCALE, JOBS_BENCH_PG_URL to change scale or server)
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { jobServicesOn } from '../test/helpers/jobs.js';
import type { CareStep } from '../core/care/care.service.js';
import { dbNotifier } from '../test/helpers/pipeline.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { seedDemoData } from '../db/seed/k-demo.js';
import { loopDaily } from './jobs.loop.js';

const SCALE = Number(process.env.JOBS_BENCH_SCALE ?? 10);
const SERVER = process.env.JOBS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NOW = new Date('2026-11-26T09:10:00+08:00');
const DATE = '2026-11-26';
const TARGET_MS = 30_000;
const TARGET_SPEEDUP = 10;

class Rollback extends Error {}

/** Runs `fn` in a transaction, snapshots the outbox it wrote, and rolls everything back. */
async function rolledBack<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) {
  let out: { value: T; ms: number; rows: Array<{ dedupe_key: string; kind: string; body: string }> } | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      const started = performance.now();
      const value = await fn(trx);
      const ms = performance.now() - started;
      const rows = await trx.selectFrom('outbox').select(['dedupe_key', 'kind', 'body']).execute();
      out = { value, ms, rows };
      throw new Rollback();
    })
    .catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return out!;
}

const steps: Array<[string, CareStep]> = [
  ['care.birthday', 'birthday'],
  ['care.anniversary', 'anniversary'],
  ['care.replenishment', 'replenishment'],
  ['care.silent', 'silent'],
];

async function main() {
  const name = `gs_bench_jobs_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const h = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  try {
    await migrateToLatest(h.db);
    const seeded = await seedDemoData(h.db, { scale: SCALE, now: new Date('2026-11-26T10:00:00+08:00') });
    console.log(
      `seeded scale ${SCALE}: ${seeded.counts.dealers} dealers, ${seeded.counts.stores} stores, ${seeded.totalRows} rows in ${(seeded.ms / 1000).toFixed(1)} s`,
    );
    await sql`analyze`.execute(h.db);

    const perStep: Array<{ step: string; ms: number; messages: number }> = [];
    const set = await rolledBack(h.db, async (trx) => {
      // The jobs' own path: CareService on the transaction's repositories, delivery log and outbox.
      const { care } = jobServicesOn(trx).root;
      for (const [step, careStep] of steps) {
        const t = performance.now();
        const { queued = 0 } = await care.run(careStep, NOW);
        perStep.push({ step, ms: performance.now() - t, messages: queued });
      }
    });
    const loop = await rolledBack(h.db, (trx) => loopDaily(trx, DATE, NOW, dbNotifier(trx)));

    const key = (r: { dedupe_key: string; body: string }) => `${r.dedupe_key}\u0000${r.body}`;
    const a = new Set(set.rows.map(key));
    const b = new Set(loop.rows.map(key));
    const same = a.size === b.size && [...a].every((k) => b.has(k));
    const byKind = (rows: Array<{ kind: string }>) => {
      const m: Record<string, number> = {};
      for (const r of rows) m[r.kind] = (m[r.kind] ?? 0) + 1;
      return m;
    };
    const kindsSet = byKind(set.rows);
    const kindsLoop = byKind(loop.rows);

    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (n: number, w = 10) => String(n).padStart(w);
    console.log(`\ndaily care jobs, scale ${SCALE} (${seeded.counts.dealers} dealers), PostgreSQL, date ${DATE}`);
    console.log(`${pad('step', 22)}${'set-based ms'.padStart(14)}${'messages'.padStart(10)}`);
    for (const s of perStep) console.log(`${pad(s.step, 22)}${num(Math.round(s.ms), 14)}${num(s.messages)}`);
    console.log(`${pad('total set-based', 22)}${num(Math.round(set.ms), 14)}${num(set.rows.length)}`);
    console.log(`${pad('total per-dealer loop', 22)}${num(Math.round(loop.ms), 14)}${num(loop.rows.length)}`);
    console.log(`\n${pad('kind', 26)}${'set-based'.padStart(10)}${'loop'.padStart(10)}`);
    for (const k of [...new Set([...Object.keys(kindsSet), ...Object.keys(kindsLoop)])].sort())
      console.log(`${pad(k, 26)}${num(kindsSet[k] ?? 0)}${num(kindsLoop[k] ?? 0)}`);
    const speedup = loop.ms / set.ms;
    console.log(
      `\nspeed-up ${speedup.toFixed(1)}× (target ≥ ${TARGET_SPEEDUP}×); set-based ${(set.ms / 1000).toFixed(2)} s (target ≤ ${TARGET_MS / 1000} s)`,
    );
    console.log(`same messages (dedupe keys and bodies): ${same ? 'yes' : 'NO'}`);
    const ok = same && set.ms <= TARGET_MS && speedup >= TARGET_SPEEDUP && set.rows.length === loop.rows.length;
    console.log(ok ? 'PASS' : 'FAIL');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await h.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
