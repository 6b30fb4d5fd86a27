import { type Kysely, sql } from 'kysely';

// Frozen. Joint campaigns (HQ's 区域促销, 新品体验节): whom they target, who applied, who was approved, and the
// results recorded at the campaign's end (sell-through in the window against the dealer's own baseline).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
create table campaigns (
  code text primary key check (code ~ '^C[0-9]{3,6}$'),
  name text not null check (length(name) between 2 and 40),
  description text not null default '',
  provinces text[] not null default '{}',
  tags text[] not null default '{}',
  tiers text[] not null default '{}',
  starts_on date not null,
  ends_on date not null,
  subsidy_fen bigint not null default 0 check (subsidy_fen >= 0),
  seats integer not null check (seats > 0),
  results_at timestamptz,
  created_at timestamptz not null default now(),
  check (ends_on >= starts_on)
)`.execute(db);
  await sql`
create table campaign_entries (
  campaign_code text not null references campaigns(code),
  dealer_code text not null references dealers(code),
  status text not null check (status in ('applied', 'approved')),
  applied_at timestamptz not null,
  approved_at timestamptz,
  approved_by text references managers(code),
  baseline_fen bigint,
  campaign_fen bigint,
  baseline_qty integer,
  campaign_qty integer,
  primary key (campaign_code, dealer_code)
)`.execute(db);
  await sql`create index campaign_entries_dealer on campaign_entries (dealer_code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table campaign_entries`.execute(db);
  await sql`drop table campaigns`.execute(db);
}
