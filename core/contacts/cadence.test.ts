import { describe, expect, it } from 'vitest';
import { byUrgency, cadenceOf, DEFAULT_CADENCE, isOverdue, parseCadence, weekOf } from './cadence.js';

const at = (iso: string) => new Date(iso);
const d = (code: string, tier: 'core' | 'regular', last: string | null) => ({
  code,
  name: code,
  tier,
  managerCode: 'M1',
  lastContactAt: last ? at(last) : null,
});

describe('contact cadence', () => {
  it('K: core weekly, everyone else every two weeks; overridable per tier', () => {
    expect(DEFAULT_CADENCE).toEqual({ core: 7, key: 14, regular: 14, silent: 14 });
    expect(parseCadence('core=5, key=10')).toEqual({ core: 5, key: 10, regular: 14, silent: 14 });
    expect(parseCadence('core=0')).toBeNull();
    expect(parseCadence('gold=7')).toBeNull();
    expect(parseCadence('core=91')).toBeNull();
  });

  it('is due an interval after the last contact (Shanghai days) and overdue after that day', () => {
    // 23:30 UTC on 11-14 is 11-15 in Shanghai.
    const core = cadenceOf(d('D1', 'core', '2026-11-14T23:30:00Z'), DEFAULT_CADENCE, '2026-11-26');
    expect(core).toMatchObject({ dueOn: '2026-11-22', overdueDays: 4, never: false, intervalDays: 7 });
    expect(isOverdue(core)).toBe(true);
    const regular = cadenceOf(d('D2', 'regular', '2026-11-20T07:00:00Z'), DEFAULT_CADENCE, '2026-11-26');
    expect(regular).toMatchObject({ dueOn: '2026-12-04', overdueDays: 0 });
    expect(isOverdue(regular)).toBe(false);
    const never = cadenceOf(d('D3', 'regular', null), DEFAULT_CADENCE, '2026-11-26');
    expect(never).toMatchObject({ dueOn: '2026-11-26', never: true });
    expect(isOverdue(never)).toBe(true);
    expect([regular, core, never].sort(byUrgency).map((i) => i.code)).toEqual(['D3', 'D1', 'D2']);
  });

  it('weeks run Monday to Sunday', () => {
    expect(weekOf('2026-11-26')).toEqual({ monday: '2026-11-23', sunday: '2026-11-29' });
    expect(weekOf('2026-11-23')).toEqual({ monday: '2026-11-23', sunday: '2026-11-29' });
    expect(weekOf('2026-11-29')).toEqual({ monday: '2026-11-23', sunday: '2026-11-29' });
  });
});
