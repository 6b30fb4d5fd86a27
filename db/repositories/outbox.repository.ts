import { type Kysely, type Selectable, sql } from 'kysely';
import type { OutboxStore, PipelineStatusReader } from '../../core/messaging/ports.js';
import type { NewOutboxMessage, OutboxMessage, PipelineCounts } from '../../core/messaging/types.js';
import { compiledOnce } from '../compiled.js';
import type { Database, OutboxTable } from '../schema.js';
import { inTransaction } from './unit-of-work.js';

/**
 * How many due rows a claim looks at per row it may take (see `claim`). Short is enough: while a recipient's rows
 * are in flight the next claim skips all of them. 4 measured as fast as the claim without a cap (PGlite, 5,000 due
 * rows, claims of 50: 82 ms vs 83 ms; 10 cost about a quarter more).
 */
const CLAIM_LOOKAHEAD = 4;

/** OutboxStore on Kysely: the transactional outbox (written in the caller's transaction) and its claims. */
export class KyselyOutboxStore implements OutboxStore {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(messages: readonly NewOutboxMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const rows = await this.db
      .insertInto('outbox')
      .values(
        messages.map((m) => ({
          dedupe_key: m.dedupeKey,
          recipient: m.recipient,
          address: m.address,
          route: m.route,
          body: m.body,
          format: m.format,
          kind: m.kind,
          in_reply_to: m.inReplyTo,
          next_attempt_at: m.notBefore,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .execute();
    return rows.length;
  }

  async enqueueClaiming(
    messages: readonly (NewOutboxMessage & { claimable: boolean })[],
    claim: { now: Date; until: Date; held: readonly number[] },
  ): Promise<OutboxMessage[]> {
    if (messages.length === 0) return [];
    const col = <T>(f: (m: NewOutboxMessage & { claimable: boolean }) => T) => messages.map(f);
    // One statement whatever the number of rows (arrays, times as ISO text: both drivers pass them unchanged). A row
    // is claimed at birth only when its recipient has no unfinished row besides the ones this instance sends
    // already (`held`): nothing overtakes a row another instance sends, one waiting for a retry or a held reply.
    const rows = await insertClaiming(
      this.db,
      col((m) => m.dedupeKey),
      col((m) => m.recipient),
      col((m) => m.address),
      col((m) => m.route),
      col((m) => m.body),
      col((m) => m.format),
      col((m) => m.kind),
      col((m) => m.inReplyTo),
      col((m) => m.notBefore.toISOString()),
      col((m) => m.claimable),
      claim.until.toISOString(),
      claim.now.toISOString(),
      [...claim.held],
    );
    return rows.map(toMessage).sort((x, y) => x.id - y.id);
  }

  claim(now: Date, until: Date, limit: number, perRecipient = limit): Promise<OutboxMessage[]> {
    return inTransaction(this.db, async (trx) => {
      const isDue = sql`((o.status = 'pending' and o.next_attempt_at <= ${now})
            or (o.status = 'sending' and o.locked_until < ${now}))`;
      const due = await sql<{ id: number }>`
        with candidates as (
          select o.id, o.route, o.address from outbox o
          where ${isDue}
            -- A recipient with a send in flight (any instance) waits for it: their messages go out in order.
            and not exists (
              select 1 from outbox s
              where s.route = o.route and s.address = o.address and s.status = 'sending' and s.locked_until >= ${now})
            -- Nor does anything overtake an earlier reply to them that is not due yet (held for its rephrasing, or
            -- waiting out a retry): a sender's replies arrive in the order of their messages. In a managers' alert
            -- chat, nor an earlier alert that was tried and waits (the robot's minute used up, a retry): the group
            -- reads its alerts in order. One not tried yet (scheduled for later) takes its place when it is due.
            and not exists (
              select 1 from outbox e
              where e.route = o.route and e.address = o.address and e.status = 'pending' and e.id < o.id
                and e.next_attempt_at > ${now}
                and (e.in_reply_to is not null
                  or (o.route in ('wecom_webhook', 'wecom_appchat') and e.first_tried_at is not null)))
          order by o.id
          -- A bounded look-ahead: room for other recipients past one recipient's backlog.
          limit ${limit * CLAIM_LOOKAHEAD}
        ), capped as (
          -- At most perRecipient rows of one recipient (their earliest): one backlog does not fill the batch.
          select id from (
            select id, row_number() over (partition by route, address order by id) as n from candidates
          ) ranked where n <= ${perRecipient}
        ), locked as (
          select o.id, o.route, o.address from outbox o
          -- Checked again on the locked row: another instance may have claimed it since the candidates were read.
          where o.id in (select id from capped) and ${isDue}
          -- In id order: a recipient's earlier due row is never left out of a claim that takes a later one.
          order by o.id
          limit ${limit}
          for update of o skip locked
        )
        -- … unless another instance is claiming that earlier row right now: SKIP LOCKED hid it from this claim, and
        -- the later row would overtake it (the soak caught two instances each taking one of a recipient's replies).
        select c.id from locked c
        where not exists (
          select 1 from outbox e
          where e.route = c.route and e.address = c.address and e.id < c.id
            and (e.status = 'sending' or (e.status = 'pending' and e.next_attempt_at <= ${now}))
            and e.id not in (select id from locked))
        order by c.id`.execute(trx);
      if (due.rows.length === 0) return [];
      const rows = await trx
        .updateTable('outbox')
        .set((eb) => ({
          status: 'sending',
          locked_until: until,
          attempts: eb('attempts', '+', 1),
          first_tried_at: sql<Date>`coalesce(first_tried_at, ${now})`,
        }))
        .where(
          'id',
          'in',
          due.rows.map((r) => Number(r.id)),
        )
        .returningAll()
        .execute();
      // RETURNING has no order: hand the rows back in id order, the order a recipient's messages were written
      // (a retried part due later than the reply behind it still goes first).
      return rows.map(toMessage).sort((x, y) => x.id - y.id);
    });
  }

  async markSent(id: number, now: Date): Promise<void> {
    await this.set(id, { status: 'sent', sent_at: now, locked_until: null, last_error: null });
  }

  async markSentAll(rows: readonly { id: number; at: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    // Times as ISO text: both drivers pass a text array through unchanged.
    await markSentRows(
      this.db,
      rows.map((r) => r.id),
      rows.map((r) => r.at.toISOString()),
    );
  }

  async markDead(id: number, reason: string): Promise<void> {
    await this.set(id, { status: 'dead', last_error: reason, locked_until: null });
  }

  async markFollowup(id: number, reason: string): Promise<void> {
    await this.set(id, { status: 'followup', last_error: reason, locked_until: null });
  }

  async retry(id: number, reason: string, at: Date): Promise<void> {
    await this.set(id, { status: 'pending', last_error: reason, locked_until: null, next_attempt_at: at });
  }

  async postpone(id: number, until: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'pending',
        next_attempt_at: until,
        locked_until: null,
        attempts: eb('attempts', '-', 1),
      }))
      .where('id', '=', id)
      .execute();
  }

  release(partKeys: readonly string[], now: Date, bodies?: readonly string[]): Promise<boolean> {
    if (partKeys.length === 0) return Promise.resolve(false);
    return inTransaction(this.db, async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'status'])
        .where('dedupe_key', 'in', [...partKeys])
        .orderBy('id')
        .forUpdate()
        .execute();
      const swap =
        bodies !== undefined &&
        bodies.length > 0 &&
        bodies.length <= rows.length &&
        rows.length === partKeys.length &&
        rows.every((r) => r.status === 'pending');
      if (!swap) {
        // A part already claimed (its hold ran out) went out as the template: the rest follows as the template.
        await trx
          .updateTable('outbox')
          .set({ next_attempt_at: now })
          .where('dedupe_key', 'in', [...partKeys])
          .where('status', '=', 'pending')
          .execute();
        return false;
      }
      for (const [i, body] of bodies.entries()) {
        await trx.updateTable('outbox').set({ body, next_attempt_at: now }).where('id', '=', rows[i]!.id).execute();
      }
      const surplus = rows.slice(bodies.length).map((r) => r.id);
      if (surplus.length > 0) await trx.deleteFrom('outbox').where('id', 'in', surplus).execute();
      return true;
    });
  }

  async releaseLeases(): Promise<number> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', locked_until: null })
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async latest(limit: number, to?: string): Promise<OutboxMessage[]> {
    let q = this.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(limit);
    if (to) q = q.where((eb) => eb.or([eb('recipient', '=', to), eb('address', '=', to)]));
    return (await q.execute()).reverse().map(toMessage);
  }

  private async set(
    id: number,
    values: Partial<
      Pick<Selectable<OutboxTable>, 'status' | 'sent_at' | 'locked_until' | 'last_error' | 'next_attempt_at'>
    >,
  ): Promise<void> {
    await this.db.updateTable('outbox').set(values).where('id', '=', id).execute();
  }
}

/** Rows per status of the inbound queue and the outbox (the admin status page). */
export class KyselyPipelineStatusReader implements PipelineStatusReader {
  constructor(private readonly db: Kysely<Database>) {}

  async counts(): Promise<PipelineCounts> {
    const [inbound, outbox] = await Promise.all([
      this.db
        .selectFrom('inbound_messages')
        .select(['status', this.db.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
      this.db
        .selectFrom('outbox')
        .select(['status', this.db.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
    ]);
    return { inbound, outbox };
  }
}

function toMessage(r: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    recipient: r.recipient,
    address: r.address,
    route: r.route,
    format: r.format,
    body: r.body,
    kind: r.kind,
    inReplyTo: r.in_reply_to,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** `enqueueClaiming`'s one insert (columns as arrays, times as ISO text): built and compiled once. */
const insertClaiming = compiledOnce(
  (
    _db,
    dedupeKeys: string[],
    recipients: string[],
    addresses: string[],
    routes: string[],
    bodies: string[],
    formats: string[],
    kinds: string[],
    inReplyTos: (number | null)[],
    notBefores: string[],
    claimables: boolean[],
    until: string,
    now: string,
    held: number[],
  ) =>
    // The arrays go through a materialized CTE (`a`): the planner then sees no array's length (a custom plan would
    // count a constant array's elements, a generic one guesses 10), so the generic plan costs what the custom ones do
    // and a named statement is planned once per connection instead of on every call (db/README.md). `offset 0` keeps
    // the recipient check one subplan per row (pulled up, it was evaluated once per `case` below: four times).
    sql<Selectable<OutboxTable>>`
    with a as materialized (
      select ${dedupeKeys}::text[] as dedupe_key, ${recipients}::text[] as recipient, ${addresses}::text[] as address,
        ${routes}::text[] as route, ${bodies}::text[] as body, ${formats}::text[] as format, ${kinds}::text[] as kind,
        ${inReplyTos}::bigint[] as in_reply_to, ${notBefores}::timestamptz[] as next_attempt_at,
        ${claimables}::boolean[] as claimable, ${held}::bigint[] as held)
    insert into outbox as o (dedupe_key, recipient, address, route, body, format, kind, in_reply_to,
      next_attempt_at, status, locked_until, attempts, first_tried_at)
    select v.dedupe_key, v.recipient, v.address, v.route, v.body, v.format, v.kind, v.in_reply_to,
      v.next_attempt_at,
      case when c.claimed then 'sending' else 'pending' end,
      case when c.claimed then ${until}::timestamptz end,
      case when c.claimed then 1 else 0 end,
      case when c.claimed then ${now}::timestamptz end
    from a cross join lateral unnest(a.dedupe_key, a.recipient, a.address, a.route, a.body, a.format, a.kind,
        a.in_reply_to, a.next_attempt_at, a.claimable)
      with ordinality as v(dedupe_key, recipient, address, route, body, format, kind, in_reply_to,
        next_attempt_at, claimable, n)
    cross join lateral (
      select v.claimable and not exists (
        select 1 from outbox e
        where e.address = v.address and e.route = v.route and e.status in ('pending', 'sending')
          and e.id <> all(a.held)) as claimed
      offset 0) c
    -- In the given order: a reply's parts and card get their ids in the order they are read.
    order by v.n
    on conflict (dedupe_key) do nothing
    returning o.*`,
);

/**
 * `markSentAll`'s one update: built and compiled once. The arrays through a materialized CTE: the generic plan then
 * costs what a custom one does, so a named statement is planned once (see `insertClaiming`).
 */
const markSentRows = compiledOnce(
  (_db, ids: number[], ats: string[]) => sql`
    with a as materialized (select ${ids}::bigint[] as id, ${ats}::timestamptz[] as at)
    update outbox o set status = 'sent', sent_at = v.at, locked_until = null, last_error = null
    from a cross join lateral unnest(a.id, a.at) as v(id, at)
    where o.id = v.id`,
);
