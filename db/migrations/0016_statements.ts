import { type Kysely, sql } from 'kysely';

/**
 * Issue 13, builds 2 and 8: rebate settlements (one row per settlement of a dealer's policy period; `seq` makes a
 * concurrent second settlement fail instead of paying twice), per-policy dealer feedback, and the statement a
 * payment dispute refers to.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table rebate_settlements (
  id serial primary key,
  dealer_code text not null references dealers(code),
  policy_code text not null references policies(code),
  seq integer not null,
  qualifying_fen bigint not null,
  accrued_fen bigint not null,
  paid_fen bigint not null,
  settled_at timestamptz not null default now(),
  settled_by text not null,
  unique (dealer_code, policy_code, seq)
)`.execute(db);
  await sql`create index rebate_settlements_settled_at on rebate_settlements(dealer_code, settled_at)`.execute(db);
  await sql`
create table policy_feedback (
  id serial primary key,
  policy_code text not null references policies(code),
  dealer_code text not null references dealers(code),
  text text not null,
  created_at timestamptz not null default now()
)`.execute(db);
  await sql`create index policy_feedback_policy on policy_feedback(policy_code, created_at)`.execute(db);
  await sql`alter table needs add column statement_ref text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table needs drop column statement_ref`.execute(db);
  await sql`drop table policy_feedback`.execute(db);
  await sql`drop table rebate_settlements`.execute(db);
}
