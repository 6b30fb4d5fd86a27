import { type Kysely, sql } from 'kysely';

/** Messages the assistant did not understand, for HQ to label (core/conversation/misses.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table nlu_misses (
      id serial primary key,
      text text not null,
      kind text not null check (kind in ('unknown', 'clarify', 'rejected')),
      sender_role text not null check (sender_role in ('dealer', 'manager')),
      dealer_code text,
      channel text not null,
      guesses jsonb not null default '[]',
      status text not null default 'open' check (status in ('open', 'labelled', 'discarded', 'exported')),
      label_intent text,
      label_slots jsonb,
      created_at timestamptz not null,
      labelled_at timestamptz,
      exported_at timestamptz
    )`.execute(db);
  await sql`create index nlu_misses_status on nlu_misses(status, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table nlu_misses`.execute(db);
}
