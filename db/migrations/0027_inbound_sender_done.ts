import { type Kysely, sql } from 'kysely';

/**
 * A sender's answered messages, newest first (`ConversationStore.answeredBefore`): a bare "那个T80呢" reads back the
 * question it follows instead of every stock or sales answer writing it into the conversation state (a write per such
 * answer and one more to forget it at the next message: 0.7 statements per message in bench:e2e). Partial on `done`
 * so that it never competes with `inbound_sender_queue` for the queue's checks (`status not in ('done','parked')`,
 * migration 0026); the take's update already changes `status`, so it costs no HOT update that was possible before.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index inbound_sender_done on inbound_messages(sender, id) where status = 'done'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index inbound_sender_done`.execute(db);
}
