import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/helpers/db.js';
import { DatabaseLockedError, type DatabaseHandle, migrationsCurrent, openDatabase } from './connect.js';

describe('database', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  it('is migrated to the latest version', async () => {
    expect(await migrationsCurrent(h.db)).toBe(true);
  });

  it('returns int8, numeric and date the same way on both drivers', async () => {
    const { rows } = await sql<{ a: unknown; b: unknown; c: unknown; d: unknown }>`
      select 9007199254740::int8 as a, 12.5::numeric as b, '2026-11-26'::date as c, now() as d`.execute(h.db);
    expect(rows[0]).toMatchObject({ a: 9007199254740, b: 12.5, c: '2026-11-26' });
    expect(rows[0]!.d).toBeInstanceOf(Date);
  });

  it('enforces the code formats', async () => {
    await expect(
      sql`insert into managers (code, name, role) values ('X1', 'bad', 'account')`.execute(h.db),
    ).rejects.toThrow();
  });
});

describe('PGlite data dir lock', () => {
  it('refuses a second open of the same data dir with a clear error', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gs-lock-')), 'pg');
    const first = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(DatabaseLockedError);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ kind: 'pglite', dataDir: dir });
    await again.close();
  });
});
