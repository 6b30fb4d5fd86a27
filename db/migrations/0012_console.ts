import { type Kysely, sql } from 'kysely';

/**
 * The HQ console (bot/console): signed-in sessions and the audit log of every console action.
 * A session row is keyed by the sha-256 of its cookie token, so a database dump cannot be replayed as a cookie.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table console_sessions (
      id text primary key,
      role text not null check (role in ('hq', 'manager')),
      manager_code text,
      csrf text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      ended_at timestamptz
    )`.execute(db);
  await sql`
    create table console_audit (
      id serial primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      subject text,
      detail jsonb not null default '{}',
      ip text
    )`.execute(db);
  await sql`create index console_audit_at on console_audit(at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table console_audit`.execute(db);
  await sql`drop table console_sessions`.execute(db);
}
