import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_KINGDEE_MAPPING, loadKingdeeMapping } from './kingdee.mapping.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-kd-mapping-'));
const write = (name: string, body: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
};

describe('Kingdee field mapping (configuration: ERP_KINGDEE_MAPPING names a JSON file)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without a file the standard field keys are used', () => {
    expect(loadKingdeeMapping(undefined)).toBe(DEFAULT_KINGDEE_MAPPING);
    expect(DEFAULT_KINGDEE_MAPPING.forms.map((f) => f.form)).toEqual([
      'SAL_SaleOrder',
      'AR_receivable',
      'STK_Inventory',
    ]);
  });

  it('a file replaces the default, custom field keys and all', () => {
    const path = write('custom.json', {
      forms: [
        {
          form: 'AR_receivable',
          entity: 'receivables',
          billId: 'FID',
          billKey: 'FBillNo',
          modified: 'FModifyDate',
          columns: { bill_no: 'FBillNo', dealer_code: 'F_GS_DealerCode', amount: 'FALLAMOUNTFOR' },
        },
      ],
    });
    const m = loadKingdeeMapping(path);
    expect(m.forms).toHaveLength(1);
    expect(m.forms[0]!.columns.dealer_code).toBe('F_GS_DealerCode');
    expect(m.forms[0]!.values).toEqual({});
  });

  it('a bad file is refused at start with every problem named', () => {
    const path = write('bad.json', {
      forms: [
        { form: '', entity: 'invoices', columns: {} },
        { form: 'AR_receivable', entity: 'receivables', modified: 'FModifyDate', columns: { bill_no: 'FBillNo' } },
      ],
    });
    expect(() => loadKingdeeMapping(path)).toThrow(/invalid Kingdee mapping/);
    expect(() => loadKingdeeMapping(path)).toThrow(/forms\.0\.form/);
    expect(() => loadKingdeeMapping(path)).toThrow(/forms\.0\.entity/);
    expect(() => loadKingdeeMapping(path)).toThrow(/an incremental form \(modified\) needs billId/);
    expect(() => loadKingdeeMapping(write('empty.json', { forms: [] }))).toThrow(/forms/);
  });
});
