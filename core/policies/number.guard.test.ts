import { describe, expect, it } from 'vitest';
import { allNumbersGrounded, numbersIn, ungroundedNumbers } from './number.guard.js';

const keys = (text: string) => numbersIn(text).map((t) => t.key);

describe('numbersIn', () => {
  it('reads Arabic numbers with separators, decimals, 万/亿 and percentages', () => {
    expect(keys('累计 ¥1,250,000，返利 ¥37,500.50，3% 档，再订75万，共1.2亿，３０％')).toEqual([
      'N:1250000',
      'N:37500.5',
      'N:0.03',
      'N:750000',
      'N:120000000',
      'N:0.3',
    ]);
  });

  it('reads Chinese numerals', () => {
    expect(keys('三万 一百二十五万 百分之三 3个点 一点五万 十二 两')).toEqual([
      'N:30000',
      'N:1250000',
      'N:0.03',
      'N:0.03',
      'N:15000',
      'N:12',
      'N:2',
    ]);
  });

  it('reads dates and codes, and skips words that only look like numbers', () => {
    expect(keys('2026-10-01 至 2026年12月31日，12月5号前，SO202611200012')).toEqual([
      'D:2026-10-01',
      'D:2026-12-31',
      'MD:12-05',
      'C:SO202611200012',
    ]);
    expect(keys('了解一下，统一口径，千万别错过，零售终端，十分感谢，五金辅料')).toEqual([]);
  });
});

describe('allNumbersGrounded', () => {
  const facts = ['1,250,000', '1250000', '3%', '0.03', '37,500', '750,000', '4%', '80,000', '2026-10-01', '2026-12-31'];

  it('accepts a rephrasing that uses the facts in other forms', () => {
    expect(
      allNumbersGrounded('您本季度已订125万元，目前3个点，返利3.75万，再订七十五万就到百分之四，可拿8万。', facts),
    ).toBe(true);
    expect(allNumbersGrounded('活动截至12月31日，从10月1日起算。', facts)).toBe(true);
    expect(allNumbersGrounded('没有数字的句子。', facts)).toBe(true);
  });

  it('catches an invented number', () => {
    expect(allNumbersGrounded('再订 ¥700,000 就能到 4% 档', facts)).toBe(false);
    expect(allNumbersGrounded('返利可达 5%', facts)).toBe(false);
    expect(allNumbersGrounded('再订三十万即可', facts)).toBe(false);
    expect(allNumbersGrounded('截止到12月30日', facts)).toBe(false);
    expect(ungroundedNumbers('已订125万，返利4万', facts).map((t) => t.raw)).toEqual(['4万']);
  });
});

describe('Chinese numerals read as the NLU reads them (one parser)', () => {
  it.each([
    ['三百五', 'N:350'],
    ['两千三', 'N:2300'],
    ['一万二', 'N:12000'],
    ['壹佰贰拾', 'N:120'],
    ['二〇二六', 'N:2026'],
  ])('%s → %s', (text, key) => {
    expect(numbersIn(text).map((t) => t.key)).toEqual([key]);
  });
});
