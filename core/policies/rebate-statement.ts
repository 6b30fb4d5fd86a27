import { DomainError } from '../common/errors.js';
import { shanghaiDate } from '../common/time.js';
import { laddersFor } from './current.js';
import { type LadderPosition, ladderPosition } from './ladder.js';
import type { LadderBand, LadderRebatePolicy } from './policy.types.js';
import type { PolicyDealer, PolicyRecord, PolicyStore } from './ports.js';
import { type QualifyingAmount, qualifyingAmount } from './qualifying.js';
import { isTargeted } from './targeting.js';

/** One settlement of a dealer's rebate for a policy period. Money in fen. */
export interface RebateSettlement {
  /** 1, 2, … per dealer and policy: the second settlement of a period is seq 2. */
  seq: number;
  qualifyingFen: number;
  /** What the ladder gave at the time of the settlement. */
  accruedFen: number;
  /** What this settlement paid: accrued minus everything settled before (negative claws back an over-payment). */
  paidFen: number;
  settledAt: Date;
  settledBy: string;
}

/** What settlements need stored (db/repositories/settlements.repository.ts). */
export interface SettlementStore {
  /** The dealer's settlements under the policy, by seq. */
  settlements(dealerCode: string, policyCode: string): Promise<RebateSettlement[]>;
  /** Inserts the settlement; false when that seq already exists (a concurrent settlement won). */
  insertSettlement(s: RebateSettlement & { dealerCode: string; policyCode: string }): Promise<boolean>;
}

/** A rebate statement for one policy period: the engine's numbers and what has been settled against them. */
export interface RebateStatement {
  dealer: { code: string; name: string };
  policy: {
    code: string;
    name: string;
    mode: LadderRebatePolicy['mode'];
    period: { start: string; end: string };
    ladder: LadderBand[];
    /** Other ladders paid together with this one (`combines.stacks`), or that it keeps from being paid. */
    stacksOn: string[];
    replaces: string[];
  };
  asOf: string;
  /** The period is still running: accrued is what the orders so far give. */
  running: boolean;
  basis: QualifyingAmount;
  position: LadderPosition;
  accruedFen: number;
  settlements: RebateSettlement[];
  settledFen: number;
  /** accrued − settled: what the next settlement pays (negative: it claws back). */
  netDueFen: number;
}

/** Puts a rebate statement together from the dealer's qualifying order lines and the settlements so far. */
export function buildRebateStatement(input: {
  dealer: Pick<PolicyDealer, 'code' | 'name'>;
  policy: LadderRebatePolicy;
  stacksOn?: string[];
  replaces?: string[];
  basis: QualifyingAmount;
  settlements: readonly RebateSettlement[];
  today: string;
}): RebateStatement {
  const position = ladderPosition(input.policy, input.basis.amountFen);
  const settledFen = input.settlements.reduce((s, x) => s + x.paidFen, 0);
  return {
    dealer: { code: input.dealer.code, name: input.dealer.name },
    policy: {
      code: input.policy.code,
      name: input.policy.name,
      mode: input.policy.mode,
      period: { start: input.policy.period.start, end: input.policy.period.end },
      ladder: input.policy.ladder,
      stacksOn: input.stacksOn ?? [],
      replaces: input.replaces ?? [],
    },
    asOf: input.today,
    running: input.today <= input.policy.period.end,
    basis: input.basis,
    position,
    accruedFen: position.rebate,
    settlements: [...input.settlements].sort((a, b) => a.seq - b.seq),
    settledFen,
    netDueFen: position.rebate - settledFen,
  };
}

export type SettlementOutcome =
  | { kind: 'settled'; settlement: RebateSettlement; statement: RebateStatement }
  | { kind: 'nothing_due'; statement: RebateStatement };

/**
 * Rebate statements and settlements. A statement covers every ladder in force for the dealer today
 * (`laddersFor`: stacked ones each on its own line) or one named ladder; a settlement pays accrued minus what was
 * settled before, so settling a period twice never pays twice.
 *
 * @example
 * const [s] = await new RebateStatementService(policyStore, settlementStore).statements('D0012', now);
 * s.netDueFen; // what settling now would pay
 */
export class RebateStatementService {
  constructor(
    private readonly store: PolicyStore,
    private readonly settlements: SettlementStore,
  ) {}

  /** The dealer's rebate statements: the named ladder, else every ladder in force today. */
  async statements(dealerCode: string, now: Date, policyCode?: string): Promise<RebateStatement[]> {
    const dealer = await this.store.findDealer(dealerCode);
    if (!dealer) throw new DomainError('REBATE.NOT_FOUND', 'unknown dealer', { dealerCode });
    const today = shanghaiDate(now);
    const records = await this.store.listPolicies();
    const chosen = policyCode ? named(records, policyCode, dealer) : laddersFor(dealer, today, records);
    const out: RebateStatement[] = [];
    for (const l of chosen) {
      const lines = await this.store.orderLines([dealer.code], l.policy.period.start, l.policy.period.end);
      out.push(
        buildRebateStatement({
          dealer,
          policy: l.policy,
          stacksOn: l.stacksOn,
          replaces: l.replaces,
          basis: qualifyingAmount(lines, l.policy),
          settlements: await this.settlements.settlements(dealer.code, l.policy.code),
          today,
        }),
      );
    }
    return out;
  }

  /** Settles the dealer's rebate under one ladder now: pays accrued − settled (nothing when they are equal). */
  async settle(input: { dealerCode: string; policyCode: string; by: string; now: Date }): Promise<SettlementOutcome> {
    const [statement] = await this.statements(input.dealerCode, input.now, input.policyCode);
    if (!statement) throw new DomainError('REBATE.NOT_FOUND', 'no such ladder', { code: input.policyCode });
    if (statement.netDueFen === 0) return { kind: 'nothing_due', statement };
    const settlement: RebateSettlement = {
      seq: (statement.settlements.at(-1)?.seq ?? 0) + 1,
      qualifyingFen: statement.basis.amountFen,
      accruedFen: statement.accruedFen,
      paidFen: statement.netDueFen,
      settledAt: input.now,
      settledBy: input.by,
    };
    const ok = await this.settlements.insertSettlement({
      ...settlement,
      dealerCode: input.dealerCode,
      policyCode: statement.policy.code,
    });
    if (!ok)
      throw new DomainError('REBATE.CONFLICT', 'another settlement of this period was just recorded', {
        dealerCode: input.dealerCode,
        policyCode: statement.policy.code,
      });
    const after = buildRebateStatement({
      dealer: statement.dealer,
      policy: await this.ladder(input.policyCode),
      stacksOn: statement.policy.stacksOn,
      replaces: statement.policy.replaces,
      basis: statement.basis,
      settlements: [...statement.settlements, settlement],
      today: statement.asOf,
    });
    return { kind: 'settled', settlement, statement: after };
  }

  private async ladder(code: string): Promise<LadderRebatePolicy> {
    const r = await this.store.findPolicy(code);
    if (r?.policy.kind !== 'ladder_rebate') throw new DomainError('REBATE.NOT_FOUND', 'no such ladder', { code });
    return r.policy;
  }
}

/** A named ladder policy: any targeted dealer's, even after its period (settlements come after the period). */
function named(records: readonly PolicyRecord[], code: string, dealer: PolicyDealer) {
  const r = records.find((x) => x.policy.code === code);
  if (r?.policy.kind !== 'ladder_rebate') throw new DomainError('REBATE.NOT_FOUND', 'no such ladder', { code });
  if (!isTargeted(r.policy, dealer))
    throw new DomainError('REBATE.NOT_TARGETED', 'the ladder does not target this dealer', { code });
  return [{ policy: r.policy, stacksOn: [], replaces: [] }];
}
