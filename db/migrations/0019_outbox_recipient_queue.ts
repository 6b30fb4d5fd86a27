import { type Kysely, sql } from 'kysely';

/**
 * The dispatcher claims unfinished rows in id order (a recipient's rows in the order they were written) and looks
 * up each due row's recipient (route, address) among the unfinished rows: a send in flight, or an earlier reply
 * not yet due, holds the recipient's later rows back. Both on partial indexes of the unfinished rows only, so
 * neither walks the sent ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index outbox_unfinished on outbox(id) where status in ('pending','sending')`.execute(db);
  await sql`create index outbox_unfinished_recipient on outbox(address, route, id) where status in ('pending','sending')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_unfinished_recipient`.execute(db);
  await sql`drop index outbox_unfinished`.execute(db);
}
