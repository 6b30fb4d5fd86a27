import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readChatFile } from './import-bytes.js';

const POS = 'date,store_code,sku,qty,amount\n2026-11-25,D0001-S01,KW-N60,2,3600\n2026-11-25,D0002-S01,KW-N60,1,1800\n';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readChatFile (a file sent in chat, by name and content)', () => {
  it('reads a CSV (GBK too): the import its header is, rows and dealers', async () => {
    for (const bytes of [Buffer.from(POS), iconv.encode(POS, 'gbk')]) {
      const r = await readChatFile('门店销售.csv', bytes);
      expect(r).toMatchObject({
        kind: 'read',
        file: { name: '门店销售.csv', format: 'csv' },
        summary: { entity: 'pos', rows: 2, dealerCodes: ['D0001', 'D0002'], rowsWithoutDealer: 0 },
      });
    }
  });

  it('reads an XLSX workbook, and a file with no name by its content', async () => {
    const book = await xlsx([
      ['date', 'dealer_code', 'sku', 'qty'],
      ['2026-11-25', 'D0001', 'KW-N60', 5],
      ['2026-11-25', 'd0003', 'KW-N75', 2],
      ['2026-11-25', '', 'KW-N75', 2],
    ]);
    const named = await readChatFile('库存.xlsx', book);
    expect(named).toMatchObject({
      kind: 'read',
      file: { format: 'xlsx' },
      summary: { entity: 'dealer-stock', rows: 3, dealerCodes: ['D0001', 'D0003'], rowsWithoutDealer: 1 },
    });
    expect(await readChatFile(null, book)).toMatchObject({ kind: 'read', file: { name: 'file.xlsx' } });
    expect(await readChatFile(null, Buffer.from(POS))).toMatchObject({ kind: 'read', summary: { entity: 'pos' } });
  });

  it('answers what is not an import: other types, old .xls, a broken workbook, a binary CSV, an unknown header', async () => {
    expect(await readChatFile('合同.pdf', Buffer.from('%PDF-1.7 \0\0'))).toEqual({ kind: 'not_import', xls: false });
    const ole2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await readChatFile('销售.xls', ole2)).toEqual({ kind: 'not_import', xls: true });
    const book = await xlsx([['date', 'store_code', 'sku', 'qty', 'amount']]);
    const broken = Buffer.concat([book.subarray(0, 200), Buffer.alloc(300, 7)]);
    expect(await readChatFile('销售.xlsx', broken)).toEqual({ kind: 'unreadable', format: 'xlsx' });
    expect(await readChatFile('销售.xlsx', Buffer.from(POS))).toEqual({ kind: 'unreadable', format: 'xlsx' });
    expect(await readChatFile('销售.csv', Buffer.from([1, 0, 2, 0]))).toEqual({ kind: 'unreadable', format: 'csv' });
    expect(await readChatFile('名单.csv', Buffer.from('门店,销量\nA,1\n'))).toEqual({
      kind: 'unknown_kind',
      format: 'csv',
    });
  });
});
