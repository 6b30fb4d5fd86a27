import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/db.js';
import type { DatabaseHandle } from '../connect.js';

/** Migration 0025: the outbox keeps only the indexes its queries read (every reply written maintains each). */
describe('outbox indexes', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  it('has no outbox_due, and outbox_recipient holds only the rows that answer no message', async () => {
    const { rows } = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where tablename = 'outbox' order by indexname`.execute(h.db);
    expect(rows.map((r) => r.indexname)).toEqual([
      'outbox_dedupe_key_key',
      'outbox_finished',
      'outbox_pkey',
      'outbox_recipient',
      'outbox_sending',
      'outbox_unfinished',
      'outbox_unfinished_recipient',
    ]);
    expect(rows.find((r) => r.indexname === 'outbox_recipient')!.indexdef).toMatch(/WHERE \(in_reply_to IS NULL\)$/);
  });
});
