import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryPolicyStore, orderLine } from '../testing/policies.fakes.js';
import { ladderPosition } from './ladder.js';
import { type LadderRebatePolicy, parsePolicies } from './policy.types.js';
import type { PolicyDealer } from './ports.js';
import { qualifyingAmount } from './qualifying.js';
import {
  buildRebateStatement,
  type RebateSettlement,
  RebateStatementService,
  type SettlementStore,
} from './rebate-statement.js';

const policies = parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
const vectors = JSON.parse(readFileSync(new URL('../../test/fixtures/rebate-vectors.json', import.meta.url), 'utf8'))
  .cases as Array<{
  policy: string;
  amount: number;
  expect: { rate: number; rebate: number; next: { from: number; gap: number; rebateAtNext: number } | null };
}>;
const ladder = (code: string) => policies.find((p) => p.code === code) as LadderRebatePolicy;
const NOW = new Date('2026-11-26T10:00:00+08:00');
const LATER = new Date('2026-12-20T10:00:00+08:00');

class MemorySettlements implements SettlementStore {
  rows: Array<RebateSettlement & { dealerCode: string; policyCode: string }> = [];
  async settlements(dealerCode: string, policyCode: string) {
    return this.rows.filter((r) => r.dealerCode === dealerCode && r.policyCode === policyCode);
  }
  async insertSettlement(s: RebateSettlement & { dealerCode: string; policyCode: string }) {
    if (this.rows.some((r) => r.dealerCode === s.dealerCode && r.policyCode === s.policyCode && r.seq === s.seq))
      return false;
    this.rows.push(s);
    return true;
  }
}

describe('the rebate statement is the rebate engine to the fen (test/fixtures/rebate-vectors.json)', () => {
  for (const v of vectors) {
    it(`${v.policy} at ${v.amount} fen`, () => {
      const s = buildRebateStatement({
        dealer: { code: 'D0001', name: 'x' },
        policy: ladder(v.policy),
        basis: { amountFen: v.amount, excludedFen: 0, cancelledFen: 0, countedLines: 1 },
        settlements: [],
        today: '2026-11-26',
      });
      expect(s.position.rate).toBe(v.expect.rate);
      expect(s.accruedFen).toBe(v.expect.rebate);
      expect(s.position.next).toEqual(v.expect.next);
      expect(s.netDueFen).toBe(v.expect.rebate);
      expect(s.position).toEqual(ladderPosition(ladder(v.policy), v.amount));
    });
  }
});

describe('settlements net against earlier ones: a period is never paid twice', () => {
  const dealer: PolicyDealer = {
    code: 'D0001',
    name: '锦华门窗',
    tier: 'core',
    tags: ['工程渠道'],
    partnershipStart: '2020-03-01',
  };
  function setup() {
    const store = new MemoryPolicyStore({
      records: policies.map((policy) => ({ policy, active: true, promoted: false })),
      dealers: [dealer],
      lines: [orderLine({ dealerCode: 'D0001', amountFen: 125_000_000 })],
    });
    const settlements = new MemorySettlements();
    return { store, settlements, service: new RebateStatementService(store, settlements) };
  }

  it('lists both stacked ladders of an engineering-channel dealer, each as the engine computes it', async () => {
    const { service, store } = setup();
    const rs = await service.statements('D0001', NOW);
    expect(rs.map((r) => [r.policy.code, r.accruedFen, r.policy.stacksOn])).toEqual([
      ['LADDER-2026Q4', 3_750_000, []],
      ['LADDER-ENG-2026Q4', 1_750_000, ['LADDER-2026Q4']],
    ]);
    const basis = qualifyingAmount(store.lines, ladder('LADDER-2026Q4'));
    expect(rs[0]?.basis).toEqual(basis);
  });

  it('a second settlement pays only what accrued since; with nothing new it pays nothing', async () => {
    const { service, settlements, store } = setup();
    const first = await service.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: NOW });
    expect(first.kind).toBe('settled');
    if (first.kind !== 'settled') return;
    expect(first.settlement).toMatchObject({ seq: 1, accruedFen: 3_750_000, paidFen: 3_750_000 });
    expect(first.statement.netDueFen).toBe(0);

    expect((await service.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: NOW })).kind).toBe(
      'nothing_due',
    );

    // ¥750,000 more reaches the ¥2,000,000 band: 4% on ¥2,000,000 = ¥80,000, of which ¥37,500 is already paid.
    store.lines.push(
      orderLine({ dealerCode: 'D0001', amountFen: 75_000_000, placedAt: new Date('2026-12-10T10:00:00+08:00') }),
    );
    const second = await service.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: LATER });
    if (second.kind !== 'settled') throw new Error('expected a settlement');
    expect(second.settlement).toMatchObject({ seq: 2, accruedFen: 8_000_000, paidFen: 4_250_000 });
    expect(second.statement.settledFen).toBe(8_000_000);
    expect(settlements.rows.reduce((s, r) => s + r.paidFen, 0)).toBe(8_000_000);
  });

  it('a cancellation after a settlement is clawed back by the next one (negative adjustment)', async () => {
    const { service, store } = setup();
    await service.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: NOW });
    // The ¥1,250,000 turns out to be ¥900,000 + ¥300,000 delivered and ¥50,000 cancelled: ¥1,200,000 at 3%.
    store.lines[0] = { ...store.lines[0]!, amountFen: 90_000_000 };
    store.lines.push(
      orderLine({ dealerCode: 'D0001', amountFen: 30_000_000 }),
      orderLine({ dealerCode: 'D0001', amountFen: 5_000_000, orderStatus: 'cancelled' }),
    );
    const [s] = await service.statements('D0001', LATER, 'LADDER-2026Q4');
    expect(s?.accruedFen).toBe(3_600_000);
    expect(s?.netDueFen).toBe(-150_000);
    const adj = await service.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: LATER });
    if (adj.kind !== 'settled') throw new Error('expected an adjustment');
    expect(adj.settlement.paidFen).toBe(-150_000);
    expect(adj.statement.settledFen).toBe(3_600_000);
  });

  it('a concurrent settlement of the same period fails instead of paying twice', async () => {
    const { store } = setup();
    const racing = new MemorySettlements();
    // Both read "nothing settled yet"; the second insert of seq 1 loses.
    const a = new RebateStatementService(store, racing);
    const b = new RebateStatementService(store, {
      settlements: async () => [],
      insertSettlement: (s) => racing.insertSettlement(s),
    });
    await a.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: NOW });
    await expect(b.settle({ dealerCode: 'D0001', policyCode: 'LADDER-2026Q4', by: 'hq', now: NOW })).rejects.toThrow(
      /another settlement/,
    );
    expect(racing.rows).toHaveLength(1);
  });

  it('refuses an unknown ladder, a ladder that does not target the dealer and an unknown dealer', async () => {
    const { service, store } = setup();
    await expect(service.statements('D0001', NOW, 'GROWTH-2026')).rejects.toThrow(/no such ladder/);
    store.dealers.push({ ...dealer, code: 'D0002', tags: [] });
    await expect(service.statements('D0002', NOW, 'LADDER-ENG-2026Q4')).rejects.toThrow(/does not target/);
    await expect(service.statements('D9999', NOW)).rejects.toThrow(/unknown dealer/);
  });
});
