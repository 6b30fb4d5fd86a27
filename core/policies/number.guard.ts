/**
 * Number guard: an LLM-phrased text may go out only if every number in it appears in the computed facts.
 * Numbers are compared by value, so '1,250,000' == '1250000' == '125万' and '3%' == '0.03' == '百分之三'.
 */

import { CN_CHARS, parseDigitSequence, parseNumber } from '../common/numerals.js';

export type NumberKind = 'number' | 'date' | 'year-month' | 'month-day' | 'year' | 'month' | 'code';

export interface NumberToken {
  /** The text as written. */
  raw: string;
  kind: NumberKind;
  /** Canonical comparison key, e.g. 'N:1250000', 'N:0.03', 'D:2026-10-01', 'C:SO202611200012'. */
  key: string;
}

// Chinese numerals are read by the project's one parser (core/common/numerals.ts).
const CN_NUM_CHARS = CN_CHARS;
const CN_FRAC_DIGITS = '零〇一二两三四五六七八九';

/** Full-width digits and signs to ASCII (commas stay as written: a Chinese '，' is never a thousands separator). */
function normaliseWidth(text: string): string {
  return text.replace(/[０-９％．]/g, (c) => {
    if (c === '％') return '%';
    if (c === '．') return '.';
    return String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48);
  });
}

/** Canonical decimal string of `digits` (may contain one '.') shifted by `shift` decimal places. */
function canonicalDecimal(digits: string, shift: number): string {
  const [intPart = '0', fracPart = ''] = digits.split('.');
  let all = intPart + fracPart;
  let point = intPart.length + shift;
  if (point < 0) {
    all = '0'.repeat(-point) + all;
    point = 0;
  }
  if (point > all.length) all = all.padEnd(point, '0');
  let int = all.slice(0, point).replace(/^0+/, '') || '0';
  const frac = all.slice(point).replace(/0+$/, '');
  if (int === '') int = '0';
  return frac ? `${int}.${frac}` : int;
}

/** A run of Chinese numerals (一百二十五万, 三百五, 二〇二六 read digit by digit) as a canonical decimal string. */
function parseChineseInteger(run: string): string | null {
  const digits = parseDigitSequence(run);
  if (digits !== null) return canonicalDecimal(digits, 0);
  const n = parseNumber(run);
  return n === null || !Number.isInteger(n) ? null : String(n);
}

function percentOrPlain(value: string, percent: boolean): string {
  return percent ? canonicalDecimal(value, -2) : value;
}

const MULTIPLIER_SHIFT: Record<string, number> = { 万: 4, 亿: 8 };

// One alternation, tried left to right at each position.
const TOKEN_RE = new RegExp(
  [
    // 1: full date 2026-10-01, 2026/10/01, 2026.10.01, 2026年10月1日
    String.raw`(?<date>(?<dy>\d{4})(?:[-/.](?<dm>\d{1,2})[-/.](?<dd>\d{1,2})|年(?<dm2>\d{1,2})月(?<dd2>\d{1,2})[日号]))`,
    // 2: year-month 2026年10月 / 2026-10 (not followed by another digit)
    String.raw`(?<ym>(?<ymy>\d{4})(?:年(?<ymm>\d{1,2})月|-(?<ymm2>\d{1,2})(?![\d-])))`,
    // 3: month-day 10月1日
    String.raw`(?<md>(?<mdm>\d{1,2})月(?<mdd>\d{1,2})[日号])`,
    // 4: year 2026年
    String.raw`(?<year>(?<yy>\d{4})年)`,
    // 5: month 12月 (not a duration like 3个月)
    String.raw`(?<month>(?<mm>\d{1,2})月(?!份?[以之]?内))`,
    // 6: codes with letters and digits (SO202611200012, D0012, KW-N60, Q4)
    `(?<code>[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)`,
    // 7: 百分之 + number
    String.raw`(?<pct>百分之(?<pctnum>\d+(?:\.\d+)?|[${CN_NUM_CHARS}]+(?:点[${CN_FRAC_DIGITS}]+)?))`,
    // 8: Arabic number with thousands separators / decimals, optional 万/亿 and percent
    String.raw`(?<num>(?<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?<mult>[万亿]))?(?:\s*(?<pctSuffix>%|个百分点|个点))?)`,
    // 9: Chinese numerals, optional decimal part and percent
    // biome-ignore lint/complexity/noUselessStringRaw: a regex source like its neighbours (not user text)
    String.raw`(?<cn>(?<cnint>[${CN_NUM_CHARS}]+)(?:点(?<cnfrac>[${CN_FRAC_DIGITS}]+)(?<cnMult>[万亿])?)?(?<cnPct>%|个百分点|个点)?)`,
  ].join('|'),
  'gu',
);

function chineseValue(intRun: string, fracRun: string | undefined, mult = ''): string | null {
  const int = parseChineseInteger(intRun);
  if (int === null) return null;
  const frac = fracRun ? (parseDigitSequence(fracRun) ?? '') : '';
  return canonicalDecimal(frac ? `${int}.${frac}` : int, MULTIPLIER_SHIFT[mult] ?? 0);
}

function pad2(s: string): string {
  return s.padStart(2, '0');
}

/** Every number in a text: Arabic (with separators, decimals, 万/亿, %), Chinese numerals, dates and codes. */
export function numbersIn(text: string): NumberToken[] {
  const src = normaliseWidth(text);
  const out: NumberToken[] = [];
  for (const m of src.matchAll(TOKEN_RE)) {
    const g = m.groups ?? {};
    const raw = m[0];
    if (g['date']) {
      const month = g['dm'] ?? g['dm2'] ?? '';
      const day = g['dd'] ?? g['dd2'] ?? '';
      out.push({ raw, kind: 'date', key: `D:${g['dy']}-${pad2(month)}-${pad2(day)}` });
    } else if (g['ym']) {
      out.push({ raw, kind: 'year-month', key: `YM:${g['ymy']}-${pad2(g['ymm'] ?? g['ymm2'] ?? '')}` });
    } else if (g['md']) {
      out.push({ raw, kind: 'month-day', key: `MD:${pad2(g['mdm'] ?? '')}-${pad2(g['mdd'] ?? '')}` });
    } else if (g['year']) {
      out.push({ raw, kind: 'year', key: `Y:${g['yy']}` });
    } else if (g['month']) {
      out.push({ raw, kind: 'month', key: `M:${pad2(g['mm'] ?? '')}` });
    } else if (g['code']) {
      if (/\d/.test(raw)) out.push({ raw, kind: 'code', key: `C:${raw.toUpperCase()}` });
    } else if (g['pct']) {
      const n = g['pctnum'] ?? '';
      const value = /^\d/.test(n) ? canonicalDecimal(n, 0) : chineseValue(n.split('点')[0] ?? '', n.split('点')[1]);
      if (value !== null) out.push({ raw, kind: 'number', key: `N:${canonicalDecimal(value, -2)}` });
    } else if (g['num']) {
      const digits = (g['digits'] ?? '').replace(/,/g, '');
      const shifted = canonicalDecimal(digits, MULTIPLIER_SHIFT[g['mult'] ?? ''] ?? 0);
      out.push({ raw, kind: 'number', key: `N:${percentOrPlain(shifted, Boolean(g['pctSuffix']))}` });
    } else if (g['cn']) {
      const intRun = g['cnint'] ?? '';
      const frac = g['cnfrac'];
      const pct = Boolean(g['cnPct']);
      const after = src.slice((m.index ?? 0) + raw.length, (m.index ?? 0) + raw.length + 1);
      // Words, not numbers: 一下/统一 (a lone 一), 千万/万一 (no leading digit), 零售 (a lone 零), 十分 (very), 五金.
      if (!frac && !pct) {
        if (intRun === '一') continue;
        if (/^[零〇]+$/.test(intRun)) continue;
        if (/^[百佰千仟万萬亿億]/.test(intRun)) continue;
        if (intRun === '十' && after === '分') continue;
        if (intRun === '五' && after === '金') continue;
      }
      const value = chineseValue(intRun, frac, g['cnMult']);
      if (value !== null) out.push({ raw, kind: 'number', key: `N:${percentOrPlain(value, pct)}` });
    }
  }
  return out;
}

/** Keys a fact grounds: its own tokens, and for a full date also its year, month, year-month and month-day. */
export function factKeys(facts: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const fact of facts) {
    for (const t of numbersIn(fact)) {
      keys.add(t.key);
      if (t.kind === 'date') {
        const [y, m, d] = t.key.slice(2).split('-');
        keys.add(`Y:${y}`);
        keys.add(`M:${m}`);
        keys.add(`YM:${y}-${m}`);
        keys.add(`MD:${m}-${d}`);
      } else if (t.kind === 'year-month') {
        const [y, m] = t.key.slice(3).split('-');
        keys.add(`Y:${y}`);
        keys.add(`M:${m}`);
      }
    }
  }
  return keys;
}

/** The numbers of `text` that no fact accounts for. */
export function ungroundedNumbers(text: string, facts: readonly string[]): NumberToken[] {
  const keys = factKeys(facts);
  return numbersIn(text).filter((t) => !keys.has(t.key));
}

/** True only if every number in `text` appears among `facts` (compared by value). */
export function allNumbersGrounded(text: string, facts: readonly string[]): boolean {
  return ungroundedNumbers(text, facts).length === 0;
}
