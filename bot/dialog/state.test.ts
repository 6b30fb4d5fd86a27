import { describe, expect, it } from 'vitest';
import { STATE_TTL_MS, unchangedState } from './state.js';

const now = new Date('2026-11-26T02:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('unchangedState: a turn skips writing what the row already holds', () => {
  it('the same state, keys in another order (jsonb keeps its own), saved moments ago: nothing to write', () => {
    const saved = { state: { draftId: 'd1', awaiting: 'order_confirm' }, expiresAt: at(STATE_TTL_MS - 5_000) };
    expect(unchangedState(saved, { awaiting: 'order_confirm', draftId: 'd1' }, now)).toBe(true);
  });

  it('a different state, or the same one whose expiry lags more than a minute, is written', () => {
    const state = { awaiting: 'order_confirm' as const, draftId: 'd1' };
    expect(unchangedState({ state, expiresAt: at(STATE_TTL_MS) }, { ...state, draftId: 'd2' }, now)).toBe(false);
    expect(unchangedState({ state, expiresAt: at(STATE_TTL_MS - 61_000) }, state, now)).toBe(false);
    expect(unchangedState({ state: { ...state, misses: 1 }, expiresAt: at(STATE_TTL_MS) }, state, now)).toBe(false);
    expect(unchangedState(undefined, state, now)).toBe(false);
  });

  it('clearing: nothing to do without a row, but an expired row is still deleted', () => {
    expect(unchangedState(undefined, {}, now)).toBe(true);
    expect(unchangedState({ state: { draftId: 'd1' }, expiresAt: at(-1) }, {}, now)).toBe(false);
  });
});
