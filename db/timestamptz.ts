import pg from 'pg';

const defaultParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (v: string) => unknown;

const digit = (v: string, i: number) => v.charCodeAt(i) - 48;
const two = (v: string, i: number) => digit(v, i) * 10 + digit(v, i + 1);

/**
 * A timestamptz as PostgreSQL writes it in text with DateStyle ISO ("2026-11-30 23:58:46.123456+08", "+05:30"),
 * read by position: node-postgres' parser (postgres-date, three regular expressions a value) was about 1% of the
 * app's CPU under load, every taken message and reply row carrying several. Milliseconds are the fraction's first
 * three digits (a Date holds no more). Anything else — years before 100 or past 9999, BC, ±infinity, an unexpected
 * shape — goes to node-postgres' own parser, so the result is always the same as before.
 */
export function parseTimestamptz(v: string): unknown {
  const n = v.length;
  if (n < 22 || v.charCodeAt(4) !== 45 || v.charCodeAt(10) !== 32 || v.charCodeAt(n - 1) === 67 /* …BC */) {
    return defaultParser(v);
  }
  let i = 19;
  let ms = 0;
  if (v.charCodeAt(i) === 46) {
    let scale = 100;
    for (i++; i < n; i++) {
      const d = digit(v, i);
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale = scale > 1 ? scale / 10 : 0;
    }
  }
  const sign = v.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || i + 3 > n) return defaultParser(v);
  let offset = two(v, i + 1) * 3600;
  if (v.charCodeAt(i + 3) === 58) {
    offset += two(v, i + 4) * 60;
    if (v.charCodeAt(i + 6) === 58) offset += two(v, i + 7);
  }
  const year = two(v, 0) * 100 + two(v, 2);
  // Date.UTC reads years 0–99 as 1900–1999: leave those to the default parser.
  if (year < 100) return defaultParser(v);
  const utc = Date.UTC(year, two(v, 5) - 1, two(v, 8), two(v, 11), two(v, 14), two(v, 17), ms);
  const t = utc - (sign === 43 ? offset : -offset) * 1000;
  return Number.isNaN(t) ? defaultParser(v) : new Date(t);
}
