import { type Kysely, sql } from 'kysely';
import type { ConversationStore, RatingLookup, TurnRequest, TurnStart } from '../../core/conversation/ports.js';
import { compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';
import { awaitingRatingQuery } from './needs.repository.js';

/** A turn read ahead, for the lookup it was read with (no dealer: ''). */
interface ReadAhead {
  dealerCode: string;
  resolvedAfter: number;
  start: TurnStart;
}

/**
 * Turns read ahead per transaction handle (by `InboundStore.take`; the services of a turn are built per turn, on the
 * same handle): gone with the transaction, each entry served once.
 */
const readAhead = new WeakMap<Kysely<Database>, Map<string, ReadAhead>>();

/** A read-ahead row: the sender's state (or none) beside the need awaiting their rating (null: none, or not asked). */
export interface ReadAheadRow {
  sender: string;
  state: unknown;
  expires_at: Date | string | null;
  rating_need_id: unknown;
}

/** The requests as the arrays `readAheadOf` reads (no dealer: ''; no lookup: the epoch). */
export function readAheadArrays(requests: readonly TurnRequest[]) {
  return {
    senders: requests.map((r) => r.sender),
    dealers: requests.map((r) => r.rating?.dealerCode ?? ''),
    after: requests.map((r) => (r.rating?.resolvedAfter ?? new Date(0)).toISOString()),
  };
}

/**
 * The turns of `senders` as `loadTurn` reads them, for a statement that reads ahead (`ReadAheadRow`s): each sender's
 * row (or none) beside, for a dealer's lookup, the need awaiting their rating (`loadTurn`'s subquery, on the
 * sender's values).
 */
export function readAheadOf(db: Kysely<Database>, senders: string[], dealers: string[], after: string[]) {
  const rating = awaitingRatingQuery(db, sql.ref('v.dealer'), sql.ref('v.after'));
  return sql`
    select v.sender, s.state, s.expires_at, case when v.dealer = '' then null else (${rating}) end as rating_need_id
    from unnest(${senders}::text[], ${dealers}::text[], ${after}::timestamptz[]) as v(sender, dealer, after)
    left join conversation_state s on s.sender = v.sender`;
}

/** Keeps the turns a statement of transaction `trx` read ahead (`readAheadOf`'s rows), for its `loadTurn`s. */
export function keepReadAhead(
  trx: Kysely<Database>,
  requests: readonly TurnRequest[],
  rows: readonly ReadAheadRow[],
): void {
  if (rows.length === 0) return;
  const ahead = readAhead.get(trx) ?? new Map<string, ReadAhead>();
  readAhead.set(trx, ahead);
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

/** Conversation state as one jsonb row per sender. */
export class KyselyConversationStore implements ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The sender's turn read ahead for this lookup, taken (served once), if any. */
  private ahead(sender: string, rating?: RatingLookup): TurnStart | undefined {
    const ahead = readAhead.get(this.db);
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
    readAhead.get(this.db)?.delete(sender);
    const values = { state: JSON.stringify(state), updated_at: now, expires_at: expiresAt };
    await this.db
      .insertInto('conversation_state')
      .values({ sender, ...values })
      .onConflict((oc) => oc.column('sender').doUpdateSet(values))
      .execute();
  }

  async clear(sender: string): Promise<void> {
    readAhead.get(this.db)?.delete(sender);
    await this.db.deleteFrom('conversation_state').where('sender', '=', sender).execute();
  }

  /** Read only for a bare "X呢" (rare), through `inbound_sender_done` (migration 0027). */
  async answeredBefore(sender: string, beforeId: number, limit: number, since: Date): Promise<string[]> {
    // The age is checked on the few rows read, not in the query: the index walks the sender's newest rows only.
    const rows = await this.db
      .selectFrom('inbound_messages')
      .select(['content', 'processed_at'])
      .where('sender', '=', sender)
      .where('status', '=', 'done')
      .where('id', '<', beforeId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const fresh = rows.findIndex((r) => !r.processed_at || new Date(r.processed_at) < since);
    return (fresh < 0 ? rows : rows.slice(0, fresh)).map((r) => r.content ?? '');
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
