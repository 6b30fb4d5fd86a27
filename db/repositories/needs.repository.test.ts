import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/db.js';
import { insertNeedsFixture } from '../../test/helpers/needs-fixture.js';
import type { DatabaseHandle } from '../connect.js';
import { needsReport } from './needs.repository.js';

const T0 = new Date('2026-11-20T09:00:00+08:00');
const H = 3_600_000;
const t = (hours: number) => new Date(T0.getTime() + hours * H);

describe('needs report (SQL percentiles)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase({ seeded: false });
    await insertNeedsFixture(h.db, T0);
    // Core needs (12 h / 24 h) answered after 1, 2, 3, 4 and 20 hours; resolved 10, 20, 30 h after creation.
    const base = { dealer_code: 'D0101', category: 'training', text: 'x', owner_code: 'M102', tier: 'core' as const };
    const core = [
      { fr: 1, res: 10, rating: 5 },
      { fr: 2, res: 20, rating: 4 },
      { fr: 3, res: 30, rating: 1 },
      { fr: 4, res: null, rating: null },
      { fr: 20, res: null, rating: null },
    ];
    await h.db
      .insertInto('needs')
      .values(
        core.map((c) => ({
          ...base,
          status: c.res === null ? ('claimed' as const) : ('closed' as const),
          first_response_due: t(12),
          resolution_due: t(24),
          first_response_at: t(c.fr),
          resolved_at: c.res === null ? null : t(c.res),
          rating: c.rating,
          created_at: T0,
        })),
      )
      .execute();
    // A key need still open after 30 hours (first response due at 24 h: missed), and one outside the period.
    await h.db
      .insertInto('needs')
      .values([
        {
          ...base,
          dealer_code: 'D0102',
          owner_code: 'M103',
          tier: 'key',
          status: 'open',
          first_response_due: t(24),
          resolution_due: t(48),
          created_at: T0,
        },
        { ...base, status: 'open', first_response_due: t(-100), resolution_due: t(-90), created_at: t(-24 * 30) },
      ])
      .execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('medians, p90, hit rates, ratings and open ages per tier', async () => {
    const r = await needsReport(h.db, { from: '2026-11-20', to: '2026-11-20', now: t(30) });
    expect(r.rows.map((x) => x.tier)).toEqual(['core', 'key', 'regular', 'silent', 'all']);
    const core = r.rows[0]!;
    expect(core.submitted).toBe(5);
    expect(core.firstResponseP50).toBeCloseTo(3);
    expect(core.firstResponseP90).toBeCloseTo(13.6); // 4 + 0.6 × (20 − 4)
    expect(core.resolutionP50).toBeCloseTo(20);
    expect(core.resolutionP90).toBeCloseTo(28);
    expect(core.firstResponseHitRate).toBeCloseTo(4 / 5);
    // Resolution decided for all five at 30 h: two on time (10 h, 20 h), one late, two overdue.
    expect(core.resolutionHitRate).toBeCloseTo(2 / 5);
    expect(core.avgRating).toBeCloseTo(10 / 3);
    expect(core.openByAge).toEqual({ lt12h: 0, h12to24: 0, h24to48: 2, h48to72: 0, ge72h: 0 });
    const key = r.rows[1]!;
    expect(key).toMatchObject({
      submitted: 1,
      firstResponseP50: null,
      firstResponseHitRate: 0,
      resolutionHitRate: null,
      avgRating: null,
    });
    expect(r.rows[2]).toMatchObject({ submitted: 0, firstResponseHitRate: null });
    expect(r.rows[4]).toMatchObject({ submitted: 6, rated: 3 });
  });
});
