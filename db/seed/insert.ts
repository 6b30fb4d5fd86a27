import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** At most this many rows per INSERT statement. */
export const BATCH_ROWS = 1000;

export type PgType = 'text' | 'int4' | 'int8' | 'date' | 'timestamptz' | 'bool' | 'text[]' | 'jsonb';

/**
 * Rows of one table, kept column by column (compact in memory for the large tables).
 * Tables with array or jsonb columns are inserted with multi-row VALUES; the others with `unnest` of one array
 * parameter per column, which PostgreSQL parses far faster than thousands of placeholders.
 */
export class TableRows<T extends keyof Database & string = keyof Database & string> {
  readonly data: unknown[][];
  constructor(
    readonly table: T,
    readonly columns: ReadonlyArray<readonly [string, PgType]>,
  ) {
    this.data = columns.map(() => []);
  }

  add(...values: unknown[]): void {
    if (values.length !== this.columns.length) throw new Error(`${this.table}: expected ${this.columns.length} values`);
    for (let i = 0; i < values.length; i++) this.data[i]!.push(values[i] ?? null);
  }

  get length(): number {
    return this.data[0]?.length ?? 0;
  }

  get usesValues(): boolean {
    return this.columns.some(([, t]) => t === 'text[]' || t === 'jsonb');
  }
}

function toParam(value: unknown, type: PgType): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (type === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value);
  return value;
}

/** Inserts the rows in batches of ≤ BATCH_ROWS, calling onBatch with each batch's size. */
export async function insertRows(db: Kysely<Database>, rows: TableRows, onBatch: (n: number) => void): Promise<void> {
  const n = rows.length;
  const names = rows.columns.map(([name]) => name);
  for (let start = 0; start < n; start += BATCH_ROWS) {
    const end = Math.min(n, start + BATCH_ROWS);
    if (rows.usesValues) {
      const values: Record<string, unknown>[] = [];
      for (let r = start; r < end; r++) {
        const row: Record<string, unknown> = {};
        rows.columns.forEach(([name, type], c) => {
          row[name] = toParam(rows.data[c]![r], type);
        });
        values.push(row);
      }
      await db
        .insertInto(rows.table)
        .values(values as never)
        .execute();
    } else {
      const arrays = rows.columns.map(
        ([, type], c) => sql`${rows.data[c]!.slice(start, end).map((v) => toParam(v, type))}::${sql.raw(type)}[]`,
      );
      await sql`insert into ${sql.table(rows.table)} (${sql.join(names.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(
        db,
      );
    }
    onBatch(end - start);
  }
}

/** Every table the demo seed (or the running app) fills; the migrations table is never among them. */
export const DATA_TABLES = [
  'rebate_settlements',
  'policy_feedback',
  'erp_bills',
  'erp_watermarks',
  'console_audit',
  'console_sessions',
  'dealer_anomalies',
  'import_runs',
  'payments',
  'store_sales',
  'dealer_stock_snapshots',
  'kf_sessions',
  'mp_sessions',
  'kf_cursors',
  'conversation_state',
  'nlu_misses',
  'care_deliveries',
  'job_runs',
  'campaign_entries',
  'campaigns',
  'manager_contacts',
  'followups',
  'outbox',
  'import_offers',
  'inbound_messages',
  'course_enrolments',
  'honours',
  'courses',
  'success_cases',
  'dealer_scores',
  'need_events',
  'needs',
  'policy_deliveries',
  'policies',
  'receivables',
  'care_vouchers',
  'order_drafts',
  'order_lines',
  'dealer_order_months',
  'dealer_last_orders',
  'orders',
  'order_sequences',
  'sell_through',
  'dealer_inventory',
  'hq_stock',
  'tier_prices',
  'products',
  'stores',
  'channel_identities',
  'dealer_contacts',
  'dealers',
  'managers',
  'regions',
] as const satisfies ReadonlyArray<keyof Database>;

// Compile-time check that DATA_TABLES names every table of the schema.
type Missing = Exclude<keyof Database, (typeof DATA_TABLES)[number]>;
const allTablesListed: Missing extends never ? true : Missing = true;
void allTablesListed;

/** Empties every data table (ids restart at 1); the kysely migration tables are kept. */
export async function truncateDataTables(db: Kysely<Database>): Promise<void> {
  await sql`truncate table ${sql.join(DATA_TABLES.map((t) => sql.table(t)))} restart identity cascade`.execute(db);
}
