import { type Kysely, sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { InboundBatcher, messagesOnly } from '../../bot/channels/inbound.batcher.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { type ConversationStep, InboundWorker } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { InboundInput, StoredInbound } from '../../core/messaging/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyInboundStore } from '../../db/repositories/inbound.repository.js';
import { turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { useTwoInstances } from '../helpers/db.js';

/**
 * Issue 14, scale-out: per-sender order across instances by design. Two instances (two connection pools, each
 * with its own callback batcher and worker) share one PostgreSQL database. A sender's messages are processed in
 * the order of their ids, and a later message can never take or commit its id before an earlier one that already
 * has its id: the insert holds a per-sender advisory lock (db/repositories/inbound.repository.ts).
 * PostgreSQL only: PGlite has a single connection, so there is no second instance to interleave with.
 */
const templates = inject('pgTemplates');

describe.skipIf(!templates)('two instances on one PostgreSQL: per-sender order', () => {
  const two = useTwoInstances(10);

  type Services = { db: Kysely<Database> };
  const processed: Array<{ sender: string; id: number; instance: number }> = [];
  const worker = (h: DatabaseHandle, instance: number) => {
    const step: ConversationStep<Services> = async ({ message }) => {
      processed.push({ sender: message.sender, id: message.id, instance });
      return [];
    };
    return new InboundWorker(
      turnUnitOfWork(h.db, (db) => ({ db })),
      step,
      new PipelineBus(),
      {
        concurrency: 8,
        maxAttempts: 3,
        pollMs: 20,
        texts: pipelineReplies,
      },
    );
  };
  const input = (sender: string, key: string): InboundInput => ({
    channel: 'wecom',
    dedupeKey: key,
    externalId: sender,
    msgType: 'text',
    content: key,
  });

  it("a sender's later message waits for an earlier one still being committed on the other instance", async () => {
    let commit: () => void = () => {};
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let firstId = 0;
    // Instance 1 has stored A (its id taken) but not committed yet.
    const instance1 = two.first.db.transaction().execute(async (trx) => {
      const [a] = await new KyselyInboundStore(trx).store([input('u-slow', 'A')]);
      firstId = a!.id;
      await committed;
    });
    await until(async () => firstId > 0);
    // Instance 2 gets B from the same sender meanwhile.
    const batcher2 = new InboundBatcher(messagesOnly(new KyselyInboundStore(two.second.db)));
    let storedB: number | null = null;
    const b = batcher2.store(input('u-slow', 'B')).then((r) => (storedB = r.id));
    const w2 = worker(two.second, 2);
    await new Promise((r) => setTimeout(r, 300));
    // B has not overtaken A: not stored yet, so nothing of this sender can be claimed.
    expect(storedB).toBeNull();
    expect((await w2.claim(10)).filter((m) => m.sender === 'wecom:u-slow')).toEqual([]);
    commit();
    await instance1;
    await b;
    expect(storedB!).toBeGreaterThan(firstId);
    for (;;) {
      const claimed = (await w2.claim(10)).filter((m) => m.sender === 'wecom:u-slow');
      if (claimed.length === 0) break;
      for (const m of claimed) await w2.process(m);
    }
    expect(processed.filter((p) => p.sender === 'wecom:u-slow').map((p) => p.id)).toEqual([firstId, storedB]);
  });

  it("the one-statement store takes its senders' locks before any id: a batch waiting for a lock holds no id", async () => {
    let commit: () => void = () => {};
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let aId = 0;
    let laterId = 0;
    let batch: Promise<StoredInbound[]> | null = null;
    // Instance 1 stores A of u-held in a transaction (its lock held until commit).
    const instance1 = two.first.db.transaction().execute(async (trx) => {
      const store = new KyselyInboundStore(trx);
      aId = (await store.store([input('u-held', 'held:A')]))[0]!.id;
      // Instance 2's autocommit batch (another sender first, then u-held's B) starts and waits for u-held's lock.
      batch = new KyselyInboundStore(two.second.db).store([input('u-free', 'held:F'), input('u-held', 'held:B')]);
      await waitForLockWait(two.first.db);
      // Meanwhile instance 1 takes another id: the waiting batch must hold none yet.
      laterId = (await store.store([input('u-other', 'held:X')]))[0]!.id;
      await committed;
    });
    await until(async () => laterId > 0);
    commit();
    await instance1;
    const [f, b] = await batch!;
    expect(laterId).toBeGreaterThan(aId);
    // Both rows of the waiting batch got their ids after the lock: above the id taken while it waited, in batch order.
    expect(f!.id).toBeGreaterThan(laterId);
    expect(b!.id).toBeGreaterThan(f!.id);
    // Not for the next test's workers.
    await two.first.db
      .updateTable('inbound_messages')
      .set({ status: 'done' })
      .where('dedupe_key', 'like', 'held:%')
      .execute();
  });

  it('64 senders, their messages spread over both instances at once: each processed once, in id order', async () => {
    processed.length = 0;
    const w1 = worker(two.first, 1);
    const w2 = worker(two.second, 2);
    w1.start();
    w2.start();
    const batchers = [
      new InboundBatcher(messagesOnly(new KyselyInboundStore(two.first.db))),
      new InboundBatcher(messagesOnly(new KyselyInboundStore(two.second.db))),
    ];
    const senders = Array.from({ length: 64 }, (_, i) => `u-load-${i}`);
    const perSender = 8;
    // Every message at once, alternating instances: a sender's messages race each other across instances.
    const stored = await Promise.all(
      senders.flatMap((s, i) =>
        Array.from({ length: perSender }, (_, k) => batchers[(i + k) % 2]!.store(input(s, `${s}:${k}`))),
      ),
    );
    expect(stored.every((r) => !r.duplicate)).toBe(true);
    await until(async () => processed.length >= senders.length * perSender, 30_000);
    await Promise.all([w1.stop(), w2.stop()]);
    const done = await two.first.db
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('sender', 'like', 'wecom:u-load-%')
      .where('status', '=', 'done')
      .executeTakeFirstOrThrow();
    expect(Number(done.n)).toBe(senders.length * perSender);
    expect(processed).toHaveLength(senders.length * perSender);
    for (const s of senders) {
      const ids = processed.filter((p) => p.sender === `wecom:${s}`).map((p) => p.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    // Both instances did work.
    expect(new Set(processed.map((p) => p.instance))).toEqual(new Set([1, 2]));
  });
});

/** Until some backend waits for an advisory lock. */
async function waitForLockWait(db: Kysely<Database>): Promise<void> {
  await until(async () => {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(db);
    return Number(rows[0]!.n) > 0;
  });
}

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
