import { describe, expect, it } from 'vitest';
import { diffDrafts, multiplied } from './draft.diff.js';
import type { DraftView } from './order.types.js';

const view = (lines: Array<[string, number]>, deliveryDate: string | null = null, deliveryBy = false) =>
  ({
    lines: lines.map(([name, qty]) => ({ sku: name, name, qty, unit: '套' })),
    deliveryDate,
    ...(deliveryBy ? { deliveryBy } : {}),
  }) as unknown as DraftView;

describe('draft diff', () => {
  it('names a made-to-size line whose options changed, with both configurations', () => {
    const grey = { widthMm: 1200, heightMm: 1500, glass: 'double' as const, color: '深灰' };
    const white = { ...grey, color: '白色' };
    const before = { ...view([['T80', 10]]), lines: [{ sku: 'T80', name: 'T80', qty: 10, unit: '套', config: grey }] };
    const after = { ...before, lines: [{ ...before.lines[0]!, config: white }] };
    expect(diffDrafts(before as unknown as DraftView, after as unknown as DraftView)).toEqual([
      { kind: 'config', name: 'T80', from: grey, to: white },
    ]);
  });

  it('names what stayed, what changed, what came and what went, then the date', () => {
    expect(
      diffDrafts(
        view([['N75', 30]]),
        view([
          ['N75', 30],
          ['N60', 20],
        ]),
      ),
    ).toEqual([
      { kind: 'same', name: 'N75', qty: 30, unit: '套' },
      { kind: 'added', name: 'N60', qty: 20, unit: '套' },
    ]);
    expect(
      diffDrafts(
        view([
          ['N75', 30],
          ['N60', 20],
        ]),
        view([['N60', 25]], '2026-11-30', true),
      ),
    ).toEqual([
      { kind: 'qty', name: 'N60', from: 20, to: 25, unit: '套' },
      { kind: 'removed', name: 'N75', qty: 30, unit: '套' },
      { kind: 'date', from: null, to: '2026-11-30', by: true },
    ]);
  });

  it('multiplies to whole quantities only', () => {
    expect(multiplied(15, 2)).toBe(30);
    expect(multiplied(15, 0.5)).toBeNull();
    expect(multiplied(14, 0.5)).toBe(7);
  });
});

describe('draft diff with several made-to-size lines of one product', () => {
  const line = (qty: number, widthMm: number, heightMm: number) => ({
    sku: 'N60',
    name: 'N60',
    qty,
    unit: '套',
    config: { widthMm, heightMm, glass: 'double' as const },
  });
  const draft = (...lines: ReturnType<typeof line>[]) => ({ lines, deliveryDate: null }) as unknown as DraftView;

  it('pairs each line with the one of the same size, each named with its configuration', () => {
    const small = line(5, 1200, 1500);
    expect(diffDrafts(draft(small, line(3, 1500, 1800)), draft(small, line(8, 1500, 1800)))).toEqual([
      { kind: 'same', name: 'N60', qty: 5, unit: '套', config: small.config },
      { kind: 'qty', name: 'N60', from: 3, to: 8, unit: '套', config: line(8, 1500, 1800).config },
    ]);
  });

  it('a line whose size changed is that line with both sizes; a removed one is named once', () => {
    const small = line(5, 1200, 1500);
    const was = line(3, 1500, 1800);
    const now = line(3, 1500, 1500);
    expect(diffDrafts(draft(small, was), draft(small, now))).toEqual([
      { kind: 'same', name: 'N60', qty: 5, unit: '套', config: small.config },
      { kind: 'config', name: 'N60', from: was.config, to: now.config },
    ]);
    expect(diffDrafts(draft(small, was), draft(was))).toEqual([
      { kind: 'same', name: 'N60', qty: 3, unit: '套', config: was.config },
      { kind: 'removed', name: 'N60', qty: 5, unit: '套', config: small.config },
    ]);
  });

  it('a product with one made-to-size line is named without its configuration (the draft shows it)', () => {
    expect(diffDrafts(draft(line(3, 1500, 1800)), draft(line(4, 1500, 1800)))).toEqual([
      { kind: 'qty', name: 'N60', from: 3, to: 4, unit: '套' },
    ]);
  });
});
