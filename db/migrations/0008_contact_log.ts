import { type Kysely, sql } from 'kysely';

// Frozen. The account managers' contact log (am.contact.log): who talked to which dealer, when, about what.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table manager_contacts (
  id bigserial primary key,
  manager_code text not null references managers(code),
  dealer_code text not null references dealers(code),
  note text not null check (length(note) between 1 and 200),
  contacted_at timestamptz not null,
  created_at timestamptz not null default now()
)`.execute(db);
  await sql`create index manager_contacts_dealer_at on manager_contacts (dealer_code, contacted_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table manager_contacts`.execute(db);
}
