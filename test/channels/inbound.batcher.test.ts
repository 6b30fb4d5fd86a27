import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundBatcher, messagesOnly } from '../../bot/channels/inbound.batcher.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { type MpInbound, mpBatchWriter } from '../../bot/channels/miniprogram/mp.routes.js';
import { mpWindowOpening } from '../../bot/pipeline/transports.js';
import { KyselyInboundStore } from '../../db/repositories/inbound.repository.js';
import { pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';

describe('InboundBatcher (group commit)', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase();
  });
  afterAll(async () => h?.close());

  const input = (key: string) => ({
    channel: 'wecom' as const,
    dedupeKey: key,
    externalId: 'batch-user',
    msgType: 'text',
    content: key,
  });

  it('stores concurrent calls once per key, in shared batches, and flags every duplicate', async () => {
    const batcher = new InboundBatcher(messagesOnly(new KyselyInboundStore(h.db)), 16);
    await batcher.store(input('b:existing'));
    const keys = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 'b:existing' : `b:${i % 10}`));
    const results = await Promise.all(keys.map((k) => batcher.store(input(k))));
    const rows = await h.db
      .selectFrom('inbound_messages')
      .select(['id', 'dedupe_key'])
      .where('dedupe_key', 'like', 'b:%')
      .execute();
    expect(rows).toHaveLength(1 + new Set(keys.filter((k) => k !== 'b:existing')).size);
    const idOf = new Map(rows.map((r) => [r.dedupe_key, r.id]));
    expect(results.map((r) => r.id)).toEqual(keys.map((k) => idOf.get(k)));
    // Exactly one caller per new key stored it; every other call (and every existing key) is a duplicate.
    const fresh = results.filter((r) => !r.duplicate).map((r) => r.id);
    expect(new Set(fresh).size).toBe(fresh.length);
    expect(fresh).toHaveLength(rows.length - 1);
    expect(fresh).not.toContain(idOf.get('b:existing'));
  });

  it("with several batches in flight, keeps each sender's rows in store order", async () => {
    const batcher = new InboundBatcher(messagesOnly(new KyselyInboundStore(h.db)), 4, 3);
    const calls = Array.from({ length: 30 }, (_, i) => ({
      channel: 'wecom' as const,
      dedupeKey: `o:${i}`,
      externalId: `order-user-${i % 3}`,
      msgType: 'text',
      content: String(i),
    }));
    const results = await Promise.all(calls.map((c) => batcher.store(c)));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    for (let u = 0; u < 3; u++) {
      const ids = results.filter((_, i) => i % 3 === u).map((r) => r.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('rejects every caller of a batch whose write fails, and works again afterwards', async () => {
    const batcher = new InboundBatcher(messagesOnly(new KyselyInboundStore(h.db)));
    await h.db.schema.alterTable('inbound_messages').renameTo('inbound_messages_gone').execute();
    try {
      const failed = await Promise.allSettled([batcher.store(input('f:1')), batcher.store(input('f:2'))]);
      expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await h.db.schema.alterTable('inbound_messages_gone').renameTo('inbound_messages').execute();
    }
    expect((await batcher.store(input('f:1'))).duplicate).toBe(false);
  });

  it('isolates a row that fails from its batch: the neighbours are stored, only its caller is rejected', async () => {
    const batcher = new InboundBatcher(messagesOnly(new KyselyInboundStore(h.db)), 64);
    // An incompressible 9,000-character key exceeds PostgreSQL's index row size: that row's insert fails.
    const oversize = `i:${randomBytes(9000).toString('base64url').slice(0, 9000)}`;
    const keys = Array.from({ length: 30 }, (_, i) => (i === 11 ? oversize : `i:${i}`));
    const results = await Promise.allSettled(
      keys.map((k, i) => batcher.store({ ...input(k), externalId: `iso-${i % 4}` })),
    );
    expect(results.map((r) => r.status)).toEqual(keys.map((k) => (k === oversize ? 'rejected' : 'fulfilled')));
    const rows = await h.db
      .selectFrom('inbound_messages')
      .select(['id', 'dedupe_key', 'sender'])
      .where('dedupe_key', 'like', 'i:%')
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(29);
    // Each sender's rows are still in call order.
    for (let u = 0; u < 4; u++) {
      const own = rows.filter((r) => r.sender.endsWith(`iso-${u}`)).map((r) => Number(r.dedupe_key.slice(2)));
      expect(own).toEqual([...own].sort((a, b) => a - b));
    }
  });

  it('mini-program: commits each row with its window, isolates a failing row, opens no window for a duplicate', async () => {
    const batcher = new InboundBatcher<MpInbound>(mpBatchWriter(pipelineUnitOfWork(h.db)), 64);
    const t0 = new Date('2026-11-30T02:00:00Z');
    const mp = (key: string, openid: string, action: 'message' | 'enter' = 'message', at = t0): MpInbound => ({
      channel: 'miniprogram',
      dedupeKey: key,
      externalId: openid,
      msgType: action === 'enter' ? 'event' : 'text',
      content: key,
      opensWindow: mpWindowOpening(openid, action, at),
    });
    const oversize = `m:${randomBytes(9000).toString('base64url').slice(0, 9000)}`;
    const calls = [
      mp('m:1', 'mp-a', 'enter'),
      mp('m:2', 'mp-a', 'message', new Date(t0.getTime() + 40_000)),
      mp(oversize, 'mp-bad'),
      mp('m:3', 'mp-b', 'enter'),
      mp('m:3', 'mp-b', 'enter'),
    ];
    const results = await Promise.allSettled(calls.map((c) => batcher.store(c)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const windows = await h.db
      .selectFrom('mp_sessions')
      .select(['openid', 'quota_left', 'window_until'])
      .where('openid', 'like', 'mp-%')
      .orderBy('openid')
      .execute();
    // mp-a entered, then wrote within the minute: one 48 h window of 5, as if opened one after the other.
    expect(windows.map((w) => [w.openid, w.quota_left, w.window_until.getTime() - t0.getTime()])).toEqual([
      ['mp-a', 5, 40_000 + 48 * 3600_000],
      ['mp-b', 2, 60_000],
    ]);
    // The repeat of m:3 in the same batch is a duplicate of its row.
    const [, , , first, repeat] = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(repeat).toEqual({ id: first!.id, duplicate: true });
  });
});
