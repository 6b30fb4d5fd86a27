/**
 * Issue 14, defect 1 on the sending side: the database goes away while the running dispatcher handles a failed
 * WeCom call, so the failure cannot be recorded. Before the fix the rejected recipient queue had no handler: an
 * unhandled rejection, which ends a Node process (the same outcome as the 57P01 'error' event). The dispatcher must
 * log it, keep running, and send the row once the lease runs out and the database is back.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import type { OutboxStore } from '../../core/messaging/ports.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { enqueue } from '../../bot/pipeline/outbox.js';
import type { Transport } from '../../bot/pipeline/transports.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';
import { waitFor } from '../channels/wecom.harness.js';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await openTestDatabase();
});
afterAll(async () => h?.close());

it('a failed send whose retry cannot be recorded (database gone) is logged, not fatal, and goes out after its lease', async () => {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);

  // The database is "down" for the first two writes of a retry or a dead letter (what a dropped pool gives).
  const real = pipelineUnitOfWork(h.db);
  let outage = 2;
  const outbox: OutboxStore = Object.create(real.root.outbox);
  outbox.retry = async (...args) => {
    if (outage-- > 0) throw new Error('Connection terminated unexpectedly');
    return real.root.outbox.retry(...args);
  };
  const sent: string[] = [];
  let failing = 2;
  const wecom: Transport = {
    send: async (row) => {
      if (failing-- > 0) throw Object.assign(new Error('WeCom 502'), { retryable: true });
      sent.push(row.body);
    },
  };
  const errors: string[] = [];
  const dispatcher = new OutboxDispatcher({ ...real, root: { ...real.root, outbox } }, new PipelineBus(), {
    kv: new MemoryKeyValueStore(),
    transports: { wecom_app: wecom, wecom_appchat: wecom, wecom_webhook: wecom },
    kf: null,
    maxAttempts: 8,
    texts: pipelineReplies,
    pollMs: 20,
    leaseMs: 300,
    log: { warn: () => {}, error: (_o, msg) => errors.push(msg) },
  });
  await enqueue(pipelineStores(h.db).outbox, [
    { recipient: 'u-a', address: 'u-a', route: 'wecom_app', body: 'A', kind: 'test', dedupeKey: 'outage:a' },
    { recipient: 'u-b', address: 'u-b', route: 'wecom_app', body: 'B', kind: 'test', dedupeKey: 'outage:b' },
  ]);
  dispatcher.start();
  try {
    await waitFor(async () => (sent.length === 2 ? true : undefined), 10_000, 'both rows sent after their lease');
    // Give a late rejection the chance to surface.
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    await dispatcher.stop();
    process.off('unhandledRejection', onRejection);
  }
  expect(rejections).toEqual([]);
  expect(sent.sort()).toEqual(['A', 'B']);
  expect(errors.filter((m) => m.includes('could not record'))).toHaveLength(2);
  const rows = await h.db.selectFrom('outbox').select(['status']).where('dedupe_key', 'like', 'outage:%').execute();
  expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
});
