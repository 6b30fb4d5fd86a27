import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher } from './catalog.matcher.js';
import {
  DEFAULT_CATALOG_PATH,
  crossValidate,
  evaluateResults,
  intentBreakdown,
  parseEvalJsonl,
  runNluEvalCli,
  slotsMatch,
} from './nlu.eval.js';

const DEV = new URL('../../test/fixtures/nlu-dev.jsonl', import.meta.url).pathname;
const read = (p: string) => readFileSync(p, 'utf8');
const matcher = new CatalogMatcher(parseCatalogCsv(read(DEFAULT_CATALOG_PATH)));

describe('slotsMatch (NLU.md scoring)', () => {
  it('compares free-text slots without spaces, as containment either way', () => {
    expect(slotsMatch({ course: '安装培训' }, { course: '安装 培训班' })).toBe(true);
    expect(slotsMatch({ campaign: '区域促销活动' }, { campaign: '区域促销' })).toBe(true);
    expect(slotsMatch({ course: '安装培训' }, { course: '销售培训' })).toBe(false);
    expect(slotsMatch({ dealer_name: '华美' }, {})).toBe(false);
  });

  it('compares the configured fields an expected item has', () => {
    const item = { sku: 'KW-N60', qty: 4, unit: '套', width_mm: 1200, color: '深灰' };
    expect(slotsMatch({ items: [item] }, { items: [{ ...item, glass: 'double' }] })).toBe(true);
    expect(slotsMatch({ items: [item] }, { items: [{ ...item, color: undefined }] })).toBe(false);
    expect(slotsMatch({ items: [item] }, { items: [{ ...item, width_mm: 1000 }] })).toBe(false);
  });
});

describe('second requests (also)', () => {
  it('are scored apart: a dropped or wrong second request misses, one read where none was said is spurious', () => {
    const line = (text: string, also?: string[]) => ({
      text,
      intent: 'order.place',
      slots: {},
      ...(also ? { also: also.map((intent) => ({ intent })) } : {}),
    });
    const got = (also: string[]) =>
      ({
        kind: 'understood',
        intent: 'order.place',
        slots: { also: also.map((intent) => ({ intent, slots: {} })) },
      }) as never;
    const r = evaluateResults(
      [
        line('a', ['rebate.progress']),
        line('b', ['rebate.progress']),
        line('c', ['stock.query']),
        line('d'),
        line('e'),
      ],
      [got(['rebate.progress']), got([]), got(['rebate.progress']), got(['stock.query']), got([])],
    );
    // The intent score does not see any of it.
    expect(r.intentAccuracy).toBe(1);
    expect(r.also).toMatchObject({ labelled: 3, matched: 1, spurious: 1, accuracy: 0.3333 });
    expect(r.also.misses.map((m) => m.text)).toEqual(['b', 'c', 'd']);
  });
});

describe('intentBreakdown', () => {
  it('computes per-intent precision, recall and F1, and the confusions most frequent first', () => {
    const { perIntent, confusions } = intentBreakdown(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(perIntent).toEqual([
      { intent: 'a', support: 3, precision: 1, recall: 0.6667, f1: 0.8 },
      { intent: 'b', support: 2, precision: 0.5, recall: 0.5, f1: 0.5 },
      { intent: 'c', support: 1, precision: 0.5, recall: 1, f1: 0.6667 },
    ]);
    expect(confusions).toEqual([
      { expected: 'a', got: 'b', count: 1 },
      { expected: 'b', got: 'c', count: 1 },
    ]);
  });
});

describe('crossValidate', () => {
  it('scores every line once, in its own fold, with a model that never saw it', () => {
    const lines = parseEvalJsonl(read(DEV));
    const cv = crossValidate(lines, 3, matcher);
    expect(cv.folds).toHaveLength(3);
    expect(cv.folds.reduce((a, f) => a + f.n, 0)).toBe(lines.length);
    expect(new Set(cv.lines.map((l) => l.text)).size).toBe(new Set(lines.map((l) => l.text)).size);
    expect(cv.intentAccuracy).toBeGreaterThan(0.9);
    expect(cv.report.predicted).toHaveLength(lines.length);
  });
});

describe('nlu-eval CLI', () => {
  it('--cv K prints each fold, then the mean as the last JSON line', async () => {
    const out: string[] = [];
    expect(await runNluEvalCli([DEV, '--cv', '2'], read, (l) => out.push(l))).toBe(0);
    expect(out.filter((l) => l.startsWith('fold '))).toHaveLength(2);
    const summary = JSON.parse(out.at(-1)!);
    expect(summary).toMatchObject({ n: 140, k: 2 });
    expect(summary.folds).toHaveLength(2);
    expect(summary.intentAccuracy).toBeCloseTo(
      (summary.folds[0].intentAccuracy + summary.folds[1].intentAccuracy) / 2,
      4,
    );
  });

  it('--report adds per-intent P/R/F1 and the confusions; --rules scores the rules alone', async () => {
    const out: string[] = [];
    expect(await runNluEvalCli([DEV, '--report', '--rules'], read, (l) => out.push(l))).toBe(0);
    expect(out.some((l) => /^intent\s+support\s+precision\s+recall\s+f1$/.test(l))).toBe(true);
    expect(out.some((l) => l.startsWith('order.place'))).toBe(true);
    expect(out).toContain('top confusions (expected → got):');
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ n: 140 });
  });

  it('rejects a bad --cv', async () => {
    const out: string[] = [];
    expect(await runNluEvalCli([DEV, '--cv', '1'], read, (l) => out.push(l))).toBe(2);
    expect(out[0]).toContain('--cv');
  });
});
