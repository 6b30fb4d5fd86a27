import { sql } from 'kysely';
/** At most this many rows per INSERT statement. */
export const BATCH_ROWS = 1000;
/**
 * Rows of one table, kept column by column (compact in memory for the large tables).
 * Tables with array or jsonb columns are inserted with multi-row VALUES; the others with `unnest` of one array
 * parameter per column, which PostgreSQL parses far faster than thousands of placeholders.
 */
export class TableRows {
    table;
    columns;
    data;
    constructor(table, columns) {
        this.table = table;
        this.columns = columns;
        this.data = columns.map(() => []);
    }
    add(...values) {
        if (values.length !== this.columns.length)
            throw new Error(`${this.table}: expected ${this.columns.length} values`);
        for (let i = 0; i < values.length; i++)
            this.data[i].push(values[i] ?? null);
    }
    get length() {
        return this.data[0]?.length ?? 0;
    }
    get usesValues() {
        return this.columns.some(([, t]) => t === 'text[]' || t === 'jsonb');
    }
}
function toParam(value, type) {
    if (value === null || value === undefined)
        return null;
    if (value instanceof Date)
        return value.toISOString();
    if (type === 'jsonb')
        return typeof value === 'string' ? value : JSON.stringify(value);
    return value;
}
/** Inserts the rows in batches of ≤ BATCH_ROWS, calling onBatch with each batch's size. */
export async function insertRows(db, rows, onBatch) {
    const n = rows.length;
    const names = rows.columns.map(([name]) => name);
    for (let start = 0; start < n; start += BATCH_ROWS) {
        const end = Math.min(n, start + BATCH_ROWS);
        if (rows.usesValues) {
            const values = [];
            for (let r = start; r < end; r++) {
                const row = {};
                rows.columns.forEach(([name, type], c) => {
                    row[name] = toParam(rows.data[c][r], type);
                });
                values.push(row);
            }
            await db
                .insertInto(rows.table)
                .values(values)
                .execute();
        }
        else {
            const arrays = rows.columns.map(([, type], c) => sql `${rows.data[c].slice(start, end).map((v) => toParam(v, type))}::${sql.raw(type)}[]`);
            await sql `insert into ${sql.table(rows.table)} (${sql.join(names.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(db);
        }
        onBatch(end - start);
    }
}
/** Every table the demo seed (or the running app) fills; the migrations table is never among them. */
export const DATA_TABLES = [
    'kf_sessions',
    'kf_cursors',
    'conversation_state',
    'job_runs',
    'followups',
    'outbox',
    'inbound_messages',
    'honours',
    'courses',
    'success_cases',
    'dealer_scores',
    'need_events',
    'needs',
    'policy_deliveries',
    'policies',
    'receivables',
    'order_drafts',
    'order_lines',
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
];
const allTablesListed = true;
void allTablesListed;
/** Empties every data table (ids restart at 1); the kysely migration tables are kept. */
export async function truncateDataTables(db) {
    await sql `truncate table ${sql.join(DATA_TABLES.map((t) => sql.table(t)))} restart identity cascade`.execute(db);
}
//# sourceMappingURL=insert.js.map