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
  await sql`create index dealers_tier_pending_idx on dealers (tier_pending_at) where tier_pending_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table dealers drop column tier_pending, drop column tier_pending_at`.execute(db);
  await sql`alter table order_lines drop column config`.execute(db);
  await sql`alter table products drop column options`.execute(db);
}
