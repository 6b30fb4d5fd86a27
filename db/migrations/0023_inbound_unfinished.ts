import { type Kysely, sql } from 'kysely';

/**
 * The worker claims unfinished messages in id order. Without an index of the unfinished rows alone, that scan
 * walks the primary key through every finished message first: its cost grew with the table (86 ms at 200,000
 * finished rows, 0.2 ms with this index; bench/inbound-claim.bench.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index inbound_unfinished on inbound_messages(id) where status in ('pending','processing')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index inbound_unfinished`.execute(db);
}
