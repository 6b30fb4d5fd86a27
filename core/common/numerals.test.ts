import { describe, expect, it } from 'vitest';
import { parseDigitSequence, parseNumber } from './numerals.js';

describe('parseNumber', () => {
  it.each([
    ['30', 30],
    ['三十', 30],
    ['两百', 200],
    ['一百二十', 120],
    ['十五', 15],
    ['二十五', 25],
    ['十', 10],
    ['一百零五', 105],
    ['三百五', 350],
    ['两万三', 23_000],
    ['1千', 1000],
    ['2万', 20_000],
    ['1.5万', 15_000],
    ['3十', 30],
    ['壹佰贰拾', 120],
    ['叁仟伍佰', 3500],
    ['四十五万', 450_000],
    ['零', 0],
    ['2.5', 2.5],
    ['两千三', 2300],
    ['一万二', 12_000],
    ['3.5万', 35_000],
    ['〇', 0],
    ['玖拾玖', 99],
    ['伍佰', 500],
    ['拾', 10],
    ['两', 2],
    ['一千零一', 1001],
    ['一万零五百', 10_500],
  ])('%s → %d', (s, n) => {
    expect(parseNumber(s)).toBe(n);
  });

  it.each(['', '几', '一二三', '百十', '十十', '万', '三x', '两万万'])('%s does not parse', (s) => {
    expect(parseNumber(s)).toBeNull();
  });
});

describe('parseDigitSequence', () => {
  it.each([
    ['二〇二六', '2026'],
    ['一二三', '123'],
    ['二零2六', '2026'],
  ])('%s → %s', (s, n) => {
    expect(parseDigitSequence(s)).toBe(n);
  });
  it.each(['', '十二', '二x'])('%s does not read as digits', (s) => {
    expect(parseDigitSequence(s)).toBeNull();
  });
});
