import type { Kysely } from 'kysely';
import type { ConversationStore } from '../../core/conversation/ports.js';
import type { Database } from '../schema.js';

/** Conversation state as one jsonb row per sender. */
export class KyselyConversationStore implements ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async load(sender: string): Promise<{ state: unknown; expiresAt: Date } | undefined> {
    const row = await this.db
      .selectFrom('conversation_state')
      .select(['state', 'expires_at'])
      .where('sender', '=', sender)
      .executeTakeFirst();
    return row ? { state: row.state, expiresAt: row.expires_at } : undefined;
  }

  async save(sender: string, state: unknown, now: Date, expiresAt: Date): Promise<void> {
    const values = { state: JSON.stringify(state), updated_at: now, expires_at: expiresAt };
    await this.db
      .insertInto('conversation_state')
      .values({ sender, ...values })
      .onConflict((oc) => oc.column('sender').doUpdateSet(values))
      .execute();
  }

  async clear(sender: string): Promise<void> {
    await this.db.deleteFrom('conversation_state').where('sender', '=', sender).execute();
  }
}
