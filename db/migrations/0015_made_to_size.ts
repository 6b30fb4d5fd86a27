import { type Kysely, sql } from 'kysely';

/**
 * Made-to-size windows and doors: a product's options (sizes, glass, openings, colours, the area price rule) and the
 * configuration each order line was made with. Both null for stock items and for every row before this migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table products add column options jsonb`.execute(db);
  await sql`alter table order_lines add column config jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table order_lines drop column config`.execute(db);
  await sql`alter table products drop column options`.execute(db);
}
