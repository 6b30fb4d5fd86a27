import { type Kysely, sql } from 'kysely';

/**
 * The queues' per-row checks must probe an index by their key whatever the statistics say. Statistics are usually
 * taken with empty queues (autovacuum analyses a table at rest), so the planner believes each partial index of the
 * unfinished rows holds one row and, given two that match a check, picked one to scan whole for every candidate —
 * with a backlog (a burst, an outage just over) every take, claim or reply insert read the whole backlog per row:
 * 55–180 ms per take at 2,560 waiting messages instead of 0.5 ms (issue 14).
 *
 * - `inbound_sender_queue` (sender, id): "no earlier unfinished message of this sender" (`SENDER_HEAD` in
 *   db/repositories/inbound.repository.ts).
 * - `outbox_unfinished_recipient` (address, route, id): "the recipient has nothing unfinished" (the reply insert's
 *   claim at birth) and the dispatcher's "nothing earlier of this recipient not due yet".
 * - `outbox_sending` (route, address, locked_until): the dispatcher's "no send in flight to this recipient"; its
 *   predicate is the `case` the check says, which implies no other index's (at 2,000 due replies its claim read
 *   1,000,000 rows, 2.7 s).
 *
 * The first two say `status not in (<finished states>)` — the same rows as `status in (<unfinished states>)` under
 * the tables' check constraints — so that only they match the checks written that way, and the other partial
 * indexes (`inbound_unfinished`, `outbox_unfinished`, `outbox_due` …, written `in (…)`) no longer compete.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index inbound_pending`.execute(db);
  await sql`create index inbound_sender_queue on inbound_messages(sender, id) where status not in ('done','parked')`.execute(
    db,
  );
  await sql`drop index outbox_unfinished_recipient`.execute(db);
  await sql`create index outbox_unfinished_recipient on outbox(address, route, id)
    where status not in ('sent','dead','followup')`.execute(db);
  await sql`drop index outbox_sending`.execute(db);
  await sql`create index outbox_sending on outbox(route, address, locked_until)
    where (case when status = 'sending' then true end)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_sending`.execute(db);
  await sql`create index outbox_sending on outbox(route, address, locked_until) where status = 'sending'`.execute(db);
  await sql`drop index outbox_unfinished_recipient`.execute(db);
  await sql`create index outbox_unfinished_recipient on outbox(address, route, id) where status in ('pending','sending')`.execute(
    db,
  );
  await sql`drop index inbound_sender_queue`.execute(db);
  await sql`create index inbound_pending on inbound_messages(sender, id) where status in ('pending','processing')`.execute(
    db,
  );
}
