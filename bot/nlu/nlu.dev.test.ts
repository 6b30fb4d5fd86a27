import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_PATH, evaluate, parseEvalJsonl, ruleParserFromCsv, runNluEvalCli } from './nlu.eval.js';

const DEV = new URL('../../test/fixtures/nlu-dev.jsonl', import.meta.url).pathname;
const parser = ruleParserFromCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8'));

describe('rule parser on the labelled dev set', () => {
  it('reaches the accuracy targets', () => {
    const report = evaluate(parseEvalJsonl(readFileSync(DEV, 'utf8')), parser);
    expect(report.n).toBe(140);
    expect(report.intentAccuracy, JSON.stringify(report.mismatches, null, 1)).toBeGreaterThanOrEqual(0.98);
    expect(report.slotAccuracy, JSON.stringify(report.mismatches, null, 1)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('evaluate', () => {
  const line = (o: object) => JSON.stringify(o);
  it('scores slots only over lines with expected slots, ignoring extra predicted slots', () => {
    const lines = parseEvalJsonl(
      [
        line({
          text: '订30套N60，明天送',
          intent: 'order.place',
          slots: { items: [{ sku: 'KW-N60', qty: 30, unit: '套' }] },
        }),
        line({ text: '订30套N60', intent: 'order.place', slots: { items: [{ sku: 'KW-N60', qty: 20, unit: '套' }] } }),
        line({ text: '你好', intent: 'greeting', slots: {} }),
        line({ text: '你好', intent: 'help', slots: {} }),
      ].join('\n'),
    );
    const r = evaluate(lines, parser);
    expect(r).toMatchObject({ n: 4, intentAccuracy: 0.75, slotAccuracy: 0.5 });
    expect(r.mismatches.map((m) => m.text)).toEqual(['订30套N60', '你好']);
  });

  it('passes context, sender and now to the parser', () => {
    const seen: unknown[] = [];
    const spy = (_t: string, ctx: object) => {
      seen.push(ctx);
      return { kind: 'unknown', confidence: 0 } as const;
    };
    const now = new Date('2027-01-01T00:00:00+08:00');
    evaluate(
      [{ text: 'x', intent: 'unknown', slots: {}, context: { awaiting: 'need_rating' }, sender: 'manager' }],
      spy,
      now,
    );
    expect(seen).toEqual([{ sender: 'manager', awaiting: 'need_rating', now }]);
  });

  it('CLI prints mismatches and the JSON summary as the last line', async () => {
    const out: string[] = [];
    const files: Record<string, string> = {
      'a.jsonl': `${line({ text: '明天送30套N60', intent: 'order.place', slots: { date: '2026-12-02' } })}\n`,
      [DEFAULT_CATALOG_PATH]: readFileSync(DEFAULT_CATALOG_PATH, 'utf8'),
    };
    const code = await runNluEvalCli(
      ['a.jsonl', '--now', '2026-12-01T09:00:00+08:00'],
      (p) => files[p]!,
      (l) => out.push(l),
    );
    expect(code).toBe(0);
    expect(out).toHaveLength(1); // 明天 from 12-01 is 12-02: no mismatch
    expect(JSON.parse(out.at(-1)!)).toEqual({ n: 1, intentAccuracy: 1, slotAccuracy: 1 });

    out.length = 0;
    await runNluEvalCli(
      ['a.jsonl'],
      (p) => files[p]!,
      (l) => out.push(l),
    );
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('明天送30套N60');
    expect(JSON.parse(out.at(-1)!)).toEqual({ n: 1, intentAccuracy: 1, slotAccuracy: 0 });
  });
});
