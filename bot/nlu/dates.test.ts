import { describe, expect, it } from 'vitest';
import { extractDate, shanghaiDate } from './dates.js';

const NOW = new Date('2026-11-26T12:00:00+08:00'); // Thursday
const d = (text: string, now = NOW) => extractDate(text, now);

describe('extractDate (Asia/Shanghai)', () => {
  it.each([
    ['今天送', '2026-11-26'],
    ['明天送到', '2026-11-27'],
    ['后天到', '2026-11-28'],
    ['大后天', '2026-11-29'],
    ['这周六送', '2026-11-28'],
    ['本周日', '2026-11-29'],
    ['星期天', '2026-11-29'],
    ['礼拜五到', '2026-11-27'],
    ['下周一', '2026-11-30'],
    ['下周三到货', '2026-12-02'],
    ['下星期天', '2026-12-06'],
    ['下下周二', '2026-12-08'],
    ['月底送', '2026-11-30'],
    ['下个月5号', '2026-12-05'],
    ['下月底', '2026-12-31'],
    ['12月5号送货', '2026-12-05'],
    ['十二月十号', '2026-12-10'],
    ['12月20日', '2026-12-20'],
    ['30号', '2026-11-30'],
    ['3天后', '2026-11-29'],
    ['2026-12-24', '2026-12-24'],
  ])('%s → %s', (text, iso) => {
    expect(d(text)).toMatchObject({ date: iso, rolledForward: false });
  });

  it('rolls past dates forward and says so', () => {
    expect(d('5号送')).toMatchObject({ date: '2026-12-05', rolledForward: true });
    expect(d('11月20号')).toMatchObject({ date: '2027-11-20', rolledForward: true });
    expect(d('这周三')).toMatchObject({ date: '2026-12-02', rolledForward: true });
    expect(d('月初')).toMatchObject({ date: '2026-12-01', rolledForward: true });
  });

  it('"月底" said on the month\'s last day is the next month\'s end (today leaves no day to deliver)', () => {
    const lastDay = new Date('2026-11-30T10:00:00+08:00');
    expect(d('月底前送到就行', lastDay)).toMatchObject({ date: '2026-12-31', rolledForward: true });
    expect(d('月底', new Date('2026-11-29T10:00:00+08:00'))).toMatchObject({ date: '2026-11-30' });
    expect(d('年底', new Date('2026-12-31T10:00:00+08:00'))).toMatchObject({ date: '2027-12-31' });
  });

  it('uses the Shanghai calendar day, not UTC', () => {
    const lateUtc = new Date('2026-11-26T17:30:00Z'); // 01:30 on the 27th in Shanghai
    expect(shanghaiDate(lateUtc)).toBe('2026-11-27');
    expect(d('明天', lateUtc)?.date).toBe('2026-11-28');
  });

  it('ignores non-dates and invalid days', () => {
    expect(d('合作三周年')).toBeNull();
    expect(d('2月30号')).toBeNull();
    expect(d('上周三')).toBeNull();
    expect(d('订30套N60')).toBeNull();
  });

  it('prefers the delivery date when several are given', () => {
    expect(d('今天下单，下周五送到')?.date).toBe('2026-12-04');
  });
});
