import type { Kysely } from 'kysely';
import type { RebateSettlement, SettlementStore } from '../../core/policies/rebate-statement.js';
import type { Database } from '../schema.js';

/** Rebate settlements (table rebate_settlements, migration 0016); implements core's SettlementStore. */
export class SettlementRepository implements SettlementStore {
  constructor(private readonly db: Kysely<Database>) {}

  async settlements(dealerCode: string, policyCode: string): Promise<RebateSettlement[]> {
    const rows = await this.db
      .selectFrom('rebate_settlements')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .where('policy_code', '=', policyCode)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      qualifyingFen: r.qualifying_fen,
      accruedFen: r.accrued_fen,
      paidFen: r.paid_fen,
      settledAt: r.settled_at,
      settledBy: r.settled_by,
    }));
  }

  async insertSettlement(s: RebateSettlement & { dealerCode: string; policyCode: string }): Promise<boolean> {
    const rows = await this.db
      .insertInto('rebate_settlements')
      .values({
        dealer_code: s.dealerCode,
        policy_code: s.policyCode,
        seq: s.seq,
        qualifying_fen: s.qualifyingFen,
        accrued_fen: s.accruedFen,
        paid_fen: s.paidFen,
        settled_at: s.settledAt,
        settled_by: s.settledBy,
      })
      .onConflict((oc) => oc.columns(['dealer_code', 'policy_code', 'seq']).doNothing())
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** Settlements paid to the dealer in [from, to): the statement of account's "rebates settled". */
  async settledBetween(
    dealerCode: string,
    from: Date,
    to: Date,
  ): Promise<Array<RebateSettlement & { policyCode: string }>> {
    const rows = await this.db
      .selectFrom('rebate_settlements')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .where('settled_at', '>=', from)
      .where('settled_at', '<', to)
      .orderBy('settled_at')
      .execute();
    return rows.map((r) => ({
      policyCode: r.policy_code,
      seq: r.seq,
      qualifyingFen: r.qualifying_fen,
      accruedFen: r.accrued_fen,
      paidFen: r.paid_fen,
      settledAt: r.settled_at,
      settledBy: r.settled_by,
    }));
  }
}
