import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { CatalogMatcher, editDistance } from './catalog.matcher.js';
import { DEFAULT_CATALOG_PATH } from './nlu.eval.js';
import { normalize } from './normalize.js';

const matcher = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const skus = (text: string) => matcher.find(normalize(text)).map((m) => m.skus.join('|'));

describe('CatalogMatcher', () => {
  it.each([
    'N60',
    'n60',
    'N-60',
    'N 60',
    'kw-n60',
    'KW N60',
    'KWN60',
    'Ｎ６０',
    '窄边框平开窗',
    '窄边框60',
    '窄边平开窗',
  ])('finds KW-N60 in %s', (text) => {
    expect(skus(`订${text}`)).toEqual(['KW-N60']);
  });

  it('reads O for 0 and l/i for 1 only where that makes a catalog code, keeping the length', () => {
    const read = (text: string) => matcher.readCodes(normalize(text));
    expect(read('T8O 再来十套')).toBe('t80 再来十套');
    expect(read('n6o来20套')).toBe('n60来20套');
    expect(read('KW-A7O 20套')).toBe('kw-a70 20套');
    expect(read('lo1 一套, fI2 十套')).toBe('l01 一套, f12 十套');
    // No real digit (a word), no catalog code, longer ids and order numbers: as typed.
    for (const text of ['lol', 'joi', 'x8o', 'N1o24 进度', 'so2026112o0012', 't8oo'])
      expect(read(text)).toBe(normalize(text));
  });

  it('merges a name and its model code into one mention', () => {
    const [m] = matcher.find(normalize('订30套窄边框平开窗N60，明天送'));
    expect(m).toMatchObject({ text: '窄边框平开窗n60', skus: ['KW-N60'] });
  });

  it('keeps series words ambiguous', () => {
    expect(skus('窄边框')).toEqual(['KW-N60|KW-N75']);
    expect(skus('铝合金的窗')).toEqual(['KW-A50|KW-A70']);
    expect(skus('两套橱柜')).toEqual(['KC-L01|KC-U02|KC-I03']);
    expect(skus('平开窗')).toEqual(['KW-N60|KW-A50']);
  });

  it('settles a series with the words that follow', () => {
    expect(skus('窄边框推拉的')).toEqual(['KW-N75']);
    expect(skus('铝合金平开的')).toEqual(['KW-A50']);
    expect(skus('N75的推拉窗')).toEqual(['KW-N75']);
  });

  it('tolerates typos and homophones', () => {
    expect(skus('窄边筐平开窗')).toEqual(['KW-N60']); // same pinyin
    expect(skus('格热窗')).toEqual(['KW-T80']); // 隔热 → 格热
    expect(skus('静音和页')).toEqual(['KA-H02']);
    expect(skus('窄边框平开創')).toEqual(['KW-N60']); // one near syllable on a long name
    expect(skus('m60')).toEqual(['KW-N60']); // one letter off
    expect(skus('t85')).toEqual(['KW-T80|KW-T95']); // one digit off two codes: ambiguous
  });

  it('does not invent products', () => {
    expect(skus('教练来培训')).toEqual([]); // homophone of 铰链 without a shared character
    expect(skus('N1024 SO202611200012 D0012')).toEqual([]);
    expect(skus('今天天气怎么样')).toEqual([]);
    expect(skus('x30')).toEqual([]);
  });

  it('returns spans in order for several products', () => {
    const ms = matcher.find(normalize('订购N60 二十套、N75 十五套'));
    expect(ms.map((m) => [m.skus[0], m.start < m.end])).toEqual([
      ['KW-N60', true],
      ['KW-N75', true],
    ]);
    expect(ms[0]!.end).toBeLessThanOrEqual(ms[1]!.start);
  });

  it('knows model codes', () => {
    expect(matcher.isModelCode('N60')).toBe(true);
    expect(matcher.isModelCode('n 75')).toBe(true);
    expect(matcher.isModelCode('N1024')).toBe(false);
  });

  it('editDistance is bounded', () => {
    expect(editDistance('zhai', 'zai', 1)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});
