import { type Kysely, sql } from 'kysely';

// Frozen. Training sessions become bookable (seats, fee, target tiers/tags) with enrolments, reminders and
// attendance; honours are awarded by rule and period, once each.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table courses add column seats int not null default 30 check (seats > 0)`.execute(db);
  await sql`alter table courses add column fee_fen int not null default 0 check (fee_fen >= 0)`.execute(db);
  await sql`alter table courses add column target_tiers text[] not null default '{}'`.execute(db);
  await sql`alter table courses add column target_tags text[] not null default '{}'`.execute(db);
  await sql`alter table courses add column location text`.execute(db);
  await sql`
create table course_enrolments (
  id bigserial primary key,
  course_id int not null references courses(id),
  dealer_code text not null references dealers(code),
  status text not null check (status in ('enrolled','waitlisted')),
  fee_fen int not null check (fee_fen >= 0),
  enrolled_at timestamptz not null,
  attended_at timestamptz,
  attended_by text,
  unique (course_id, dealer_code)
)`.execute(db);
  await sql`create index course_enrolments_dealer on course_enrolments (dealer_code)`.execute(db);
  // Honours given before rules existed keep null rule/period; a rule's award is unique per dealer and period.
  await sql`alter table honours add column rule_code text`.execute(db);
  await sql`alter table honours add column period text`.execute(db);
  await sql`alter table honours add column reason text`.execute(db);
  await sql`create unique index honours_rule_period on honours (rule_code, period, dealer_code) where rule_code is not null`.execute(
    db,
  );
  await sql`create index honours_dealer on honours (dealer_code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index honours_dealer`.execute(db);
  await sql`drop index honours_rule_period`.execute(db);
  await sql`alter table honours drop column reason, drop column period, drop column rule_code`.execute(db);
  await sql`drop table course_enrolments`.execute(db);
  await sql`alter table courses drop column location, drop column target_tags, drop column target_tiers, drop column fee_fen, drop column seats`.execute(
    db,
  );
}
