import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './timestamptz.js';

const viaPg = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (v: string) => unknown;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL writes as node-postgres does, offsets and fractions of every length', () => {
    for (const v of [
      '2026-11-30 23:58:46+00',
      '2026-11-30 23:58:46.1+00',
      '2026-11-30 23:58:46.123456+08',
      '2026-12-01 07:58:46.999999-03:30',
      '1999-12-31 23:59:59.5+05:45',
      '2026-03-01 00:00:00+14',
      '2016-12-31 23:59:60+00',
      '1901-01-01 00:00:00+00:19:32',
    ]) {
      expect(parseTimestamptz(v), v).toEqual(viaPg(v));
    }
  });

  it('agrees with the components it was built from, at random (5,000 values)', () => {
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    for (let i = 0; i < 5000; i++) {
      const [y, mo, d, h, mi, s] = [1900 + rnd(300), 1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(60)];
      const micros = rnd(1_000_000);
      const digits = rnd(7);
      const frac = digits === 0 ? '' : `.${pad(micros, 6).slice(0, digits)}`;
      const off = (rnd(2) ? 1 : -1) * (rnd(15) * 60 + [0, 30, 45][rnd(3)]!);
      const abs = Math.abs(off);
      const tz = `${off < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
      const v = `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}${frac}${tz}`;
      const ms = digits === 0 ? 0 : Number(pad(micros, 6).slice(0, digits).padEnd(3, '0').slice(0, 3));
      const want = Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60_000;
      expect((parseTimestamptz(v) as Date).getTime(), v).toBe(want);
    }
  });

  it("leaves every other shape to node-postgres' parser", () => {
    for (const v of [
      'infinity',
      '-infinity',
      '0050-01-01 00:00:00+00',
      '2026-01-01 00:00:00+00 BC',
      '12026-01-01 00:00:00+00',
    ]) {
      expect(parseTimestamptz(v), v).toEqual(viaPg(v));
    }
  });
});
