import type { Kysely } from 'kysely';
import { addDays, shanghaiDate, shanghaiMidnight } from '../../core/common/time.js';
import { ladderRebate, qualifyingAmount } from '../../core/policies/index.js';
import type { LadderRebatePolicy } from '../../core/policies/policy.types.js';
import { PolicyRepository } from '../repositories/policies.repository.js';
import type { Database } from '../schema.js';

/** Every this-many dealer (by code) had an interim rebate settlement at the start of the running month. */
const SETTLED_EVERY = 4;
/** Comments dealers made on policies pushed to them (the demo's policy feedback). */
const COMMENTS = [
  '门槛有点高',
  '返点能不能再高一点',
  '满减门槛偏高，小店凑不够',
  '这个政策挺好，希望延续',
  '档位跨度太大了',
];

/**
 * The demo's statements side (issue 13): interim settlements of the running rebate period — what the ladder gave on
 * the orders up to the end of last month, paid on the 1st — so statements show settled rebates and a netted amount
 * due; and a few dealers' comments on the policies that reach them. Deterministic: picked by dealer code order.
 */
export async function seedStatements(db: Kysely<Database>, now: Date): Promise<Record<string, number>> {
  const repo = new PolicyRepository(db);
  const records = await repo.listPolicies();
  const dealers = await repo.listDealers();
  const today = shanghaiDate(now);
  const monthStart = `${today.slice(0, 7)}-01`;
  const settledAt = new Date(shanghaiMidnight(monthStart).getTime() + 10 * 3_600_000);
  const general = records.find((r) => r.policy.kind === 'ladder_rebate' && r.policy.target.tagsAny.length === 0)
    ?.policy as LadderRebatePolicy | undefined;
  let settlements = 0;
  if (general && general.period.start < monthStart && general.period.end >= today) {
    const picked = dealers.filter((_, i) => i % SETTLED_EVERY === 0);
    const upTo = addDays(monthStart, -1);
    const lines = await repo.orderLines(
      picked.map((d) => d.code),
      general.period.start,
      upTo,
    );
    for (const d of picked) {
      const basis = qualifyingAmount(
        lines.filter((l) => l.dealerCode === d.code),
        { period: { start: general.period.start, end: upTo }, excludeCategories: general.excludeCategories },
      );
      const accrued = ladderRebate(general, basis.amountFen);
      if (accrued === 0) continue;
      await db
        .insertInto('rebate_settlements')
        .values({
          dealer_code: d.code,
          policy_code: general.code,
          seq: 1,
          qualifying_fen: basis.amountFen,
          accrued_fen: accrued,
          paid_fen: accrued,
          settled_at: settledAt,
          settled_by: 'HQ-finance',
        })
        .execute();
      settlements++;
    }
  }
  let feedback = 0;
  const commented = records.filter((r) => r.policy.kind === 'ladder_rebate' || r.policy.kind === 'promotion');
  for (const [i, d] of dealers.filter((_, j) => j % 25 === 7).entries()) {
    const record = commented[i % commented.length];
    if (!record) break;
    await db
      .insertInto('policy_feedback')
      .values({
        policy_code: record.policy.code,
        dealer_code: d.code,
        text: COMMENTS[i % COMMENTS.length]!,
        created_at: new Date(now.getTime() - (i + 1) * 3_600_000),
      })
      .execute();
    feedback++;
  }
  return { rebate_settlements: settlements, policy_feedback: feedback };
}
