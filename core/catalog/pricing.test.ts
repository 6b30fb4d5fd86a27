import { describe, expect, it } from 'vitest';
import { checkQuantity, nearestValidQuantities, roundUpToValid, tierPriceFen, unitAccepted } from './pricing.js';

describe('tier prices', () => {
  it('takes the list price less the tier discount, rounded half-up to the fen', () => {
    expect(tierPriceFen(128_000, 'core')).toBe(121_600);
    expect(tierPriceFen(128_000, 'key')).toBe(124_160);
    expect(tierPriceFen(128_000, 'regular')).toBe(128_000);
    expect(tierPriceFen(128_000, 'silent')).toBe(128_000);
    expect(tierPriceFen(135_010, 'core')).toBe(128_260); // 128,259.5 → 128,260
  });
  it('prefers the price list row when there is one', () => {
    expect(tierPriceFen(128_000, 'core', 120_000)).toBe(120_000);
  });
});

describe('MOQ and order multiples', () => {
  const moq20 = { moq: 20, orderMultiple: 20 };
  it('accepts the MOQ and its multiples', () => {
    expect(checkQuantity(20, moq20)).toEqual({ ok: true });
    expect(checkQuantity(40, moq20)).toEqual({ ok: true });
  });
  it('rejects 25 offering 20 and 40, never rounding', () => {
    expect(checkQuantity(25, moq20)).toEqual({ ok: false, reason: 'not_multiple', nearest: [20, 40] });
  });
  it('rejects below the MOQ offering the MOQ', () => {
    expect(checkQuantity(5, moq20)).toEqual({ ok: false, reason: 'below_moq', nearest: [20] });
    expect(checkQuantity(9, { moq: 10, orderMultiple: 1 })).toEqual({ ok: false, reason: 'below_moq', nearest: [10] });
  });
  it('rejects zero, negative, fractional and absurd quantities', () => {
    expect(checkQuantity(0, moq20)).toEqual({ ok: false, reason: 'not_positive' });
    expect(checkQuantity(-20, moq20)).toEqual({ ok: false, reason: 'not_positive' });
    expect(checkQuantity(20.5, moq20)).toEqual({ ok: false, reason: 'not_integer' });
    expect(checkQuantity(100_000, moq20)).toEqual({ ok: false, reason: 'too_large' });
  });
  it('counts multiples from the MOQ', () => {
    const p = { moq: 5, orderMultiple: 2 };
    expect(checkQuantity(7, p)).toEqual({ ok: true });
    expect(nearestValidQuantities(8, p)).toEqual([7, 9]);
    expect(roundUpToValid(8, p)).toBe(9);
    expect(roundUpToValid(3, p)).toBe(5);
    expect(roundUpToValid(41, { moq: 20, orderMultiple: 20 })).toBe(60);
  });
});

describe('units a quantity may be said in', () => {
  const window = { unit: '套', category: 'windows' as const };
  it('takes 个 for a window or door sold by 套, 樘 only for one made to size', () => {
    expect(unitAccepted(window, '个')).toBe(true);
    expect(unitAccepted(window, '樘')).toBe(false);
    expect(unitAccepted({ ...window, category: 'doors' }, '个')).toBe(true);
    expect(unitAccepted(window, '米')).toBe(false);
    expect(unitAccepted(window, undefined)).toBe(true);
  });
  it('takes 个 for a cabinet sold by 套; refuses 套 for a hinge sold by 个 and 个 for a worktop sold by 米', () => {
    expect(unitAccepted({ unit: '套', category: 'cabinets' }, '个')).toBe(true);
    expect(unitAccepted({ unit: '个', category: 'accessories' }, '套')).toBe(false);
    expect(unitAccepted({ unit: '米', category: 'cabinets' }, '个')).toBe(false);
  });
});
