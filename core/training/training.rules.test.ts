import { describe, expect, it } from 'vitest';
import { feeFor, isTargeted, seatsLeft } from './training.rules.js';
import type { TrainingDealer } from './training.types.js';

const dealer = (tier: TrainingDealer['tier'], tags: string[] = []): TrainingDealer => ({
  code: 'D0001',
  name: 'x',
  tier,
  tags,
  managerCode: 'M001',
});

describe('training rules', () => {
  it('targets by tier (none: every tier) and by any of the tags', () => {
    expect(isTargeted({ targetTiers: [], targetTags: [] }, dealer('silent'))).toBe(true);
    expect(isTargeted({ targetTiers: ['core', 'key'], targetTags: [] }, dealer('regular'))).toBe(false);
    expect(isTargeted({ targetTiers: ['core', 'key'], targetTags: [] }, dealer('key'))).toBe(true);
    expect(isTargeted({ targetTiers: [], targetTags: ['工程渠道'] }, dealer('core', ['门窗专长']))).toBe(false);
    expect(isTargeted({ targetTiers: [], targetTags: ['工程渠道', '高成长'] }, dealer('core', ['高成长']))).toBe(true);
  });

  it('key and core dealers attend free (a tier benefit); the others pay the fee', () => {
    expect(feeFor({ feeFen: 80_000 }, 'key')).toBe(0);
    expect(feeFor({ feeFen: 80_000 }, 'core')).toBe(0);
    expect(feeFor({ feeFen: 80_000 }, 'regular')).toBe(80_000);
    expect(feeFor({ feeFen: 80_000 }, 'silent')).toBe(80_000);
  });

  it('counts the seats left, never below zero', () => {
    expect(seatsLeft({ seats: 10, enrolled: 3 })).toBe(7);
    expect(seatsLeft({ seats: 10, enrolled: 12 })).toBe(0);
  });
});
