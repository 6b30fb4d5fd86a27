import { type Kysely, sql } from 'kysely';
import type { ErpBillRef, ErpEntity, ErpRemoval, ErpSyncStore } from '../../core/erp/ports.js';
import type { Database } from '../schema.js';

const BATCH = 1000;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}

/** The ERP sync's watermarks and imported bills (erp_watermarks, erp_bills). */
export class KyselyErpSyncStore implements ErpSyncStore {
  constructor(private readonly db: Kysely<Database>) {}

  async watermark(source: string, form: string): Promise<Date | null> {
    const r = await this.db
      .selectFrom('erp_watermarks')
      .select('modified_through')
      .where('source', '=', source)
      .where('form', '=', form)
      .executeTakeFirst();
    return r?.modified_through ?? null;
  }

  async saveWatermark(source: string, form: string, through: Date, at: Date): Promise<void> {
    await this.db
      .insertInto('erp_watermarks')
      .values({ source, form, modified_through: through, synced_at: at })
      .onConflict((oc) => oc.columns(['source', 'form']).doUpdateSet({ modified_through: through, synced_at: at }))
      .execute();
  }

  async rememberBills(source: string, form: string, bills: readonly ErpBillRef[]): Promise<void> {
    for (const batch of chunks(bills)) {
      await this.db
        .insertInto('erp_bills')
        .values(batch.map((b) => ({ source, form, bill_id: b.billId, bill_key: b.billKey, bill_date: b.billDate })))
        .onConflict((oc) =>
          oc.columns(['source', 'form', 'bill_id']).doUpdateSet({
            bill_key: sql`excluded.bill_key`,
            bill_date: sql`excluded.bill_date`,
          }),
        )
        .execute();
    }
  }

  async knownBills(source: string, form: string, from: string, to: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('erp_bills')
      .select(['bill_id', 'bill_key'])
      .where('source', '=', source)
      .where('form', '=', form)
      .where('bill_date', '>=', from)
      .where('bill_date', '<=', to)
      .execute();
    return new Map(rows.map((r) => [r.bill_id, r.bill_key]));
  }

  removeBills(
    source: string,
    form: string,
    entity: ErpEntity,
    bills: readonly { billId: string; billKey: string }[],
    at: Date,
  ): Promise<ErpRemoval> {
    return this.db.transaction().execute(async (trx) => {
      const out: ErpRemoval = { cancelled: 0, deleted: 0, kept: 0 };
      const forget: string[] = [];
      for (const batch of chunks(bills)) {
        const keys = batch.map((b) => b.billKey);
        if (entity === 'orders') {
          // Kept as history: a cancelled order no longer counts anywhere an open or delivered one does.
          const r = await trx
            .updateTable('orders')
            .set({ status: 'cancelled', cancelled_at: sql`coalesce(cancelled_at, ${at})` })
            .where('erp_bill_id', 'in', keys)
            .where('status', '<>', 'cancelled')
            .executeTakeFirst();
          out.cancelled += Number(r.numUpdatedRows);
          forget.push(...batch.map((b) => b.billId));
        } else if (entity === 'receivables') {
          const paid = new Set(
            (
              await trx
                .selectFrom('payments')
                .select('receivable_bill_no')
                .where('receivable_bill_no', 'in', keys)
                .execute()
            ).map((p) => p.receivable_bill_no),
          );
          const free = batch.filter((b) => !paid.has(b.billKey));
          out.kept += batch.length - free.length;
          if (free.length > 0) {
            const r = await trx
              .deleteFrom('receivables')
              .where(
                'bill_no',
                'in',
                free.map((b) => b.billKey),
              )
              .executeTakeFirst();
            out.deleted += Number(r.numDeletedRows);
          }
          forget.push(...free.map((b) => b.billId));
        }
      }
      for (const batch of chunks(forget)) {
        await trx
          .deleteFrom('erp_bills')
          .where('source', '=', source)
          .where('form', '=', form)
          .where('bill_id', 'in', batch)
          .execute();
      }
      return out;
    });
  }
}
