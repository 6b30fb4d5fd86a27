import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importFile } from '../../adapters/imports/import-file.js';
import { runErpCommand } from '../../bot/cli/erp.command.js';
import { erpSyncService, importService } from '../../bot/composition.js';
import { runJobInSlot } from '../../bot/scheduler/job-runner.js';
import type { JobContext } from '../../bot/scheduler/job.types.js';
import { erpJobs } from '../../bot/scheduler/jobs/erp-sync.job.js';
import { MemoryJobRunStore } from '../../core/testing/scheduling.fakes.js';
import { loadConfig } from '../../bot/config.js';
import type { ErpSyncService } from '../../core/erp/erp-sync.service.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { type FakeKingdee, type FakeKingdeeRow, startFakeKingdee } from '../fakes/kingdee/fake-kingdee.server.js';
import { openTestDatabase } from '../helpers/db.js';

const EXAMPLES = fileURLToPath(new URL('../../adapters/imports/examples/', import.meta.url));
const PAGE = 4;
const clock = new Date('2026-11-28T12:00:00+08:00');

/** A sales order bill with two lines, as K/3 Cloud stores it (one row per entry). */
function saleOrder(fid: number, modified: string, opts: { date?: string; qty?: number; cancel?: boolean } = {}) {
  return [1, 2].map(
    (entry): FakeKingdeeRow => ({
      FID: fid,
      FSaleOrderEntry_FEntryID: fid * 10 + entry,
      FBillNo: `XSDD${fid}`,
      FDate: `${opts.date ?? '2026-11-20'}T00:00:00`,
      'FCustId.FNumber': fid % 2 ? 'D9001' : 'D9002',
      'FMaterialId.FNumber': entry === 1 ? 'KW-N60' : 'KD-B45',
      FQty: (opts.qty ?? 10) * entry,
      FTaxPrice: entry === 1 ? 1241.6 : 1630.09,
      FDocumentStatus: 'C',
      FCancelStatus: opts.cancel ? 'B' : 'A',
      FCloseStatus: 'A',
      FModifyDate: modified,
    }),
  );
}

function receivable(fid: number, modified: string, amount = 5000): FakeKingdeeRow {
  return {
    FID: fid,
    FBillNo: `AR${fid}`,
    FDate: '2026-11-21T00:00:00',
    'FCUSTOMERID.FNumber': 'D9001',
    FALLAMOUNTFOR: amount,
    FENDDATE_H: '2026-12-21T00:00:00',
    FDocumentStatus: 'C',
    FModifyDate: modified,
  };
}

const stock = (sku: string, warehouse: string, qty: number): FakeKingdeeRow => ({
  'FMaterialId.FNumber': sku,
  'FStockId.FNumber': warehouse,
  FBaseQty: qty,
});

describe('ERP sync against a fake Kingdee K/3 Cloud', () => {
  let h: DatabaseHandle;
  let fake: FakeKingdee;
  let erp: ErpSyncService;
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(h.db)).rows[0]!.n);
  const orders = () => count(sql`select count(*)::int as n from orders where source = 'erp'`);
  const lines = () => count(sql`select count(*)::int as n from order_lines where erp_entry_id is not null`);
  const service = (env: Record<string, string> = {}) =>
    erpSyncService(
      loadConfig({
        ERP_KINGDEE_URL: fake.baseUrl,
        ERP_KINGDEE_ACCT_ID: 'K01',
        ERP_KINGDEE_USERNAME: 'api',
        ERP_KINGDEE_PASSWORD: 'secret',
        ERP_PAGE_SIZE: String(PAGE),
        ERP_RETRIES: '1',
        ERP_RETRY_DELAY_MS: '0',
        ERP_TIMEOUT_MS: '2000',
        ...env,
      }),
      h.db,
      { now: () => clock },
    )!;

  beforeAll(async () => {
    h = await openTestDatabase();
    for (const entity of ['managers', 'dealers', 'products'] as const) {
      const { result } = await importFile(importService(h.db), {
        entity,
        path: `${EXAMPLES}${entity}.csv`,
        mode: 'all',
        who: 'test',
      });
      expect(result.status).toBe('applied');
    }
    fake = await startFakeKingdee();
    fake.rows('SAL_SaleOrder').push(
      ...saleOrder(1001, '2026-11-20T09:00:00.100'),
      ...saleOrder(1002, '2026-11-20T09:30:00'),
      ...saleOrder(1003, '2026-11-21T10:00:00'),
      ...saleOrder(1004, '2026-11-22T11:00:00'),
      ...saleOrder(1005, '2026-11-27T08:00:00'),
      // Not audited: never imported.
      ...saleOrder(1006, '2026-11-27T09:00:00').map((r) => ({ ...r, FDocumentStatus: 'B' })),
    );
    fake.rows('AR_receivable').push(receivable(2001, '2026-11-21T10:00:00'), receivable(2002, '2026-11-22T10:00:00'));
    fake
      .rows('STK_Inventory')
      .push(stock('KW-N60', 'CK01', 800), stock('KW-N60', 'CK02', 400), stock('KD-B45', 'CK01', 120));
    erp = service();
  });
  afterAll(async () => {
    await fake?.close();
    await h?.close();
  });
  beforeEach(() => {
    fake.calls.length = 0;
  });

  it('first sync: logs in, pages every form by StartRow/Limit, imports everything once, sets the watermarks', async () => {
    const reports = await erp.sync({ who: 'test' });
    expect(reports.map((r) => [r.form, r.status, r.rows, r.inserted, r.errors])).toEqual([
      ['SAL_SaleOrder', 'applied', 10, 10, 0],
      ['AR_receivable', 'applied', 2, 2, 0],
      ['STK_Inventory', 'applied', 2, 2, 0],
    ]);
    expect(fake.calls.filter((c) => c.service === 'ValidateUser')).toHaveLength(1);
    // 10 audited rows in pages of 4: 0, 4, 8 (a short page ends it); bills 1002 and 1004 span two pages.
    expect(fake.queries('SAL_SaleOrder').map((q) => q.StartRow)).toEqual([0, 4, 8]);
    expect(fake.queries('SAL_SaleOrder')[0]!.FilterString).toBe("(FDocumentStatus = 'C')");
    expect([await orders(), await lines()]).toEqual([5, 10]);
    const bill = await h.db
      .selectFrom('orders')
      .select(['status', 'total_fen', 'erp_bill_no', 'dealer_code'])
      .where('erp_bill_id', '=', '1002')
      .executeTakeFirstOrThrow();
    expect(bill).toEqual({
      status: 'placed',
      total_fen: 10 * 124_160 + 20 * 163_009,
      erp_bill_no: 'XSDD1002',
      dealer_code: 'D9002',
    });
    const ar = await h.db.selectFrom('receivables').select(['amount_fen', 'due_date']).where('bill_no', '=', 'AR2001');
    expect(await ar.executeTakeFirst()).toEqual({ amount_fen: 500_000, due_date: '2026-12-21' });
    // Stock is summed over warehouses.
    const n60 = await h.db.selectFrom('hq_stock').select('on_hand').where('sku', '=', 'KW-N60').executeTakeFirst();
    expect(n60?.on_hand).toBe(1200);
    expect(reports[2]!.errors).toBe(0);
    expect(reports[0]!.watermark).toBe('2026-11-27T00:00:00.000Z');
    expect(reports[1]!.watermark).toBe('2026-11-22T02:00:00.000Z');
  });

  it('a re-sync reads from the watermark minus the overlap: rows in the overlap come back unchanged, 0 changes', async () => {
    // A bill modified just inside the overlap window before the watermark (committed late at the source).
    fake.rows('SAL_SaleOrder').push(...saleOrder(1007, '2026-11-27T07:55:00'));
    const [orders1, ar] = await erp.sync({ who: 'test' });
    expect(orders1!.from).toBe('2026-11-26T23:50:00.000Z');
    expect(fake.queries('SAL_SaleOrder')[0]!.FilterString).toBe(
      "(FDocumentStatus = 'C') AND (FModifyDate >= '2026-11-27 07:50:00')",
    );
    expect(orders1).toMatchObject({ rows: 4, inserted: 2, updated: 0, unchanged: 2, errors: 0 });
    expect(ar).toMatchObject({ rows: 1, inserted: 0, updated: 0, unchanged: 1 });
    const again = await erp.sync({ who: 'test' });
    expect(again.map((r) => r.inserted + r.updated)).toEqual([0, 0, 0]);
    expect([await orders(), await lines()]).toEqual([6, 12]);
  });

  it('a changed and a cancelled bill are updated; --since re-reads an older window without duplicates', async () => {
    const rows = fake.rows('SAL_SaleOrder');
    for (const r of rows.filter((r) => r.FID === 1003))
      Object.assign(r, { FQty: 99, FModifyDate: '2026-11-28T09:00:00' });
    for (const r of rows.filter((r) => r.FID === 1001))
      Object.assign(r, { FCancelStatus: 'B', FModifyDate: '2026-11-28T09:05:00' });
    const [o] = await erp.sync({ who: 'test', form: 'SAL_SaleOrder' });
    // The window from the old watermark also holds 1005 and 1007 again (unchanged).
    expect(o).toMatchObject({ rows: 8, updated: 4, unchanged: 4, inserted: 0, watermark: '2026-11-28T01:05:00.000Z' });
    const statuses = await h.db
      .selectFrom('orders')
      .select(['erp_bill_id', 'status'])
      .where('erp_bill_id', 'in', ['1001', '1003'])
      .orderBy('erp_bill_id')
      .execute();
    expect(statuses.map((s) => s.status)).toEqual(['cancelled', 'placed']);
    const full = await erp.sync({ who: 'test', form: 'SAL_SaleOrder', since: new Date('2026-11-01T00:00:00+08:00') });
    expect(full[0]).toMatchObject({ rows: 12, inserted: 0, updated: 0, unchanged: 12 });
    expect([await orders(), await lines()]).toEqual([6, 12]);
  });

  it('a page failing once is retried; a page failing for good rolls the form back and the next sync resumes', async () => {
    const rows = fake.rows('SAL_SaleOrder');
    for (let fid = 1010; fid < 1015; fid++) rows.push(...saleOrder(fid, `2026-11-28T10:0${fid - 1010}:00`));
    fake.failQuery({ form: 'SAL_SaleOrder', startRow: PAGE, kind: 'http500' });
    const retried = await erp.sync({ who: 'test', form: 'SAL_SaleOrder' });
    expect(retried[0]).toMatchObject({ status: 'applied', inserted: 10, errors: 0 });
    expect(fake.calls.filter((c) => c.answered === 'http500')).toHaveLength(1);
    expect([await orders(), await lines()]).toEqual([11, 22]);

    for (let fid = 1020; fid < 1025; fid++) rows.push(...saleOrder(fid, `2026-11-28T11:0${fid - 1020}:00`));
    fake.failQuery({ form: 'SAL_SaleOrder', startRow: PAGE, kind: 'http500', times: 2 });
    const failed = await erp.sync({ who: 'test', form: 'SAL_SaleOrder' });
    expect(failed[0]).toMatchObject({ status: 'failed', runId: null, watermark: '2026-11-28T02:04:00.000Z' });
    expect(failed[0]!.error).toMatch(/HTTP 500/);
    // Page 0 was read, but nothing of the form was applied.
    expect([await orders(), await lines()]).toEqual([11, 22]);
    const run = await h.db
      .selectFrom('import_runs')
      .select(['status', 'source'])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    expect(run).toEqual({ status: 'failed', source: 'kingdee:SAL_SaleOrder' });

    const resumed = await erp.sync({ who: 'test', form: 'SAL_SaleOrder' });
    expect(resumed[0]).toMatchObject({ status: 'applied', inserted: 10, errors: 0 });
    expect([await orders(), await lines()]).toEqual([16, 32]);
  });

  it('an expired session logs in again; a K/3 Cloud error is not retried; a slow server times out', async () => {
    fake.expireSessions();
    const again = await erp.sync({ who: 'test', form: 'AR_receivable' });
    expect(again[0]).toMatchObject({ status: 'applied', errors: 0 });
    expect(fake.calls.map((c) => c.answered)).toEqual(['session', 'login', 'rows']);

    fake.calls.length = 0;
    fake.failQuery({ form: 'AR_receivable', kind: 'error' });
    const refused = await erp.sync({ who: 'test', form: 'AR_receivable' });
    expect(refused[0]).toMatchObject({ status: 'failed', error: 'ExecuteBillQuery AR_receivable: 数据库连接超时' });
    expect(fake.calls.map((c) => c.answered)).toEqual(['error']);

    fake.delayMs = 400;
    try {
      const slow = await service({ ERP_TIMEOUT_MS: '150' }).sync({ who: 'test', form: 'AR_receivable' });
      expect(slow[0]!.error).toMatch(/timed out/);
    } finally {
      fake.delayMs = 0;
    }
    const wrong = await service({ ERP_KINGDEE_PASSWORD: 'nope' }).sync({ who: 'test', form: 'AR_receivable' });
    expect(wrong[0]!.error).toMatch(/login refused .*用户名或密码错误/);
  });

  it('weekly reconciliation: bills deleted at the source are cancelled / deleted, bills never imported are fetched', async () => {
    const so = fake.rows('SAL_SaleOrder');
    // 1002 deleted at the source; 1030 was saved late with an old modified time (before the watermark's overlap).
    so.splice(0, so.length, ...so.filter((r) => r.FID !== 1002));
    so.push(...saleOrder(1030, '2026-11-20T08:00:00', { date: '2026-11-19' }));
    const ar = fake.rows('AR_receivable');
    ar.splice(0, ar.length, ...ar.filter((r) => r.FID !== 2002));
    const sync = await erp.sync({ who: 'test' });
    expect(sync[0]).toMatchObject({ inserted: 0, updated: 0 });
    expect(await h.db.selectFrom('orders').select('status').where('erp_bill_id', '=', '1030').executeTakeFirst()).toBe(
      undefined,
    );

    const out: string[] = [];
    const code = await runErpCommand(['reconcile'], erp, {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      isTTY: false,
    });
    expect(code).toBe(0);
    const reports = JSON.parse(out.at(-1)!);
    expect(reports).toMatchObject([
      {
        form: 'SAL_SaleOrder',
        from: '2026-08-31',
        to: '2026-11-28',
        atSource: 16,
        known: 16,
        cancelled: 1,
        fetched: 1,
      },
      { form: 'AR_receivable', atSource: 1, known: 2, deleted: 1, kept: 0, fetched: 0 },
    ]);
    const bill = await h.db.selectFrom('orders').select('status').where('erp_bill_id', '=', '1002').executeTakeFirst();
    expect(bill?.status).toBe('cancelled');
    expect(
      await h.db.selectFrom('orders').select('status').where('erp_bill_id', '=', '1030').executeTakeFirst(),
    ).toEqual({ status: 'placed' });
    expect(
      await h.db.selectFrom('receivables').select('bill_no').where('bill_no', '=', 'AR2002').executeTakeFirst(),
    ).toBe(undefined);
    // Reconciled: a second pass finds nothing to do.
    out.length = 0;
    await runErpCommand(['reconcile'], erp, { out: (l) => out.push(l), err: () => {}, isTTY: false });
    expect(
      JSON.parse(out.at(-1)!).map(
        (r: { cancelled: number; deleted: number; fetched: number }) => r.cancelled + r.deleted + r.fetched,
      ),
    ).toEqual([0, 0]);
  });

  it('the erp.sync job runs once per slot and fails (for the record) when a form failed', async () => {
    const [syncJob, reconcileJob] = erpJobs(erp, 10);
    expect([syncJob!.cron, reconcileJob!.cron]).toEqual(['*/10 * * * *', '30 3 * * 0']);
    const runs = new MemoryJobRunStore();
    const ctx = { now: clock, log: { info() {}, warn() {} } } as unknown as JobContext;
    const first = await runJobInSlot(runs, syncJob!, 's1', 'a', ctx);
    expect(first).toMatchObject({ ran: true, result: { forms: 3, inserted: 0, updated: 0 } });
    expect(await runJobInSlot(runs, syncJob!, 's1', 'b', ctx)).toEqual({ ran: false, reason: 'slot taken' });
    fake.failQuery({ form: 'AR_receivable', kind: 'error' });
    const failed = await runJobInSlot(runs, syncJob!, 's2', 'a', ctx);
    expect(failed).toMatchObject({ ran: true, error: expect.stringMatching(/AR_receivable: ExecuteBillQuery/) });
  });

  it('erp sync CLI: a line per form and the JSON reports last; bad usage exits 2', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTTY: false };
    expect(await runErpCommand(['sync', '--form', 'STK_Inventory'], erp, io)).toBe(0);
    expect(out[0]).toMatch(/^STK_Inventory → hq-stock: run #\d+ applied; 2 rows/);
    expect(JSON.parse(out.at(-1)!)).toMatchObject([{ form: 'STK_Inventory', rows: 2, unchanged: 2 }]);
    expect(await runErpCommand(['sync', '--form', 'BD_MATERIAL'], erp, io)).toBe(2);
    expect(await runErpCommand(['sync', '--since', 'yesterday'], erp, io)).toBe(2);
    expect(await runErpCommand(['pull'], erp, io)).toBe(2);
  });
});
