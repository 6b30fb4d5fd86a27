import { sql } from 'kysely';
// Frozen: never import app code here; later changes go in new migrations.
const DDL = `
create table regions (
  id serial primary key,
  province text not null,
  city text not null,
  county text not null,
  market_level text not null check (market_level in ('一线','二线','三四线','县城','乡镇')),
  unique (province, city, county)
);

create table managers (
  code text primary key check (code ~ '^M[0-9]{3}$'),
  name text not null,
  role text not null check (role in ('account','regional')),
  regional_code text references managers(code),
  province text,
  wecom_userid text,
  alert_chat_id text,
  webhook_key text,
  phone text,
  created_at timestamptz not null default now()
);

create table dealers (
  code text primary key check (code ~ '^D[0-9]{4}$'),
  name text not null,
  region_id int not null references regions(id),
  tier text not null check (tier in ('core','key','regular','silent')),
  tags text[] not null default '{}',
  manual_tags text[] not null default '{}',
  manager_code text not null references managers(code),
  partnership_start date not null,
  credit_limit_fen bigint not null default 0,
  payment_terms_days int not null default 30,
  tier_reasons text[] not null default '{}',
  created_at timestamptz not null default now()
);
create index dealers_manager on dealers(manager_code);

create table dealer_contacts (
  id serial primary key,
  dealer_code text not null references dealers(code),
  name text not null,
  phone text not null,
  birthday date,
  is_primary boolean not null default false
);
create index dealer_contacts_dealer on dealer_contacts(dealer_code);
create index dealer_contacts_phone on dealer_contacts(phone);

create table channel_identities (
  channel text not null check (channel in ('wecom','kf','sandbox')),
  external_id text not null,
  dealer_code text references dealers(code),
  manager_code text references managers(code),
  open_kfid text,
  bound_at timestamptz not null default now(),
  primary key (channel, external_id),
  check ((dealer_code is null) <> (manager_code is null))
);
create index channel_identities_dealer on channel_identities(dealer_code);
create index channel_identities_manager on channel_identities(manager_code);

create table stores (
  id serial primary key,
  dealer_code text not null references dealers(code),
  name text not null,
  type text not null check (type in ('retail','engineering','home_improvement')),
  region_id int not null references regions(id),
  market_level text not null,
  opened_on date not null,
  active boolean not null default true
);
create index stores_dealer on stores(dealer_code);

create table products (
  sku text primary key,
  name text not null,
  category text not null,
  series text not null,
  unit text not null,
  list_price_fen bigint not null check (list_price_fen > 0),
  moq int not null check (moq > 0),
  order_multiple int not null default 1 check (order_multiple > 0),
  lead_time_days int not null default 14,
  tags text[] not null default '{}',
  aliases text[] not null default '{}',
  active boolean not null default true
);

create table tier_prices (
  sku text not null references products(sku),
  tier text not null check (tier in ('core','key','regular','silent')),
  price_fen bigint not null check (price_fen > 0),
  primary key (sku, tier)
);

create table hq_stock (
  sku text primary key references products(sku),
  on_hand int not null default 0,
  reserved int not null default 0 check (reserved >= 0),
  updated_at timestamptz not null default now()
);

create table dealer_inventory (
  dealer_code text not null references dealers(code),
  sku text not null references products(sku),
  qty int not null,
  synced_at timestamptz not null,
  primary key (dealer_code, sku)
);

create table sell_through (
  dealer_code text not null references dealers(code),
  sku text not null references products(sku),
  day date not null,
  qty int not null,
  primary key (dealer_code, sku, day)
);
create index sell_through_day on sell_through(day);

create table order_sequences (
  day date primary key,
  last_seq int not null
);

create table orders (
  order_no text primary key check (order_no ~ '^SO[0-9]{12}$'),
  dealer_code text not null references dealers(code),
  status text not null check (status in ('placed','shipped','delivered','cancelled')),
  total_fen bigint not null,
  delivery_date date,
  placed_at timestamptz not null,
  shipped_at timestamptz,
  cancelled_at timestamptz,
  paid_at timestamptz,
  source text not null default 'chat' check (source in ('chat','erp','seed')),
  draft_id uuid unique
);
create index orders_dealer_placed on orders(dealer_code, placed_at desc);
create index orders_placed on orders(placed_at);

create table order_lines (
  order_no text not null references orders(order_no),
  line_no int not null,
  sku text not null references products(sku),
  category text not null,
  qty int not null check (qty > 0),
  unit_price_fen bigint not null,
  amount_fen bigint not null,
  primary key (order_no, line_no)
);
create index order_lines_sku on order_lines(sku);

create table order_drafts (
  id uuid primary key,
  dealer_code text not null references dealers(code),
  items jsonb not null,
  delivery_date date,
  status text not null check (status in ('open','confirmed','cancelled','expired')),
  expires_at timestamptz not null,
  order_no text references orders(order_no),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index order_drafts_dealer on order_drafts(dealer_code, created_at desc);

create table receivables (
  id serial primary key,
  dealer_code text not null references dealers(code),
  order_no text references orders(order_no),
  amount_fen bigint not null,
  paid_fen bigint not null default 0,
  due_date date not null,
  created_at timestamptz not null default now()
);
create index receivables_dealer on receivables(dealer_code);

create table policies (
  code text primary key,
  name text not null,
  kind text not null,
  spec jsonb not null,
  active boolean not null default true,
  promoted boolean not null default false,
  created_at timestamptz not null default now()
);

create table policy_deliveries (
  policy_code text not null references policies(code),
  dealer_code text not null references dealers(code),
  cohort text not null check (cohort in ('pilot','holdout','all')),
  outbox_id bigint,
  pushed_at timestamptz not null default now(),
  feedback text,
  primary key (policy_code, dealer_code)
);

create table needs (
  id bigserial primary key,
  dealer_code text not null references dealers(code),
  category text not null,
  text text not null,
  status text not null check (status in ('open','claimed','resolved','closed')),
  owner_code text not null references managers(code),
  tier text not null,
  first_response_due timestamptz not null,
  resolution_due timestamptz not null,
  first_response_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  resolution text,
  rating int check (rating between 1 and 5),
  rating_comment text,
  attachments jsonb not null default '[]',
  created_at timestamptz not null default now()
);
create index needs_dealer on needs(dealer_code, created_at desc);
create index needs_open on needs(status) where status in ('open','claimed');

create table need_events (
  id bigserial primary key,
  need_id bigint not null references needs(id),
  kind text not null,
  actor text,
  body text,
  dedupe_key text unique,
  at timestamptz not null default now()
);
create index need_events_need on need_events(need_id, at);

create table dealer_scores (
  dealer_code text not null references dealers(code),
  month date not null,
  purchase_scale numeric(5,1) not null,
  category_expertise numeric(5,1) not null,
  store_coverage numeric(5,1) not null,
  growth_potential numeric(5,1) not null,
  collaboration numeric(5,1) not null,
  total numeric(5,1) not null,
  tier_before text not null,
  tier_after text not null,
  reasons text[] not null default '{}',
  tags text[] not null default '{}',
  computed_at timestamptz not null default now(),
  primary key (dealer_code, month)
);

create table success_cases (
  id serial primary key,
  title text not null,
  body text not null,
  tags text[] not null default '{}',
  tier text,
  dealer_code text references dealers(code),
  created_at timestamptz not null default now()
);

create table courses (
  id serial primary key,
  title text not null,
  description text not null,
  starts_at timestamptz not null,
  mode text not null default 'online',
  tags text[] not null default '{}'
);

create table honours (
  id serial primary key,
  dealer_code text not null references dealers(code),
  title text not null,
  awarded_on date not null
);

create table inbound_messages (
  id bigserial primary key,
  channel text not null check (channel in ('wecom','kf','sandbox')),
  dedupe_key text not null,
  sender text not null,
  msg_type text not null,
  content text,
  payload jsonb not null default '{}',
  received_at timestamptz not null default now(),
  status text not null default 'pending' check (status in ('pending','processing','done','parked')),
  attempts int not null default 0,
  locked_until timestamptz,
  last_error text,
  processed_at timestamptz,
  unique (channel, dedupe_key)
);
create index inbound_pending on inbound_messages(sender, id) where status in ('pending','processing');

create table outbox (
  id bigserial primary key,
  dedupe_key text not null unique,
  recipient text not null,
  address text not null,
  route text not null check (route in ('wecom_app','wecom_appchat','wecom_webhook','kf','sandbox','followup')),
  format text not null default 'text' check (format in ('text','markdown')),
  body text not null,
  kind text not null default 'reply',
  in_reply_to bigint references inbound_messages(id),
  status text not null default 'pending' check (status in ('pending','sending','sent','dead','followup')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index outbox_due on outbox(next_attempt_at) where status in ('pending','sending');
create index outbox_recipient on outbox(recipient, id desc);

create table followups (
  id bigserial primary key,
  manager_code text not null references managers(code),
  dealer_code text references dealers(code),
  body text not null,
  outbox_id bigint unique references outbox(id),
  status text not null default 'open' check (status in ('open','done')),
  created_at timestamptz not null default now()
);

create table job_runs (
  job text not null,
  slot text not null,
  instance text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running','done','failed')),
  result jsonb,
  primary key (job, slot)
);

create table conversation_state (
  sender text primary key,
  state jsonb not null,
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create table kf_cursors (
  open_kfid text primary key,
  cursor text not null,
  updated_at timestamptz not null default now()
);

create table kf_sessions (
  external_userid text primary key,
  open_kfid text not null,
  last_inbound_at timestamptz not null,
  sent_since_inbound int not null default 0
);
`;
// One statement per call: PGlite's extended protocol runs a single statement at a time.
export async function up(db) {
    for (const statement of DDL.split(/;\s*\n/)) {
        if (statement.trim())
            await sql.raw(statement).execute(db);
    }
}
export async function down(db) {
    await sql `drop schema public cascade`.execute(db);
    await sql `create schema public`.execute(db);
}
//# sourceMappingURL=0001_initial.js.map