/**
 * Issue 14, the inbound fast path: a channel hands the messages it stored to the worker (`bus.inboundStored`), and
 * the worker takes them in its turn's transaction (`InboundStore.take`) without a claim of its own. The poll path
 * (the lease claim) stays for what was not handed here: a crashed process's messages, retries, messages beyond the
 * hold limit, other instances' work. Per-sender order, nothing lost, nothing twice.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { InboundBatcher, messagesOnly } from '../../bot/channels/inbound.batcher.js';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { type ConversationStep, InboundWorker, type WorkerOptions } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyInboundStore } from '../../db/repositories/inbound.repository.js';
import { pipelineStores, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { waitFor } from '../channels/wecom.harness.js';
import { openTestDatabase, useTwoInstances } from '../helpers/db.js';

type Services = { db: Kysely<Database> };

describe('inbound worker: messages handed over in memory', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());
  afterEach(() => vi.restoreAllMocks());

  const worker = (
    db: DatabaseHandle,
    bus: PipelineBus,
    step: ConversationStep<Services>,
    opts: Partial<WorkerOptions>,
  ) =>
    new InboundWorker(
      turnUnitOfWork(db.db, (d) => ({ db: d })),
      step,
      bus,
      {
        concurrency: 8,
        maxAttempts: 3,
        pollMs: 50,
        texts: pipelineReplies,
        ...opts,
      },
    );
  /** Stores a message as a channel does, and hands it to `bus` as the channels do. */
  const receive = async (bus: PipelineBus | null, sender: string, text: string): Promise<InboundMessage> => {
    const stored = await storeInbound(pipelineStores(h.db).inbound, {
      channel: 'sandbox',
      dedupeKey: `${sender}:${text}`,
      externalId: sender,
      msgType: 'text',
      content: text,
    });
    bus?.inboundStored(stored.message ? [stored.message] : []);
    return stored.message!;
  };
  const rows = (prefix: string) =>
    h.db
      .selectFrom('inbound_messages')
      .select(['sender', 'content', 'status', 'attempts'])
      .where('sender', 'like', `sandbox:${prefix}%`)
      .orderBy('id')
      .execute();
  const allDone = (prefix: string, n: number) =>
    waitFor(async () => {
      const r = await rows(prefix);
      return r.length === n && r.every((m) => m.status === 'done' || m.status === 'parked') ? r : undefined;
    }, 20_000);

  it('processes handed messages in their own turn transactions, in order, with no claim after the first poll', async () => {
    const claim = vi.spyOn(KyselyInboundStore.prototype, 'claim');
    const seen: string[] = [];
    const bus = new PipelineBus();
    // The poll runs once at start, then not for a minute: whatever is processed meanwhile came by hand.
    const w = worker(
      h,
      bus,
      async ({ message }) => {
        seen.push(message.content!);
        return [{ body: `echo ${message.content}` }];
      },
      {
        pollMs: 60_000,
        turnsPerTransaction: 3,
      },
    );
    w.start();
    try {
      await waitFor(async () => claim.mock.results[0]?.value, 5000, 'the first poll');
      await claim.mock.results[0]!.value;
      for (let k = 0; k < 5; k++) for (const s of ['f-a', 'f-b', 'f-c']) await receive(bus, s, `m${k}`);
      const done = await allDone('f-', 15);
      expect(done.every((m) => m.status === 'done' && m.attempts === 1)).toBe(true);
    } finally {
      await w.stop();
    }
    expect(claim).toHaveBeenCalledTimes(1);
    for (const s of ['f-a', 'f-b', 'f-c']) {
      const replies = await h.db.selectFrom('outbox').select('body').where('recipient', '=', s).orderBy('id').execute();
      expect(replies.map((r) => r.body)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => `echo ${m}`));
    }
    expect(seen).toHaveLength(15);
  });

  it('a process dying with handed messages in memory: another worker processes them, each once, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const prepared: string[] = [];
    const handled: Array<{ sender: string; content: string; by: string }> = [];
    const stepOf = (by: string, hang: boolean): ConversationStep<Services> =>
      Object.assign(
        async ({ message }: { message: InboundMessage }) => {
          handled.push({ sender: message.sender, content: message.content!, by });
          return [];
        },
        {
          prepare: async ({ message }: { message: InboundMessage }) => {
            prepared.push(`${by}:${message.content}`);
            if (hang) await gate; // the dying process's LLM call never returns
            return null;
          },
        },
      );
    const busA = new PipelineBus();
    const claim = vi.spyOn(KyselyInboundStore.prototype, 'claim');
    const a = worker(h, busA, stepOf('a', true), { pollMs: 60_000 });
    a.start();
    // Its first poll is over (it found nothing): what follows is handed to it.
    await waitFor(async () => claim.mock.results[0]?.value, 5000, 'the first poll');
    await claim.mock.results[0]!.value;
    for (let k = 0; k < 4; k++) await receive(busA, 'c-one', `m${k}`);
    await receive(busA, 'c-two', 'm0');
    await waitFor(async () => prepared.length === 2 || undefined, 5000, 'the dying process to prepare');
    // It dies: nothing it held in memory was processed. Another instance (or the restart) finds it all by polling.
    const b = worker(h, new PipelineBus(), stepOf('b', false), { pollMs: 20 });
    b.start();
    try {
      await allDone('c-', 5);
    } finally {
      await b.stop();
    }
    release(); // its preparations return: it finds both messages taken by the other worker and leaves them
    await a.stop();
    expect(handled.every((x) => x.by === 'b')).toBe(true);
    expect(handled.filter((x) => x.sender === 'sandbox:c-one').map((x) => x.content)).toEqual(['m0', 'm1', 'm2', 'm3']);
    expect(handled.filter((x) => x.sender === 'sandbox:c-two').map((x) => x.content)).toEqual(['m0']);
    expect((await rows('c-')).every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    // Prepared once by each process at most (across instances it may be twice).
    expect(prepared.filter((p) => p.startsWith('b:'))).toHaveLength(5);
  });

  it('beyond the hold limit, the poll finds the messages it did not hold; the order holds', async () => {
    const seen: string[] = [];
    const bus = new PipelineBus();
    const w = worker(
      h,
      bus,
      async ({ message }) => {
        seen.push(message.content!);
        return [];
      },
      {
        holdLimit: 2,
        concurrency: 1,
      },
    );
    for (let k = 0; k < 6; k++) await receive(bus, 'l-one', `m${k}`); // handed before the worker listens: not held
    w.start();
    for (let k = 6; k < 12; k++) await receive(bus, 'l-one', `m${k}`);
    try {
      await allDone('l-', 12);
    } finally {
      await w.stop();
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, k) => `m${k}`));
  });

  it("a handed message waits behind its sender's earlier one being retried, prepared once; a failing one is parked", async () => {
    let t = Date.now();
    const seen: string[] = [];
    const prepared: string[] = [];
    const bus = new PipelineBus();
    const step: ConversationStep<Services> = Object.assign(
      async ({ message }: { message: InboundMessage }) => {
        seen.push(`${message.content}`);
        if (message.content === 'flaky' && seen.filter((s) => s === 'flaky').length === 1) throw new Error('once');
        if (message.content === 'poison') throw new Error('always');
        return [];
      },
      {
        prepare: async ({ message }: { message: InboundMessage }) => {
          prepared.push(message.content!);
          return null;
        },
      },
    );
    const w = worker(h, bus, step, { maxAttempts: 2, now: () => new Date(t), pollMs: 20 });
    w.start();
    try {
      await receive(bus, 'r-one', 'flaky');
      await waitFor(async () => seen.length >= 1 || undefined, 5000, 'the first try');
      await receive(bus, 'r-one', 'after');
      await receive(bus, 'r-two', 'poison');
      await waitFor(async () => seen.includes('poison') || undefined, 5000, 'the poison message');
      await new Promise((r) => setTimeout(r, 200));
      // 'after' is neither processed nor prepared while 'flaky' waits for its retry.
      expect(seen).not.toContain('after');
      expect(prepared).not.toContain('after');
      t += 120_000;
      await allDone('r-', 3);
    } finally {
      await w.stop();
    }
    // A turn failing in a batch makes its neighbours' steps run again in the rerun with savepoints (what counts is
    // committed once, see the rows): 'flaky' may run a third time beside 'poison', 'poison' once more beside it.
    const others = seen.filter((s) => s !== 'poison');
    expect(others.filter((s) => s === 'flaky').length).toBeGreaterThanOrEqual(2);
    expect(others.slice(others.indexOf('after'))).toEqual(['after']);
    expect(seen.filter((s) => s === 'poison').length).toBeGreaterThanOrEqual(2);
    // Once per attempt.
    expect(prepared.filter((p) => p === 'after')).toHaveLength(1);
    expect(prepared.filter((p) => p === 'flaky')).toHaveLength(2);
    expect(await rows('r-')).toEqual([
      { sender: 'sandbox:r-one', content: 'flaky', status: 'done', attempts: 2 },
      { sender: 'sandbox:r-one', content: 'after', status: 'done', attempts: 1 },
      { sender: 'sandbox:r-two', content: 'poison', status: 'parked', attempts: 2 },
    ]);
  });
});

/**
 * Two instances on one PostgreSQL, each handed the messages its own callbacks stored: one sender's messages reach
 * both at once. PostgreSQL only (PGlite has a single connection).
 */
describe.skipIf(!inject('pgTemplates'))('two instances, each handed its own callbacks', () => {
  const two = useTwoInstances(10);

  it("one sender's messages handed to both: each processed once, in id order", async () => {
    const processed: Array<{ sender: string; id: number; instance: number }> = [];
    const instances = [two.first, two.second].map((db, i) => {
      const bus = new PipelineBus();
      const w = new InboundWorker(
        turnUnitOfWork(db.db, (d) => ({ db: d })),
        async ({ message, services }) => {
          processed.push({ sender: message.sender, id: message.id, instance: i + 1 });
          // A little work in the transaction, so the instances overlap.
          await sql`select pg_sleep(0.002)`.execute(services.db);
          return [];
        },
        bus,
        { concurrency: 8, turnsPerTransaction: 4, maxAttempts: 3, pollMs: 20, texts: pipelineReplies },
      );
      const batcher = new InboundBatcher(messagesOnly(new KyselyInboundStore(db.db)));
      return { bus, w, batcher };
    });
    for (const x of instances) x.w.start();
    const senders = Array.from({ length: 6 }, (_, i) => `h-${i}`);
    const perSender = 20;
    try {
      await Promise.all(
        senders.flatMap((s, i) =>
          Array.from({ length: perSender }, async (_, k) => {
            const x = instances[(i + k) % 2]!;
            const stored = await x.batcher.store({
              channel: 'wecom',
              dedupeKey: `${s}:${k}`,
              externalId: s,
              msgType: 'text',
              content: `${k}`,
            });
            x.bus.inboundStored(stored.message ? [stored.message] : []);
          }),
        ),
      );
      await waitFor(async () => processed.length >= senders.length * perSender || undefined, 20_000, 'all processed');
      await new Promise((r) => setTimeout(r, 200)); // nothing processed twice comes late
    } finally {
      await Promise.all(instances.map((x) => x.w.stop()));
    }
    expect(processed).toHaveLength(senders.length * perSender);
    expect(new Set(processed.map((p) => p.id)).size).toBe(processed.length);
    for (const s of senders) {
      const ids = processed.filter((p) => p.sender === `wecom:${s}`).map((p) => p.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    expect(new Set(processed.map((p) => p.instance))).toEqual(new Set([1, 2]));
    const left = await two.first.db
      .selectFrom('inbound_messages')
      .select(['status', 'attempts'])
      .where('sender', 'like', 'wecom:h-%')
      .execute();
    expect(left.every((r) => r.status === 'done')).toBe(true);
  });

  /**
   * Two workers whose poll runs once at start and then not for a minute: whatever is processed after that came by
   * hand, or was followed (`InboundWorker.follow`). `gate` holds a message's turn open in its transaction.
   */
  const followers = (gate: (content: string) => Promise<void> = async () => {}) => {
    const processed: Array<{ content: string; instance: number }> = [];
    const instances = [two.first, two.second].map((db, i) => {
      const bus = new PipelineBus();
      const w = new InboundWorker(
        turnUnitOfWork(db.db, (d) => ({ db: d })),
        async ({ message, services }) => {
          const content = message.content ?? '';
          await gate(content);
          processed.push({ content, instance: i });
          await sql`select pg_sleep(0.001)`.execute(services.db);
          return [];
        },
        bus,
        { concurrency: 8, maxAttempts: 3, pollMs: 60_000, texts: pipelineReplies },
      );
      const store = new KyselyInboundStore(db.db);
      /** Stored by this instance; handed to its worker unless `hand` is false. */
      const receive = async (sender: string, content: string, hand = true) => {
        const [stored] = await store.store([
          { channel: 'wecom', dedupeKey: `${sender}:${content}`, externalId: sender, msgType: 'text', content },
        ]);
        if (hand) bus.inboundStored([stored!.message!]);
        return stored!.message!;
      };
      return { bus, w, receive };
    });
    return { processed, instances };
  };
  const startedAfterFirstPoll = async (ws: Array<{ w: InboundWorker<Services> }>) => {
    for (const x of ws) x.w.start();
    await new Promise((r) => setTimeout(r, 100));
  };

  it("a sender's messages alternating between instances, each sent when the last is stored: none waits for the poll", async () => {
    const { processed, instances } = followers();
    await startedAfterFirstPoll(instances);
    const senders = ['alt-0', 'alt-1', 'alt-2', 'alt-3'];
    const perSender = 15;
    const started = Date.now();
    try {
      await Promise.all(
        senders.map(async (s, i) => {
          for (let k = 0; k < perSender; k++) await instances[(i + k) % 2]!.receive(s, `${s}/${k}`);
        }),
      );
      await waitFor(async () => processed.length >= senders.length * perSender || undefined, 10_000, 'all processed');
    } finally {
      await Promise.all(instances.map((x) => x.w.stop()));
    }
    // The poll would have taken a minute.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(processed).toHaveLength(senders.length * perSender);
    for (const s of senders) {
      expect(processed.filter((p) => p.content.startsWith(`${s}/`)).map((p) => p.content)).toEqual(
        Array.from({ length: perSender }, (_, k) => `${s}/${k}`),
      );
    }
    expect(new Set(processed.map((p) => p.instance))).toEqual(new Set([0, 1]));
  });

  it("a message stored while its sender's earlier one is in another instance's transaction is followed after that commits", async () => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { processed, instances } = followers(async (content) => {
      if (content !== 'busy/0') return;
      open();
      await released;
    });
    const [a, b] = instances;
    await startedAfterFirstPoll(instances);
    try {
      await a!.receive('busy', 'busy/0');
      // busy/0 is taken and its transaction open: its take read the sender's queue before busy/1 existed.
      await opened;
      // Handed to the other instance, whose take skips it: its sender's earlier message is unfinished.
      await b!.receive('busy', 'busy/1');
      await new Promise((r) => setTimeout(r, 50));
      expect(processed).toEqual([]);
      release();
      await waitFor(async () => processed.length >= 2 || undefined, 2_000, 'busy/1 followed after the commit');
    } finally {
      release();
      await Promise.all(instances.map((x) => x.w.stop()));
    }
    expect(processed).toEqual([
      { content: 'busy/0', instance: 0 },
      { content: 'busy/1', instance: 0 },
    ]);
  });

  it("a message waiting behind its sender's earlier one that no transaction holds is followed by whoever takes that one", async () => {
    const { processed, instances } = followers();
    const [a, b] = instances;
    await startedAfterFirstPoll(instances);
    try {
      // The first message is stored by the first instance but not yet in its worker (queued there, in effect).
      const m0 = await a!.receive('queued', 'queued/0', false);
      await b!.receive('queued', 'queued/1');
      await new Promise((r) => setTimeout(r, 50));
      expect(processed).toEqual([]);
      a!.bus.inboundStored([m0]);
      await waitFor(async () => processed.length >= 2 || undefined, 2_000, 'queued/1 followed');
    } finally {
      await Promise.all(instances.map((x) => x.w.stop()));
    }
    expect(processed).toEqual([
      { content: 'queued/0', instance: 0 },
      { content: 'queued/1', instance: 0 },
    ]);
  });

  it("waits for a leased message another instance's claim holds for a moment, and takes it", async () => {
    const store = new KyselyInboundStore(two.first.db);
    await store.store([
      { channel: 'wecom', dedupeKey: 'leased:1', externalId: 'leased', msgType: 'text', content: 'x' },
    ]);
    const now = new Date();
    const [m] = (await store.claim(now, new Date(now.getTime() + 30_000), 100)).filter(
      (x) => x.sender === 'wecom:leased',
    );
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The other instance's claim locked the row as it saw it before our claim committed (and left it, leased).
    const other = two.second.db.transaction().execute(async (trx) => {
      await sql`select id from inbound_messages where id = ${m!.id} for update`.execute(trx);
      locked();
      await gate;
    });
    await isLocked;
    const taken = new KyselyInboundStore(two.first.db).take([], [m!.id], new Date());
    setTimeout(release, 100);
    expect((await taken).attempts).toEqual(new Map([[m!.id, 1]]));
    await other;
  });

  it('takes a handed message another transaction holds without waiting for it: it is skipped', async () => {
    const [m] = await new KyselyInboundStore(two.first.db).store([
      { channel: 'wecom', dedupeKey: 'held:1', externalId: 'held', msgType: 'text', content: 'x' },
    ]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // The other instance's turn holds it (taken, not committed yet).
    const other = two.first.db.transaction().execute(async (trx) => {
      expect((await new KyselyInboundStore(trx).take([m!.id], [], new Date())).attempts).toEqual(new Map([[m!.id, 1]]));
      locked();
      await gate;
    });
    await isLocked;
    const started = Date.now();
    expect((await new KyselyInboundStore(two.second.db).take([m!.id], [], new Date())).attempts).toEqual(new Map());
    expect(Date.now() - started).toBeLessThan(1000);
    release();
    await other;
  });
});
