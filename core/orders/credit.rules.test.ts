import { describe, expect, it } from 'vitest';
import { checkCredit } from './credit.rules.js';

const base = {
  limitFen: 1_000_000,
  openReceivablesFen: 300_000,
  unpaidPlacedFen: 200_000,
  overdueFen: 0,
  maxOverdueDays: 0,
};

describe('credit', () => {
  it('counts open receivables and placed-but-unpaid orders as exposure', () => {
    const c = checkCredit(base, 400_000);
    expect(c).toMatchObject({ ok: true, exposureFen: 500_000, headroomFen: 500_000, settleFen: 0 });
  });
  it('exactly at the limit is fine; one fen over blocks with the amount to settle', () => {
    expect(checkCredit(base, 500_000).ok).toBe(true);
    expect(checkCredit(base, 500_001)).toMatchObject({ ok: false, overLimitFen: 1, settleFen: 1 });
  });
  it('any receivable overdue more than 30 days blocks, whatever the headroom', () => {
    const c = checkCredit({ ...base, overdueFen: 80_000, maxOverdueDays: 41 }, 1);
    expect(c).toMatchObject({ ok: false, overdueFen: 80_000, maxOverdueDays: 41, settleFen: 80_000 });
  });
  it('settling covers the larger of the overdue amount and the excess', () => {
    expect(checkCredit({ ...base, overdueFen: 80_000, maxOverdueDays: 35 }, 700_000).settleFen).toBe(200_000);
  });
});
