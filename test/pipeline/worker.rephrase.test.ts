import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import type { Transport } from '../../bot/pipeline/transports.js';
import { type ConversationStep, InboundWorker, type Rephraser } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, pipelineUnitOfWork, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { openTestDatabase } from '../helpers/db.js';

/**
 * Issue 14, 9c and 9d: a policy explanation held for its LLM rephrasing. A template long enough to be split is
 * replaced as a whole (not only its first part), and the sender's next reply never overtakes the held one.
 */
describe('held explanations (rephrased after the turn commits)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  type Services = { db: Kysely<Database> };
  let t = Date.parse('2026-11-26T02:00:00Z');
  const now = () => new Date(t);

  /** A template of three WeCom-sized parts: three sections of ~1,500 bytes each. */
  const section = (n: number) => `第${n}节 ${'说'.repeat(500)}`;
  const longTemplate = [section(1), section(2), section(3)].join('\n');
  const footer = '\n如有疑问请联系客户经理。';

  /** Explains on "返利" (held for rephrasing), echoes anything else. */
  const step: ConversationStep<Services> = async ({ message }) =>
    message.content?.startsWith('返利')
      ? [{ body: `${longTemplate}${footer}`, rephrase: { text: longTemplate, facts: [], suffix: footer } }]
      : [{ body: `回复：${message.content}` }];

  const worker = (rephraser: Rephraser) =>
    new InboundWorker(
      turnUnitOfWork(h.db, (db) => ({ db })),
      step,
      new PipelineBus(),
      {
        concurrency: 4,
        maxAttempts: 3,
        now,
        rephraser,
        rephraseHoldMs: 6000,
        texts: pipelineReplies,
      },
    );

  const say = (sender: string, text: string) =>
    storeInbound(pipelineStores(h.db).inbound, {
      channel: 'wecom',
      dedupeKey: `${sender}:${text}`,
      externalId: sender,
      msgType: 'text',
      content: text,
    });

  async function drain(w: InboundWorker<Services>): Promise<void> {
    for (;;) {
      const batch = await w.claim(10);
      if (batch.length === 0) return;
      await Promise.all(batch.map((m) => w.process(m)));
    }
  }

  const sent: Array<{ address: string; body: string }> = [];
  const recording: Transport = {
    send: async (row) => {
      sent.push({ address: row.address, body: row.body });
    },
  };
  const dispatcher = () =>
    new OutboxDispatcher(pipelineUnitOfWork(h.db), new PipelineBus(), {
      kv: new MemoryKeyValueStore(),
      transports: { wecom_app: recording, wecom_appchat: recording, wecom_webhook: recording },
      kf: null,
      maxAttempts: 5,
      texts: pipelineReplies,
      now,
    });
  // The parts' numbers （1/3） aside: what each part says.
  const to = (address: string) =>
    sent.filter((s) => s.address === address).map((s) => s.body.replace(/^（\d+\/\d+）\n/, ''));

  it('replaces every part of a split template with the rephrasing, and drops the parts it no longer needs', async () => {
    await say('u-split', '返利怎么算');
    await drain(worker(async () => '老板您好，这是改写后的说明。'));
    await dispatcher().runOnce();
    // One message: the rephrasing and the footer. No template part follows, not even after the hold.
    t += 60_000;
    await dispatcher().runOnce();
    expect(to('u-split')).toEqual(['老板您好，这是改写后的说明。\n如有疑问请联系客户经理。']);
    const rows = await h.db.selectFrom('outbox').select('status').where('address', '=', 'u-split').execute();
    expect(rows).toEqual([{ status: 'sent' }]);
  });

  it('a rephrasing split in two replaces the first two parts; one needing more parts than the template is not used', async () => {
    const twoParts = `${'甲'.repeat(600)}\n${'乙'.repeat(600)}`;
    await say('u-two', '返利明细');
    await drain(worker(async () => twoParts));
    await dispatcher().runOnce();
    expect(to('u-two')).toEqual(['甲'.repeat(600), `${'乙'.repeat(600)}${footer}`]);

    const fourParts = Array.from({ length: 4 }, (_, i) => `${i}${'丙'.repeat(650)}`).join('\n');
    await say('u-four', '返利规则');
    await drain(worker(async () => fourParts));
    await dispatcher().runOnce();
    // The template goes out as it is, all three parts at once, in order.
    expect(to('u-four')).toHaveLength(3);
    expect(to('u-four').join('\n')).toBe(`${longTemplate}${footer}`);
  });

  it("holds the sender's next reply until the held explanation has gone out (their order)", async () => {
    let finish: (text: string | null) => void = () => {};
    const slow: Rephraser = () => new Promise((resolve) => (finish = resolve));
    const w = worker(slow);
    await say('u-order', '返利怎么算的');
    const [first] = await w.claim(10);
    // The turn commits, then the model takes its time.
    const explaining = w.process(first!);
    await waitFor(async () => (await outboxOf('u-order')).length === 3);
    await say('u-order', '好的谢谢');
    const [second] = await w.claim(10);
    expect(second?.content).toBe('好的谢谢');
    await w.process(second!);
    expect((await outboxOf('u-order')).length).toBe(4);
    // The thank-you reply is due, but it waits behind the held explanation.
    await dispatcher().runOnce();
    expect(to('u-order')).toEqual([]);
    // Other recipients are not held up meanwhile.
    await say('u-other', '在吗');
    await drain(w);
    await dispatcher().runOnce();
    expect(to('u-other')).toEqual(['回复：在吗']);

    finish('改写好的说明');
    await explaining;
    await dispatcher().runOnce();
    expect(to('u-order')).toEqual([`改写好的说明${footer}`, '回复：好的谢谢']);
  });

  it('when the model never answers, the template goes out as the hold ends, and only then the next reply', async () => {
    const w = worker(() => new Promise(() => {})); // the model never answers
    await say('u-hold', '返利说明');
    const [first] = await w.claim(10);
    void w.process(first!);
    await waitFor(async () => (await outboxOf('u-hold')).length === 3);
    await say('u-hold', '收到');
    await drain(w);
    await dispatcher().runOnce();
    expect(to('u-hold')).toEqual([]);
    t += 6001; // the hold ends: the template goes out, then the next reply
    await dispatcher().runOnce();
    expect(to('u-hold')).toHaveLength(4);
    expect(to('u-hold').slice(0, 3).join('\n')).toBe(`${longTemplate}${footer}`);
    expect(to('u-hold')[3]).toBe('回复：收到');
  });

  const outboxOf = (address: string) =>
    h.db.selectFrom('outbox').select(['body', 'status']).where('address', '=', address).orderBy('id').execute();
});

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
