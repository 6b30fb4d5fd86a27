import pg from 'pg';
import { migrateToLatest, openDatabase } from '../connect.js';
import { seedDemoData, generateDemoData } from '../seed/k-demo.js';
const NOW = new Date('2026-11-26T10:00:00+08:00');
const kind = process.argv[2] ?? 'pglite';
const scale = Number(process.argv[3] ?? 1);
const t = performance.now();
const g = generateDemoData({ scale, now: NOW });
console.log(
  'generate ms',
  Math.round(performance.now() - t),
  Object.fromEntries(g.tables.map((x) => [x.table, x.length])),
);
if (kind === 'pglite') {
  const h = await openDatabase({ kind: 'pglite-memory' });
  await migrateToLatest(h.db);
  const s = await seedDemoData(h.db, { scale, now: NOW });
  console.log('pglite seed ms', s.ms, 'rows', s.totalRows, 'fen', s.orderAmountFen);
  await h.close();
} else if (kind === 'pg') {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const name = `gs_seedtime_${process.pid}`;
  await admin.query(`create database ${name}`);
  try {
    const h = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:5432/${name}`, poolSize: 2 });
    await migrateToLatest(h.db);
    const s = await seedDemoData(h.db, { scale, now: NOW });
    console.log('pg seed ms', s.ms, 'rows', s.totalRows);
    await h.close();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
