import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from './catalog.csv.js';

const HEADER = 'sku,name,category,series,unit,list_price,moq,tags,aliases';

describe('parseCatalogCsv', () => {
  it('reads a row: yuan to fen, lists split on |, defaults for multiple and lead time', () => {
    const [p] = parseCatalogCsv(
      `${HEADER}\nKW-N60,窄边框平开窗 N60,windows,窄边框,套,1280.5,10,网红|高端,N60|窄边60\n`,
    );
    expect(p).toEqual({
      sku: 'KW-N60',
      name: '窄边框平开窗 N60',
      category: 'windows',
      series: '窄边框',
      unit: '套',
      listPriceFen: 128050,
      moq: 10,
      orderMultiple: 1,
      leadTimeDays: 14,
      tags: ['网红', '高端'],
      aliases: ['N60', '窄边60'],
    });
  });

  it('handles a BOM, CRLF, blank lines, quoted commas and empty lists', () => {
    const rows = parseCatalogCsv(`\uFEFF${HEADER}\r\n\r\nKW-X,"门, 双开",doors,X,樘,99,1,,\r\n`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sku: 'KW-X', name: '门, 双开', listPriceFen: 9900, tags: [], aliases: [] });
  });

  it('rejects a file without a required column, even with no rows', () => {
    expect(() => parseCatalogCsv('sku,name,category,series,unit,list_price,tags,aliases\n')).toThrow(
      'catalog.csv: missing column moq',
    );
  });

  it('reads the shipped catalog', () => {
    const rows = parseCatalogCsv(readFileSync(new URL('../../db/seed/data/catalog.csv', import.meta.url), 'utf8'));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.every((r) => r.sku && Number.isInteger(r.listPriceFen) && r.moq > 0)).toBe(true);
  });
});
