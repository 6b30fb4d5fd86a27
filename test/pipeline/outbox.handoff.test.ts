/**
 * Issue 14, throughput: a worker transaction's replies go into the outbox in one insert, claimed at birth for this
 * instance's dispatcher when nothing of their recipient is unfinished elsewhere, and are handed to it in memory
 * after the commit — no claim per reply. Order, holds and other instances' rows keep their say.
 */
import type { Kysely, KyselyPlugin, RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { replyRows } from '../../bot/pipeline/outbox.js';
import type { Transport } from '../../bot/pipeline/transports.js';
import { type ConversationStep, InboundWorker, type Rephraser } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, pipelineUnitOfWork, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { waitFor } from '../channels/wecom.harness.js';
import { openTestDatabase } from '../helpers/db.js';

/** Counts the statements that insert into the outbox (the worker's reply insert is raw SQL). */
class OutboxInserts implements KyselyPlugin {
  n = 0;
  transformQuery({ node }: { node: RootOperationNode }): RootOperationNode {
    const text = node.kind === 'RawNode' ? node.sqlFragments.join('?') : '';
    if (
      /insert into outbox/.test(text) ||
      (node.kind === 'InsertQueryNode' && /outbox/.test(JSON.stringify(node.into)))
    )
      this.n++;
    return node;
  }
  async transformResult<R>({ result }: { result: R }): Promise<R> {
    return result;
  }
}

describe('replies claimed at birth and handed to the local dispatcher', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  type Services = { db: Kysely<Database> };
  const t = Date.parse('2026-11-26T02:00:00Z');
  let clock = t;
  const now = () => new Date(clock);

  const section = (n: number) => `第${n}节 ${'说'.repeat(500)}`;
  const longText = [section(1), section(2), section(3)].join('\n');

  /** Sends recorded per address; a body starting with a gate's name waits for it (and may then fail). */
  const sent: Array<{ address: string; body: string }> = [];
  interface Gate {
    open: Promise<void>;
    failing: boolean;
    release(fail?: boolean): void;
  }
  const gates = new Map<string, Gate>();
  const gate = (prefix: string): Gate => {
    let open: () => void = () => {};
    const g: Gate = {
      open: new Promise<void>((r) => {
        open = r;
      }),
      failing: false,
      release(fail = false) {
        g.failing = fail;
        open();
      },
    };
    gates.set(prefix, g);
    return g;
  };
  const recording: Transport = {
    send: async (row) => {
      const text = row.body.replace(/^（\d+\/\d+）\n/, '');
      for (const [prefix, g] of gates)
        if (text.startsWith(prefix)) {
          await g.open;
          gates.delete(prefix);
          if (g.failing) throw Object.assign(new Error('busy'), { retryable: true });
        }
      sent.push({ address: row.address, body: text });
    },
  };
  const to = (address: string) => sent.filter((s) => s.address === address).map((s) => s.body.slice(0, 12));

  function instance(opts: { rephraser?: Rephraser; step?: ConversationStep<Services>; batchSize?: number } = {}) {
    const bus = new PipelineBus();
    const pipeline = pipelineUnitOfWork(h.db);
    const claims = { n: 0 };
    const claim = pipeline.root.outbox.claim.bind(pipeline.root.outbox);
    pipeline.root.outbox.claim = (...a) => {
      claims.n++;
      return claim(...a);
    };
    const dispatcher = new OutboxDispatcher(pipeline, bus, {
      kv: new MemoryKeyValueStore(),
      transports: { wecom_app: recording, wecom_appchat: recording, wecom_webhook: recording },
      kf: null,
      maxAttempts: 5,
      texts: pipelineReplies,
      pollMs: 600_000,
      batchSize: opts.batchSize,
      now,
    });
    const inserts = new OutboxInserts();
    const step: ConversationStep<Services> =
      opts.step ??
      (async ({ message }) => {
        const c = message.content ?? '';
        if (c === 'boom') throw new Error('handler exploded');
        if (c.startsWith('返利'))
          return [{ body: longText, rephrase: { text: longText, facts: [] } }, { body: `回复：${c}` }];
        return [{ body: c.startsWith('长') ? `${c} ${longText}` : `回复：${c}` }];
      });
    const worker = new InboundWorker(
      turnUnitOfWork(h.db.withPlugin(inserts), (db) => ({ db })),
      step,
      bus,
      {
        concurrency: 8,
        maxAttempts: 3,
        now,
        rephraser: opts.rephraser,
        rephraseHoldMs: 6000,
        handOff: dispatcher,
        texts: pipelineReplies,
      },
    );
    return { bus, dispatcher, worker, claims, inserts };
  }

  const say = (sender: string, text: string) =>
    storeInbound(pipelineStores(h.db).inbound, {
      channel: 'wecom',
      dedupeKey: `${sender}:${text}`,
      externalId: sender,
      msgType: 'text',
      content: text,
    });
  const rows = (address: string) =>
    h.db
      .selectFrom('outbox')
      .select(['id', 'body', 'status', 'attempts', 'first_tried_at', 'locked_until'])
      .where('address', '=', address)
      .orderBy('id')
      .execute();
  const allSent = async (address: string, n: number) => {
    const r = await rows(address);
    return r.length === n && r.every((x) => x.status === 'sent');
  };

  it("a transaction's replies are one insert, claimed at birth and sent without a claim; a failed turn adds none", async () => {
    const { dispatcher, worker, claims, inserts } = instance();
    dispatcher.start();
    await waitFor(async () => claims.n > 0); // the start's claim
    const claimsBefore = claims.n;
    await say('a-ann', '长回复');
    await say('a-ben', 'boom');
    await say('a-cat', '在吗');
    const batch = await worker.claim(10);
    expect(batch).toHaveLength(3);
    const insertsBefore = inserts.n;
    await worker.processBatch(batch);
    expect(inserts.n - insertsBefore).toBe(1);
    await waitFor(async () => (await allSent('a-ann', 3)) && (await allSent('a-cat', 1)));
    // Claimed at birth: one attempt, first tried when written; the split reply's parts in order.
    for (const r of [...(await rows('a-ann')), ...(await rows('a-cat'))])
      expect(r).toMatchObject({ attempts: 1, first_tried_at: new Date(t), status: 'sent' });
    expect(to('a-ann').map((b) => b.replace(/ 说+$/, ''))).toEqual(['长回复 第1节', '第2节', '第3节']);
    expect(to('a-cat')).toEqual(['回复：在吗']);
    expect(await rows('a-ben')).toEqual([]);
    expect(claims.n).toBe(claimsBefore);
    await dispatcher.stop();
  });

  it("a sender's next reply queues behind the one being sent, in memory, and follows it in order", async () => {
    const { dispatcher, worker, claims } = instance();
    dispatcher.start();
    await waitFor(async () => claims.n > 0);
    const claimsBefore = claims.n;
    const slow = gate('回复：一');
    await say('b-eve', '一');
    await worker.processBatch(await worker.claim(10));
    await say('b-eve', '二');
    await worker.processBatch(await worker.claim(10));
    // Both claimed at birth: the second behind the first, which this instance holds.
    expect((await rows('b-eve')).map((r) => r.status)).toEqual(['sending', 'sending']);
    expect(to('b-eve')).toEqual([]);
    slow.release();
    await waitFor(() => allSent('b-eve', 2));
    expect(to('b-eve')).toEqual(['回复：一', '回复：二']);
    expect(claims.n).toBe(claimsBefore);
    await dispatcher.stop();
  });

  it("a reply waits pending behind its recipient's row another instance is sending, then follows it", async () => {
    const { bus, dispatcher, worker } = instance();
    dispatcher.start();
    const [other] = await pipelineStores(h.db).outbox.enqueueClaiming(
      replyRows(
        [
          {
            recipient: 'c-fay',
            address: 'c-fay',
            route: 'wecom_app',
            body: '别处',
            kind: 'test',
            dedupeKey: 'c-other',
          },
        ],
        now(),
        true,
      ),
      { now: now(), until: new Date(clock + 60_000), held: [] },
    );
    expect(other).toMatchObject({ status: 'sending' }); // the other instance holds it
    await say('c-fay', '你好');
    await worker.processBatch(await worker.claim(10));
    const [, reply] = await rows('c-fay');
    expect(reply).toMatchObject({ status: 'pending', attempts: 0, first_tried_at: null });
    bus.outboxQueued();
    await new Promise((r) => setTimeout(r, 100));
    expect(to('c-fay')).toEqual([]);
    // The other instance sent its row: the claim takes the reply.
    await h.db.updateTable('outbox').set({ status: 'sent', locked_until: null }).where('id', '=', other!.id).execute();
    bus.outboxQueued();
    await waitFor(() => allSent('c-fay', 2));
    expect(to('c-fay')).toEqual(['回复：你好']);
    await dispatcher.stop();
  });

  it('a row put back for a retry while the next reply was being written: the hand-off waits with it', async () => {
    const { dispatcher } = instance();
    dispatcher.start();
    const outbox = pipelineStores(h.db).outbox;
    const write = async (body: string, key: string) => {
      const reservation = dispatcher.reserve(['wecom_app:d-gus'])!;
      const inserted = await outbox.enqueueClaiming(
        replyRows(
          [{ recipient: 'd-gus', address: 'd-gus', route: 'wecom_app', body, kind: 'test', dedupeKey: key }],
          now(),
          true,
        ),
        { now: now(), until: reservation.until, held: reservation.held },
      );
      return { inserted, reservation };
    };
    const failing = gate('第一条');
    const first = await write('第一条', 'd-1');
    dispatcher.handOff(first.inserted, first.reservation);
    // The second is written while the first is being sent: claimed at birth behind it …
    const second = await write('第二条', 'd-2');
    expect(second.inserted).toMatchObject([{ status: 'sending' }]);
    // … but the first fails and waits for its retry before the second is handed over.
    failing.release(true);
    await waitFor(async () => (await rows('d-gus'))[0]!.status === 'pending');
    dispatcher.handOff(second.inserted, second.reservation);
    await waitFor(async () => (await rows('d-gus'))[1]!.status === 'pending');
    expect(to('d-gus')).toEqual([]);
    expect((await rows('d-gus')).map((r) => r.attempts)).toEqual([1, 0]);
    // After the retry's delay both go out, in order.
    clock += 15 * 60_000;
    await dispatcher.runOnce();
    expect(to('d-gus')).toEqual(['第一条', '第二条']);
    await dispatcher.stop();
  });

  it("a held explanation stays pending, and the sender's next reply waits behind it", async () => {
    let finish: (text: string | null) => void = () => {};
    const { dispatcher, worker } = instance({ rephraser: () => new Promise((r) => (finish = r)) });
    dispatcher.start();
    await say('e-hal', '返利怎么算');
    const explaining = worker.processBatch(await worker.claim(10));
    await waitFor(async () => (await rows('e-hal')).length === 4);
    // The three held parts and the line after them in the same turn: all pending.
    expect((await rows('e-hal')).map((r) => r.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    await say('e-hal', '好的');
    await worker.processBatch(await worker.claim(10));
    expect((await rows('e-hal'))[4]).toMatchObject({ status: 'pending' });
    await new Promise((r) => setTimeout(r, 100));
    expect(to('e-hal')).toEqual([]);
    finish('改写好的说明');
    await explaining;
    await waitFor(() => allSent('e-hal', 3));
    expect(to('e-hal')).toEqual(['改写好的说明', '回复：返利怎么算', '回复：好的']);
    await dispatcher.stop();
  });

  it('with a batch of rows held (WeCom slow), further replies wait in the outbox for the claim', async () => {
    const { dispatcher, worker } = instance({ batchSize: 2 });
    dispatcher.start();
    const slow = gate('回复：慢');
    await say('f-ida', '慢');
    await say('f-jon', '慢');
    await worker.processBatch(await worker.claim(10));
    await say('f-kim', '快');
    await worker.processBatch(await worker.claim(10));
    expect(await rows('f-kim')).toMatchObject([{ status: 'pending', attempts: 0 }]);
    slow.release();
    // The rows held settle (the gate let both through): the claim takes the one waiting.
    await waitFor(() => allSent('f-kim', 1));
    expect(to('f-kim')).toEqual(['回复：快']);
    await waitFor(async () => (await allSent('f-ida', 1)) && (await allSent('f-jon', 1)));
    await dispatcher.stop();
  });
});
