import { type Kysely, sql } from 'kysely';
import type { EntityRecords } from '../../core/imports/entity.types.js';
import type { ExportSource } from '../../core/imports/ports.js';
import type { ImportEntity } from '../../core/imports/types.js';
import type { Database } from '../schema.js';
import {
  dealerRows,
  orderLineRows,
  storeRows,
  toDealerRecord,
  toHqStockRecord,
  toManagerRecord,
  toOrderLineRecord,
  toPaymentRecord,
  toProductRecord,
  toReceivableRecord,
  toStoreRecord,
} from './imports.repository.js';

/** Rows per page: memory stays flat however large the table (1,000,000 POS rows). */
const PAGE = 2000;

/** `(a, b) > (x, y)`: the keyset condition after the last row of the previous page. */
const after = (columns: readonly string[], last: readonly unknown[]) =>
  sql<boolean>`(${sql.join(columns.map((c) => sql.ref(c)))}) > (${sql.join(last.map((v) => sql`${v}`))})`;

/**
 * Pages through a query in key order: `fetch(where)` runs one page (`where` is the keyset condition, `true` for the
 * first), `keyOf` gives a row's key values in the order of `columns`.
 */
async function* keyset<Row, Rec>(
  columns: readonly string[],
  fetch: (where: ReturnType<typeof after> | ReturnType<typeof sql<boolean>>) => Promise<Row[]>,
  keyOf: (row: Row) => readonly unknown[],
  toRecord: (row: Row) => Rec,
): AsyncGenerator<Rec> {
  let where = sql<boolean>`true`;
  for (;;) {
    const rows = await fetch(where);
    for (const row of rows) yield toRecord(row);
    if (rows.length < PAGE) return;
    where = after(columns, keyOf(rows.at(-1)!));
  }
}

/** The ExportSource on Kysely: each entity's stored rows as import records, in natural-key order. */
export class KyselyExportSource implements ExportSource {
  constructor(private readonly db: Kysely<Database>) {}

  async usesExtension(entity: ImportEntity, column: string): Promise<boolean> {
    if (entity !== 'dealer-stock' || column !== 'expires_on') return false;
    // Snapshots, and current stock that has no snapshot (exported as one): either may carry an expiry.
    for (const table of ['dealer_stock_snapshots', 'dealer_inventory'] as const) {
      const row = await this.db
        .selectFrom(table)
        .select('dealer_code')
        .where('expires_on', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      if (row) return true;
    }
    return false;
  }

  records<E extends ImportEntity>(entity: E): AsyncIterable<EntityRecords[E]> {
    const sources: { [K in ImportEntity]: () => AsyncIterable<EntityRecords[K]> } = {
      managers: () => this.managers(),
      dealers: () => this.dealers(),
      contacts: () => this.contacts(),
      stores: () => this.stores(),
      products: () => this.products(),
      prices: () => this.prices(),
      'hq-stock': () => this.hqStock(),
      'dealer-stock': () => this.dealerStock(),
      pos: () => this.pos(),
      orders: () => this.orders(),
      receivables: () => this.receivables(),
      payments: () => this.payments(),
    };
    return (sources[entity] as () => AsyncIterable<EntityRecords[E]>)();
  }

  private managers() {
    const db = this.db;
    return keyset(
      ['code'],
      (w) => db.selectFrom('managers').selectAll().where(w).orderBy('code').limit(PAGE).execute(),
      (m) => [m.code],
      toManagerRecord,
    );
  }

  private dealers() {
    const db = this.db;
    return keyset(
      ['d.code'],
      (w) => dealerRows(db).where(w).orderBy('d.code').limit(PAGE).execute(),
      (d) => [d.code],
      toDealerRecord,
    );
  }

  private contacts() {
    const db = this.db;
    return keyset(
      ['dealer_code', 'phone'],
      (w) =>
        db
          .selectFrom('dealer_contacts')
          .select(['dealer_code', 'phone', 'name', 'birthday', 'is_primary'])
          .where(w)
          .orderBy('dealer_code')
          .orderBy('phone')
          .limit(PAGE)
          .execute(),
      (c) => [c.dealer_code, c.phone],
      (c) => ({
        dealerCode: c.dealer_code,
        name: c.name,
        phone: c.phone,
        birthday: c.birthday,
        isPrimary: c.is_primary,
      }),
    );
  }

  private stores() {
    const db = this.db;
    return keyset(
      ['s.code'],
      (w) => storeRows(db).where('s.code', 'is not', null).where(w).orderBy('s.code').limit(PAGE).execute(),
      (s) => [s.code],
      toStoreRecord,
    );
  }

  private products() {
    const db = this.db;
    return keyset(
      ['sku'],
      (w) => db.selectFrom('products').selectAll().where(w).orderBy('sku').limit(PAGE).execute(),
      (p) => [p.sku],
      toProductRecord,
    );
  }

  private prices() {
    const db = this.db;
    return keyset(
      ['sku', 'tier'],
      (w) =>
        db
          .selectFrom('tier_prices')
          .select(['sku', 'tier', 'price_fen'])
          .where(w)
          .orderBy('sku')
          .orderBy('tier')
          .limit(PAGE)
          .execute(),
      (p) => [p.sku, p.tier],
      (p) => ({ sku: p.sku, tier: p.tier, priceFen: p.price_fen }),
    );
  }

  private hqStock() {
    const db = this.db;
    return keyset(
      ['sku'],
      (w) =>
        db
          .selectFrom('hq_stock')
          .select(['sku', 'on_hand', 'reserved', 'source_modified_at'])
          .where(w)
          .orderBy('sku')
          .limit(PAGE)
          .execute(),
      (s) => [s.sku],
      toHqStockRecord,
    );
  }

  /**
   * Every stored snapshot; a dealer with stock but no snapshot (synced before imports kept them) gets one of its
   * current stock, dated the Shanghai day of its latest sync — the dealer's current stock is its latest snapshot.
   */
  private dealerStock() {
    const db = this.db;
    return keyset(
      ['dealer_code', 'day', 'sku'],
      async (w) =>
        (
          await sql<{ dealer_code: string; day: string; sku: string; qty: number }>`
            select * from (
              select dealer_code, day, sku, qty from dealer_stock_snapshots
              union all
              select i.dealer_code,
                (max(i.synced_at) over (partition by i.dealer_code) at time zone 'Asia/Shanghai')::date, i.sku, i.qty
              from dealer_inventory i
              where not exists (select 1 from dealer_stock_snapshots s where s.dealer_code = i.dealer_code)
            ) as x(dealer_code, day, sku, qty)
            where ${w} order by dealer_code, day, sku limit ${PAGE}`.execute(db)
        ).rows,
      (s) => [s.dealer_code, s.day, s.sku],
      (s) => ({ dealerCode: s.dealer_code, day: s.day, sku: s.sku, qty: s.qty }),
    );
  }

  private pos() {
    const db = this.db;
    return keyset(
      ['store_code', 'sku', 'day'],
      (w) =>
        db
          .selectFrom('store_sales')
          .selectAll()
          .where(w)
          .orderBy('store_code')
          .orderBy('sku')
          .orderBy('day')
          .limit(PAGE)
          .execute(),
      (p) => [p.store_code, p.sku, p.day],
      (p) => ({
        storeCode: p.store_code,
        dealerCode: p.dealer_code,
        sku: p.sku,
        day: p.day,
        qty: p.qty,
        amountFen: p.amount_fen,
      }),
    );
  }

  /** Lines by SO number and line number: the lines of one bill stay together, as the import needs. */
  private orders() {
    const db = this.db;
    return keyset(
      ['o.order_no', 'l.line_no'],
      (w) => orderLineRows(db).where(w).orderBy('o.order_no').orderBy('l.line_no').limit(PAGE).execute(),
      (r) => [r.order_no, r.line_no],
      toOrderLineRecord,
    );
  }

  private receivables() {
    const db = this.db;
    return keyset(
      ['bill_no'],
      (w) =>
        db
          .selectFrom('receivables')
          .select(['bill_no', 'dealer_code', 'order_no', 'amount_fen', 'due_date', 'created_at', 'source_modified_at'])
          .where('bill_no', 'is not', null)
          .where(w)
          .orderBy('bill_no')
          .limit(PAGE)
          .execute(),
      (r) => [r.bill_no],
      toReceivableRecord,
    );
  }

  private payments() {
    const db = this.db;
    return keyset(
      ['payment_no'],
      (w) => db.selectFrom('payments').selectAll().where(w).orderBy('payment_no').limit(PAGE).execute(),
      (p) => [p.payment_no],
      toPaymentRecord,
    );
  }
}
