import { describe, expect, it } from 'vitest';
import type { DirectoryEntry, ScoreRecord, TierFacts } from './accounts.types.js';
import { DirectoryService, decideMatch } from './directory.service.js';
import type { DirectoryStore, StatementStore, TierStore } from './ports.js';
import { StatementService } from './statement.service.js';
import { nextTierByScore, TierService, weakestDimension } from './tier.service.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');

describe('StatementService (in-memory store)', () => {
  const calls: string[] = [];
  const store: StatementStore = {
    statementDealer: async (code) =>
      code === 'D0001'
        ? { code, name: '杭州锦华门窗商行', tier: 'key', creditLimitFen: 2_000_000, paymentTermsDays: 30 }
        : null,
    ordersPlaced: async (_d, from, to) => {
      calls.push(`placed ${from.toISOString()} ${to.toISOString()}`);
      return [
        {
          orderNo: 'SO202611050001',
          placedAt: new Date('2026-11-05T09:00:00+08:00'),
          status: 'delivered',
          totalFen: 800_000,
          paidAt: null,
        },
      ];
    },
    ordersPaid: async () => [],
    purchaseLines: async () => [],
    receivablesBilled: async () => [],
    rebatesSettled: async () => [],
    managerSees: async () => false,
    openReceivables: async () => [
      { orderNo: 'SO202611050001', amountFen: 800_000, paidFen: 0, dueDate: '2026-12-05', createdAt: NOW },
    ],
    creditFacts: async (_d, today, overdueDays) => {
      calls.push(`credit ${today} ${overdueDays}`);
      return { limitFen: 2_000_000, openReceivablesFen: 800_000, unpaidPlacedFen: 0, overdueFen: 0, maxOverdueDays: 0 };
    },
  };

  it('reads the running month in Shanghai time and the credit facts with the ordering rule', async () => {
    const s = await new StatementService(store).statement({ dealerCode: 'D0001', now: NOW });
    expect(calls).toEqual(['placed 2026-10-31T16:00:00.000Z 2026-11-26T16:00:00.000Z', 'credit 2026-11-26 30']);
    expect(s.period.label).toBe('2026-11');
    expect(s.orders.totalFen).toBe(800_000);
    expect(s.credit).toMatchObject({ usedFen: 800_000, leftFen: 1_200_000, canOrder: true });
  });

  it('an unknown dealer is a coded error', async () => {
    await expect(new StatementService(store).statement({ dealerCode: 'D9999', now: NOW })).rejects.toMatchObject({
      code: 'ACCOUNT.DEALER_NOT_FOUND',
    });
  });
});

const score = (month: string, total: number, before: ScoreRecord['tierBefore'], after: ScoreRecord['tierAfter']) => ({
  month,
  total,
  tierBefore: before,
  tierAfter: after,
  reasons: [`${month} 理由`],
  dimensions: { purchaseScale: 70, categoryExpertise: 64, storeCoverage: 41, growthPotential: 58, collaboration: 80 },
});

describe('TierService (in-memory store)', () => {
  const facts: TierFacts = {
    dealer: { code: 'D0001', name: '甲', tier: 'key', tierReasons: ['旧理由'] },
    latest: score('2026-11', 66.5, 'key', 'key'),
    lastChange: score('2026-09', 61, 'regular', 'key'),
  };
  const store: TierStore = { tierFacts: async (code) => (code === 'D0001' ? facts : null) };

  it('answers the tier with its benefits, the last change, the weakest dimension and the gap to the next tier', async () => {
    const t = await new TierService(store).status({ dealerCode: 'D0001' });
    expect(t.dealer.tier).toBe('key');
    expect(t.benefits).toMatchObject({ discountRate: 0.03, needSlaHours: 48 });
    expect(t.lastChange?.month).toBe('2026-09');
    expect(t.reasons).toEqual(['2026-11 理由']);
    expect(t.weakest).toBe('storeCoverage');
    expect(t.next).toEqual({ tier: 'core', minTotal: 75, gap: 8.5 });
  });

  it('falls back to the stored tier reasons without a score; unknown dealers are coded errors', async () => {
    const bare: TierStore = { tierFacts: async () => ({ ...facts, latest: null, lastChange: null }) };
    const t = await new TierService(bare).status({ dealerCode: 'D0001' });
    expect(t.reasons).toEqual(['旧理由']);
    expect(t.next).toBeNull();
    expect(t.weakest).toBeNull();
    await expect(new TierService(store).status({ dealerCode: 'D0002' })).rejects.toMatchObject({
      code: 'ACCOUNT.DEALER_NOT_FOUND',
    });
  });

  it('next tier: regular aims at key, core is the top, silence is left by ordering', () => {
    const s = score('2026-11', 52.3, 'regular', 'regular');
    expect(nextTierByScore('regular', s)).toEqual({ tier: 'key', minTotal: 60, gap: 7.7 });
    expect(nextTierByScore('core', s)).toBeNull();
    expect(nextTierByScore('silent', s)).toBeNull();
    expect(weakestDimension({ ...s.dimensions, collaboration: 10 })).toBe('collaboration');
  });
});

describe('DirectoryService (in-memory store)', () => {
  const entries: DirectoryEntry[] = [
    {
      code: 'D0002',
      name: '萧山华美建材有限公司',
      tier: 'key',
      province: '浙江',
      city: '杭州',
      county: '萧山区',
      contactNames: ['王建国'],
    },
  ];
  const seen: string[] = [];
  const store: DirectoryStore = {
    manager: async (code) => (code === 'M001' ? { code, role: 'account' } : null),
    dealersInScope: async (m) => {
      seen.push(m.code);
      return entries;
    },
  };

  it("searches only the manager's dealers", async () => {
    const hits = await new DirectoryService(store).searchByName({ managerCode: 'M001', text: '找下老王建材' });
    expect(hits.map((h) => h.entry.code)).toEqual(['D0002']);
    expect(seen).toEqual(['M001']);
  });

  it('a sender who is not a manager is a coded error', async () => {
    await expect(
      new DirectoryService(store).searchByName({ managerCode: 'D0001', text: '华美' }),
    ).rejects.toMatchObject({ code: 'ACCOUNT.MANAGER_NOT_FOUND' });
  });
});

describe('decideMatch', () => {
  const m = (code: string, score: number) => ({
    entry: { code, name: code, tier: 'key' as const, province: '', city: '', county: '', contactNames: [] },
    score,
  });

  it('takes a single match or a clear lead, lists close ones, and says when there is none', () => {
    expect(decideMatch([m('D0001', 0.7)])).toEqual({ kind: 'one', match: m('D0001', 0.7) });
    expect(decideMatch([m('D0001', 1), m('D0002', 0.8)])).toMatchObject({ kind: 'one', match: { score: 1 } });
    expect(decideMatch([m('D0001', 0.9), m('D0002', 0.85)])).toMatchObject({ kind: 'several' });
    expect(decideMatch([])).toEqual({ kind: 'none' });
  });
});
