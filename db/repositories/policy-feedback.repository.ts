import type { Kysely } from 'kysely';
import type { PolicyComment, PolicyFeedbackStore } from '../../core/policies/feedback.js';
import type { Database } from '../schema.js';

/** Dealers' comments on policies (table policy_feedback, migration 0016); implements core's PolicyFeedbackStore. */
export class PolicyFeedbackRepository implements PolicyFeedbackStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(c: PolicyComment): Promise<void> {
    await this.db
      .insertInto('policy_feedback')
      .values({ policy_code: c.policyCode, dealer_code: c.dealerCode, text: c.text, created_at: c.at })
      .execute();
  }

  async list(policyCode: string, limit: number): Promise<PolicyComment[]> {
    const rows = await this.db
      .selectFrom('policy_feedback')
      .select(['policy_code', 'dealer_code', 'text', 'created_at'])
      .where('policy_code', '=', policyCode)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ policyCode: r.policy_code, dealerCode: r.dealer_code, text: r.text, at: r.created_at }));
  }

  async pushedTo(dealerCode: string) {
    const rows = await this.db
      .selectFrom('policy_deliveries as d')
      .innerJoin('policies as p', 'p.code', 'd.policy_code')
      .select(['d.policy_code', 'p.kind', 'p.name', 'd.pushed_at'])
      .where('d.dealer_code', '=', dealerCode)
      .orderBy('d.pushed_at', 'desc')
      .orderBy('d.policy_code')
      .execute();
    return rows.map((r) => ({ policyCode: r.policy_code, kind: r.kind, name: r.name, pushedAt: r.pushed_at }));
  }
}
