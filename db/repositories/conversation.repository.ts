import { type Kysely, sql } from 'kysely';
import type { ConversationStore, RatingLookup, TurnRequest, TurnStart } from '../../core/conversation/ports.js';
import { compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';
import { awaitingRatingQuery } from './needs.repository.js';

/** A turn read ahead, for the lookup it was read with (no dealer: ''). */
interface Prefetched {
  dealerCode: string;
  resolvedAfter: number;
  start: TurnStart;
}

/**
 * Turns read ahead per transaction handle (the services of a turn are built per turn, on the same handle): gone with
 * the transaction, each entry served once.
 */
const prefetched = new WeakMap<Kysely<Database>, Map<string, Prefetched>>();

/** Conversation state as one jsonb row per sender. */
export class KyselyConversationStore implements ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One statement for every sender: each row (or none) beside, for a dealer's lookup, the need awaiting their
   * rating (the same subquery as `loadTurn`'s, on the sender's values).
   */
  async prefetchTurns(requests: readonly TurnRequest[]): Promise<void> {
    if (!this.db.isTransaction || requests.length === 0) return;
    const senders = requests.map((r) => r.sender);
    const dealers = requests.map((r) => r.rating?.dealerCode ?? '');
    const after = requests.map((r) => (r.rating?.resolvedAfter ?? new Date(0)).toISOString());
    const rows = await prefetchRows(this.db, senders, dealers, after);
    const ahead = prefetched.get(this.db) ?? new Map<string, Prefetched>();
    prefetched.set(this.db, ahead);
    const asked = new Map(requests.map((r) => [r.sender, r.rating]));
    for (const r of rows) {
      const lookup = asked.get(r.sender);
      ahead.set(r.sender, {
        dealerCode: lookup?.dealerCode ?? '',
        resolvedAfter: lookup?.resolvedAfter.getTime() ?? 0,
        start: {
          saved: r.expires_at ? { state: r.state, expiresAt: new Date(r.expires_at) } : undefined,
          ratingNeedId: r.rating_need_id == null ? undefined : Number(r.rating_need_id),
        },
      });
    }
  }

  /** The sender's turn read ahead for this lookup, taken (served once), if any. */
  private ahead(sender: string, rating?: RatingLookup): TurnStart | undefined {
    const ahead = prefetched.get(this.db);
    const p = ahead?.get(sender);
    if (!p) return undefined;
    ahead!.delete(sender);
    const same =
      p.dealerCode === (rating?.dealerCode ?? '') && p.resolvedAfter === (rating?.resolvedAfter.getTime() ?? 0);
    return same ? p.start : undefined;
  }

  async load(sender: string): Promise<{ state: unknown; expiresAt: Date } | undefined> {
    return (await this.loadTurn(sender)).saved;
  }

  /** One statement: the sender's row (or none) beside the dealer's need awaiting a rating, as a scalar subquery. */
  async loadTurn(sender: string, rating?: RatingLookup): Promise<TurnStart> {
    const ahead = this.ahead(sender, rating);
    if (ahead) return ahead;
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
    prefetched.get(this.db)?.delete(sender);
    const values = { state: JSON.stringify(state), updated_at: now, expires_at: expiresAt };
    await this.db
      .insertInto('conversation_state')
      .values({ sender, ...values })
      .onConflict((oc) => oc.column('sender').doUpdateSet(values))
      .execute();
  }

  async clear(sender: string): Promise<void> {
    prefetched.get(this.db)?.delete(sender);
    await this.db.deleteFrom('conversation_state').where('sender', '=', sender).execute();
  }
}

/** A sender's saved state: built and compiled once (a turn's first read). */
const stateOf = compiledOnce((db, sender: string) =>
  db.selectFrom('conversation_state').select(['state', 'expires_at']).where('sender', '=', sender),
);

/** `prefetchTurns`' one statement (the senders and lookups as arrays): built and compiled once. */
const prefetchRows = compiledOnce((db, senders: string[], dealers: string[], after: string[]) => {
  const rating = awaitingRatingQuery(db, sql.ref('v.dealer'), sql.ref('v.after'));
  return sql<{ sender: string; state: unknown; expires_at: Date | null; rating_need_id: unknown }>`
    select v.sender, s.state, s.expires_at, case when v.dealer = '' then null else (${rating}) end as rating_need_id
    from unnest(${senders}::text[], ${dealers}::text[], ${after}::timestamptz[]) as v(sender, dealer, after)
    left join conversation_state s on s.sender = v.sender`;
});

/** The sender's row (or none) beside the dealer's need awaiting a rating: built and compiled once. */
const stateWithRating = compiledOnce((db, sender: string, dealerCode: string, resolvedAfter: Date) =>
  db
    .selectFrom(sql<{ one: number }>`(select 1)`.as('one'))
    .leftJoin('conversation_state as s', (join) => join.on('s.sender', '=', sender))
    .select(['s.state', 's.expires_at'])
    .select(awaitingRatingQuery(db, dealerCode, resolvedAfter).as('rating_need_id')),
);
