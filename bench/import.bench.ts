/**
 * bench:import — bulk import at K's size, against a per-row insert baseline in the same run.
 *
 * 1. Seeds a scale-1 K demo (600 dealers, 12,000 stores) and exports its master data (managers, dealers, contacts,
 *    stores, products, prices, HQ stock) with `export`; imports those files into an empty database (timed).
 * 2. Imports a 1,000,000-row POS file (12,000 stores × 10 SKUs × days) through the CLI command, sampling RSS every
 *    50 ms (and the live JS heap after a forced GC every second with --expose-gc): memory must not grow with the
 *    file.
 * 3. Baseline: the same kind of rows (a 20,000-row sample, other days), validated by the same rules but written one
 *    row per statement (store sale, then the dealer's sell-through of that day) in one transaction.
 *
 * Run: npm run bench:import [-- --rows N] [--baseline-rows N] [--pg postgres://…]   (PGlite on disk by default;
 * with --pg, two databases are created on that server and dropped at the end).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openImportFile } from '../adapters/imports/index.js';
import { runExportCommand } from '../bot/cli/export.command.js';
import { runImportCommand } from '../bot/cli/import.command.js';
import type { Refs } from '../core/imports/entity.types.js';
import { SPECS } from '../core/imports/entities.js';
import { RowReader } from '../core/imports/fields.js';
import type { ImportEntity } from '../core/imports/types.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/connect.js';
import { KyselyExportSource } from '../db/repositories/imports-export.repository.js';
import { KyselyImportStore } from '../db/repositories/imports.repository.js';
import { seedDemoData } from '../db/seed/k-demo.js';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'baseline-rows': { type: 'string', default: '20000' },
    pg: { type: 'string' },
  },
});
const ROWS = Number(opts.rows);
const BASELINE_ROWS = Number(opts['baseline-rows']);
const MASTER: ImportEntity[] = ['managers', 'dealers', 'contacts', 'stores', 'products', 'prices', 'hq-stock'];
const MB = 1024 * 1024;
const NOW = new Date('2026-11-26T10:00:00+08:00');
const dir = mkdtempSync(join(tmpdir(), 'gs-bench-import-'));
const stamp = `${process.pid}_${Date.now()}`;
const created: string[] = [];

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function open(name: string): Promise<DatabaseHandle> {
  if (!opts.pg) return openDatabase({ kind: 'pglite', dataDir: join(dir, name) });
  const db = `gs_bench_import_${name}_${stamp}`;
  const admin = new pg.Client({ connectionString: opts.pg });
  await admin.connect();
  await admin.query(`create database ${db}`).finally(() => admin.end());
  created.push(db);
  const u = new URL(opts.pg);
  u.pathname = `/${db}`;
  return openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 4 });
}

async function dropCreated(): Promise<void> {
  if (!opts.pg || created.length === 0) return;
  const admin = new pg.Client({ connectionString: opts.pg });
  await admin.connect();
  for (const db of created) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
}

/** One command run; returns its parsed last stdout line. */
async function importFile(h: DatabaseHandle, entity: ImportEntity, path: string) {
  const out: string[] = [];
  const code = await runImportCommand([entity, path, '--who', 'bench'], {
    store: new KyselyImportStore(h.db),
    io: { out: (l) => out.push(l), err: () => undefined, isTTY: false },
  });
  const summary = JSON.parse(out.at(-1)!) as { rows: number; inserted: number; errors: unknown[] };
  if (code !== 0) throw new Error(`${entity} import failed: ${JSON.stringify(summary.errors.slice(0, 3))}`);
  return summary;
}

/** `rows` POS rows: every store × SKU on a day, then the day before, … from `lastDay` backwards. */
async function writePosFile(path: string, stores: string[], skus: string[], rows: number, lastDay: string) {
  const out = createWriteStream(path);
  out.write('date,store_code,sku,qty,amount\n');
  const perDay = stores.length * skus.length;
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  for (let i = 0; i < rows; i++) {
    const day = new Date(last - Math.floor(i / perDay) * 86_400_000).toISOString().slice(0, 10);
    const store = stores[i % stores.length]!;
    const sku = skus[Math.floor(i / stores.length) % skus.length]!;
    const qty = 1 + (i % 7);
    if (!out.write(`${day},${store},${sku},${qty},${(qty * 1280.5).toFixed(2)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak RSS (every 50 ms) and peak live heap after a forced GC (every second, with --expose-gc) while `fn` runs. */
async function measured<T>(fn: () => Promise<T>) {
  global.gc?.();
  const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
  let rssPeak = rssBefore;
  let heapPeak = heapBefore;
  let ticks = 0;
  const timer = setInterval(() => {
    const gcTick = ++ticks % 20 === 0;
    if (gcTick) global.gc?.();
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    if (gcTick) heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const result = await fn();
    return { result, seconds: (performance.now() - started) / 1000, rssBefore, rssPeak, heapBefore, heapPeak };
  } finally {
    clearInterval(timer);
  }
}

/** The baseline: the same validation, then one statement per store sale and one per dealer sell-through. */
async function perRowImport(h: DatabaseHandle, path: string): Promise<number> {
  const file = await openImportFile(path);
  const spec = SPECS.pos;
  const none = new Map<string, string>();
  const refs: Refs = {
    dealers: none,
    managers: none,
    orders: none,
    receivables: none,
    stores: new Map(
      (await h.db.selectFrom('stores').select(['code', 'dealer_code']).execute()).map((s) => [s.code!, s.dealer_code]),
    ),
    skus: new Map((await h.db.selectFrom('products').select('sku').execute()).map((p) => [p.sku, ''])),
  };
  let n = 0;
  await h.db.transaction().execute(async (trx) => {
    for await (const item of file.items) {
      if (item.kind !== 'record') continue;
      const p = spec.parse(new RowReader(item.line, item.record), refs);
      if (!p) throw new Error(`baseline: bad row ${item.line}`);
      await sql`insert into store_sales (store_code, dealer_code, sku, day, qty, amount_fen)
        values (${p.storeCode}, ${p.dealerCode}, ${p.sku}, ${p.day}, ${p.qty}, ${p.amountFen})
        on conflict (store_code, sku, day) do update set qty = excluded.qty, amount_fen = excluded.amount_fen`.execute(
        trx,
      );
      await sql`insert into sell_through (dealer_code, sku, day, qty)
        select ${p.dealerCode}, ${p.sku}, ${p.day}::date, sum(qty) from store_sales
        where dealer_code = ${p.dealerCode} and sku = ${p.sku} and day = ${p.day}
        on conflict (dealer_code, sku, day) do update set qty = excluded.qty`.execute(trx);
      n++;
    }
  });
  return n;
}

async function main(): Promise<void> {
  const where = opts.pg ? `PostgreSQL ${new URL(opts.pg).host}` : 'PGlite on disk';
  console.error(`bench:import on ${where}: seeding a scale-1 K demo …`);
  // 1. Master data of a scale-1 demo: export, then import into an empty database.
  const source = await open('source');
  let exportSeconds = 0;
  try {
    await migrateToLatest(source.db);
    await seedDemoData(source.db, { scale: 1, now: NOW });
    const started = performance.now();
    for (const entity of MASTER) {
      await runExportCommand([entity, join(dir, `${entity}.csv`)], {
        source: new KyselyExportSource(source.db),
        io: { out: () => undefined, err: (l) => console.error(l), isTTY: false },
      });
    }
    exportSeconds = (performance.now() - started) / 1000;
  } finally {
    await source.close();
  }
  const target = await open('target');
  try {
    await migrateToLatest(target.db);
    console.error('importing the master data into an empty database …');
    const master: { entity: string; rows: number; seconds: number }[] = [];
    for (const entity of MASTER) {
      const started = performance.now();
      const s = await importFile(target, entity, join(dir, `${entity}.csv`));
      master.push({ entity, rows: s.inserted, seconds: (performance.now() - started) / 1000 });
    }

    // 2. 1,000,000 POS rows through the import, memory sampled.
    const stores = (await target.db.selectFrom('stores').select('code').orderBy('code').execute()).map((s) => s.code!);
    const skus = (await target.db.selectFrom('products').select('sku').orderBy('sku').limit(10).execute()).map(
      (p) => p.sku,
    );
    const posPath = join(dir, 'pos.csv');
    await writePosFile(posPath, stores, skus, ROWS, '2026-11-25');
    const basePath = join(dir, 'pos-baseline.csv');
    await writePosFile(basePath, stores, skus, BASELINE_ROWS, '2025-11-25');
    console.error(`importing ${fmt(ROWS)} POS rows (${fmt(statSync(posPath).size / MB, 1)} MB) …`);
    const bulk = await measured(() => importFile(target, 'pos', posPath));
    console.error(`baseline: ${fmt(BASELINE_ROWS)} rows one statement at a time …`);
    const base = await measured(() => perRowImport(target, basePath));

    const bulkRate = bulk.result.rows / bulk.seconds;
    const baseRate = base.result / base.seconds;
    const masterSeconds = master.reduce((s, m) => s + m.seconds, 0);
    const rows: [string, string][] = [
      [`POS import, ${fmt(bulk.result.rows)} rows`, `${fmt(bulk.seconds, 1)} s, ${fmt(bulkRate)} rows/s`],
      [`baseline per-row insert, ${fmt(base.result)} rows`, `${fmt(base.seconds, 1)} s, ${fmt(baseRate)} rows/s`],
      ['bulk vs per-row', `${fmt(bulkRate / baseRate, 1)}× faster`],
      [
        'RSS during the POS import',
        `${fmt(bulk.rssBefore / MB)} MB before, ${fmt(bulk.rssPeak / MB)} MB peak (+${fmt((bulk.rssPeak - bulk.rssBefore) / MB)} MB)`,
      ],
      [
        'live JS heap (after GC)',
        global.gc
          ? `${fmt(bulk.heapBefore / MB)} MB before, ${fmt(bulk.heapPeak / MB)} MB peak (+${fmt((bulk.heapPeak - bulk.heapBefore) / MB)} MB)`
          : 'run with --expose-gc',
      ],
      ['RSS during the baseline', `${fmt(base.rssBefore / MB)} MB before, ${fmt(base.rssPeak / MB)} MB peak`],
      ...master.map((m): [string, string] => [`  master: ${m.entity}`, `${fmt(m.rows)} rows, ${fmt(m.seconds, 2)} s`]),
      ['scale-1 master data import (empty database)', `${fmt(masterSeconds, 1)} s`],
      ['scale-1 master data export', `${fmt(exportSeconds, 1)} s`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`bench:import — ${where}, ${new Date().toISOString()}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    await target.close();
  }
}

try {
  await main();
} finally {
  await dropCreated();
  rmSync(dir, { recursive: true, force: true });
}
