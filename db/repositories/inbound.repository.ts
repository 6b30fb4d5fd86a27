import { type Kysely, type Selectable, sql } from 'kysely';
import type { TurnRequest } from '../../core/conversation/ports.js';
import type { InboundStore, TakenMessages } from '../../core/messaging/ports.js';
import { senderKey } from '../../core/messaging/sender.js';
import type { InboundInput, InboundMessage, InboundProgress, StoredInbound } from '../../core/messaging/types.js';
import { compiledOnce } from '../compiled.js';
import { LOCKS_BY_IDS } from '../plan-cache.js';
import type { Database, InboundMessagesTable } from '../schema.js';
import { keepReadAhead, type ReadAheadRow, readAheadArrays, readAheadOf } from './conversation.repository.js';
import { inTransaction } from './unit-of-work.js';

const keyOf = (channel: string, dedupeKey: string) => `${channel}\u0000${dedupeKey}`;
/**
 * `m` is its sender's oldest unfinished message: only it may be processed (the per-sender order). A probe of
 * `inbound_sender_queue` (sender, id) per candidate, whatever the statistics say: `offset 0` keeps it a subplan run
 * with the candidate's values (an anti-join was planned as a scan of every unfinished row per candidate whenever the
 * statistics held an empty queue — quadratic in a backlog), and `not in ('done','parked')` is the predicate of that
 * index alone (migration 0026).
 */
const SENDER_HEAD = sql.raw(`not exists (
  select 1 from inbound_messages p
  where p.sender = m.sender and p.status not in ('done', 'parked') and p.id < m.id
  offset 0)`);
/**
 * `<alias>.status = <status>` as a look-up by ids needs it: it implies no partial index's predicate, so the ids go
 * through the primary key. Written plainly, the planner preferred reading a partial index of the unfinished rows
 * whole when the statistics held an empty queue (a backlog read on every call).
 */
const statusIs = (alias: string, status: 'pending' | 'processing') =>
  sql.raw(`(case when ${alias}.status = '${status}' then true end)`);
/** Seeds the per-sender advisory lock keys (apart from any other use of advisory locks). */
const SENDER_LOCK_SEED = 0x67730001;

/** InboundStore on Kysely: the one insert into `inbound_messages`. */
export class KyselyInboundStore implements InboundStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a batch of messages in one statement (autocommit on a plain handle: one round trip, no begin/commit).
   * Per sender, ids are handed out and committed in the same order across instances: the statement first takes a
   * transaction-scoped advisory lock per sender (in key order, so two batches never deadlock), held until it commits,
   * so a sender's later message can neither take a lower id nor commit before an earlier one that already has its
   * id. The worker claims a sender's oldest unfinished row, so that is their processing order. Inside a caller's
   * transaction (the KF puller, the mini-program's reply windows) the locks last until that transaction ends.
   */
  store(inputs: readonly InboundInput[]): Promise<StoredInbound[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return storeRows(this.db, inputs);
  }

  claim(now: Date, until: Date, limit: number, exclude: readonly number[] = []): Promise<InboundMessage[]> {
    return inTransaction(this.db, async (trx) => {
      const heads = await sql<{ id: number }>`
        select m.id from inbound_messages m
        where m.status in ('pending', 'processing')
          and (m.locked_until is null or m.locked_until < ${now})
          and ${SENDER_HEAD}
          ${exclude.length > 0 ? sql`and m.id <> all(${[...exclude]}::bigint[])` : sql``}
        order by m.id
        limit ${limit}
        for update skip locked`.execute(trx);
      if (heads.rows.length === 0) return [];
      const rows = await trx
        .updateTable('inbound_messages')
        .set((eb) => ({ status: 'processing', locked_until: until, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          heads.rows.map((r) => Number(r.id)),
        )
        .returningAll()
        .execute();
      // RETURNING has no order: arrival order.
      return rows.map(toMessage).sort((x, y) => x.id - y.id);
    });
  }

  /**
   * One statement: the rows it may take are locked and set done. A handed row another transaction holds is skipped
   * (SKIP LOCKED: never waited for, so two instances cannot deadlock), and it must still be its sender's oldest
   * unfinished one: a later message never overtakes an earlier one another instance holds or that waits for a retry.
   * A leased row is ours by its lease: a lock on it can only be another instance's claim that saw it before our
   * claim committed (and let it go as it found it leased), held until that short transaction ends, so it is waited for.
   * The ids and the time are read through `(select …)`: the planner then sees neither array's length nor the time (a
   * custom plan would count a constant array, a generic one guesses 10), so the generic plan costs what the custom
   * ones do, and it is marked `LOCKS_BY_IDS`: the plan cache names it (it picks no rows from a backlog) and
   * PostgreSQL plans it once per connection instead of on every call (db/README.md).
   */
  async take(
    handed: readonly number[],
    leased: readonly number[],
    now: Date,
    readAhead: readonly TurnRequest[] = [],
  ): Promise<TakenMessages> {
    if (handed.length === 0 && leased.length === 0) return { attempts: new Map(), next: new Map() };
    if (readAhead.length === 0 || !this.db.isTransaction)
      return takenOf(await takeRows(this.db, [...handed], [...leased], now));
    const { senders, dealers, after } = readAheadArrays(readAhead);
    const rows = await takeReadingAhead(this.db, [...handed], [...leased], now, senders, dealers, after);
    keepReadAhead(
      this.db,
      readAhead,
      rows.filter((r): r is typeof r & ReadAheadRow => r.sender !== null),
    );
    return takenOf(rows);
  }

  async takeable(ids: readonly number[], now: Date): Promise<number[]> {
    if (ids.length === 0) return [];
    const { rows } = await sql<{ id: number | string }>`
      select m.id from inbound_messages m
      where m.id = any(${[...ids]}::bigint[])
        and ${statusIs('m', 'pending')}
        and (m.locked_until is null or m.locked_until < ${now})
        and ${SENDER_HEAD}`.execute(this.db);
    return rows.map((r) => Number(r.id));
  }

  /** One probe of `inbound_sender_queue` per sender: its first unfinished row, kept when pending and due. */
  async heads(senders: readonly string[], except: readonly number[], now: Date): Promise<InboundMessage[]> {
    if (senders.length === 0) return [];
    const rows = await headRows(this.db, [...senders], [...except], now);
    return rows.map(toMessage);
  }

  async failed(id: number, now: Date, retryAt: Date, error: string): Promise<number | null> {
    const { rows } = await sql<{ attempts: number }>`
      update inbound_messages m
      set attempts = m.attempts + 1, locked_until = ${retryAt}, last_error = ${error}
      where m.id = (
        select f.id from inbound_messages f
        where f.id = ${id} and ${statusIs('f', 'pending')} and (f.locked_until is null or f.locked_until < ${now})
        for update skip locked)
      returning m.attempts`.execute(this.db);
    return rows[0]?.attempts ?? null;
  }

  async retry(id: number, retryAt: Date, error: string): Promise<void> {
    await this.db
      .updateTable('inbound_messages')
      .set({ status: 'pending', locked_until: retryAt, last_error: error, processed_at: null })
      .where('id', '=', id)
      .execute();
  }

  async park(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('inbound_messages')
      .set({ status: 'parked', locked_until: null, last_error: error })
      .where('id', '=', id)
      .execute();
  }

  async releaseLeases(): Promise<number> {
    const r = await this.db
      .updateTable('inbound_messages')
      .set({ status: 'pending', locked_until: null })
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async progress(id: number): Promise<InboundProgress | null> {
    const msg = await this.db.selectFrom('inbound_messages').select('status').where('id', '=', id).executeTakeFirst();
    if (!msg) return null;
    const replies = await this.db
      .selectFrom('outbox')
      .select(['body', 'status'])
      .where('in_reply_to', '=', id)
      .orderBy('id')
      .execute();
    return { status: msg.status, replies };
  }
}

/**
 * The one insert (ON CONFLICT DO NOTHING), under the senders' locks, then (only for a redelivery) the ids of the rows
 * that were there already. Why every lock is held before any id is assigned: the ids come from the column default
 * (`nextval`), evaluated in the insert's projection of each row the select yields; every row of that select is joined
 * to `locks`, one row of an aggregate over every lock call, so no row (and no `nextval`) exists before all the locks
 * are held. The rows are sorted by their place in the batch before the projection (PostgreSQL evaluates volatile
 * output expressions after a sort), so a sender's messages within a batch take ids in batch order. The columns go as
 * arrays: one statement text for any batch size (one named plan, db/plan-cache.ts).
 */
async function storeRows(db: Kysely<Database>, inputs: readonly InboundInput[]): Promise<StoredInbound[]> {
  const firsts = new Map<string, InboundInput>();
  for (const i of inputs) if (!firsts.has(keyOf(i.channel, i.dedupeKey))) firsts.set(keyOf(i.channel, i.dedupeKey), i);
  const now = new Date();
  const rows = [...firsts.values()];
  const senders = rows.map((i) => senderKey(i.channel, i.externalId));
  const { rows: inserted } = await sql<{ id: number | string; channel: string; dedupe_key: string }>`
    with locks as materialized (
      select count(*) as n from (
        select pg_advisory_xact_lock(k) from (
          select distinct hashtextextended(s, ${SENDER_LOCK_SEED}) as k from unnest(${senders}::text[]) as s
        ) as keys order by k
      ) as taken)
    insert into inbound_messages (channel, dedupe_key, sender, msg_type, content, payload, received_at)
    select r.channel, r.dedupe_key, r.sender, r.msg_type, r.content, r.payload::jsonb, r.received_at::timestamptz
    from locks, unnest(
      ${rows.map((i) => i.channel)}::text[], ${rows.map((i) => i.dedupeKey)}::text[], ${senders}::text[],
      ${rows.map((i) => i.msgType)}::text[], ${rows.map((i) => i.content)}::text[],
      ${rows.map((i) => JSON.stringify(i.payload ?? {}))}::text[],
      ${rows.map((i) => (i.receivedAt ?? now).toISOString())}::text[]
    ) with ordinality as r(channel, dedupe_key, sender, msg_type, content, payload, received_at, ord)
    where locks.n >= 0
    order by r.ord
    on conflict (channel, dedupe_key) do nothing
    returning id, channel, dedupe_key`.execute(db);
  const ids = new Map(inserted.map((r) => [keyOf(r.channel, r.dedupe_key), Number(r.id)]));
  const fresh = new Set(ids.keys());
  const missing = [...firsts.entries()].filter(([k]) => !ids.has(k)).map(([, i]) => i);
  if (missing.length > 0) {
    const existing = await db
      .selectFrom('inbound_messages')
      .select(['id', 'channel', 'dedupe_key'])
      .where((eb) =>
        eb.or(missing.map((i) => eb.and([eb('channel', '=', i.channel), eb('dedupe_key', '=', i.dedupeKey)]))),
      )
      .execute();
    for (const r of existing) ids.set(keyOf(r.channel, r.dedupe_key), r.id);
  }
  const answered = new Set<string>();
  return inputs.map((i) => {
    const k = keyOf(i.channel, i.dedupeKey);
    const id = ids.get(k);
    if (id === undefined) throw new Error('inbound row neither inserted nor found');
    const duplicate = answered.has(k) || !fresh.has(k);
    answered.add(k);
    if (duplicate) return { id, duplicate };
    // The row as inserted, for the worker in this process (bot/pipeline/bus.ts `inboundStored`).
    const message: InboundMessage = {
      id,
      channel: i.channel,
      dedupeKey: i.dedupeKey,
      sender: senderKey(i.channel, i.externalId),
      msgType: i.msgType,
      content: i.content,
      payload: i.payload ?? {},
      receivedAt: i.receivedAt ?? now,
      status: 'pending',
      attempts: 0,
    };
    return { id, duplicate, message };
  });
}

function toMessage(r: Selectable<InboundMessagesTable>): InboundMessage {
  return {
    id: r.id,
    channel: r.channel,
    dedupeKey: r.dedupe_key,
    sender: r.sender,
    msgType: r.msg_type,
    content: r.content,
    payload: r.payload,
    receivedAt: r.received_at,
    status: r.status,
    attempts: r.attempts,
  };
}

/** The rows `take` may take (see `take`): the leased ones still leased, the handed ones it may take now. */
const TAKEABLE = (handed: number[], leased: number[], now: Date) => sql`
  leased as (
    select l.id from inbound_messages l
    where l.id = any((select ${leased}::bigint[])::bigint[]) and ${statusIs('l', 'processing')}
    for update),
  handed as (
    select m.id from inbound_messages m
    where m.id = any((select ${handed}::bigint[])::bigint[])
      and ${statusIs('m', 'pending')}
      and (m.locked_until is null or m.locked_until < (select ${now}::timestamptz))
      and ${SENDER_HEAD}
    for update skip locked),
  ours as (select id from leased union all select id from handed)`;

/**
 * Marks `ours` (`TAKEABLE`) done, counting an attempt on a handed one; `next` is the sender's next unfinished message
 * in the statement's snapshot (one probe of `inbound_sender_queue`).
 */
const MARK_TAKEN = (now: Date) => sql`
  update inbound_messages m
  set status = 'done', processed_at = ${now}, locked_until = null, last_error = null,
    attempts = m.attempts + (m.status = 'pending')::int
  from ours where m.id = ours.id
  returning m.id, m.attempts, m.sender, (
    select n.id from inbound_messages n
    where n.sender = m.sender and n.status not in ('done', 'parked') and n.id > m.id
    order by n.id limit 1) as next`;

type TakenRow = { id: number | string; attempts: number; next: number | string | null };

function takenOf(rows: readonly TakenRow[]): TakenMessages {
  const attempts = new Map<number, number>();
  const next = new Map<number, number>();
  for (const r of rows) {
    attempts.set(Number(r.id), r.attempts);
    if (r.next !== null) next.set(Number(r.id), Number(r.next));
  }
  return { attempts, next };
}

/** `heads`' statement, built and compiled once: it runs after most commits when several instances share a queue. */
const headRows = compiledOnce(
  (_db, senders: string[], except: number[], now: Date) =>
    sql<Selectable<InboundMessagesTable>>`
      select m.* from unnest((select ${senders}::text[])::text[]) as s(sender)
      cross join lateral (
        select h.* from inbound_messages h
        where h.sender = s.sender and h.status not in ('done', 'parked')
        order by h.id limit 1) m
      where m.status = 'pending' and (m.locked_until is null or m.locked_until < (select ${now}::timestamptz))
        and m.id <> all((select ${except}::bigint[])::bigint[])`,
);

/** `take`'s one statement: built and compiled once. */
const takeRows = compiledOnce(
  (_db, handed: number[], leased: number[], now: Date) =>
    sql<TakenRow>`
      with ${TAKEABLE(handed, leased, now)} ${sql.raw(LOCKS_BY_IDS)}
      ${MARK_TAKEN(now)}`,
);

/**
 * `take` with the turns' first reads (`readAhead`), one statement: each message taken beside its sender's turn as
 * `loadTurn` reads it (`sender` null: not asked). Built and compiled once.
 */
const takeReadingAhead = compiledOnce(
  (db, handed: number[], leased: number[], now: Date, senders: string[], dealers: string[], after: string[]) =>
    sql<TakenRow & { [K in keyof ReadAheadRow]: ReadAheadRow[K] | null }>`
      with ${TAKEABLE(handed, leased, now)},
      taken as (${MARK_TAKEN(now)})
      ${sql.raw(LOCKS_BY_IDS)}
      select t.id, t.attempts, t.next, a.sender, a.state, a.expires_at, a.rating_need_id
      from taken t left join (${readAheadOf(db, senders, dealers, after)}) a on a.sender = t.sender`,
);
