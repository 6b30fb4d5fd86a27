import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { type ConversationStep, InboundWorker, type WorkerOptions } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import { openTestDatabase } from '../helpers/db.js';

describe('inbound worker', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  /** The worker on the test database; its steps get the turn's transaction as their only service. */
  type Services = { db: Kysely<Database> };
  const makeWorker = (step: ConversationStep<Services>, opts: Omit<WorkerOptions, 'texts'>) =>
    new InboundWorker(
      turnUnitOfWork(h.db, (db) => ({ db })),
      step,
      new PipelineBus(),
      { ...opts, texts: pipelineReplies },
    );

  const store = (sender: string, text: string) =>
    storeInbound(pipelineStores(h.db).inbound, {
      channel: 'sandbox',
      dedupeKey: `${sender}:${text}`,
      externalId: sender,
      msgType: 'text',
      content: text,
    });

  async function drain(worker: InboundWorker<Services>) {
    for (;;) {
      const batch = await worker.claim(10);
      if (batch.length === 0) return;
      await Promise.all(batch.map((m) => worker.process(m)));
    }
  }

  it('keeps one sender in arrival order while other senders proceed', async () => {
    for (const t of ['a1', 'a2', 'a3']) await store('alice', t);
    await store('bob', 'b1');
    const worker = makeWorker(async ({ message }) => [{ body: `echo ${message.content}` }], {
      concurrency: 4,
      maxAttempts: 3,
    });
    const first = await worker.claim(10);
    // Only the head of each sender's queue is claimable.
    expect(first.map((m) => m.content).sort()).toEqual(['a1', 'b1']);
    expect(await worker.claim(10)).toEqual([]);
    await Promise.all(first.map((m) => worker.process(m)));
    await drain(worker);
    const replies = await h.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', '=', 'alice')
      .orderBy('id')
      .execute();
    expect(replies.map((r) => r.body)).toEqual(['echo a1', 'echo a2', 'echo a3']);
  });

  it('parks a message that keeps failing, with its error and one apology, without blocking later ones', async () => {
    await store('carol', 'boom');
    await store('carol', 'fine');
    const failing: ConversationStep<Services> = async ({ message }) => {
      if (message.content === 'boom') throw new Error('handler exploded');
      return [{ body: 'ok' }];
    };
    let t = Date.now();
    const worker = makeWorker(failing, {
      concurrency: 2,
      maxAttempts: 2,
      now: () => new Date(t),
    });
    for (let i = 0; i < 4; i++) {
      await drain(worker);
      t += 120_000; // past the retry backoff
    }
    const rows = await h.db
      .selectFrom('inbound_messages')
      .select(['content', 'status', 'attempts', 'last_error'])
      .where('sender', '=', 'sandbox:carol')
      .orderBy('id')
      .execute();
    expect(rows[0]).toMatchObject({ content: 'boom', status: 'parked', attempts: 2 });
    expect(rows[0]!.last_error).toContain('handler exploded');
    expect(rows[1]).toMatchObject({ content: 'fine', status: 'done' });
    const sent = await h.db
      .selectFrom('outbox')
      .select(['kind', 'body'])
      .where('recipient', '=', 'carol')
      .orderBy('id')
      .execute();
    expect(sent.map((s) => s.kind)).toEqual(['reply.parked', 'reply']);
  });

  it('parks unrun a message whose workers kept stopping mid-turn (a crash loop), then goes on with the next', async () => {
    await store('kate', 'crashes the process');
    await store('kate', 'next one');
    await store('liam', 'unlucky but fine');
    const ran: string[] = [];
    const step: ConversationStep<Services> = async ({ message }) => {
      ran.push(message.content ?? '');
      return [{ body: `ok ${message.content}` }];
    };
    let t = Date.now();
    const worker = makeWorker(step, { concurrency: 4, maxAttempts: 3, leaseMs: 1_000, now: () => new Date(t) });
    // Leases that each ended with the worker gone (nothing recorded): the lease runs out and the poll takes it again.
    for (let i = 1; i <= 3; i++) {
      const claimed = await worker.claim(10);
      expect(claimed.map((m) => [m.content, m.attempts])).toEqual([
        ['crashes the process', i],
        ['unlucky but fine', i],
      ]);
      // Liam's third lease is her last try, and she gets it.
      if (i === 3) await worker.process(claimed[1]!);
      t += 2_000;
    }
    expect(ran).toEqual(['unlucky but fine']);
    // Kate's 4th lease with 3 tries allowed: parked unrun; his next message goes on.
    const [kate] = await worker.claim(10);
    expect(kate).toMatchObject({ content: 'crashes the process', attempts: 4 });
    await worker.process(kate!);
    await drain(worker);
    expect(ran).toEqual(['unlucky but fine', 'next one']);
    const rows = await h.db
      .selectFrom('inbound_messages')
      .select(['content', 'status', 'last_error'])
      .where('sender', 'in', ['sandbox:kate', 'sandbox:liam'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.content, r.status])).toEqual([
      ['crashes the process', 'parked'],
      ['next one', 'done'],
      ['unlucky but fine', 'done'],
    ]);
    expect(rows[0]!.last_error).toMatch(/^abandoned: leased 4 times/);
    const sent = await h.db
      .selectFrom('outbox')
      .select(['recipient', 'kind'])
      .where('recipient', 'in', ['kate', 'liam'])
      .orderBy('id')
      .execute();
    expect(sent).toEqual([
      { recipient: 'liam', kind: 'reply' },
      { recipient: 'kate', kind: 'reply.parked' },
      { recipient: 'kate', kind: 'reply' },
    ]);
  });

  it("commits a turn's transaction with its reply insert (PostgreSQL: BEGIN with the take, COMMIT with the insert)", async () => {
    await store('erin', 'e1');
    await store('fred', 'f1');
    await store('gina', 'g1');
    const worker = makeWorker(async ({ message }) => [{ body: `echo ${message.content}` }], {
      concurrency: 4,
      maxAttempts: 3,
    });
    const stats = h.pipelinedBeginStats;
    const before = stats?.();
    const [one, ...two] = await worker.claim(10);
    const claimed = stats?.();
    await worker.process(one!); // alone: processOne
    const alone = stats?.();
    await worker.processBatch(two); // two turns in one transaction: runBatch
    const after = stats?.();
    const sent = await h.db
      .selectFrom('outbox')
      .select('body')
      .where('recipient', 'in', ['erin', 'fred', 'gina'])
      .orderBy('body')
      .execute();
    expect(sent.map((r) => r.body)).toEqual(['echo e1', 'echo f1', 'echo g1']);
    if (!before || !claimed || !alone || !after) return; // PGlite: no pool of ours
    // Each transaction: begin + take, insert + commit; before it, the senders' identity look-up (new to this worker).
    const trips = (from: typeof before, to: typeof before) => ({
      roundTrips: to.roundTrips - from.roundTrips,
      commitJoined: to.commitJoined - from.commitJoined,
      dropped: to.dropped - from.dropped,
    });
    expect(trips(claimed, alone)).toEqual({ roundTrips: 3, commitJoined: 1, dropped: 0 });
    expect(trips(alone, after)).toEqual({ roundTrips: 3, commitJoined: 1, dropped: 0 });
    expect(after.joined - claimed.joined).toBe(2);
  });

  it('rolls back everything a failed step wrote', async () => {
    await store('dave', 'half');
    const worker = makeWorker(
      async ({ services: { db }, notifier }) => {
        await notifier.toManager('M999', 'should vanish', { dedupeKey: 'vanish', kind: 'test' });
        await db.insertInto('kf_cursors').values({ open_kfid: 'x', cursor: 'y' }).execute();
        throw new Error('late failure');
      },
      { concurrency: 1, maxAttempts: 5 },
    );
    await drain(worker);
    expect(await h.db.selectFrom('outbox').select('id').where('dedupe_key', '=', 'vanish').execute()).toEqual([]);
    expect(await h.db.selectFrom('kf_cursors').select('open_kfid').execute()).toEqual([]);
  });

  it("parks a dealer's failing message with a follow-up for their manager, as the apology promises", async () => {
    const region = await h.db
      .insertInto('regions')
      .values({ province: '江苏', city: '徐州', county: '云龙区', market_level: '三四线' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('managers')
      .values({ code: 'M101', name: '侯经理', role: 'account', alert_chat_id: 'chat_M101' })
      .execute();
    await h.db
      .insertInto('dealers')
      .values({
        code: 'D0101',
        name: '徐州测试门窗',
        region_id: region.id,
        tier: 'key',
        manager_code: 'M101',
        partnership_start: '2020-01-01',
      })
      .execute();
    await h.db
      .insertInto('channel_identities')
      .values({ channel: 'sandbox', external_id: 'D0101', dealer_code: 'D0101' })
      .execute();
    await store('D0101', '这条会失败');
    let t = Date.now();
    const worker = makeWorker(
      async () => {
        throw new Error('always');
      },
      { concurrency: 1, maxAttempts: 1, now: () => new Date(t) },
    );
    await drain(worker);
    t += 120_000;
    await drain(worker);
    const alert = await h.db
      .selectFrom('outbox')
      .select(['recipient', 'route', 'body'])
      .where('dedupe_key', 'like', 'parked.alert:%')
      .execute();
    expect(alert).toEqual([expect.objectContaining({ recipient: 'M101', route: 'wecom_appchat' })]);
    expect(alert[0]!.body).toContain('这条会失败');
    const followups = await h.db.selectFrom('followups').select(['manager_code', 'dealer_code']).execute();
    expect(followups).toEqual([{ manager_code: 'M101', dealer_code: 'D0101' }]);
  });
});
