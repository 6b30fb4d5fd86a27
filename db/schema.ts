import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Channel, InboundStatus, MessageFormat, OutboxRoute, OutboxStatus } from '../core/messaging/types.js';
import type { ItemConfig, ProductOptions } from '../core/catalog/options.js';

/**
 * Kysely table types. Both drivers are set up (db/connect.ts) to return int8 and numeric as JS numbers,
 * `date` as 'YYYY-MM-DD' strings and timestamptz as Date, so rows look the same on PGlite and PostgreSQL.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type Tier = 'core' | 'key' | 'regular' | 'silent';
export type MarketLevel = '一线' | '二线' | '三四线' | '县城' | '乡镇';
export type { Channel, InboundStatus, OutboxRoute, OutboxStatus };

export interface RegionsTable {
  id: Generated<number>;
  province: string;
  city: string;
  county: string;
  market_level: MarketLevel;
}

export interface ManagersTable {
  code: string;
  name: string;
  role: 'account' | 'regional';
  regional_code: string | null;
  province: string | null;
  wecom_userid: string | null;
  alert_chat_id: string | null;
  webhook_key: string | null;
  phone: string | null;
  created_at: DefaultTimestamp;
}

export interface DealersTable {
  code: string;
  name: string;
  region_id: number;
  tier: Tier;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  manual_tags: ColumnType<string[], string[] | undefined, string[]>;
  manager_code: string;
  partnership_start: string;
  credit_limit_fen: ColumnType<number, number | undefined, number>;
  payment_terms_days: ColumnType<number, number | undefined, number>;
  tier_reasons: ColumnType<string[], string[] | undefined, string[]>;
  /** A re-tier's new tier, in force from tier_pending_at (when its notice goes out), migration 0015. */
  tier_pending: ColumnType<Tier | null, Tier | null | undefined, Tier | null>;
  tier_pending_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultTimestamp;
}

export interface DealerContactsTable {
  id: Generated<number>;
  dealer_code: string;
  name: string;
  phone: string;
  birthday: string | null;
  is_primary: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ChannelIdentitiesTable {
  channel: Channel;
  external_id: string;
  dealer_code: string | null;
  manager_code: string | null;
  open_kfid: string | null;
  bound_at: DefaultTimestamp;
}

export interface StoresTable {
  id: Generated<number>;
  /** Dealer code + `-S` + 2 digits (D0001-S01), what POS files name (migration 0007). */
  code: string | null;
  dealer_code: string;
  name: string;
  type: 'retail' | 'engineering' | 'home_improvement';
  region_id: number;
  market_level: MarketLevel;
  opened_on: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ProductsTable {
  sku: string;
  name: string;
  category: string;
  series: string;
  unit: string;
  list_price_fen: number;
  moq: number;
  order_multiple: ColumnType<number, number | undefined, number>;
  lead_time_days: ColumnType<number, number | undefined, number>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  /** Made-to-size options (core/catalog/options.ts ProductOptions), null for stock items (migration 0015). */
  options: ColumnType<ProductOptions | null, string | null | undefined, string | null>;
}

/** Birthday and anniversary vouchers (migration 0015). */
export interface CareVouchersTable {
  id: Generated<number>;
  dealer_code: string;
  kind: 'birthday' | 'anniversary';
  occasion: string;
  amount_fen: number;
  min_order_fen: number;
  valid_from: string;
  valid_until: string;
  used_order_no: string | null;
  used_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface TierPricesTable {
  sku: string;
  tier: Tier;
  price_fen: number;
}

export interface HqStockTable {
  sku: string;
  on_hand: number;
  reserved: ColumnType<number, number | undefined, number>;
  updated_at: DefaultTimestamp;
  /** The source's modified time of the last imported row (migration 0007). */
  source_modified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DealerInventoryTable {
  dealer_code: string;
  sku: string;
  qty: number;
  synced_at: Timestamp;
  /** The date of the imported snapshot these rows come from; null for stock not imported (migration 0007). */
  snapshot_day: ColumnType<string | null, string | null | undefined, string | null>;
  /** The earliest expiry of this stock, when the snapshot gave one (migration 0010). */
  expires_on: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SellThroughTable {
  dealer_code: string;
  sku: string;
  day: string;
  qty: number;
}

export interface OrderSequencesTable {
  day: string;
  last_seq: number;
}

export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';

export interface OrdersTable {
  order_no: string;
  dealer_code: string;
  status: OrderStatus;
  /** Σ order_lines.amount_fen − discount_fen. */
  total_fen: number;
  /** Promotion discount (满减), 0 without one (migration 0003). */
  discount_fen: ColumnType<number, number | undefined, number>;
  delivery_date: string | null;
  /** The delivery date is a deadline ("月底前"), migration 0014. */
  delivery_by: ColumnType<boolean, boolean | undefined, boolean>;
  placed_at: Timestamp;
  shipped_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  paid_at: Timestamp | null;
  source: 'chat' | 'erp' | 'seed';
  draft_id: string | null;
  /** ERP bill id (Kingdee FID), bill number and modified time of an imported order (migration 0007). */
  erp_bill_id: ColumnType<string | null, string | null | undefined, string | null>;
  erp_bill_no: ColumnType<string | null, string | null | undefined, string | null>;
  source_modified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface OrderLinesTable {
  order_no: string;
  line_no: number;
  sku: string;
  category: string;
  qty: number;
  unit_price_fen: number;
  /** qty × unit_price_fen, before the promotion discount. */
  amount_fen: number;
  /** The line's share of its order's promotion discount (migration 0003). */
  discount_fen: ColumnType<number, number | undefined, number>;
  /** ERP entry id (Kingdee FEntryID) of an imported line (migration 0007). */
  erp_entry_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The configuration of a made-to-size line (core/catalog/options.ts ItemConfig), migration 0015. */
  config: ColumnType<ItemConfig | null, string | null | undefined, string | null>;
}

export interface DraftItem {
  sku: string;
  qty: number;
  unit: string;
  config?: ItemConfig;
}

export interface OrderDraftsTable {
  id: string;
  dealer_code: string;
  items: Json<DraftItem[]>;
  delivery_date: string | null;
  /** The delivery date is a deadline ("月底前"), migration 0014. */
  delivery_by: ColumnType<boolean, boolean | undefined, boolean>;
  status: 'open' | 'confirmed' | 'cancelled' | 'expired';
  expires_at: Timestamp;
  order_no: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ReceivablesTable {
  id: Generated<number>;
  dealer_code: string;
  order_no: string | null;
  amount_fen: number;
  paid_fen: ColumnType<number, number | undefined, number>;
  due_date: string;
  created_at: DefaultTimestamp;
  /** ERP receivable bill number and its modified time (migration 0007). */
  bill_no: ColumnType<string | null, string | null | undefined, string | null>;
  source_modified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Imported payments (收款单); a payment naming a receivable counts towards its paid_fen (migration 0007). */
export interface PaymentsTable {
  payment_no: string;
  dealer_code: string;
  receivable_bill_no: string | null;
  amount_fen: number;
  paid_on: string;
  source_modified_at: Date | null;
  created_at: DefaultTimestamp;
}

/** Per ERP form: the newest source modified time imported (migration 0011, core/erp). */
export interface ErpWatermarksTable {
  source: string;
  form: string;
  modified_through: Timestamp;
  synced_at: Timestamp;
}

/** Bills the ERP sync imported, for the weekly reconciliation against the source's ids (migration 0011). */
export interface ErpBillsTable {
  source: string;
  form: string;
  bill_id: string;
  bill_key: string;
  bill_date: string | null;
}

/** Store POS daily sales (migration 0007); sell_through holds their per-dealer sums. */
export interface StoreSalesTable {
  store_code: string;
  /** The store code's dealer, kept here so a dealer's daily sum is one index range (migration 0007). */
  dealer_code: string;
  sku: string;
  day: string;
  qty: number;
  amount_fen: number;
}

/** Dealer stock as reported on a date (migration 0007); the latest snapshot is what dealer_inventory shows. */
export interface DealerStockSnapshotsTable {
  dealer_code: string;
  day: string;
  sku: string;
  qty: number;
  /** dealer-stock's optional `expires_on` (migration 0010). */
  expires_on: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Anomalies with a lifecycle (migration 0010): at most one open row per dealer, kind and subject. */
export interface DealerAnomaliesTable {
  id: Generated<number>;
  dealer_code: string;
  kind: 'overstock' | 'sell_through_drop' | 'overdue_payment' | 'expiring_batch';
  subject: string;
  opened_at: Timestamp;
  last_seen_at: Timestamp;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  details: ColumnType<Record<string, unknown>, string, string>;
}

export type ImportRunStatus = 'running' | 'applied' | 'partial' | 'rejected' | 'dry_run' | 'failed';

export interface ImportRunsTable {
  id: Generated<number>;
  entity: string;
  source: string;
  file_sha256: string;
  who: string;
  mode: 'all' | 'partial' | 'dry_run';
  status: ImportRunStatus;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  error_count: ColumnType<number, number | undefined, number>;
  /** The first errors only (capped); error_count has them all. */
  errors: ColumnType<unknown[], string | undefined, string>;
}

export interface PoliciesTable {
  code: string;
  name: string;
  kind: string;
  spec: Json<unknown>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  promoted: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: DefaultTimestamp;
}

export interface PolicyDeliveriesTable {
  policy_code: string;
  dealer_code: string;
  cohort: 'pilot' | 'holdout' | 'all';
  outbox_id: number | null;
  pushed_at: DefaultTimestamp;
  feedback: string | null;
}

export type NeedStatus = 'open' | 'claimed' | 'resolved' | 'closed';

export interface NeedsTable {
  id: Generated<number>;
  dealer_code: string;
  category: string;
  text: string;
  status: NeedStatus;
  owner_code: string;
  tier: Tier;
  first_response_due: Timestamp;
  resolution_due: Timestamp;
  first_response_at: Timestamp | null;
  resolved_at: Timestamp | null;
  closed_at: Timestamp | null;
  resolution: string | null;
  rating: number | null;
  rating_comment: string | null;
  attachments: ColumnType<unknown[], string | undefined, string>;
  created_at: DefaultTimestamp;
  /** The statement a payment dispute refers to ('D0012:2026-11'), migration 0016. */
  statement_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface NeedEventsTable {
  id: Generated<number>;
  need_id: number;
  kind: string;
  actor: string | null;
  body: string | null;
  dedupe_key: string | null;
  at: DefaultTimestamp;
}

export interface DealerScoresTable {
  dealer_code: string;
  month: string;
  purchase_scale: number;
  category_expertise: number;
  store_coverage: number;
  growth_potential: number;
  collaboration: number;
  total: number;
  tier_before: Tier;
  tier_after: Tier;
  reasons: ColumnType<string[], string[] | undefined, string[]>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  computed_at: DefaultTimestamp;
}

export interface SuccessCasesTable {
  id: Generated<number>;
  title: string;
  body: string;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  tier: Tier | null;
  dealer_code: string | null;
  created_at: DefaultTimestamp;
}

export interface CoursesTable {
  id: Generated<number>;
  title: string;
  description: string;
  starts_at: Timestamp;
  mode: ColumnType<string, string | undefined, string>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** Seats, fee and targeting (migration 0017): empty target lists mean every tier / any tags. */
  seats: ColumnType<number, number | undefined, number>;
  fee_fen: ColumnType<number, number | undefined, number>;
  target_tiers: ColumnType<string[], string[] | undefined, string[]>;
  target_tags: ColumnType<string[], string[] | undefined, string[]>;
  location: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A dealer's seat (or waitlist place) in a course (migration 0017). */
export interface CourseEnrolmentsTable {
  id: Generated<number>;
  course_id: number;
  dealer_code: string;
  status: 'enrolled' | 'waitlisted';
  fee_fen: number;
  enrolled_at: Timestamp;
  attended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  attended_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface HonoursTable {
  id: Generated<number>;
  dealer_code: string;
  title: string;
  awarded_on: string;
  /** The rule and period that gave it (migration 0017); null for honours recorded before the rules. */
  rule_code: ColumnType<string | null, string | null | undefined, string | null>;
  period: ColumnType<string | null, string | null | undefined, string | null>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface InboundMessagesTable {
  id: Generated<number>;
  channel: Channel;
  dedupe_key: string;
  sender: string;
  msg_type: string;
  content: string | null;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  received_at: DefaultTimestamp;
  status: ColumnType<InboundStatus, InboundStatus | undefined, InboundStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  last_error: string | null;
  processed_at: Timestamp | null;
}

export interface OutboxTable {
  id: Generated<number>;
  dedupe_key: string;
  /** The dealer or manager code (or chat id) the message is for: what /sandbox/outbox?to= filters on. */
  recipient: string;
  /** Where the route delivers it: a WeCom userid, a chat id, a KF external userid, a webhook key. */
  address: string;
  route: OutboxRoute;
  format: ColumnType<MessageFormat, MessageFormat | undefined, MessageFormat>;
  body: string;
  kind: ColumnType<string, string | undefined, string>;
  in_reply_to: number | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultTimestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
  /** First claimed for sending (null: never tried). */
  first_tried_at: ColumnType<Date | null, never, Date | null>;
}

export interface FollowupsTable {
  id: Generated<number>;
  manager_code: string;
  dealer_code: string | null;
  body: string;
  outbox_id: number | null;
  status: ColumnType<'open' | 'done', 'open' | 'done' | undefined, 'open' | 'done'>;
  created_at: DefaultTimestamp;
}

/** What was sent (care, cases, tier notices), kept apart from the outbox; primary key (kind, subject, key). */
export interface CareDeliveriesTable {
  kind: string;
  /** The dealer the delivery is about (the manager, for summaries). */
  subject: string;
  /** The occasion: a date, a month, `<monday>:<case id>`, `<date>:<anomaly set>`. */
  key: string;
  sent_at: DefaultTimestamp;
}

export interface ManagerContactsTable {
  id: Generated<number>;
  manager_code: string;
  dealer_code: string;
  note: string;
  contacted_at: Timestamp;
  created_at: DefaultTimestamp;
}

/** A joint campaign HQ runs with its dealers (migration 0018); empty targets mean everyone. */
export interface CampaignsTable {
  code: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  provinces: ColumnType<string[], string[] | undefined, string[]>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  tiers: ColumnType<string[], string[] | undefined, string[]>;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  subsidy_fen: ColumnType<number, number | undefined, number>;
  seats: number;
  results_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultTimestamp;
}

/** A dealer's application to a campaign, its approval and its recorded result (migration 0018). */
export interface CampaignEntriesTable {
  campaign_code: string;
  dealer_code: string;
  status: 'applied' | 'approved';
  applied_at: Timestamp;
  approved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  approved_by: ColumnType<string | null, string | null | undefined, string | null>;
  baseline_fen: ColumnType<number | null, number | null | undefined, number | null>;
  campaign_fen: ColumnType<number | null, number | null | undefined, number | null>;
  baseline_qty: ColumnType<number | null, number | null | undefined, number | null>;
  campaign_qty: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface JobRunsTable {
  job: string;
  slot: string;
  instance: string;
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  status: ColumnType<
    'running' | 'done' | 'failed',
    'running' | 'done' | 'failed' | undefined,
    'running' | 'done' | 'failed'
  >;
  result: ColumnType<unknown, string | undefined, string>;
}

/** Messages the assistant did not understand (core/conversation/misses.ts). */
export interface NluMissesTable {
  id: Generated<number>;
  text: string;
  kind: string;
  sender_role: string;
  dealer_code: string | null;
  channel: string;
  guesses: Json<Array<{ intent: string; p: number }>>;
  status: ColumnType<string, string | undefined, string>;
  label_intent: string | null;
  label_slots: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  labelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  exported_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A console sign-in (migration 0012); `id` is the sha-256 hex of the cookie token. */
export interface ConsoleSessionsTable {
  id: string;
  role: 'hq' | 'manager';
  manager_code: string | null;
  csrf: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ended_at: Timestamp | null;
}

/** Who did what in the console, and when (migration 0012). */
export interface ConsoleAuditTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  ip: string | null;
}

/**
 * A dealer's not-cancelled orders per Shanghai month (`month` is its first day) and source; written only by the
 * triggers on `orders` (migration 0013).
 */
export interface DealerOrderMonthsTable {
  dealer_code: string;
  month: ColumnType<string, string, string>;
  source: string;
  orders: number;
  amount_fen: ColumnType<number, number | bigint, number | bigint>;
}

/** Each dealer's newest not-cancelled order time; written only by the triggers on `orders` (migration 0013). */
export interface DealerLastOrdersTable {
  dealer_code: string;
  last_order_at: Timestamp;
}

export interface ConversationStateTable {
  sender: string;
  state: Json<Record<string, unknown>>;
  updated_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface KfCursorsTable {
  open_kfid: string;
  cursor: string;
  updated_at: DefaultTimestamp;
}

export interface KfSessionsTable {
  external_userid: string;
  open_kfid: string;
  last_inbound_at: Timestamp;
  sent_since_inbound: ColumnType<number, number | undefined, number>;
}

export interface MpSessionsTable {
  openid: string;
  quota_left: number;
  window_until: Timestamp;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A file an account manager sent in chat, offered to HQ as an import (migration 0021). */
export interface ImportOffersTable {
  id: Generated<number>;
  inbound_id: ColumnType<string, number | string, never>;
  manager_code: string;
  channel: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gbk';
  sha256: string;
  size_bytes: number;
  content: ColumnType<Uint8Array | null, Uint8Array, null>;
  entity: string;
  rows: number;
  dealer_codes: string[];
  status: ColumnType<'pending' | 'applying' | 'applied' | 'rejected', 'pending' | undefined, string>;
  created_at: Timestamp;
  expires_at: Timestamp;
  claimed_at: Timestamp | null;
  decided_at: Timestamp | null;
  decided_by: string | null;
  reason: string | null;
  last_run: ColumnType<unknown, string | null, string | null>;
}

/** One settlement of a dealer's rebate under a policy period; paid_fen nets against earlier ones (migration 0016). */
export interface RebateSettlementsTable {
  id: Generated<number>;
  dealer_code: string;
  policy_code: string;
  seq: number;
  qualifying_fen: number;
  accrued_fen: number;
  /** What this settlement paid: accrued minus everything settled before (negative = a claw-back). */
  paid_fen: number;
  settled_at: DefaultTimestamp;
  settled_by: string;
}

/** A dealer's comment on a policy pushed to them (migration 0016). */
export interface PolicyFeedbackTable {
  id: Generated<number>;
  policy_code: string;
  dealer_code: string;
  text: string;
  created_at: DefaultTimestamp;
}

export interface Database {
  regions: RegionsTable;
  managers: ManagersTable;
  dealers: DealersTable;
  dealer_contacts: DealerContactsTable;
  channel_identities: ChannelIdentitiesTable;
  stores: StoresTable;
  products: ProductsTable;
  care_vouchers: CareVouchersTable;
  tier_prices: TierPricesTable;
  hq_stock: HqStockTable;
  dealer_inventory: DealerInventoryTable;
  sell_through: SellThroughTable;
  order_sequences: OrderSequencesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_drafts: OrderDraftsTable;
  receivables: ReceivablesTable;
  policies: PoliciesTable;
  policy_deliveries: PolicyDeliveriesTable;
  needs: NeedsTable;
  need_events: NeedEventsTable;
  dealer_scores: DealerScoresTable;
  success_cases: SuccessCasesTable;
  courses: CoursesTable;
  honours: HonoursTable;
  course_enrolments: CourseEnrolmentsTable;
  inbound_messages: InboundMessagesTable;
  outbox: OutboxTable;
  followups: FollowupsTable;
  manager_contacts: ManagerContactsTable;
  campaigns: CampaignsTable;
  campaign_entries: CampaignEntriesTable;
  job_runs: JobRunsTable;
  care_deliveries: CareDeliveriesTable;
  conversation_state: ConversationStateTable;
  nlu_misses: NluMissesTable;
  kf_cursors: KfCursorsTable;
  kf_sessions: KfSessionsTable;
  mp_sessions: MpSessionsTable;
  import_offers: ImportOffersTable;
  import_runs: ImportRunsTable;
  store_sales: StoreSalesTable;
  dealer_stock_snapshots: DealerStockSnapshotsTable;
  payments: PaymentsTable;
  erp_watermarks: ErpWatermarksTable;
  erp_bills: ErpBillsTable;
  console_sessions: ConsoleSessionsTable;
  console_audit: ConsoleAuditTable;
  dealer_anomalies: DealerAnomaliesTable;
  dealer_order_months: DealerOrderMonthsTable;
  dealer_last_orders: DealerLastOrdersTable;
  rebate_settlements: RebateSettlementsTable;
  policy_feedback: PolicyFeedbackTable;
}

export type DealerRow = Selectable<DealersTable>;
export type ProductRow = Selectable<ProductsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type NeedRow = Selectable<NeedsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutbox = Insertable<OutboxTable>;
export type InboundRow = Selectable<InboundMessagesTable>;
export type DealerUpdate = Updateable<DealersTable>;
