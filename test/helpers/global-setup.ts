import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../db/connect.js';
import { seedTestData } from './seed-test-data.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the server URL and the names of migrated template databases (empty and seeded). */
    pgTemplates: { url: string; empty: string; seeded: string; copyPrefix: string } | null;
    /** PGlite: paths of data-dir dumps (empty and seeded) each suite loads in about a second. */
    pgliteDumps: { empty: string; seeded: string } | null;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Migrates (and seeds) templates once per run, so each suite starts from a copy instead of from scratch. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const stamp = `${process.pid}_${Date.now()}`;
    const names = { empty: `gs_tpl_empty_${stamp}`, seeded: `gs_tpl_seeded_${stamp}` };
    for (const [kind, name] of Object.entries(names)) {
      await admin.query(`create database ${name}`);
      const h = await openDatabase({ kind: 'postgres', url: withDatabase(url, name), poolSize: 2 });
      await migrateToLatest(h.db);
      if (kind === 'seeded') await seedTestData(h.db);
      await h.close();
    }
    // Suite copies carry this run's stamp, so the sweep below never touches another run's databases.
    const copyPrefix = `gs_t_${stamp}_`;
    project.provide('pgTemplates', { url, ...names, copyPrefix });
    project.provide('pgliteDumps', null);
    return async () => {
      // Suites drop their own copies; sweep anything a crashed worker left behind, then the templates.
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where starts_with(datname, $1) or datname in ($2, $3)`,
        [copyPrefix, names.empty, names.seeded],
      );
      for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gs-pglite-'));
  const paths = { empty: join(dir, 'empty.tar.gz'), seeded: join(dir, 'seeded.tar.gz') };
  for (const [kind, path] of Object.entries(paths)) {
    const h = await openDatabase({ kind: 'pglite-memory' });
    await migrateToLatest(h.db);
    if (kind === 'seeded') await seedTestData(h.db);
    const dump = await h.pglite!.dumpDataDir('gzip');
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
    await h.close();
  }
  project.provide('pgTemplates', null);
  project.provide('pgliteDumps', paths);
  return async () => rmSync(dir, { recursive: true, force: true });
}
