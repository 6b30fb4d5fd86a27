import { type Kysely, sql } from 'kysely';

/**
 * Files account managers send in chat, offered to HQ as imports: the file itself (at most IMPORT_OFFER_MAX_MB), what
 * it was read as (entity, rows, the dealers it is about), and HQ's decision. One offer per chat message.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table import_offers (
      id serial primary key,
      -- The chat message that carried the file (its dedupe key here: no foreign key, so the offer outlives any pruning).
      inbound_id bigint not null unique,
      manager_code text not null references managers(code),
      channel text not null,
      file_name text not null,
      format text not null check (format in ('csv', 'xlsx')),
      encoding text not null check (encoding in ('utf-8', 'gbk')),
      sha256 text not null,
      size_bytes integer not null,
      -- Dropped once HQ has decided, or when the offer expired (the import run keeps the file's SHA-256).
      content bytea,
      entity text not null,
      rows integer not null,
      dealer_codes text[] not null,
      status text not null default 'pending' check (status in ('pending', 'applying', 'applied', 'rejected')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      claimed_at timestamptz,
      decided_at timestamptz,
      decided_by text,
      reason text,
      last_run jsonb
    )`.execute(db);
  await sql`create index import_offers_status on import_offers(status, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table import_offers`.execute(db);
}
