import { type Kysely, sql } from 'kysely';

// ERP sync (issue 17, core/erp): the per-form watermark (the newest source modified time imported) and the bills
// the sync imported, which the weekly reconciliation compares against the source's ids.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table erp_watermarks (
      source text not null,
      form text not null,
      modified_through timestamptz not null,
      synced_at timestamptz not null,
      primary key (source, form)
    )`.execute(db);
  await sql`
    create table erp_bills (
      source text not null,
      form text not null,
      bill_id text not null,
      bill_key text not null,
      bill_date date,
      primary key (source, form, bill_id)
    )`.execute(db);
  await sql`create index erp_bills_date on erp_bills(source, form, bill_date)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table erp_bills`.execute(db);
  await sql`drop table erp_watermarks`.execute(db);
}
