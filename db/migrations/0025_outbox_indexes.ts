import { type Kysely, sql } from 'kysely';

/**
 * Fewer outbox indexes to maintain on every reply written and every status change (each status change is a non-HOT
 * update: `status` is in the partial indexes' predicates):
 * - `outbox_due` (next_attempt_at, unfinished rows) goes: only the dispatcher's claim read it, and without it the
 *   claim walks `outbox_unfinished` in id order instead, as fast (640 due rows: 0.73 → 0.74 ms; 10,640 due: 9.5–10.8
 *   → 8.3–9.4 ms; EXPLAIN ANALYZE in db/README.md).
 * - `outbox_recipient` (recipient, id desc) keeps only the rows that answer no message (pushes, alerts, care): its one
 *   reader, the console's dealer page, asks for `in_reply_to is null` and now reads it without a sort.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_due`.execute(db);
  await sql`drop index outbox_recipient`.execute(db);
  await sql`create index outbox_recipient on outbox(recipient, id desc) where in_reply_to is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_recipient`.execute(db);
  await sql`create index outbox_recipient on outbox(recipient, id desc)`.execute(db);
  await sql`create index outbox_due on outbox(next_attempt_at) where status in ('pending','sending')`.execute(db);
}
