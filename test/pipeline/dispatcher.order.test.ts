import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { enqueue } from '../../bot/pipeline/outbox.js';
import type { Transport } from '../../bot/pipeline/transports.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { KyselyOutboxStore } from '../../db/repositories/outbox.repository.js';
import { pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';

describe('outbox dispatcher ordering', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  it("sends one recipient's messages in order, and holds the later ones back while an earlier one must retry", async () => {
    const sent: string[] = [];
    let failFirst = true;
    const recording: Transport = {
      send: async (row) => {
        const text = row.body.replace(/^（\d+\/\d+）\n/, ''); // each part starts with its number
        if (text.startsWith('part-1') && failFirst) {
          failFirst = false;
          throw Object.assign(new Error('busy'), { retryable: true });
        }
        // A slow send must not let the next part overtake it.
        await new Promise((r) => setTimeout(r, text.startsWith('part-1') ? 30 : 1));
        sent.push(`${row.address}:${text.slice(0, 6)}`);
      },
    };
    const long = Array.from({ length: 3 }, (_, i) => `part-${i + 1} ${'字'.repeat(600)}`).join('\n');
    await enqueue(new KyselyOutboxStore(h.db), [
      { recipient: 'D0001', address: 'wx_a', route: 'wecom_app', body: long, kind: 'test', dedupeKey: 'order:a' },
      { recipient: 'D0002', address: 'wx_b', route: 'wecom_app', body: 'other-1', kind: 'test', dedupeKey: 'order:b' },
    ]);
    let t = Date.now();
    const dispatcher = new OutboxDispatcher(pipelineUnitOfWork(h.db), new PipelineBus(), {
      kv: new MemoryKeyValueStore(),
      transports: { wecom_app: recording, wecom_appchat: recording, wecom_webhook: recording },
      kf: null,
      maxAttempts: 5,
      texts: pipelineReplies,
      now: () => new Date(t),
    });
    await dispatcher.runOnce();
    // The first part failed: nothing for wx_a went out, the other recipient was not held up.
    expect(sent).toEqual(['wx_b:other-']);
    const waiting = await h.db
      .selectFrom('outbox')
      .select(['body', 'status', 'attempts'])
      .where('address', '=', 'wx_a')
      .orderBy('id')
      .execute();
    expect(waiting.map((w) => [w.status, w.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    t += 15 * 60_000;
    await dispatcher.runOnce();
    expect(sent).toEqual(['wx_b:other-', 'wx_a:part-1', 'wx_a:part-2', 'wx_a:part-3']);
  });

  it('gives a KF send back to the 5-message window when the call fails', async () => {
    const now = new Date();
    await h.db
      .insertInto('kf_sessions')
      .values({ external_userid: 'wm_x', open_kfid: 'wk1', last_inbound_at: now })
      .execute();
    await enqueue(new KyselyOutboxStore(h.db), [
      { recipient: 'D0009', address: 'wm_x', route: 'kf', body: '你好', kind: 'test', dedupeKey: 'kf:1' },
    ]);
    let fail = true;
    let t = now.getTime();
    const dispatcher = new OutboxDispatcher(pipelineUnitOfWork(h.db), new PipelineBus(), {
      kv: new MemoryKeyValueStore(),
      transports: null,
      kf: async () => {
        if (fail) {
          fail = false;
          throw Object.assign(new Error('timeout'), { retryable: true });
        }
      },
      maxAttempts: 5,
      texts: pipelineReplies,
      now: () => new Date(t),
    });
    const used = async () =>
      (
        await h.db
          .selectFrom('kf_sessions')
          .select('sent_since_inbound')
          .where('external_userid', '=', 'wm_x')
          .executeTakeFirstOrThrow()
      ).sent_since_inbound;
    await dispatcher.runOnce();
    expect(await used()).toBe(0);
    t += 15 * 60_000;
    await dispatcher.runOnce();
    expect(await used()).toBe(1);
    const row = await h.db
      .selectFrom('outbox')
      .select('status')
      .where('dedupe_key', '=', 'kf:1')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
  });

  it("counts a retry's delay from the attempt's end: a send that took 7 s to fail still waits its backoff", async () => {
    const start = new Date('2026-11-26T02:00:00Z').getTime();
    let t = start;
    const slowFailure: Transport = {
      send: async () => {
        t += 7_000; // the call took 7 s, then WeCom answered 5xx
        throw Object.assign(new Error('WeCom 502'), { retryable: true });
      },
    };
    await enqueue(new KyselyOutboxStore(h.db), [
      {
        recipient: 'D0010',
        address: 'wx_slow',
        route: 'wecom_app',
        body: '慢',
        kind: 'test',
        dedupeKey: 'slowfail:1',
        notBefore: new Date(start),
      },
    ]);
    const dispatcher = new OutboxDispatcher(pipelineUnitOfWork(h.db), new PipelineBus(), {
      kv: new MemoryKeyValueStore(),
      transports: { wecom_app: slowFailure, wecom_appchat: slowFailure, wecom_webhook: slowFailure },
      kf: null,
      maxAttempts: 5,
      texts: pipelineReplies,
      now: () => new Date(t),
    });
    await dispatcher.runOnce();
    const row = await h.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'next_attempt_at'])
      .where('dedupe_key', '=', 'slowfail:1')
      .executeTakeFirstOrThrow();
    expect([row.status, row.attempts]).toEqual(['pending', 1]);
    // The first backoff is 0.5–1 s, counted from 7 s after the start (not from the start: due at once again).
    const wait = row.next_attempt_at.getTime() - (start + 7_000);
    expect(wait).toBeGreaterThanOrEqual(500);
    expect(wait).toBeLessThanOrEqual(1_000);
  });
});
