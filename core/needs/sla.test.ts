import { describe, expect, it } from 'vitest';
import {
  checkpointKey,
  DEFAULT_SLA,
  deadlinesFor,
  parseSlaOverride,
  reopenedResolutionDue,
  stageAt,
  stageReached,
} from './sla.js';
import { managesDealer, parseNeedCode } from './needs.types.js';

const T0 = new Date('2026-11-26T10:00:00+08:00');
const H = 3_600_000;

describe('tier SLAs', () => {
  it('deadlines by tier: core 12/24 h, key 24/48 h, regular and silent 48/72 h', () => {
    const hours = (tier: 'core' | 'key' | 'regular' | 'silent') => {
      const d = deadlinesFor(tier, T0);
      return [(d.firstResponseDue.getTime() - T0.getTime()) / H, (d.resolutionDue.getTime() - T0.getTime()) / H];
    };
    expect([hours('core'), hours('key'), hours('regular'), hours('silent')]).toEqual([
      [12, 24],
      [24, 48],
      [48, 72],
      [48, 72],
    ]);
    expect(reopenedResolutionDue('key', T0).getTime() - T0.getTime()).toBe(48 * H);
  });

  it('stages at 50%, 80% and the deadline', () => {
    const due = new Date(T0.getTime() + 12 * H);
    expect(stageAt(T0, due, 50).getTime() - T0.getTime()).toBe(6 * H);
    expect(stageAt(T0, due, 80).getTime() - T0.getTime()).toBe(9.6 * H);
    expect(stageReached(T0, due, new Date(T0.getTime() + 6 * H - 1))).toBe(0);
    expect(stageReached(T0, due, new Date(T0.getTime() + 6 * H))).toBe(50);
    expect(stageReached(T0, due, new Date(T0.getTime() + 10 * H))).toBe(80);
    expect(stageReached(T0, due, due)).toBe(100);
    expect(checkpointKey(50, 'first', 1024)).toBe('warn50:first:1024');
    expect(checkpointKey(100, 'resolution', 1024, 2)).toBe('breach:resolution:1024:r2');
  });

  it('config override: valid specs replace tiers, anything malformed is refused', () => {
    const t = parseSlaOverride('core=8/16, key=20/40');
    expect(t).toEqual({
      ...DEFAULT_SLA,
      core: { firstResponse: 8, resolution: 16 },
      key: { firstResponse: 20, resolution: 40 },
    });
    expect(parseSlaOverride('core=8')).toBeNull();
    expect(parseSlaOverride('vip=1/2')).toBeNull();
    expect(parseSlaOverride('core=24/12')).toBeNull();
    expect(parseSlaOverride('')).toEqual(DEFAULT_SLA);
  });

  it('need codes and who manages a dealer', () => {
    expect(parseNeedCode('N1024')).toBe(1024);
    expect(parseNeedCode('n7')).toBe(7);
    expect(parseNeedCode('D0012')).toBeNull();
    const dealer = {
      code: 'D1',
      name: 'x',
      tier: 'core' as const,
      tags: [],
      managerCode: 'M002',
      regionalCode: 'M001',
    };
    expect(managesDealer({ code: 'M002', name: '', role: 'account', regionalCode: 'M001' }, dealer)).toBe(true);
    expect(managesDealer({ code: 'M001', name: '', role: 'regional', regionalCode: null }, dealer)).toBe(true);
    expect(managesDealer({ code: 'M003', name: '', role: 'account', regionalCode: 'M001' }, dealer)).toBe(false);
    expect(managesDealer({ code: 'M004', name: '', role: 'regional', regionalCode: null }, dealer)).toBe(false);
  });
});
