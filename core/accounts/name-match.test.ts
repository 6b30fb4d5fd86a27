import { describe, expect, it } from 'vitest';
import type { DirectoryEntry } from './accounts.types.js';
import { cleanQuery, matchDealers, nameScore } from './name-match.js';

const entry = (code: string, name: string, contactNames: string[] = []): DirectoryEntry => ({
  code,
  name,
  tier: 'regular',
  province: '浙江',
  city: '杭州',
  county: '西湖区',
  contactNames,
});

const DEALERS = [
  entry('D0001', '杭州锦华门窗商行', ['陈伟']),
  entry('D0002', '萧山华美建材有限公司', ['王建国', '李芳']),
  entry('D0003', '余杭鑫盛橱柜经营部', ['张敏']),
  entry('D0004', '富阳锦华建材门市部', ['刘洋']),
  entry('D0005', '临安永安家居专卖店', ['王磊']),
];

const codes = (text: string) => matchDealers(text, DEALERS).map((m) => m.entry.code);

describe('dealer search by name', () => {
  it('drops the request around the name and the trade suffix', () => {
    expect(cleanQuery('找下 老王建材')).toBe('老王建材');
    expect(cleanQuery('帮我查一下锦华门窗的情况')).toBe('锦华门窗');
    expect(cleanQuery('华美建材有限公司')).toBe('华美建材');
  });

  it('finds a dealer by part of its name, the closest first', () => {
    expect(codes('锦华门窗')).toEqual(['D0001']);
    expect(codes('锦华')).toEqual(['D0001', 'D0004']);
    expect(codes('鑫盛')).toEqual(['D0003']);
    expect(codes('查下萧山华美建材有限公司')[0]).toBe('D0002');
  });

  it('tolerates a homophone typo and a missing character', () => {
    expect(codes('锦花门窗')[0]).toBe('D0001');
    expect(codes('新盛橱柜')[0]).toBe('D0003');
    expect(codes('华美材')[0]).toBe('D0002');
  });

  it('reads 老王 as a contact surnamed 王 and combines it with the rest of the name', () => {
    expect(codes('找下老王建材')).toEqual(['D0002']);
    expect(codes('老王')).toEqual(['D0002', 'D0005']);
  });

  it('an exact code scores 1; unrelated words match nothing', () => {
    expect(nameScore('D0003', DEALERS[2]!)).toBe(1);
    expect(codes('宏达五金')).toEqual([]);
    expect(codes('找一下')).toEqual([]);
  });

  it('returns at most the limit', () => {
    const many = Array.from({ length: 8 }, (_, i) => entry(`D01${i}0`, `城区锦华门窗${i}号店`));
    expect(matchDealers('锦华门窗', many)).toHaveLength(5);
  });
});
