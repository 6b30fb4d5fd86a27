import { type Kysely, sql } from 'kysely';

/**
 * Made-to-size windows and doors: a product's options (sizes, glass, openings, colours, the area price rule) and the
 * configuration each order line was made with. Both null for stock items and for every row before this migration.
 * A re-tier's new tier waits for its notice (tier_pending from tier_pending_at: prices change when the dealer is told).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table products add column options jsonb`.execute(db);
  await sql`alter table order_lines add column config jsonb`.execute(db);
  await sql`alter table dealers add column tier_pending text, add column tier_pending_at timestamptz`.execute(db);
  // Birthday and anniversary vouchers: one per dealer, kind and occasion; used once (by the order that took it).
  await sql`
    create table care_vouchers (
      id serial primary key,
      dealer_code text not null references dealers(code),
      kind text not null check (kind in ('birthday', 'anniversary')),
      occasion date not null,
      amount_fen bigint not null check (amount_fen > 0),
      min_order_fen bigint not null default 0,
      valid_from date not null,
      valid_until date not null,
      used_order_no text,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      unique (dealer_code, kind, occasion)
    )`.execute(db);
  await sql`create index care_vouchers_open_idx on care_vouchers (dealer_code, valid_until) where used_order_no is null`.execute(
    db,
  );
  await sql`create index dealers_tier_pending_idx on dealers (tier_pending_at) where tier_pending_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table care_vouchers`.execute(db);
  await sql`alter table dealers drop column tier_pending, drop column tier_pending_at`.execute(db);
  await sql`alter table order_lines drop column config`.execute(db);
  await sql`alter table products drop column options`.execute(db);
}
