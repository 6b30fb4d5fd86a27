import { type Kysely, sql } from 'kysely';

/** A delivery date may be a deadline ("月底前送到"): kept with the draft and the order so every echo shows it. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table order_drafts add column delivery_by boolean not null default false`.execute(db);
  await sql`alter table orders add column delivery_by boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop column delivery_by`.execute(db);
  await sql`alter table order_drafts drop column delivery_by`.execute(db);
}
