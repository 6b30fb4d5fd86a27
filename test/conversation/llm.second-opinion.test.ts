import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntentLlm } from '../../adapters/llm/llm.client.js';
import { CatalogMatcher } from '../../bot/nlu/catalog.matcher.js';
import { llmFallback } from '../../bot/nlu/llm.fallback.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/llm/fake-openai.server.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, orderFixtures } from '../orders/order.fixtures.js';

describe('the LLM stays a second opinion (fake OpenAI server)', () => {
  let fake: FakeOpenAI;
  let app: TestApp;
  const chatOrders = () =>
    app.database.db
      .selectFrom('orders')
      .select('order_no')
      .where('dealer_code', '=', FX.core)
      .where('source', '=', 'chat')
      .execute();
  const awaiting = async () =>
    (
      (
        await app.database.db
          .selectFrom('conversation_state')
          .select('state')
          .where('sender', '=', `sandbox:${FX.core}`)
          .executeTakeFirst()
      )?.state as { awaiting?: string } | undefined
    )?.awaiting;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    app = await startTestApp({
      prepare: orderFixtures(TEST_NOW),
      now: () => TEST_NOW,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl, LLM_TIMEOUT_MS: '3000' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('an LLM "confirm" or "deny" while a draft waits is ignored: nothing placed, nothing cancelled', async () => {
    expect((await app.say(FX.core, 'N60 20套')).join('')).toContain('订单草稿');
    for (const intent of ['confirm', 'deny'] as const) {
      const asked = fake.requests.length;
      fake.enqueue({ kind: 'tool', args: { intent, slots: {} } });
      const replies = await app.say(FX.core, 'zxcvbnm');
      expect(fake.requests.length).toBe(asked + 1); // it was asked: the rules were unsure
      expect(replies.join('')).not.toMatch(/已下单|已取消/);
      expect(await chatOrders()).toHaveLength(0);
      expect(await awaiting()).toBe('order_confirm');
    }
    expect((await app.say(FX.core, '取消')).join('')).toContain('已取消');
  });

  it('an LLM order.place only shows a draft; the dealer alone confirms it', async () => {
    fake.enqueue({ kind: 'tool', args: { intent: 'order.place', slots: { items: [{ sku: 'KW-N60', qty: 30 }] } } });
    const replies = await app.say(FX.core, '那个啥我想问问就是那个嗯');
    expect(replies.join('')).toContain('订单草稿');
    expect(replies.join('')).toContain('N60 × 30套');
    expect(await chatOrders()).toHaveLength(0);
    expect(await awaiting()).toBe('order_confirm');
    expect((await app.say(FX.core, '确认')).join('')).toContain('已下单');
    expect(await chatOrders()).toHaveLength(1);
  });
});

describe('llmFallback', () => {
  const proposing = (intent: 'confirm' | 'deny' | 'help'): IntentLlm => ({
    promptVersion: 'test',
    proposeIntent: async () => ({ ok: true as const, elapsedMs: 1, proposal: { intent, slots: {} } }),
    rephrase: async () => null,
    lastRephraseFailure: null,
  });
  const matcher = () => new CatalogMatcher([]);

  it('never proposes confirm, nor deny on a waiting draft, and proposes otherwise', async () => {
    const ctx = { sender: 'dealer' as const, now: TEST_NOW, awaiting: 'order_confirm' as const };
    expect(await llmFallback(proposing('confirm'), matcher)('嗯那就那样', ctx)).toBeNull();
    expect(await llmFallback(proposing('deny'), matcher)('嗯那就那样', ctx)).toBeNull();
    expect(await llmFallback(proposing('help'), matcher)('嗯那就那样', ctx)).toMatchObject({ intent: 'help' });
    // With no draft waiting the LLM still never confirms (only the rules' clear yes places an order); a "deny" is
    // only a proposal there (the handler answers that nothing awaits it).
    const free = { sender: 'dealer' as const, now: TEST_NOW };
    expect(await llmFallback(proposing('confirm'), matcher)('嗯那就那样', free)).toBeNull();
    expect(await llmFallback(proposing('deny'), matcher)('嗯那就那样', free)).toMatchObject({ intent: 'deny' });
  });
});
