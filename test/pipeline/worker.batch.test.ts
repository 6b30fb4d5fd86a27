/**
 * Claimed messages of different senders share one transaction (issue 14, throughput): the turns run without
 * savepoints (a clean batch costs no statement per turn beyond its own); a failing turn makes the batch run again
 * with a savepoint per turn, so it rolls back alone, a message whose lease was lost is left alone, and the loop keeps
 * each sender's order.
 */
import { type Kysely, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { type ConversationStep, InboundWorker, type WorkerOptions } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyConversationStore } from '../../db/repositories/conversation.repository.js';
import { pipelineStores, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { waitFor } from '../channels/wecom.harness.js';
import { openTestDatabase } from '../helpers/db.js';

/** Records the text of every statement run through the handle (begin and commit are not statements here). */
class Statements implements KyselyPlugin {
  texts: string[] = [];
  transformQuery({ node }: { node: RootOperationNode }): RootOperationNode {
    this.texts.push(node.kind === 'RawNode' ? node.sqlFragments.join('?') : node.kind);
    return node;
  }
  async transformResult<R>({ result }: { result: R }): Promise<R> {
    return result;
  }
}

describe('inbound worker: several turns in one transaction', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  type Services = { db: Kysely<Database> };
  const makeWorker = (step: ConversationStep<Services>, opts: Omit<WorkerOptions, 'texts'>) =>
    new InboundWorker(
      turnUnitOfWork(h.db, (db) => ({ db })),
      step,
      new PipelineBus(),
      {
        ...opts,
        texts: pipelineReplies,
      },
    );
  const store = (sender: string, text: string) =>
    storeInbound(pipelineStores(h.db).inbound, {
      channel: 'sandbox',
      dedupeKey: `${sender}:${text}`,
      externalId: sender,
      msgType: 'text',
      content: text,
    });
  const inbound = (sender: string) =>
    h.db
      .selectFrom('inbound_messages')
      .select(['content', 'status', 'attempts', 'last_error', 'processed_at'])
      .where('sender', '=', `sandbox:${sender}`)
      .orderBy('id')
      .execute();
  const replies = (recipient: string) =>
    h.db.selectFrom('outbox').select('body').where('recipient', '=', recipient).orderBy('id').execute();

  it('a failing turn rolls back alone: its neighbours commit their effects and replies in the same transaction', async () => {
    for (const [sender, text] of [
      ['b-ann', 'ok-1'],
      ['b-ben', 'boom'],
      ['b-cat', 'ok-2'],
    ] as const)
      await store(sender, text);
    const txids = new Map<string, string>();
    const worker = makeWorker(
      async ({ services: { db }, message, notifier }) => {
        const { rows } = await sql<{ x: string }>`select txid_current()::text as x`.execute(db);
        txids.set(message.content!, rows[0]!.x);
        await db
          .insertInto('kf_cursors')
          .values({ open_kfid: `batch:${message.content}`, cursor: 'c' })
          .execute();
        await notifier.toManager('M998', `push ${message.content}`, {
          dedupeKey: `batch-push:${message.content}`,
          kind: 'test',
        });
        if (message.content === 'boom') throw new Error('handler exploded');
        return [{ body: `echo ${message.content}` }];
      },
      { concurrency: 8, maxAttempts: 3 },
    );
    const claimed = await worker.claim(10);
    expect(claimed.map((m) => m.content).sort()).toEqual(['boom', 'ok-1', 'ok-2']);
    const joinedBefore = h.pipelinedBeginStats?.().commitJoined;
    await worker.processBatch(claimed);
    // PostgreSQL: the rerun with savepoints commits with its reply insert (the first run rolled back).
    if (joinedBefore !== undefined) expect(h.pipelinedBeginStats!().commitJoined - joinedBefore).toBe(1);

    // One transaction for the three turns.
    expect(new Set(txids.values()).size).toBe(1);
    expect(await replies('b-ann')).toEqual([{ body: 'echo ok-1' }]);
    expect(await replies('b-cat')).toEqual([{ body: 'echo ok-2' }]);
    expect(await replies('b-ben')).toEqual([]);
    const effects = await h.db
      .selectFrom('kf_cursors')
      .select('open_kfid')
      .where('open_kfid', 'like', 'batch:%')
      .execute();
    expect(effects.map((e) => e.open_kfid).sort()).toEqual(['batch:ok-1', 'batch:ok-2']);
    const pushes = await h.db.selectFrom('outbox').select('dedupe_key').where('recipient', '=', 'M998').execute();
    expect(pushes.map((p) => p.dedupe_key).sort()).toEqual(['batch-push:ok-1', 'batch-push:ok-2']);
    expect(await inbound('b-ann')).toMatchObject([{ status: 'done' }]);
    expect(await inbound('b-cat')).toMatchObject([{ status: 'done' }]);
    // The failing one is retried later with its error, as a message alone would be.
    const [ben] = await inbound('b-ben');
    expect(ben).toMatchObject({ status: 'pending', attempts: 1 });
    expect(ben!.last_error).toContain('handler exploded');
    // Out of the way of the next tests' claims once its retry is due.
    await h.db
      .updateTable('inbound_messages')
      .set({ status: 'parked' })
      .where('sender', '=', 'sandbox:b-ben')
      .execute();
  });

  it("a clean batch: no savepoint, the take, each step's own statements and one reply insert", async () => {
    for (const sender of ['c-amy', 'c-bob', 'c-cy']) await store(sender, `hi ${sender}`);
    const statements = new Statements();
    const txids = new Set<string>();
    const worker = new InboundWorker(
      turnUnitOfWork(h.db.withPlugin(statements), (db) => ({ db })),
      async ({ services: { db }, message }) => {
        const { rows } = await sql<{ x: string }>`select txid_current()::text as x`.execute(db);
        txids.add(rows[0]!.x);
        return [{ body: `echo ${message.content}` }];
      },
      new PipelineBus(),
      { concurrency: 8, maxAttempts: 3, texts: pipelineReplies },
    );
    const claimed = await worker.claim(10);
    expect(claimed).toHaveLength(3);
    statements.texts = [];
    await worker.processBatch(claimed);
    expect(txids.size).toBe(1);
    expect(statements.texts.filter((t) => /savepoint/i.test(t))).toEqual([]);
    // The senders' identities (before the transaction), the take, three step statements, the replies' insert.
    expect(statements.texts).toHaveLength(6);
    for (const s of ['c-amy', 'c-bob', 'c-cy']) expect(await replies(s)).toEqual([{ body: `echo hi ${s}` }]);
    for (const s of ['c-amy', 'c-bob', 'c-cy'])
      expect(await inbound(s)).toMatchObject([{ status: 'done', attempts: 1 }]);
  });

  it("reads the turns ahead with the take, at the turns' clock; the rerun with savepoints reads each turn its own way", async () => {
    for (const sender of ['r-ada', 'r-bo']) await store(sender, `hi ${sender}`);
    const seen: Array<{ ahead: string[]; now: number }> = [];
    const nows: number[] = [];
    const loaded: string[] = [];
    let failOnce = false;
    const step: ConversationStep<Services> = Object.assign(
      async ({ services: { db }, message, now }: { services: Services; message: InboundMessage; now: Date }) => {
        nows.push(now.getTime());
        // The turn's first read: answered from the take's read ahead when there was one.
        const before = statements.texts.length;
        await new KyselyConversationStore(db).loadTurn(message.sender);
        loaded.push(`${message.content}:${statements.texts.length - before}`);
        if (failOnce && message.content === 'again r-bo') {
          failOnce = false;
          throw new Error('boom once');
        }
        return [{ body: `echo ${message.content}` }];
      },
      {
        readAhead: (turns: readonly { message: InboundMessage }[], now: Date) => {
          seen.push({ ahead: turns.map((t) => t.message.content!).sort(), now: now.getTime() });
          return turns.map((t) => ({ sender: t.message.sender }));
        },
      },
    );
    const statements = new Statements();
    let tick = Date.parse('2026-11-30T02:00:00Z');
    const worker = new InboundWorker(
      turnUnitOfWork(h.db.withPlugin(statements), (db) => ({ db })),
      step,
      new PipelineBus(),
      { concurrency: 8, maxAttempts: 3, now: () => new Date(tick++), texts: pipelineReplies },
    );
    await worker.processBatch(await worker.claim(10));
    expect(seen).toEqual([{ ahead: ['hi r-ada', 'hi r-bo'], now: nows[0] }]);
    expect(nows).toEqual([nows[0], nows[0]]);
    // Both turns' reads came with the take: no statement of their own.
    expect(loaded.sort()).toEqual(['hi r-ada:0', 'hi r-bo:0']);

    for (const sender of ['r-ada', 'r-bo']) await store(sender, `again ${sender}`);
    failOnce = true;
    nows.length = 0;
    loaded.length = 0;
    await worker.processBatch(await worker.claim(10));
    // Read ahead once (the rerun with savepoints does not: each turn reads its own), the turns ran twice.
    expect(seen).toHaveLength(2);
    expect(nows).toHaveLength(4);
    expect(loaded.slice(2).sort()).toEqual(['again r-ada:1', 'again r-bo:1']);
    for (const s of ['r-ada', 'r-bo'])
      expect((await replies(s)).map((r) => r.body)).toEqual([`echo hi ${s}`, `echo again ${s}`]);

    // A lone message (its own transaction) reads ahead with its take too.
    await store('r-ada', 'alone r-ada');
    loaded.length = 0;
    const [alone] = await worker.claim(10);
    await worker.process(alone!);
    expect(seen.at(-1)?.ahead).toEqual(['alone r-ada']);
    expect(loaded).toEqual(['alone r-ada:0']);
  });

  it('leaves alone a message another instance finished after our lease ran out, and finishes the rest', async () => {
    await store('l-dan', 'mine');
    await store('l-eve', 'taken over');
    const worker = makeWorker(async ({ message }) => [{ body: `echo ${message.content}` }], {
      concurrency: 8,
      maxAttempts: 3,
    });
    const claimed = await worker.claim(10);
    expect(claimed).toHaveLength(2);
    // The other instance took eve's message over and finished it first.
    await h.db
      .updateTable('inbound_messages')
      .set({ status: 'done', processed_at: new Date(), locked_until: null })
      .where('sender', '=', 'sandbox:l-eve')
      .execute();
    await worker.processBatch(claimed);
    expect(await replies('l-dan')).toEqual([{ body: 'echo mine' }]);
    expect(await replies('l-eve')).toEqual([]);
    expect(await inbound('l-dan')).toMatchObject([{ status: 'done' }]);
  });

  it('running, keeps each sender in arrival order while their messages share transactions with others', async () => {
    const senders = Array.from({ length: 12 }, (_, i) => `o-${i}`);
    for (let k = 0; k < 5; k++) for (const s of senders) await store(s, `m${k}`);
    const seen = new Map<string, string[]>();
    const bus = new PipelineBus();
    const worker = new InboundWorker(
      turnUnitOfWork(h.db, (db) => ({ db })),
      async ({ message }) => {
        const sender = message.sender;
        seen.set(sender, [...(seen.get(sender) ?? []), message.content!]);
        return [{ body: `echo ${message.content}` }];
      },
      bus,
      { concurrency: 8, turnsPerTransaction: 3, maxAttempts: 3, pollMs: 50, texts: pipelineReplies },
    );
    worker.start();
    try {
      await waitFor(async () => {
        const left = await h.db
          .selectFrom('inbound_messages')
          .select('id')
          .where('sender', 'like', 'sandbox:o-%')
          .where('status', '!=', 'done')
          .execute();
        return left.length === 0 ? true : undefined;
      }, 20_000);
    } finally {
      await worker.stop();
    }
    const order = ['m0', 'm1', 'm2', 'm3', 'm4'];
    for (const s of senders) {
      expect(seen.get(`sandbox:${s}`)).toEqual(order);
      expect((await replies(s)).map((r) => r.body)).toEqual(order.map((m) => `echo ${m}`));
      const times = (await inbound(s)).map((r) => r.processed_at!.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});
