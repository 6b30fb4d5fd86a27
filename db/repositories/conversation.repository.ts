import { type Kysely, sql } from 'kysely';
import type { ConversationStore, RatingLookup, TurnStart } from '../../core/conversation/ports.js';
import { compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';
import { awaitingRatingQuery } from './needs.repository.js';

/** Conversation state as one jsonb row per sender. */
export class KyselyConversationStore implements ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async load(sender: string): Promise<{ state: unknown; expiresAt: Date } | undefined> {
    return (await this.loadTurn(sender)).saved;
  }

  /** One statement: the sender's row (or none) beside the dealer's need awaiting a rating, as a scalar subquery. */
  async loadTurn(sender: string, rating?: RatingLookup): Promise<TurnStart> {
    if (!rating) {
      const [row] = await stateOf(this.db, sender);
      return { saved: row ? { state: row.state, expiresAt: row.expires_at } : undefined, ratingNeedId: undefined };
    }
    const [row] = await stateWithRating(this.db, sender, rating.dealerCode, rating.resolvedAfter);
    return {
      saved: row?.expires_at ? { state: row.state, expiresAt: row.expires_at } : undefined,
      ratingNeedId: row?.rating_need_id == null ? undefined : Number(row.rating_need_id),
    };
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

/** A sender's saved state: built and compiled once (a turn's first read). */
const stateOf = compiledOnce((db, sender: string) =>
  db.selectFrom('conversation_state').select(['state', 'expires_at']).where('sender', '=', sender),
);

/** The sender's row (or none) beside the dealer's need awaiting a rating: built and compiled once. */
const stateWithRating = compiledOnce((db, sender: string, dealerCode: string, resolvedAfter: Date) =>
  db
    .selectFrom(sql<{ one: number }>`(select 1)`.as('one'))
    .leftJoin('conversation_state as s', (join) => join.on('s.sender', '=', sender))
    .select(['s.state', 's.expires_at'])
    .select(awaitingRatingQuery(db, dealerCode, resolvedAfter).as('rating_need_id')),
);
