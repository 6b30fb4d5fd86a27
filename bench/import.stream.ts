/**
 * Streaming check for imports: generates a POS CSV of N rows (default 200,000) for the stores and SKUs of a small
 * K demo (scale 0.05) and imports it through the CLI command on PGlite (data dir on disk), sampling RSS every
 * 50 ms. Prints rows/s and the peak RSS against the RSS before the import: memory must not grow with the file.
 * Run: npx tsx bench/import.stream.ts [ROWS]   (the full bench:import with 1,000,000 rows comes with issue 17's bench)
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportCommand } from '../bot/cli/import.command.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { KyselyImportStore } from '../db/repositories/imports.repository.js';
import { seedDemoData } from '../db/seed/k-demo.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const MB = 1024 * 1024;

async function writePosFile(path: string, stores: string[], skus: string[], rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('date,store_code,sku,qty,amount\n');
  const perDay = stores.length * skus.length;
  const start = Date.UTC(2026, 10, 25);
  for (let i = 0; i < rows; i++) {
    const day = new Date(start - Math.floor(i / perDay) * 86_400_000).toISOString().slice(0, 10);
    const store = stores[i % stores.length]!;
    const sku = skus[Math.floor(i / stores.length) % skus.length]!;
    const qty = 1 + (i % 7);
    if (!out.write(`${day},${store},${sku},${qty},${(qty * 1280.5).toFixed(2)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-import-stream-'));
  const h = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pg') });
  try {
    await migrateToLatest(h.db);
    await seedDemoData(h.db, { scale: 0.05, now: new Date('2026-11-26T10:00:00+08:00') });
    const stores = (await h.db.selectFrom('stores').select('code').execute()).map((s) => s.code!);
    const skus = (await h.db.selectFrom('products').select('sku').limit(10).execute()).map((p) => p.sku);
    const path = join(dir, 'pos.csv');
    await writePosFile(path, stores, skus, ROWS);
    global.gc?.();
    const { rss: before, heapUsed: heapBefore } = process.memoryUsage();
    let peak = before;
    let heapPeak = heapBefore;
    let ticks = 0;
    const timer = setInterval(() => {
      // Every second, a full GC first (with --expose-gc): the heap then holds only what the import keeps alive.
      if (++ticks % 20 === 0) global.gc?.();
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      if (ticks % 20 === 0) heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 50);
    const started = performance.now();
    const lines: string[] = [];
    const code = await runImportCommand(['pos', path, '--who', 'bench'], {
      store: new KyselyImportStore(h.db),
      io: { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    const summary = JSON.parse(lines.at(-1)!) as { rows: number; inserted: number; errors: unknown[] };
    console.log(lines.slice(0, -1).join('\n'));
    console.log(
      [
        `rows          ${summary.rows.toLocaleString('en')} (${(statSync(path).size / MB).toFixed(1)} MB, ${stores.length} stores × ${skus.length} SKUs)`,
        `exit code     ${code}, inserted ${summary.inserted.toLocaleString('en')}, errors ${summary.errors.length}`,
        `time          ${seconds.toFixed(1)} s (${Math.round(summary.rows / seconds).toLocaleString('en')} rows/s)`,
        `RSS           ${(before / MB).toFixed(0)} MB before, ${(peak / MB).toFixed(0)} MB peak (+${((peak - before) / MB).toFixed(0)} MB, PGlite's WASM memory included)`,
        `live JS heap  ${(heapBefore / MB).toFixed(0)} MB before, ${(heapPeak / MB).toFixed(0)} MB peak after GC (+${((heapPeak - heapBefore) / MB).toFixed(0)} MB)`,
      ].join('\n'),
    );
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
