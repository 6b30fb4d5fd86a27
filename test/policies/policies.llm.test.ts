import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatYuan } from '../../bot/replies/policy.explain.js';
import { ladderPosition } from '../../core/policies/ladder.js';
import { MAX_MESSAGE_BYTES } from '../../bot/pipeline/outbox.js';
import { chooseExplanation } from '../../bot/replies/rephrase.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/llm/fake-openai.server.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { ensureDemoData, filePolicy, qualifyingFromDb } from './policies.fixtures.js';

const LADDER = filePolicy('LADDER-2026Q4', 'ladder_rebate');

describe('LLM phrasing of policy explanations (fake OpenAI server, number guard)', () => {
  let fake: FakeOpenAI;
  let app: TestApp;
  let dealer = '';
  let amount = 0;
  let rebate = 0;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    app = await startTestApp({
      seeded: true,
      now: () => TEST_NOW,
      prepare: ensureDemoData,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl, LLM_TIMEOUT_MS: '3000' },
    });
    const d = await app.database.db.selectFrom('dealers').select('code').orderBy('code').executeTakeFirstOrThrow();
    dealer = d.code;
    amount = await qualifyingFromDb(app.database.db, dealer, LADDER.period, LADDER.excludeCategories);
    rebate = ladderPosition(LADDER, amount).rebate;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const rephraseCalls = () => fake.requests.filter((r) => !r.body?.tools);

  it("sends the model's wording when every number in it is among the computed facts", async () => {
    const grounded = `老板您好，这个季度您累计进货 ${formatYuan(amount)}，目前已拿到返利 ${formatYuan(rebate)}，五金辅料和取消的订单不算。`;
    fake.setDefault({ kind: 'content', content: grounded });
    const before = rephraseCalls().length;
    const [text] = await app.say(dealer, '阶梯返利怎么算');
    expect(rephraseCalls().length).toBe(before + 1);
    const call = rephraseCalls().at(-1)!;
    expect(JSON.stringify(call.body.messages)).toContain(formatYuan(amount)); // the template and its facts went in
    expect(text).toContain(grounded);
    expect(text).not.toContain('档位：'); // not the template
  });

  it('falls back to the template when the model invents a number', async () => {
    fake.setDefault({ kind: 'content', content: `您累计 ${formatYuan(amount)}，再订 ¥123,457 就能拿到 6% 的返利！` });
    const before = rephraseCalls().length;
    const [text] = await app.say(dealer, '阶梯返利怎么算');
    expect(rephraseCalls().length).toBe(before + 1);
    expect(text).not.toContain('123,457');
    expect(text).toContain(`您本季度累计 ${formatYuan(amount)}`);
    expect(text).toContain('档位：');
  });

  it('falls back to the template when the model fails', async () => {
    fake.setDefault({ kind: 'http', status: 500 });
    const [text] = await app.say(dealer, '阶梯返利怎么算');
    expect(text).toContain(`您本季度累计 ${formatYuan(amount)}`);
  });

  it('chooseExplanation: grounded, invented, empty and overlong candidates', () => {
    const template = { text: '您本季度累计 ¥1,250,000，处于 3% 档', facts: ['1,250,000', '1250000', '3%', '0.03'] };
    expect(chooseExplanation(template, '累计125万元，返利比例百分之三', MAX_MESSAGE_BYTES)).toEqual({
      text: '累计125万元，返利比例百分之三',
      rephrased: true,
    });
    expect(chooseExplanation(template, '累计125万元，返利比例4%', MAX_MESSAGE_BYTES).rephrased).toBe(false);
    expect(chooseExplanation(template, '   ', MAX_MESSAGE_BYTES).rephrased).toBe(false);
    expect(chooseExplanation(template, null, MAX_MESSAGE_BYTES).text).toBe(template.text);
    expect(chooseExplanation(template, '好'.repeat(1300), MAX_MESSAGE_BYTES).rephrased).toBe(false);
  });
});
