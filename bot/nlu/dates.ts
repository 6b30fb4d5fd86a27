import { shanghaiDate } from '../../core/common/time.js';
import { parseNumber } from './numbers.js';

/**
 * Relative and absolute delivery dates, resolved in Asia/Shanghai (+08:00 all year, no DST) against `now`.
 * Works on normalised text (see normalize.ts).
 */

const DAY_MS = 86_400_000;

export interface DateMatch {
  /** ISO YYYY-MM-DD. */
  date: string;
  /** The literal date was in the past and was moved to the next week/month/year. */
  rolledForward: boolean;
  start: number;
  end: number;
}

/** A calendar day as a UTC-midnight epoch (pure day arithmetic, no zone involved). */
type Day = number;

// The day of the last `now` seen: the parser asks once per message, nearly always for the same instant.
let lastNow = Number.NaN;
let lastToday: Day = 0;
function todayIn(now: Date): Day {
  const at = now.getTime();
  if (at !== lastNow) {
    lastToday = Date.parse(shanghaiDate(now));
    lastNow = at;
  }
  return lastToday;
}
const ymd = (y: number, m: number, d: number): Day => Date.UTC(y, m - 1, d);
const iso = (d: Day) => new Date(d).toISOString().slice(0, 10);
const parts = (d: Day) => {
  const x = new Date(d);
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate(), wd: ((x.getUTCDay() + 6) % 7) + 1 };
};
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export { shanghaiDate };

const CN_NUM = '[0-9零〇一二两三四五六七八九十]{1,3}';
const WEEKDAY: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  日: 7,
  天: 7,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '5': 5,
  '6': 6,
  '7': 7,
};

type Resolver = (m: RegExpExecArray, today: Day) => { day: Day; rolled: boolean } | null;

const num = (s: string | undefined) => (s === undefined ? null : parseNumber(s));

/** A day of month in a month offset from today's; null if the day does not exist. */
function dayOfMonth(today: Day, monthOffset: number, day: number | 'last'): Day | null {
  const t = parts(today);
  const first = new Date(Date.UTC(t.y, t.m - 1 + monthOffset, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth() + 1;
  const d = day === 'last' ? daysIn(y, m) : day;
  if (!Number.isInteger(d) || d < 1 || d > daysIn(y, m)) return null;
  return ymd(y, m, d);
}

function weekday(today: Day, weekOffset: number, wd: number): Day {
  const monday = today - (parts(today).wd - 1) * DAY_MS;
  return monday + (weekOffset * 7 + wd - 1) * DAY_MS;
}

const RULES: Array<[RegExp, Resolver]> = [
  // Absolute: 2026-12-05, 2026年12月5日
  [
    /(20\d\d)\s*[-/年]\s*(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*[日号]?/g,
    (m) => {
      const y = Number(m[1]);
      const mo = Number(m[2]);
      const d = Number(m[3]);
      if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null;
      return { day: ymd(y, mo, d), rolled: false };
    },
  ],
  [
    /大后天|后天|明天|明日|今天|今日|今儿|明儿/g,
    (m, today) => {
      const off = { 今天: 0, 今日: 0, 今儿: 0, 明天: 1, 明日: 1, 明儿: 1, 后天: 2, 大后天: 3 }[m[0]]!;
      return { day: today + off * DAY_MS, rolled: false };
    },
  ],
  // 3天后, 五天内 (the latest acceptable day)
  [
    new RegExp(`(${CN_NUM})\\s*天(?:后|以后|之后|内|之内)`, 'g'),
    (m, today) => {
      const n = num(m[1]);
      if (n === null || !Number.isInteger(n) || n > 366) return null;
      return { day: today + n * DAY_MS, rolled: false };
    },
  ],
  // 下下周三, 下周日, 这周六, 本星期五, 礼拜二, 周末
  [
    /(下下|下个|下|这个|这|本|上)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7]|末)/g,
    (m, today) => {
      const rel = m[1];
      const wd = m[2] === '末' ? 6 : WEEKDAY[m[2]!]!;
      if (rel === '上') return null; // a past week is never a delivery date
      const off = rel === '下下' ? 2 : rel === '下' || rel === '下个' ? 1 : 0;
      let day = weekday(today, off, wd);
      let rolled = false;
      if (day < today) {
        // 这周三 said on a Thursday: the dealer can only mean a future day.
        day += 7 * DAY_MS;
        rolled = true;
      }
      return { day, rolled };
    },
  ],
  // 下个月5号, 下月底, 下月初, 下个月中
  [
    new RegExp(`下个?月\\s*(?:(${CN_NUM})\\s*[号日]?|(底|末|初|中))`, 'g'),
    (m, today) => {
      const n = m[1] ? num(m[1]) : null;
      const w = m[2];
      const day = w === '底' || w === '末' ? 'last' : w === '初' ? 1 : w === '中' ? 15 : n;
      if (day === null) return null;
      const d = dayOfMonth(today, 1, day);
      return d === null ? null : { day: d, rolled: false };
    },
  ],
  // 12月5号, 十二月五日, 12/5
  [
    new RegExp(`(?<![0-9.])(${CN_NUM})\\s*(?:月|/)\\s*(${CN_NUM})\\s*(?:号|日)?(?![0-9])`, 'g'),
    (m, today) => {
      const mo = num(m[1]);
      const d = num(m[2]);
      if (mo === null || d === null || !Number.isInteger(mo) || mo < 1 || mo > 12) return null;
      const t = parts(today);
      for (const y of [t.y, t.y + 1]) {
        if (!Number.isInteger(d) || d < 1 || d > daysIn(y, mo)) continue;
        const day = ymd(y, mo, d);
        if (day >= today) return { day, rolled: y !== t.y };
      }
      return null;
    },
  ],
  // 12.12, 12.5号: month.day with a two-digit day or a day word (1.5 alone is a length, 1.20*1.50 a size)
  [
    /(?<![0-9.*x×乘宽高])(1[0-2]|0?[1-9])\.(\d{2}|\d(?=\s*[号日]))\s*[号日]?(?![0-9.]|\s*(?:米|m|万|千|元|块|%|倍|公分|厘米|cm|mm|毫米|[*x×乘]))/g,
    (m, today) => {
      const mo = Number(m[1]);
      const d = Number(m[2]);
      const t = parts(today);
      for (const y of [t.y, t.y + 1]) {
        if (d < 1 || d > daysIn(y, mo)) continue;
        const day = ymd(y, mo, d);
        if (day >= today) return { day, rolled: y !== t.y };
      }
      return null;
    },
  ],
  // 月底, 月末, 月初 (early next month: the 1st of this month is always past or today), 月中, 年底. Said on the
  // month's (year's) last day, the end meant is the next one: a period's end that is today leaves no day to deliver.
  [
    /(本|这个|这)?月\s*(底|末|初|中)|年\s*(底|末)/g,
    (m, today) => {
      const t = parts(today);
      if (m[3]) {
        const end = ymd(t.y, 12, 31);
        return end > today ? { day: end, rolled: false } : { day: ymd(t.y + 1, 12, 31), rolled: true };
      }
      const w = m[2];
      if (w === '底' || w === '末') {
        const end = dayOfMonth(today, 0, 'last')!;
        return end > today ? { day: end, rolled: false } : { day: dayOfMonth(today, 1, 'last')!, rolled: true };
      }
      if (w === '初')
        return t.d === 1 ? { day: today, rolled: false } : { day: dayOfMonth(today, 1, 1)!, rolled: true };
      const mid = dayOfMonth(today, 0, 15)!;
      return mid >= today ? { day: mid, rolled: false } : { day: dayOfMonth(today, 1, 15)!, rolled: true };
    },
  ],
  // 5号, 二十号: this month, or next month once past
  [
    new RegExp(`(?<![0-9月/.])(${CN_NUM})\\s*(?:号|日)`, 'g'),
    (m, today) => {
      const d = num(m[1]);
      if (d === null || !Number.isInteger(d) || d < 1 || d > 31) return null;
      for (let off = 0; off <= 2; off++) {
        const day = dayOfMonth(today, off, d);
        if (day !== null && day >= today) return { day, rolled: off > 0 };
      }
      return null;
    },
  ],
];

// Words after a date that mark it as the delivery date when a message holds several dates.
const DELIVERY_AFTER = /^\s*(?:之前|以前|前)?\s*(?:送|到|发|交|提|要|装|用)/;

// Every rule's match holds one of these characters (or a digit, dot, digit: 12.12): most messages have none and skip
// the rules.
const DATE_CHARS = /[-/天日儿周期拜月号年]|\d\.\d/;

/** All date mentions of the (normalised) text, left to right, without overlaps. */
export function findDates(text: string, now: Date): DateMatch[] {
  const found: DateMatch[] = [];
  if (!DATE_CHARS.test(text)) return found;
  const today = todayIn(now);
  const taken = new Uint8Array(text.length);
  for (const [re, resolve] of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      let free = true;
      for (let i = start; i < end; i++) if (taken[i]) free = false;
      if (!free) continue;
      const r = resolve(m, today);
      if (r === null) continue;
      taken.fill(1, start, end);
      found.push({ date: iso(r.day), rolledForward: r.rolled, start, end });
    }
  }
  found.sort((a, b) => a.start - b.start);
  // "12月6号 礼拜天", "12月6号(周日)": a weekday right after a date names the same day, not a second one.
  return found.filter((d, i) => {
    const prev = found[i - 1];
    return !(
      prev &&
      /^[\s,()[\]]*$/.test(text.slice(prev.end, d.start)) &&
      /周|星期|礼拜/.test(text.slice(d.start, d.end))
    );
  });
}

/** The wanted date of a message: the one followed by a delivery word, else the last one. */
export function extractDate(text: string, now: Date): DateMatch | null {
  const all = findDates(text, now);
  if (all.length <= 1) return all[0] ?? null;
  const delivery = all.filter((d) => DELIVERY_AFTER.test(text.slice(d.end, d.end + 6)));
  return delivery.at(-1) ?? all.at(-1)!;
}
