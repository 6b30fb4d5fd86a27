/**
 * The one Chinese/Arabic numeral parser (NLU quantities and dates, the LLM number guard). A value that does not
 * parse is `null`, never 0.
 */

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  貳: 2,
  两: 2,
  俩: 2,
  仨: 3,
  兩: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, number> = { 万: 10_000, 萬: 10_000, 亿: 100_000_000, 億: 100_000_000 };

/** Every character a Chinese numeral may contain. */
export const CN_CHARS = '零〇一壹二贰貳两兩俩仨三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億';

/** Regex source of one number as written in a message: 30, 1.5万, 3十, 二十五, 壹佰贰拾. */
export const NUMBER_SRC = `(?:\\d+(?:\\.\\d+)?(?:[${CN_CHARS}]+)?|[${CN_CHARS}]+)`;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Parses one number: Arabic (with decimals), Chinese (二十五, 一百零五, 两万三, 三百五 = 350), financial
 * (壹佰贰拾), and mixed (1千, 2万, 1.5万, 3十). Returns null for anything else (几, 一二三, 百十, empty).
 */
export function parseNumber(input: string): number | null {
  const s = input.replace(/\s+/g, '');
  if (s === '') return null;
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);

  let total = 0; // completed big sections (… 万)
  let section = 0; // value below the current big unit
  let digit: number | null = null; // pending digit without unit
  let lastSmall = Number.POSITIVE_INFINITY; // small units must decrease within a section
  let lastBig = Number.POSITIVE_INFINITY;
  let lastUnit = 0; // unit of the previous group, for 三百五 (= 350)
  let zeroSeen = false; // 一百零五: after a 零 a trailing digit is ones
  let any = false;

  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    const arabic = /^\d+(?:\.\d+)?/.exec(s.slice(i));
    if (arabic) {
      if (digit !== null) return null;
      digit = Number(arabic[0]);
      i += arabic[0].length;
      any = true;
      continue;
    }
    if (c in DIGITS) {
      const d = DIGITS[c]!;
      if (d === 0) {
        if (digit !== null) return null; // 二零 is not a number here
        zeroSeen = true;
      } else {
        if (digit !== null) return null; // 一二三 is a sequence, not a number
        digit = d;
      }
      any = true;
      i++;
      continue;
    }
    if (c in SMALL_UNITS) {
      const u = SMALL_UNITS[c]!;
      if (u >= lastSmall) return null;
      // 十五 / 一百十: a bare 十 means one ten.
      const d = digit ?? (u === 10 ? 1 : null);
      if (d === null) return null;
      section += d * u;
      digit = null;
      lastSmall = u;
      lastUnit = u;
      zeroSeen = false;
      any = true;
      i++;
      continue;
    }
    if (c in BIG_UNITS) {
      const u = BIG_UNITS[c]!;
      if (u >= lastBig) return null;
      const v = section + (digit ?? 0);
      if (v === 0) return null;
      total += v * u;
      section = 0;
      digit = null;
      lastSmall = Number.POSITIVE_INFINITY;
      lastBig = u;
      lastUnit = u;
      zeroSeen = false;
      any = true;
      i++;
      continue;
    }
    return null;
  }
  if (!any) return null;
  if (digit !== null) {
    // 三百五 = 350, 两万三 = 23000, but 一百零五 = 105 and 二十五 = 25.
    if (!zeroSeen && lastUnit >= 100 && Number.isInteger(digit) && digit < 10) section += digit * (lastUnit / 10);
    else section += digit;
  }
  return round(total + section);
}

/** A run of digit characters read one by one, as in years (二〇二六 = "2026"); null if any is not a digit. */
export function parseDigitSequence(input: string): string | null {
  let out = '';
  for (const c of input) {
    const d = /[0-9]/.test(c) ? Number(c) : DIGITS[c];
    if (d === undefined) return null;
    out += String(d);
  }
  return out === '' ? null : out;
}
