/**
 * Regression: a wake-up while every worker slot is busy used to leave a settled promise in `draining`, and the
 * worker never claimed again (found by the crash test on PostgreSQL: 476 messages stayed pending).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeInbound } from '../../bot/channels/inbound.store.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { InboundWorker } from '../../bot/pipeline/worker.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, turnUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';
import { waitFor } from '../channels/wecom.harness.js';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await openTestDatabase();
});
afterAll(async () => h?.close());

it('keeps claiming after a wake-up that arrived while all slots were busy', async () => {
  const store = (sender: string) =>
    storeInbound(pipelineStores(h.db).inbound, {
      channel: 'sandbox',
      dedupeKey: `stall:${sender}`,
      externalId: sender,
      msgType: 'text',
      content: 'x',
    });
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let started = 0;
  const bus = new PipelineBus();
  const worker = new InboundWorker(
    turnUnitOfWork(h.db, () => ({})),
    async () => {
      started++;
      await gate;
      return [];
    },
    bus,
    { concurrency: 1, maxAttempts: 3, pollMs: 50, texts: pipelineReplies },
  );
  // Both stored up front: while the step holds its transaction, PGlite's single connection is taken.
  await store('s1');
  await store('s2');
  worker.start();
  try {
    await waitFor(async () => started === 1, 5000, 'the first message to start');
    bus.inboundStored(); // a wake-up while the only slot is busy
    await new Promise((r) => setTimeout(r, 100));
    release();
    await waitFor(async () => started === 2, 3000, 'the second message to be claimed');
    const done = await waitFor(async () => {
      const rows = await h.db
        .selectFrom('inbound_messages')
        .select('status')
        .where('dedupe_key', 'like', 'stall:%')
        .execute();
      return rows.length === 2 && rows.every((r) => r.status === 'done') ? rows : undefined;
    });
    expect(done).toHaveLength(2);
  } finally {
    await worker.stop();
  }
});
