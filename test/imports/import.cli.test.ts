import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportCommand } from '../../bot/cli/import.command.js';
import { IMPORT_BATCH } from '../../core/imports/import.service.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyImportStore } from '../../db/repositories/imports.repository.js';
import { openTestDatabase } from '../helpers/db.js';
import { expectReimportChangesNothing, runImportCli } from '../helpers/import-cli.js';

const EXAMPLES = fileURLToPath(new URL('../../adapters/imports/examples/', import.meta.url));
/** Distinct days going back from 2026-11-26, one per row (a POS key is date × store × SKU). */
const shanghaiDay = (i: number) => new Date(Date.UTC(2026, 10, 26) - i * 86_400_000).toISOString().slice(0, 10);

describe('npm run cli -- import (examples into an empty database, then every rule)', () => {
  let h: DatabaseHandle;
  let dir: string;

  const cli = (...args: string[]) => runImportCli(h.db, args);

  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]!.n);

  beforeAll(async () => {
    h = await openTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'gs-import-'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports every entity from its example file, in the documented order', async () => {
    for (const entity of IMPORT_ENTITIES) {
      const r = await cli(entity, join(EXAMPLES, `${entity}.csv`));
      expect({ entity, code: r.code, errors: r.json.errors }).toEqual({ entity, code: 0, errors: [] });
      expect(r.json.entity).toBe(entity);
      expect(r.json.rows).toBeGreaterThan(0);
      expect(r.json.inserted).toBe(r.json.rows);
      expect(Object.keys(r.json)).toEqual(['entity', 'rows', 'inserted', 'updated', 'unchanged', 'errors']);
    }
    const dealer = await h.db.selectFrom('dealers').selectAll().where('code', '=', 'D9001').executeTakeFirstOrThrow();
    expect([dealer.tier, dealer.credit_limit_fen, dealer.payment_terms_days]).toEqual(['key', 80_000_000, 45]);
    const other = await h.db.selectFrom('dealers').selectAll().where('code', '=', 'D9002').executeTakeFirstOrThrow();
    expect([other.tier, other.payment_terms_days]).toEqual(['regular', 30]);
    const region = await h.db
      .selectFrom('regions')
      .selectAll()
      .where('county', '=', '佛堂镇')
      .executeTakeFirstOrThrow();
    expect(region.market_level).toBe('乡镇');
    const product = await h.db.selectFrom('products').selectAll().where('sku', '=', 'KD-B45').executeTakeFirstOrThrow();
    expect([product.list_price_fen, product.aliases, product.lead_time_days]).toEqual([168_050, ['B45', '静音门'], 21]);
    // POS amounts in yuan become fen; sell-through is the dealer's sum over its stores.
    const pos = await h.db.selectFrom('store_sales').selectAll().where('store_code', '=', 'D9001-S01').execute();
    expect(pos.map((p) => [p.sku, p.qty, p.amount_fen]).sort()).toEqual([
      ['KD-B45', 1, 219_950],
      ['KW-N60', 3, 468_000],
    ]);
    const st = await h.db
      .selectFrom('sell_through')
      .select('qty')
      .where('dealer_code', '=', 'D9001')
      .where('sku', '=', 'KW-N60')
      .where('day', '=', '2026-11-24')
      .executeTakeFirstOrThrow();
    expect(st.qty).toBe(8);
    // ERP bills get SO numbers of their day; the total is the lines' sum; a cancellation arrives as status.
    const orders = await h.db.selectFrom('orders').selectAll().orderBy('order_no').execute();
    expect(orders.map((o) => [o.order_no, o.erp_bill_id, o.status, o.total_fen, o.source])).toEqual([
      ['SO202611020001', '100231', 'shipped', 5_354_890, 'erp'],
      ['SO202611100001', '100245', 'cancelled', 2_560_000, 'erp'],
    ]);
    expect(orders[1]!.cancelled_at?.toISOString()).toBe('2026-11-11T02:00:00.000Z');
    expect(orders[0]!.shipped_at).not.toBeNull();
    const ar = await h.db.selectFrom('receivables').selectAll().orderBy('bill_no').execute();
    expect(ar.map((r) => [r.bill_no, r.amount_fen, r.paid_fen])).toEqual([
      ['AR2026100007', 1_800_000, 500_000],
      ['AR2026110001', 5_354_890, 3_000_000],
    ]);
    const inv = await h.db.selectFrom('dealer_inventory').selectAll().where('dealer_code', '=', 'D9001').execute();
    expect(inv.map((i) => [i.sku, i.qty, i.snapshot_day]).sort()).toEqual([
      ['KD-B45', 12, '2026-11-25'],
      ['KW-N60', 48, '2026-11-25'],
    ]);
  });

  it('re-importing the same files changes nothing', async () => {
    await expectReimportChangesNothing((entity) => cli(entity, join(EXAMPLES, `${entity}.csv`)));
  });

  it('one bad row rejects the whole file and names line, column, value and reason', async () => {
    const before = await count('store_sales');
    const path = file(
      'bad-pos.csv',
      'date,store_code,sku,qty,amount\n' +
        '2026-11-26,D9001-S01,KW-N60,1,1560\n' +
        '2026-11-26,D9001-S02,KW-N60,-2,10.005\n' +
        '2026/11/26,D9999-S01,KW-X99,1,10\n' +
        '2026-11-26,D9001-S01,KW-N60,2,3120\n',
    );
    const r = await cli('pos', path);
    expect(r.code).toBe(1);
    expect(r.json.inserted + r.json.updated + r.json.unchanged).toBe(0);
    expect(r.json.rows).toBe(4);
    expect(r.json.errors).toEqual([
      { line: 3, column: 'qty', value: '-2', reason: '数量不能为负' },
      { line: 3, column: 'amount', value: '10.005', reason: '金额最多两位小数' },
      { line: 4, column: 'date', value: '2026/11/26', reason: '日期格式应为 YYYY-MM-DD' },
      { line: 4, column: 'store_code', value: 'D9999-S01', reason: '未知门店 D9999-S01' },
      { line: 4, column: 'sku', value: 'KW-X99', reason: '未知产品 KW-X99' },
      { line: 5, column: 'store_code', value: 'D9001-S01', reason: '文件内重复' },
    ]);
    expect(await count('store_sales')).toBe(before);

    const partial = await cli('pos', path, '--partial');
    expect(partial.code).toBe(0);
    expect([partial.json.inserted, partial.json.errors.length]).toEqual([1, 6]);
    expect(await count('store_sales')).toBe(before + 1);
  });

  it('made-to-size options import canonically; a bad spec names its line and column; re-import changes nothing', async () => {
    const header = 'sku,name,category,series,unit,list_price,moq,options\n';
    const bad = file(
      'bad-options.csv',
      header +
        'KW-T70,断桥平开窗 T70,windows,断桥,套,1500,5,w=600-2400;h=600-2400;glass=double:0;open=inward;m2=900\n' +
        'KW-T71,断桥平开窗 T71,windows,断桥,套,1500,5,w=600;h=600-2400;glass=double:0;open=inward;m2=900\n',
    );
    const refused = await cli('products', bad);
    expect(refused.code).toBe(1);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ line: 3, column: 'options', reason: expect.stringContaining('定制选项格式有误') }),
    ]);
    const none = await h.db.selectFrom('products').select('sku').where('sku', 'in', ['KW-T70', 'KW-T71']).execute();
    expect(none).toEqual([]);

    // Written loosely (spaces, a surcharge omitted): stored as parsed options, compared in canonical form.
    const good = file(
      'options.csv',
      header +
        'KW-T70,断桥平开窗 T70,windows,断桥,套,1500,5, w=600-2400 ; h=600-2400;glass=double|triple:80;open=inward;m2=900;min=1.2\n' +
        'KW-T72,断桥推拉门 T72,doors,断桥,樘,2500,2,\n',
    );
    expect((await cli('products', good)).json).toMatchObject({ inserted: 2, errors: [] });
    const stored = await h.db
      .selectFrom('products')
      .select(['sku', 'options'])
      .where('sku', 'in', ['KW-T70', 'KW-T72'])
      .orderBy('sku')
      .execute();
    expect(stored[0]!.options).toMatchObject({
      widthMm: { min: 600, max: 2400 },
      glass: [
        { kind: 'double', surchargeFenPerM2: 0 },
        { kind: 'triple', surchargeFenPerM2: 8000 },
      ],
      pricePerM2Fen: 90_000,
      minAreaMm2: 1_200_000,
    });
    expect(stored[1]!.options).toBeNull();
    expect((await cli('products', good)).json).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('a key seen batches earlier is still a duplicate, named by its line; --partial keeps the first', async () => {
    // 2,400 distinct rows (2 stores × 3 SKUs × 400 days, more than two write batches), then line 2 again.
    const rows: string[] = [];
    for (let d = 0; d < 400; d++) {
      const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (const store of ['D9001-S01', 'D9001-S02'])
        for (const sku of ['KW-N60', 'KD-B45', 'KC-L01']) rows.push(`${day},${store},${sku},1,10`);
    }
    const path = file('many-pos.csv', ['date,store_code,sku,qty,amount', ...rows, rows[0]!, rows[1500]!].join('\n'));
    const before = await count('store_sales');
    const r = await cli('pos', path);
    expect(r.code).toBe(1);
    expect(r.json.errors).toEqual([
      { line: 2402, column: 'store_code', value: 'D9001-S01', reason: '文件内重复' },
      { line: 2403, column: 'store_code', value: 'D9001-S01', reason: '文件内重复' },
    ]);
    expect(await count('store_sales')).toBe(before);
    const partial = await cli('pos', path, '--partial');
    expect([partial.code, partial.json.rows, partial.json.inserted, partial.json.errors.length]).toEqual([
      0, 2402, 2400, 2,
    ]);
    expect(await count('store_sales')).toBe(before + 2400);
  }, 120_000);

  it('--dry-run prints the counts and changes nothing', async () => {
    const path = file(
      'dry-stock.csv',
      'sku,on_hand,modified_at\nKW-N60,999,2026-11-26 08:00:00\nKD-B45,340,2026-11-25 18:00:00\n',
    );
    const r = await cli('hq-stock', path, '--dry-run');
    expect([r.code, r.json.updated, r.json.unchanged]).toEqual([0, 1, 1]);
    const s = await h.db.selectFrom('hq_stock').select('on_hand').where('sku', '=', 'KW-N60').executeTakeFirstOrThrow();
    expect(s.on_hand).toBe(1200);
    const runs = await h.db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect([runs.status, runs.mode, runs.entity]).toEqual(['dry_run', 'dry_run', 'hq-stock']);
  });

  it('a row older than what is stored never overwrites it; a newer one does', async () => {
    const older = await cli('hq-stock', file('old.csv', 'sku,on_hand,modified_at\nKW-N60,5,2026-11-20 08:00:00\n'));
    expect([older.code, older.json.unchanged, older.json.updated]).toEqual([0, 1, 0]);
    expect(older.err.join()).toContain('1 older than stored');
    const newer = await cli(
      'hq-stock',
      file('new.csv', 'sku,on_hand,modified_at\nKW-N60,1150,2026-11-26T09:00:00+08:00\n'),
    );
    expect([newer.code, newer.json.updated]).toEqual([0, 1]);
    const s = await h.db.selectFrom('hq_stock').selectAll().where('sku', '=', 'KW-N60').executeTakeFirstOrThrow();
    expect([s.on_hand, s.source_modified_at?.toISOString()]).toEqual([1150, '2026-11-26T01:00:00.000Z']);

    const oldBill = await cli(
      'orders',
      file(
        'old-bill.csv',
        'bill_id,entry_id,dealer_code,status,placed_at,sku,qty,unit_price,modified_at\n' +
          '100231,1,D9001,placed,2026-11-02 09:30:00,KW-N60,99,1241.60,2026-11-03 08:00:00\n',
      ),
    );
    expect([oldBill.code, oldBill.json.unchanged]).toEqual([0, 1]);
    const o = await h.db
      .selectFrom('orders')
      .select('status')
      .where('erp_bill_id', '=', '100231')
      .executeTakeFirstOrThrow();
    expect(o.status).toBe('shipped');
  });

  it('a changed ERP bill is rewritten whole: status, lines by entry id, removed lines, total', async () => {
    const r = await cli(
      'orders',
      file(
        'bill-v2.csv',
        'bill_id,entry_id,bill_no,dealer_code,status,placed_at,sku,qty,unit_price,modified_at\n' +
          '100231,1,XSDD2026110001,D9001,delivered,2026-11-02 09:30:00,KW-N60,32,1241.60,2026-11-15 10:00:00\n',
      ),
    );
    expect([r.code, r.json.updated, r.json.inserted]).toEqual([0, 1, 0]);
    expect(r.err.join()).toContain('1 removed');
    const o = await h.db.selectFrom('orders').selectAll().where('erp_bill_id', '=', '100231').executeTakeFirstOrThrow();
    expect([o.order_no, o.status, o.total_fen]).toEqual(['SO202611020001', 'delivered', 3_973_120]);
    const lines = await h.db.selectFrom('order_lines').selectAll().where('order_no', '=', o.order_no).execute();
    expect(lines.map((l) => [l.line_no, l.erp_entry_id, l.qty])).toEqual([[1, '1', 32]]);
  });

  it('a bad line rejects its whole bill, also with --partial', async () => {
    const r = await cli(
      'orders',
      file(
        'bill-bad.csv',
        'bill_id,entry_id,dealer_code,status,placed_at,sku,qty,unit_price\n' +
          '100300,1,D9002,placed,2026-11-20,KW-N60,10,1280\n' +
          '100300,2,D9002,placed,2026-11-20,KD-B45,0,1680.50\n' +
          '100301,1,D9002,placed,2026-11-21,KC-L01,3,2200\n',
      ),
      '--partial',
    );
    expect(r.code).toBe(0);
    expect(r.json.inserted).toBe(1);
    expect(r.json.errors).toEqual([
      { line: 2, column: 'bill_id', value: '单据 100300', reason: '单据 100300 有错误行，整组未导入' },
      { line: 3, column: 'qty', value: '0', reason: '应大于 0' },
    ]);
    expect(await h.db.selectFrom('orders').select('order_no').where('erp_bill_id', '=', '100300').execute()).toEqual(
      [],
    );
  });

  it('a dealer stock snapshot replaces that dealer and date; an older snapshot leaves current stock alone', async () => {
    const r = await cli('dealer-stock', file('snap.csv', 'date,dealer_code,sku,qty\n2026-11-25,D9001,KW-N60,40\n'));
    expect([r.code, r.json.updated]).toEqual([0, 1]);
    expect(r.err.join()).toContain('1 removed');
    const inv = () =>
      h.db
        .selectFrom('dealer_inventory')
        .select(['sku', 'qty', 'snapshot_day'])
        .where('dealer_code', '=', 'D9001')
        .execute();
    expect(await inv()).toEqual([{ sku: 'KW-N60', qty: 40, snapshot_day: '2026-11-25' }]);
    const old = await cli(
      'dealer-stock',
      file('snap-old.csv', 'date,dealer_code,sku,qty\n2026-11-20,D9001,KC-L01,7\n'),
    );
    expect([old.code, old.json.inserted]).toEqual([0, 1]);
    expect(await inv()).toEqual([{ sku: 'KW-N60', qty: 40, snapshot_day: '2026-11-25' }]);
  });

  it('reads GBK CSV (what Chinese Excel exports) and reports GBK forced through UTF-8', async () => {
    const text =
      'code,name,type,province,city,county,market_level,opened_on\r\nD9002-S02,鑫源建材稠城旗舰店,retail,浙江,金华,稠城街道,县城,2024-04-01\r\n';
    const path = file('stores-gbk.csv', iconv.encode(text, 'gbk'));
    const wrong = await cli('stores', path, '--encoding', 'utf-8');
    expect(wrong.code).toBe(1);
    expect(wrong.json.errors[0]).toMatchObject({ line: 2, reason: '疑似 GBK 文件按 UTF-8 读取' });
    const r = await cli('stores', path);
    expect([r.code, r.json.inserted]).toEqual([0, 1]);
    expect(r.err.join()).toContain('gbk');
    const s = await h.db.selectFrom('stores').selectAll().where('code', '=', 'D9002-S02').executeTakeFirstOrThrow();
    expect([s.name, s.dealer_code]).toEqual(['鑫源建材稠城旗舰店', 'D9002']);
  });

  it('reads XLSX (dates, numbers, text cells) and NDJSON', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('POS');
    ws.addRow(['date', 'store_code', 'sku', 'qty', 'amount']);
    ws.addRow([new Date(Date.UTC(2026, 10, 27)), 'D9002-S02', 'KW-N60', 4, 6240.5]);
    ws.addRow(['2026-11-27', 'D9002-S01', 'KC-L01', 1, '2200']);
    ws.getCell('A2').numFmt = 'yyyy-mm-dd';
    const xlsx = join(dir, 'pos.xlsx');
    await wb.xlsx.writeFile(xlsx);
    const r = await cli('pos', xlsx);
    expect({ code: r.code, inserted: r.json.inserted, errors: r.json.errors }).toEqual({
      code: 0,
      inserted: 2,
      errors: [],
    });
    const sale = await h.db
      .selectFrom('store_sales')
      .selectAll()
      .where('store_code', '=', 'D9002-S02')
      .executeTakeFirstOrThrow();
    expect([sale.day, sale.qty, sale.amount_fen]).toEqual(['2026-11-27', 4, 624_050]);

    const nd = file(
      'contacts.ndjson',
      '{"dealer_code":"D9002","name":"赵敏","phone":"13812340009","birthday":null,"is_primary":false}\n\n' +
        '{"dealer_code":"D9002","name":"王丽","phone":"13812340003","birthday":"1986-11-30","is_primary":true}\n' +
        'not json\n',
    );
    const n = await cli('contacts', nd, '--partial');
    expect([n.code, n.json.inserted, n.json.unchanged]).toEqual([0, 1, 1]);
    expect(n.json.errors).toEqual([{ line: 4, column: '', value: 'not json', reason: '不是有效的 JSON 对象' }]);
  });

  it('an account manager may name a regional manager further down the same file, never an account manager', async () => {
    const r = await cli(
      'managers',
      file(
        'managers-2.csv',
        'code,name,role,regional_code\nM904,吴磊,account,M903\nM903,郑红,regional,\nM905,孙强,account,M902\n',
      ),
      '--partial',
    );
    expect([r.code, r.json.inserted]).toEqual([0, 2]);
    expect(r.json.errors).toEqual([{ line: 4, column: 'regional_code', value: 'M902', reason: 'M902 不是区域经理' }]);
    const m = await h.db
      .selectFrom('managers')
      .select('regional_code')
      .where('code', '=', 'M904')
      .executeTakeFirstOrThrow();
    expect(m.regional_code).toBe('M903');
  });

  it('a missing required column is one error on the header; bad usage exits 2', async () => {
    const r = await cli('pos', file('no-amount.csv', 'date,store_code,sku,qty\n2026-11-26,D9001-S01,KW-N60,1\n'));
    expect([r.code, r.json.errors]).toEqual([1, [{ line: 1, column: 'amount', value: '', reason: '缺少必需的列' }]]);
    expect((await cli('widgets', 'x.csv')).code).toBe(2);
    expect((await cli('pos')).code).toBe(2);
    expect((await cli('pos', 'x.csv', '--bogus')).code).toBe(2);
    expect((await cli('pos', file('x.pdf', ''))).code).toBe(2);
    expect((await cli('pos', join(dir, 'missing.csv'))).code).toBe(2);
  });

  it('every run is recorded and listed', async () => {
    const r = await cli('runs', '--limit', '3');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(3);
    expect(r.out[0]).toMatch(/^#\d+ {2}\S+ {2}pos {2}rejected/);
    const rejected = await h.db
      .selectFrom('import_runs')
      .selectAll()
      .where('status', '=', 'rejected')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect([rejected.error_count, rejected.file_sha256]).toEqual([6, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(rejected.errors).toHaveLength(6);
    const listed = await cli('errors', String(rejected.id));
    expect([listed.code, listed.out.map((l) => JSON.parse(l))]).toEqual([0, rejected.errors]);
    expect((await cli('errors', '999999')).code).toBe(1);
  });

  it('on a terminal a progress bar counts the rows on stderr; the report lines are unchanged', async () => {
    const rows = 2 * IMPORT_BATCH + 17; // past two import batches, so the bar moves before the end
    const path = file(
      'pos-progress.csv',
      `date,store_code,sku,qty,amount\n${Array.from(
        { length: rows },
        (_, i) => `${shanghaiDay(i)},D9001-S01,KW-N60,1,1560`,
      ).join('\n')}\n`,
    );
    let drawn = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        drawn += String(chunk);
        done();
      },
    });
    const terminal = Object.assign(sink, {
      isTTY: true,
      columns: 100,
    });
    const out: string[] = [];
    const code = await runImportCommand(['pos', path, '--dry-run'], {
      store: new KyselyImportStore(h.db),
      io: { out: (l) => out.push(l), err: () => {}, isTTY: true },
      progress: terminal,
    });
    expect(code).toBe(0);
    expect(drawn).toMatch(new RegExp(`import pos \\| ${rows} rows`));
    const report = JSON.parse(out.at(-1)!);
    expect([report.entity, report.rows, report.inserted + report.updated + report.unchanged]).toEqual([
      'pos',
      rows,
      rows,
    ]);
    // Piped (the default): no bar at all.
    const piped = await cli('pos', path, '--dry-run');
    expect(piped.err.join('\n')).not.toMatch(/\| \d+ rows/);
  });

  describe('imports on the seeded K demo', () => {
    let h: DatabaseHandle;
    let dir: string;
    beforeAll(async () => {
      h = await openTestDatabase({ seeded: true });
      dir = mkdtempSync(join(tmpdir(), 'gs-import-demo-'));
    });
    afterAll(async () => {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the demo seeds store codes D0001-S01 …, and a POS file for them sets the dealer sell-through', async () => {
      const stores = await h.db.selectFrom('stores').select(['code', 'dealer_code']).orderBy('id').execute();
      expect(stores.length).toBeGreaterThan(0);
      for (const s of stores) expect(s.code).toMatch(new RegExp(`^${s.dealer_code}-S\\d{2,3}$`));
      expect(stores[0]!.code).toBe(`${stores[0]!.dealer_code}-S01`);
      const dealer = stores[0]!.dealer_code;
      const own = stores.filter((s) => s.dealer_code === dealer).slice(0, 2);
      const path = join(dir, 'pos.csv');
      writeFileSync(
        path,
        `date,store_code,sku,qty,amount\n${own.map((s, i) => `2026-11-26,${s.code},KW-N60,${i + 2},${(i + 2) * 1560}`).join('\n')}\n`,
      );
      const r = await runImportCli(h.db, ['pos', path]);
      expect([r.code, r.json.inserted]).toEqual([0, own.length]);
      const st = await h.db
        .selectFrom('sell_through')
        .select('qty')
        .where('dealer_code', '=', dealer)
        .where('sku', '=', 'KW-N60')
        .where('day', '=', '2026-11-26')
        .executeTakeFirstOrThrow();
      expect(st.qty).toBe(own.length === 2 ? 5 : 2);
    });
  });
});
