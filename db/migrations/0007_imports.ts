import { type Kysely, sql } from 'kysely';

// Frozen. Imports (issue 17): every run recorded; store codes (D0001-S01) and store-level POS sales; dated dealer
// stock snapshots; payments; the source ids and source modified times that make re-imports idempotent and let an
// older row never overwrite a newer one.
const UP = `
create table import_runs (
  id bigserial primary key,
  entity text not null,
  source text not null,
  file_sha256 text not null,
  who text not null,
  mode text not null check (mode in ('all','partial','dry_run')),
  status text not null check (status in ('running','applied','partial','rejected','dry_run','failed')),
  started_at timestamptz not null,
  finished_at timestamptz,
  counts jsonb not null default '{}',
  error_count int not null default 0,
  errors jsonb not null default '[]'
);
create index import_runs_started on import_runs(started_at desc);

alter table stores add column code text unique check (code ~ '^D[0-9]{4}-S([0-9]{2}|[1-9][0-9]{2})$');
update stores s set code = s.dealer_code || '-S' || lpad(r.n::text, 2, '0')
  from (select id, row_number() over (partition by dealer_code order by id) as n from stores) r
  where r.id = s.id and r.n <= 999;

create table store_sales (
  store_code text not null references stores(code),
  dealer_code text not null references dealers(code),
  sku text not null references products(sku),
  day date not null,
  qty int not null check (qty >= 0),
  amount_fen bigint not null check (amount_fen >= 0),
  primary key (store_code, sku, day)
);
create index store_sales_day on store_sales(day);
create index store_sales_dealer on store_sales(dealer_code, sku, day);

create table dealer_stock_snapshots (
  dealer_code text not null references dealers(code),
  day date not null,
  sku text not null references products(sku),
  qty int not null check (qty >= 0),
  primary key (dealer_code, day, sku)
);
alter table dealer_inventory add column snapshot_day date;

alter table hq_stock add column source_modified_at timestamptz;

alter table orders add column erp_bill_id text unique;
alter table orders add column erp_bill_no text;
alter table orders add column source_modified_at timestamptz;
alter table order_lines add column erp_entry_id text;
create unique index order_lines_erp_entry on order_lines(order_no, erp_entry_id);

alter table receivables add column bill_no text unique;
alter table receivables add column source_modified_at timestamptz;

create table payments (
  payment_no text primary key,
  dealer_code text not null references dealers(code),
  receivable_bill_no text references receivables(bill_no),
  amount_fen bigint not null check (amount_fen > 0),
  paid_on date not null,
  source_modified_at timestamptz,
  created_at timestamptz not null default now()
);
create index payments_dealer on payments(dealer_code);
create index payments_receivable on payments(receivable_bill_no);

create unique index dealer_contacts_dealer_phone on dealer_contacts(dealer_code, phone);
`;

const DOWN = `
drop index dealer_contacts_dealer_phone;
drop table payments;
alter table receivables drop column source_modified_at;
alter table receivables drop column bill_no;
drop index order_lines_erp_entry;
alter table order_lines drop column erp_entry_id;
alter table orders drop column source_modified_at;
alter table orders drop column erp_bill_no;
alter table orders drop column erp_bill_id;
alter table hq_stock drop column source_modified_at;
alter table dealer_inventory drop column snapshot_day;
drop table dealer_stock_snapshots;
drop table store_sales;
alter table stores drop column code;
drop table import_runs;
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
