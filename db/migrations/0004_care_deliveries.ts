import { type Kysely, sql } from 'kysely';

// Frozen. What was sent, apart from the outbox (a delivery queue that is pruned): every "already sent" and
// "at most once per N days" check reads care_deliveries. Backfilled from the outbox's dedupe keys
// (`<prefix>:<subject>:<key>`; split parts `…#2` skipped) so an upgraded database resends nothing.
const KINDS = [
  'care.birthday',
  'care.anniversary',
  'care.anniversary.bonus',
  'care.replenishment',
  'care.anomaly',
  'care.anomaly.summary',
  'care.silent',
  'care.success_case',
  'dealers.tier_change',
  'dealers.tier_summary',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table care_deliveries (
      kind text not null,
      subject text not null,
      key text not null,
      sent_at timestamptz not null default now(),
      primary key (kind, subject, key)
    )`.execute(db);
  await backfillDeliveries(db);
  await sql`create index outbox_finished on outbox(coalesce(sent_at, created_at)) where status in ('sent','dead')`.execute(
    db,
  );
}

/** The delivery log from the outbox's dedupe keys (exported for its test; idempotent). */
export async function backfillDeliveries(db: Kysely<any>): Promise<void> {
  await sql`
    insert into care_deliveries (kind, subject, key, sent_at)
    select o.kind, m[1], m[2], o.created_at
    from outbox o, regexp_match(o.dedupe_key, '^[^:]+:([^:]+):(.+)$') as m
    where o.kind = any(${KINDS}) and o.dedupe_key not like '%#%'
    on conflict do nothing`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_finished`.execute(db);
  await sql`drop table care_deliveries`.execute(db);
}
