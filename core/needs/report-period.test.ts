import { describe, expect, it } from 'vitest';
import { reportPeriod } from './report-period.js';

const now = new Date('2026-11-26T02:00:00Z');

describe('reportPeriod', () => {
  it('defaults to the 30 Shanghai days up to today, or up to `to`', () => {
    expect(reportPeriod({}, now)).toEqual({ from: '2026-10-28', to: '2026-11-26' });
    expect(reportPeriod({ to: '2026-11-01' }, now)).toEqual({ from: '2026-10-03', to: '2026-11-01' });
    expect(reportPeriod({ from: '2026-11-26', to: '2026-11-26' }, now)).toEqual({
      from: '2026-11-26',
      to: '2026-11-26',
    });
  });
  it('names the bad end: impossible dates and a reversed period', () => {
    expect(reportPeriod({ from: '2026-13-01' }, now)).toEqual({ error: 'from' });
    expect(reportPeriod({ to: '2026-02-30' }, now)).toEqual({ error: 'to' });
    expect(reportPeriod({ from: '2026-11-27', to: '2026-11-26' }, now)).toEqual({ error: 'order' });
  });
});
