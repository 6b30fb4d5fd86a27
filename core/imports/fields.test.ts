import { describe, expect, it } from 'vitest';
import { SPECS } from './entities.js';
import { isDate, parseDateTime, RowReader, yuanToFen } from './fields.js';
import { decide } from './plan.js';

describe('import cell rules', () => {
  it('turns yuan with at most two decimals into fen exactly', () => {
    expect(yuanToFen('12.5')).toEqual({ fen: 1250 });
    expect(yuanToFen('0.07')).toEqual({ fen: 7 });
    expect(yuanToFen('1,280.10')).toEqual({ fen: 128_010 });
    expect(yuanToFen('19.99')).toEqual({ fen: 1999 }); // 19.99 * 100 is 1998.9999… in floating point
    expect(yuanToFen('3')).toEqual({ fen: 300 });
    expect(yuanToFen('10.005')).toEqual({ reason: { code: 'amountDecimals' } });
    expect(yuanToFen('12元')).toEqual({ reason: { code: 'notAmount' } });
  });

  it('accepts real calendar dates and Shanghai or offset times', () => {
    expect([isDate('2026-02-28'), isDate('2026-02-29'), isDate('2026/02/01'), isDate('2026-2-1')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(parseDateTime('2026-11-05 16:20:00')).toBe('2026-11-05T08:20:00.000Z');
    expect(parseDateTime('2026-11-05T16:20')).toBe('2026-11-05T08:20:00.000Z');
    expect(parseDateTime('2026-11-05T08:20:00Z')).toBe('2026-11-05T08:20:00.000Z');
    expect(parseDateTime('2026-11-05 16:20:00+0800')).toBe('2026-11-05T08:20:00.000Z');
    expect(parseDateTime('2026-13-05 16:20')).toBeNull();
  });

  it('collects every bad cell of a row, each with line, column, value and reason', () => {
    const r = new RowReader(7, { date: '2026-11-31', store_code: 'S01', sku: 'KW-N60', qty: '1.5', amount: '-3' });
    const rec = SPECS.pos.parse(r, {
      dealers: new Map(),
      managers: new Map(),
      skus: new Map([['KW-N60', '']]),
      stores: new Map(),
      orders: new Map(),
      receivables: new Map(),
    });
    expect(rec).toBeUndefined();
    expect(r.errors).toEqual([
      { line: 7, column: 'store_code', value: 'S01', reason: { code: 'badCode', example: 'D0001-S01' } },
      { line: 7, column: 'date', value: '2026-11-31', reason: { code: 'badDate' } },
      { line: 7, column: 'qty', value: '1.5', reason: { code: 'notInteger' } },
      { line: 7, column: 'amount', value: '-3', reason: { code: 'amountNegative' } },
    ]);
  });

  it('decides insert, update, unchanged and older; absent optional columns keep the stored value', () => {
    const spec = SPECS.dealers;
    const stored = {
      code: 'D0001',
      name: '安居',
      managerCode: 'M001',
      province: '浙江',
      city: '杭州',
      county: '西湖区',
      marketLevel: '二线' as const,
      partnershipStart: '2019-03-15',
      tier: 'core' as const,
      creditLimitFen: 100,
      paymentTermsDays: 45,
    };
    const incoming = { ...stored, tier: undefined, creditLimitFen: undefined, paymentTermsDays: undefined };
    expect(decide(spec, incoming, undefined)).toEqual({
      verdict: 'insert',
      record: { ...stored, tier: 'regular', creditLimitFen: 0, paymentTermsDays: 30, tags: [] },
    });
    expect(decide(spec, incoming, stored)).toEqual({ verdict: 'unchanged', record: stored });
    expect(decide(spec, { ...incoming, name: '安居门窗' }, stored).verdict).toBe('update');

    const hq = SPECS['hq-stock'];
    const at = (d: string) => `${d}T00:00:00.000Z`;
    const s = { sku: 'KW-N60', onHand: 9, modifiedAt: at('2026-11-20') };
    expect(decide(hq, { sku: 'KW-N60', onHand: 5, modifiedAt: at('2026-11-01') }, s).verdict).toBe('older');
    expect(decide(hq, { sku: 'KW-N60', onHand: 9, modifiedAt: at('2026-11-20') }, s).verdict).toBe('unchanged');
    expect(decide(hq, { sku: 'KW-N60', onHand: 9, modifiedAt: at('2026-11-21') }, s).verdict).toBe('update');
    // A row without a modified time keeps the stored one (a later stale row is still recognised as older).
    expect(decide(hq, { sku: 'KW-N60', onHand: 5 }, s)).toEqual({
      verdict: 'update',
      record: { sku: 'KW-N60', onHand: 5, modifiedAt: at('2026-11-20') },
    });
  });
});
