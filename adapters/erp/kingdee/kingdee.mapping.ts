import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Which K/3 Cloud forms the sync reads and how their field keys become import columns (adapters/imports/README.md).
 * Configuration, not code: `ERP_KINGDEE_MAPPING=/path/mapping.json` replaces the default below with a file of the
 * same shape (checked at start; a bad file names every problem).
 */
const formMapping = z
  .object({
    /** The FormId. */
    form: z.string().min(1),
    entity: z.enum(['orders', 'receivables', 'hq-stock']),
    /** The bill's id field (FID): natural key with entryId, and what reconciliation compares. */
    billId: z.string().optional(),
    /** The entry (line) id field, for forms with lines. */
    entryId: z.string().optional(),
    /** The field holding the bill's key in our data when it is not the id (receivables: FBillNo). */
    billKey: z.string().optional(),
    /** The bill date field: reconciliation's window. */
    date: z.string().optional(),
    /** The modified time field: the watermark; without it the form is read whole on every sync. */
    modified: z.string().optional(),
    /** Always ANDed to the query, e.g. audited bills only: FDocumentStatus = 'C'. */
    filter: z.string().optional(),
    /** Import column → field key. */
    columns: z.record(z.string(), z.string().min(1)),
    /** Import columns decided by rules: the first `when` whose field equals its value wins, else `default`. */
    values: z
      .record(
        z.string(),
        z.object({
          default: z.string(),
          when: z.array(z.object({ field: z.string(), equals: z.string(), value: z.string() })).default([]),
        }),
      )
      .default({}),
    /** Rows summed per `key` column (stock per material over warehouses); the form is read whole. */
    sumBy: z.object({ key: z.string(), sum: z.array(z.string()).min(1) }).optional(),
  })
  .refine((m) => !m.modified || m.billId, { message: 'an incremental form (modified) needs billId' })
  .refine((m) => !m.sumBy || !m.modified, { message: 'a summed form (sumBy) is read whole: no modified' });

export const kingdeeMappingSchema = z.object({ forms: z.array(formMapping).min(1) });
export type KingdeeMapping = z.infer<typeof kingdeeMappingSchema>;
export type KingdeeFormMapping = KingdeeMapping['forms'][number];

/**
 * K's forms on a standard K/3 Cloud: audited sales orders (lines), audited receivables (header amounts), stock on
 * hand summed per material. Field keys are the standard ones; a customised BOS may rename them — use the override.
 */
export const DEFAULT_KINGDEE_MAPPING: KingdeeMapping = kingdeeMappingSchema.parse({
  forms: [
    {
      form: 'SAL_SaleOrder',
      entity: 'orders',
      billId: 'FID',
      entryId: 'FSaleOrderEntry_FEntryID',
      date: 'FDate',
      modified: 'FModifyDate',
      filter: "FDocumentStatus = 'C'",
      columns: {
        bill_id: 'FID',
        entry_id: 'FSaleOrderEntry_FEntryID',
        bill_no: 'FBillNo',
        dealer_code: 'FCustId.FNumber',
        placed_at: 'FDate',
        sku: 'FMaterialId.FNumber',
        qty: 'FQty',
        unit_price: 'FTaxPrice',
        modified_at: 'FModifyDate',
      },
      values: {
        status: {
          default: 'placed',
          when: [
            { field: 'FCancelStatus', equals: 'B', value: 'cancelled' },
            { field: 'FCloseStatus', equals: 'B', value: 'delivered' },
          ],
        },
      },
    },
    {
      form: 'AR_receivable',
      entity: 'receivables',
      billId: 'FID',
      billKey: 'FBillNo',
      date: 'FDate',
      modified: 'FModifyDate',
      filter: "FDocumentStatus = 'C'",
      columns: {
        bill_no: 'FBillNo',
        dealer_code: 'FCUSTOMERID.FNumber',
        amount: 'FALLAMOUNTFOR',
        due_date: 'FENDDATE_H',
        bill_date: 'FDate',
        modified_at: 'FModifyDate',
      },
    },
    {
      form: 'STK_Inventory',
      entity: 'hq-stock',
      columns: { sku: 'FMaterialId.FNumber', on_hand: 'FBaseQty' },
      sumBy: { key: 'sku', sum: ['on_hand'] },
    },
  ],
});

/** The mapping file at `path` (JSON), or the default. Throws with every problem of a bad file. */
export function loadKingdeeMapping(path: string | undefined): KingdeeMapping {
  if (!path) return DEFAULT_KINGDEE_MAPPING;
  const parsed = kingdeeMappingSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${path}: invalid Kingdee mapping\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
