import { type Kysely, sql } from 'kysely';

/**
 * The dispatcher's claim looks up each due row's recipient (route, address) among the unfinished rows: a send in
 * flight, or an earlier reply not yet due, holds the recipient's later rows back. Without an index that lookup
 * scans the whole outbox, sent rows included.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index outbox_unfinished_recipient on outbox(address, route, id) where status in ('pending','sending')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_unfinished_recipient`.execute(db);
}
