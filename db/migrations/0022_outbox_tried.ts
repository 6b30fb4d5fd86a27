import { type Kysely, sql } from 'kysely';

/**
 * When an outbox row was first claimed for sending. A managers' alert chat reads its alerts in order: a row that
 * was tried and now waits (a robot's minute used up, a retry) holds the chat's later rows back, while a row not
 * tried yet (scheduled for later) does not. Null on rows written before: none of them holds anything back.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox add column first_tried_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox drop column first_tried_at`.execute(db);
}
