import { type Kysely, sql } from 'kysely';

// Frozen. Anomalies with a lifecycle (issue 17, item 5): one open row per dealer, kind and subject (SKU, bill
// number, '' for the dealer's whole sell-through), closed when it clears; a later return opens a new row. And the
// optional expiry date of dealer stock (dealer-stock's `expires_on` column), which the expiring-batch rule reads.
const UP = `
create table dealer_anomalies (
  id bigserial primary key,
  dealer_code text not null references dealers(code),
  kind text not null check (kind in ('overstock','sell_through_drop','overdue_payment','expiring_batch')),
  subject text not null,
  opened_at timestamptz not null,
  last_seen_at timestamptz not null,
  closed_at timestamptz,
  details jsonb not null default '{}'
);
create unique index dealer_anomalies_open on dealer_anomalies(dealer_code, kind, subject) where closed_at is null;
create index dealer_anomalies_dealer on dealer_anomalies(dealer_code, opened_at desc);

alter table dealer_stock_snapshots add column expires_on date;
alter table dealer_inventory add column expires_on date
`;

const DOWN = `
alter table dealer_inventory drop column expires_on;
alter table dealer_stock_snapshots drop column expires_on;
drop table dealer_anomalies
`;

// One statement per call: PGlite's extended protocol runs a single statement at a time.
async function run(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*\n/)) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await run(db, UP);
}

export async function down(db: Kysely<any>): Promise<void> {
  await run(db, DOWN);
}
