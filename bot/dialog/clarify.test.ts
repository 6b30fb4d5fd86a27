import { describe, expect, it } from 'vitest';
import { readClarifyAnswer } from './clarify.js';

describe('answers to "您是想A，还是B？"', () => {
  const stockOrOrder = ['stock.query', 'order.place'] as const;

  it('take the readings\' own words, and short other words for them ("价格" is the stock answer)', () => {
    expect(readClarifyAnswer('查库存', stockOrOrder)).toEqual({ kind: 'chosen', intent: 'stock.query' });
    expect(readClarifyAnswer('库存', stockOrOrder)).toEqual({ kind: 'chosen', intent: 'stock.query' });
    expect(readClarifyAnswer('价格', stockOrOrder)).toEqual({ kind: 'chosen', intent: 'stock.query' });
    expect(readClarifyAnswer('多少钱？', stockOrOrder)).toEqual({ kind: 'chosen', intent: 'stock.query' });
    expect(readClarifyAnswer('订货', stockOrOrder)).toEqual({ kind: 'chosen', intent: 'order.place' });
    expect(readClarifyAnswer('都不是', stockOrOrder)).toEqual({ kind: 'rejected' });
  });

  it('leave an answer with a quantity, or a longer request, to be read as a message of its own', () => {
    expect(readClarifyAnswer('订20套', stockOrOrder)).toEqual({ kind: 'other' });
    expect(readClarifyAnswer('T80 10套', stockOrOrder)).toEqual({ kind: 'other' });
    expect(readClarifyAnswer('我想问问你们这个价格是含税的吗', stockOrOrder)).toEqual({ kind: 'other' });
  });
});
