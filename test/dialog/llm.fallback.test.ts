import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/llm/fake-openai.server.js';
import { type TestApp, startTestApp } from '../helpers/app.js';

describe('LLM fallback parser (fake OpenAI server)', () => {
  let fake: FakeOpenAI;
  let app: TestApp;
  let dealers: string[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    app = await startTestApp({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl, LLM_TIMEOUT_MS: '3000' },
    });
    dealers = (await app.database.db.selectFrom('dealers').select('code').orderBy('code').limit(2).execute()).map(
      (d) => d.code,
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('asks the model only when the rules are unsure, and acts on its validated proposal', async () => {
    const before = fake.requests.length;
    await app.say(dealers[0]!, '你好');
    expect(fake.requests.length).toBe(before); // the rules were sure
    fake.enqueue({ kind: 'tool', args: { intent: 'help', slots: {} } });
    // Unclear to the rules and to the trained model alike (the model now reads "你们这个东西能干点啥" as help).
    const replies = await app.say(dealers[0]!, '就那个 嗯 你懂的');
    expect(fake.requests.length).toBe(before + 1);
    expect(replies.join('')).toContain('我可以帮您');
  });

  it('never lets the model grant a manager command to a dealer', async () => {
    fake.enqueue({ kind: 'tool', args: { intent: 'am.need.claim', slots: { need_id: 'N1001' } } });
    const replies = await app.say(dealers[0]!, '帮我把那个一零零一的单子处理了吧拜托');
    expect(replies.join('')).not.toMatch(/已认领/);
  });

  it('keeps the database free while the model thinks: another dealer is answered meanwhile', async () => {
    fake.enqueue({ kind: 'delay', ms: 1500, reply: { kind: 'tool', args: { intent: 'greeting', slots: {} } } });
    const slowStarted = Date.now();
    const slow = app.say(dealers[0]!, '那个啥我想问问就是那个嗯').then((r) => ({ r, ms: Date.now() - slowStarted }));
    await new Promise((r) => setTimeout(r, 200)); // the slow message is with the model now
    const started = Date.now();
    const quick = await app.say(dealers[1]!, '你好');
    const quickMs = Date.now() - started;
    expect(quick[0]).toContain('您好');
    expect(quickMs).toBeLessThan(1000);
    const done = await slow;
    expect(done.r.length).toBeGreaterThan(0);
    expect(done.ms).toBeGreaterThanOrEqual(1400); // it really waited for the model
  });
});

describe('LLM proposal slots', () => {
  it('keep only catalog items and real calendar dates', async () => {
    const { llmFallback } = await import('../../bot/nlu/llm.fallback.js');
    const { CatalogMatcher } = await import('../../bot/nlu/catalog.matcher.js');
    const llm = {
      promptVersion: 'test',
      proposeIntent: async () => ({
        ok: true as const,
        elapsedMs: 1,
        proposal: {
          intent: 'order.place' as const,
          slots: {
            items: [
              { sku: 'KW-N60', qty: 30, unit: '套' },
              { mention: '那个新款', qty: 5 },
            ],
            date: '2026-02-30',
          },
        },
      }),
      rephrase: async () => null,
      lastRephraseFailure: null,
    };
    const parse = llmFallback(llm, () => new CatalogMatcher([]));
    const r = await parse('随便', { sender: 'dealer', now: new Date('2026-11-26T10:00:00+08:00') });
    expect(r).toEqual({
      kind: 'parsed',
      intent: 'order.place',
      slots: { items: [{ sku: 'KW-N60', qty: 30, unit: '套' }] },
      confidence: 0.7,
    });
  });
});
