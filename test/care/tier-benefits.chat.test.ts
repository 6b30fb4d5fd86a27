import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';

/** `tier.query` answers with the tier benefits table: the dealer's own benefits and what the next tier adds. */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ now: () => TEST_NOW });
});
afterAll(async () => app?.close());

/** A dealer of `tier` with a score for October (the tier answer's "next tier" needs one). */
async function scoredDealer(tier: 'key' | 'regular' | 'core', total: number): Promise<string> {
  const db = app.database.db;
  const { code } = await db
    .selectFrom('dealers')
    .select('code')
    .where('tier', '=', tier)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('dealer_scores')
    .values({
      dealer_code: code,
      month: '2026-10-01',
      purchase_scale: 70,
      category_expertise: 65,
      store_coverage: 60,
      growth_potential: 55,
      collaboration: 50,
      total,
      tier_before: tier,
      tier_after: tier,
      reasons: [],
      tags: [],
    })
    .onConflict((oc) => oc.columns(['dealer_code', 'month']).doNothing())
    .execute();
  return code;
}

describe('tier benefits table by chat', () => {
  it('a key dealer hears free training and marketing materials, and what core adds', async () => {
    const code = await scoredDealer('key', 66);
    const [r] = await app.say(code, '我现在是什么等级，有什么权益');
    expect(r).toContain('「重点培育」等级权益：');
    expect(r).toContain('免费培训名额');
    expect(r).toContain('营销物料支持');
    expect(r).toContain('升到「核心」还可享：新品优先试销；定制化返利');
  });

  it('a core dealer hears new-product trials first and a tailored rebate', async () => {
    const code = await scoredDealer('core', 80);
    const [r] = await app.say(code, '我的等级');
    expect(r).toContain('「核心」等级权益：');
    expect(r).toContain('新品优先试销');
    expect(r).toContain('定制化返利');
    expect(r).not.toContain('升到');
  });

  it("a manager asking is pointed to the dealer's own account", async () => {
    const [r] = await app.say('M001', '我的等级');
    expect(r).toContain('请让经销商直接问我');
  });
});
