import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewOutboxMessage } from '../../core/messaging/types.js';
import { openTestDatabase } from '../../test/helpers/db.js';
import type { DatabaseHandle } from '../connect.js';
import { KyselyFollowupStore } from './followups.repository.js';
import { KyselyIdentityDirectory } from './identity.repository.js';
import { KyselyInboundStore } from './inbound.repository.js';
import { KyselyKfStateStore } from './kf.repository.js';
import { KyselyOutboxStore, KyselyPipelineStatusReader } from './outbox.repository.js';
import { pipelineUnitOfWork } from './pipeline.stores.js';

const T0 = new Date('2026-11-26T09:00:00+08:00');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('message pipeline repositories', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await openTestDatabase({ seeded: false });
    const region = await h.db
      .insertInto('regions')
      .values({ province: '江苏', city: '南京', county: '鼓楼区', market_level: '二线' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('managers')
      .values([
        { code: 'M201', name: '周经理', role: 'account', wecom_userid: 'u-M201', webhook_key: 'hook-M201' },
        { code: 'M202', name: '吴经理', role: 'regional' },
      ])
      .execute();
    await h.db
      .insertInto('dealers')
      .values(
        ['D0201', 'D0202', 'D0203'].map((code) => ({
          code,
          name: `南京${code}门窗`,
          region_id: region.id,
          tier: 'key' as const,
          manager_code: 'M201',
          partnership_start: '2021-05-01',
        })),
      )
      .execute();
    await h.db
      .insertInto('channel_identities')
      .values([
        { channel: 'kf', external_id: 'wm-b', dealer_code: 'D0201' },
        { channel: 'wecom', external_id: 'wx-z', dealer_code: 'D0201' },
        { channel: 'kf', external_id: 'wm-a', dealer_code: 'D0201' },
        { channel: 'kf', external_id: 'wm-c', dealer_code: 'D0202' },
        { channel: 'sandbox', external_id: 'D0203', dealer_code: 'D0203' },
        { channel: 'wecom', external_id: 'u-M202', manager_code: 'M202' },
      ])
      .execute();
  });
  afterAll(async () => h?.close());

  const input = (externalId: string, key: string) => ({
    channel: 'sandbox' as const,
    dedupeKey: key,
    externalId,
    msgType: 'text',
    content: key,
  });

  describe('KyselyInboundStore', () => {
    it('stores every column as given (arrays of any text) and hands out ids in batch order', async () => {
      const inbound = new KyselyInboundStore(h.db);
      const odd = ['NULL', '', 'a,b', '{x}', 'quote " and \\ backslash', '换行\n和 emoji 🙂', null];
      const at = new Date('2026-11-30T01:02:03.456Z');
      const stored = await inbound.store(
        odd.map((content, i) => ({
          ...input(i % 2 === 0 ? 'cols-a' : 'cols-b', `cols:${i}`),
          msgType: i === 3 ? 'image' : 'text',
          content,
          payload: { i, text: content, nested: { q: '"\\' } },
          ...(i === 1 ? { receivedAt: at } : {}),
        })),
      );
      const ids = stored.map((r) => r.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const rows = await h.db
        .selectFrom('inbound_messages')
        .select(['id', 'sender', 'msg_type', 'content', 'payload', 'received_at'])
        .where('dedupe_key', 'like', 'cols:%')
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.content)).toEqual(odd);
      expect(rows.map((r) => r.payload)).toEqual(odd.map((text, i) => ({ i, text, nested: { q: '"\\' } })));
      expect(rows.map((r) => r.msg_type)).toEqual(odd.map((_, i) => (i === 3 ? 'image' : 'text')));
      expect(rows.map((r) => r.sender)).toEqual(odd.map((_, i) => `sandbox:${i % 2 === 0 ? 'cols-a' : 'cols-b'}`));
      expect(new Date(rows[1]!.received_at).getTime()).toBe(at.getTime());
      expect(stored.map((r) => r.message?.content)).toEqual(odd);
      // Not for the claims below.
      await h.db
        .updateTable('inbound_messages')
        .set({ status: 'done' })
        .where('dedupe_key', 'like', 'cols:%')
        .execute();
    });

    it('stores a batch once per key, answering in input order and flagging every repeat', async () => {
      const inbound = new KyselyInboundStore(h.db);
      const [first] = await inbound.store([input('ann', 'in:1')]);
      expect(first!.duplicate).toBe(false);
      const batch = await inbound.store([
        input('ann', 'in:2'),
        input('ann', 'in:1'),
        input('bob', 'in:3'),
        input('ann', 'in:2'),
      ]);
      expect(batch.map((r) => r.duplicate)).toEqual([false, true, false, true]);
      expect(batch[1]!.id).toBe(first!.id);
      expect(batch[3]!.id).toBe(batch[0]!.id);
      // The same key on another channel is another message.
      const [other] = await inbound.store([{ ...input('ann', 'in:1'), channel: 'wecom' }]);
      expect(other).toMatchObject({ duplicate: false });
      expect(other!.id).not.toBe(first!.id);
      const rows = await h.db
        .selectFrom('inbound_messages')
        .select(['sender', 'content'])
        .where('dedupe_key', 'like', 'in:%')
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { sender: 'sandbox:ann', content: 'in:1' },
        { sender: 'sandbox:ann', content: 'in:2' },
        { sender: 'sandbox:bob', content: 'in:3' },
        { sender: 'wecom:ann', content: 'in:1' },
      ]);
    });

    it("claims only each sender's head, leases it, and takes (finishes), retries and parks it", async () => {
      const inbound = new KyselyInboundStore(h.db);
      const claimed = await inbound.claim(at(0), at(1), 10);
      expect(claimed.map((m) => `${m.sender}/${m.content}`).sort()).toEqual([
        'sandbox:ann/in:1',
        'sandbox:bob/in:3',
        'wecom:ann/in:1',
      ]);
      expect(claimed.every((m) => m.status === 'processing' && m.attempts === 1)).toBe(true);
      // Leased: nothing more until the lease ends, and never a sender's second message before its first.
      expect(await inbound.claim(at(0), at(1), 10)).toEqual([]);
      const ann = claimed.find((m) => m.sender === 'sandbox:ann')!;
      const bob = claimed.find((m) => m.sender === 'sandbox:bob')!;
      const wecom = claimed.find((m) => m.sender === 'wecom:ann')!;
      expect((await inbound.take([], [ann.id], at(0))).attempts).toEqual(new Map([[ann.id, 1]]));
      expect((await inbound.take([], [ann.id], at(0))).attempts).toEqual(new Map()); // done: not ours to take again
      await inbound.retry(bob.id, at(5), 'Error: try later');
      await inbound.park(wecom.id, 'Error: gave up');
      // ann's next message is her head now; bob's retry is not due yet.
      expect((await inbound.claim(at(1), at(2), 10)).map((m) => m.content)).toEqual(['in:2']);
      // At 6 bob's retry is due, and ann's lease (until 2) has run out: another instance may take it over.
      expect((await inbound.claim(at(6), at(7), 10)).map((m) => [m.content, m.attempts])).toEqual([
        ['in:2', 2],
        ['in:3', 2],
      ]);
      expect(await inbound.releaseLeases()).toBe(2);
      const parked = await h.db
        .selectFrom('inbound_messages')
        .select(['status', 'last_error'])
        .where('id', '=', wecom.id)
        .executeTakeFirstOrThrow();
      expect(parked).toEqual({ status: 'parked', last_error: 'Error: gave up' });
    });

    it("takes handed messages in a turn's transaction: a due sender head only, done at once, each attempt counted", async () => {
      const inbound = new KyselyInboundStore(h.db);
      const stored = await inbound.store([input('hx', 'take:1'), input('hx', 'take:2'), input('hy', 'take:3')]);
      const [m1, m2, m3] = stored.map((s) => s.message!);
      // What the channel hands to the worker is the row as stored.
      const row = await h.db
        .selectFrom('inbound_messages')
        .selectAll()
        .where('id', '=', m1!.id)
        .executeTakeFirstOrThrow();
      expect(m1).toEqual({
        id: row.id,
        channel: 'sandbox',
        dedupeKey: 'take:1',
        sender: 'sandbox:hx',
        msgType: 'text',
        content: 'take:1',
        payload: row.payload,
        receivedAt: row.received_at,
        status: 'pending',
        attempts: 0,
      });
      expect((await inbound.store([input('hx', 'take:1')]))[0]).toEqual({ id: m1!.id, duplicate: true });
      // A sender's later message is never taken before the earlier one.
      expect((await inbound.take([m2!.id, m3!.id], [], at(0))).attempts).toEqual(new Map([[m3!.id, 1]]));
      const pipeline = pipelineUnitOfWork(h.db);
      // Rolled back with its transaction: as it was.
      await expect(
        pipeline.transaction(async (tx) => {
          expect((await tx.inbound.take([m1!.id], [], at(0))).attempts).toEqual(new Map([[m1!.id, 1]]));
          throw new Error('connection lost');
        }),
      ).rejects.toThrow('connection lost');
      // A failing turn is put back in the same transaction: pending again, retried from 5.
      await pipeline.transaction(async (tx) => {
        await tx.inbound.take([m1!.id], [], at(0));
        await tx.inbound.retry(m1!.id, at(5), 'Error: turn failed');
      });
      const back = await h.db
        .selectFrom('inbound_messages')
        .selectAll()
        .where('id', '=', m1!.id)
        .executeTakeFirstOrThrow();
      expect(back).toMatchObject({
        status: 'pending',
        attempts: 1,
        processed_at: null,
        last_error: 'Error: turn failed',
      });
      // Not due yet: neither it nor the message behind it.
      expect((await inbound.take([m1!.id, m2!.id], [], at(1))).attempts).toEqual(new Map());
      // A handed message rolled back with its transaction is counted only when it is pending and due.
      expect(await inbound.failed(m1!.id, at(1), at(9), 'Error: x')).toBeNull();
      expect(await inbound.failed(m1!.id, at(6), at(9), 'Error: rolled back')).toBe(2);
      const first = await inbound.take([m1!.id], [], at(10));
      expect(first.attempts).toEqual(new Map([[m1!.id, 3]]));
      // The sender's next message, for the worker to follow the sender there.
      expect(first.next).toEqual(new Map([[m1!.id, m2!.id]]));
      expect(await inbound.failed(m1!.id, at(20), at(29), 'Error: x')).toBeNull(); // done: not pending
      expect((await inbound.take([m2!.id], [], at(10))).attempts).toEqual(new Map([[m2!.id, 1]]));
      const rows = await h.db
        .selectFrom('inbound_messages')
        .select(['status', 'processed_at', 'locked_until', 'last_error'])
        .where('sender', '=', 'sandbox:hx')
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { status: 'done', processed_at: at(10), locked_until: null, last_error: null },
        { status: 'done', processed_at: at(10), locked_until: null, last_error: null },
      ]);
    });

    it("reports a message's progress with its replies", async () => {
      const inbound = new KyselyInboundStore(h.db);
      const [m] = await inbound.store([input('cat', 'progress:1')]);
      await new KyselyOutboxStore(h.db).enqueue([outgoing('progress:r1', { inReplyTo: m!.id, body: '好的' })]);
      expect(await inbound.progress(m!.id)).toEqual({
        status: 'pending',
        replies: [{ body: '好的', status: 'pending' }],
      });
      expect(await inbound.progress(-1)).toBeNull();
    });
  });

  const outgoing = (key: string, o: Partial<NewOutboxMessage> = {}): NewOutboxMessage => ({
    dedupeKey: key,
    recipient: 'D0201',
    address: 'wx-z',
    route: 'wecom_app',
    body: key,
    format: 'text',
    kind: 'test',
    inReplyTo: null,
    notBefore: at(0),
    ...o,
  });

  describe('KyselyOutboxStore', () => {
    it('enqueues once per dedupe key and claims due rows in the order they were written', async () => {
      const outbox = new KyselyOutboxStore(h.db);
      expect(
        await outbox.enqueue([
          outgoing('ob:later', { notBefore: at(2) }),
          outgoing('ob:first', { notBefore: at(-1) }),
          outgoing('ob:future', { notBefore: at(60) }),
        ]),
      ).toBe(3);
      expect(await outbox.enqueue([outgoing('ob:first'), outgoing('ob:new')])).toBe(1);
      const claimed = await outbox.claim(at(5), at(6), 50);
      const ours = claimed.filter((m) => m.dedupeKey.startsWith('ob:'));
      // Write order, not due order: a recipient's earlier row is never left out of a claim that takes a later one.
      expect(ours.map((m) => m.dedupeKey)).toEqual(['ob:later', 'ob:first', 'ob:new']);
      expect(ours.every((m) => m.status === 'sending' && m.attempts === 1)).toBe(true);
      // Leased until 6: not claimable again before then, claimable (lease run out) after.
      expect((await outbox.claim(at(5), at(6), 50)).filter((m) => m.dedupeKey.startsWith('ob:'))).toEqual([]);
      const [later, first, fresh] = ours;
      await outbox.markSent(first!.id, at(5));
      await outbox.postpone(fresh!.id, at(30));
      await outbox.retry(later!.id, 'Error: busy', at(8));
      const rows = await h.db
        .selectFrom('outbox')
        .select(['dedupe_key', 'status', 'attempts', 'next_attempt_at', 'last_error', 'sent_at'])
        .where('dedupe_key', 'in', ['ob:first', 'ob:new', 'ob:later'])
        .orderBy('dedupe_key')
        .execute();
      expect(rows).toEqual([
        {
          dedupe_key: 'ob:first',
          status: 'sent',
          attempts: 1,
          next_attempt_at: at(-1),
          last_error: null,
          sent_at: at(5),
        },
        {
          dedupe_key: 'ob:later',
          status: 'pending',
          attempts: 1,
          next_attempt_at: at(8),
          last_error: 'Error: busy',
          sent_at: null,
        },
        // Postponed without spending the attempt its claim counted.
        {
          dedupe_key: 'ob:new',
          status: 'pending',
          attempts: 0,
          next_attempt_at: at(30),
          last_error: null,
          sent_at: null,
        },
      ]);
    });

    it('marks many rows sent in one statement, each at its own time, and no other row', async () => {
      const outbox = new KyselyOutboxStore(h.db);
      const own = { address: 'wx-marks' };
      await outbox.enqueue([outgoing('ms:a', own), outgoing('ms:b', own), outgoing('ms:c', own)]);
      const claimed = (await outbox.claim(at(1), at(2), 50)).filter((m) => m.dedupeKey.startsWith('ms:'));
      const [a, b] = claimed;
      await outbox.markSentAll([
        { id: a!.id, at: at(3) },
        { id: b!.id, at: new Date(at(4).getTime() + 123) },
      ]);
      await outbox.markSentAll([]);
      const rows = await h.db
        .selectFrom('outbox')
        .select(['dedupe_key', 'status', 'sent_at', 'locked_until'])
        .where('dedupe_key', 'like', 'ms:%')
        .orderBy('dedupe_key')
        .execute();
      expect(rows).toEqual([
        { dedupe_key: 'ms:a', status: 'sent', sent_at: at(3), locked_until: null },
        { dedupe_key: 'ms:b', status: 'sent', sent_at: new Date(at(4).getTime() + 123), locked_until: null },
        { dedupe_key: 'ms:c', status: 'sending', sent_at: null, locked_until: at(2) },
      ]);
    });

    it('dead-letters, hands over, releases held rows and lists the latest per recipient', async () => {
      const outbox = new KyselyOutboxStore(h.db);
      await outbox.enqueue([
        outgoing('ol:dead', { recipient: 'M202', address: 'u-M202' }),
        outgoing('ol:held', { recipient: 'D0202', address: 'wm-c', route: 'kf', notBefore: at(99) }),
        outgoing('ol:gone', { recipient: 'D0202', address: 'wm-c', route: 'kf' }),
      ]);
      const [dead, , gone] = await outbox.latest(3);
      await outbox.markDead(dead!.id, 'Error: 40003');
      await outbox.markFollowup(gone!.id, 'KF window closed');
      expect(await outbox.release(['ol:held'], at(1), ['改写后的说明'])).toBe(true);
      expect(await outbox.release(['ol:gone'], at(1), ['not pending: untouched'])).toBe(false);
      const toDealer = await outbox.latest(10, 'D0202');
      expect(toDealer.map((m) => [m.dedupeKey, m.status, m.body, m.nextAttemptAt])).toEqual([
        ['ol:held', 'pending', '改写后的说明', at(1)],
        ['ol:gone', 'followup', 'ol:gone', at(0)],
      ]);
      // By address too, oldest first.
      expect((await outbox.latest(10, 'u-M202')).map((m) => [m.dedupeKey, m.status, m.lastError])).toEqual([
        ['ol:dead', 'dead', 'Error: 40003'],
      ]);
      expect((await outbox.latest(2)).map((m) => m.dedupeKey)).toEqual(['ol:held', 'ol:gone']);
    });

    it('puts leased rows back for a restarted single-process database', async () => {
      const outbox = new KyselyOutboxStore(h.db);
      await outbox.enqueue([outgoing('or:1')]);
      const leased = await outbox.claim(at(100), at(200), 500);
      expect(leased.length).toBeGreaterThan(0);
      expect(await outbox.releaseLeases()).toBe(leased.length);
    });
  });

  describe('KyselyIdentityDirectory', () => {
    const directory = () => new KyselyIdentityDirectory(h.db);

    it('resolves dealers, managers and unbound accounts from the channel alone', async () => {
      expect(await directory().resolve('kf', 'wm-c')).toEqual({
        kind: 'dealer',
        channel: 'kf',
        externalId: 'wm-c',
        dealerCode: 'D0202',
        dealerName: '南京D0202门窗',
        tier: 'key',
        managerCode: 'M201',
      });
      expect(await directory().resolve('wecom', 'u-M202')).toMatchObject({
        kind: 'manager',
        managerCode: 'M202',
        role: 'regional',
      });
      // The same external id on another channel is someone else.
      expect(await directory().resolve('sandbox', 'wm-c')).toEqual({
        kind: 'unbound',
        channel: 'sandbox',
        externalId: 'wm-c',
      });
    });

    it('lists contacts WeCom first, and manager reach, dealers and people', async () => {
      expect(await directory().dealerContacts(['D0201', 'D0202', 'D0203', 'D9999'])).toEqual([
        { dealerCode: 'D0201', channel: 'wecom', externalId: 'wx-z' },
        { dealerCode: 'D0201', channel: 'kf', externalId: 'wm-a' },
        { dealerCode: 'D0201', channel: 'kf', externalId: 'wm-b' },
        { dealerCode: 'D0202', channel: 'kf', externalId: 'wm-c' },
      ]);
      expect(await directory().dealerContacts([])).toEqual([]);
      expect(await directory().managerContacts(['M201', 'M999'])).toEqual([
        { code: 'M201', wecomUserId: 'u-M201', alertChatId: null, webhookKey: 'hook-M201' },
      ]);
      expect(await directory().dealer('D0203')).toEqual({
        code: 'D0203',
        name: '南京D0203门窗',
        tier: 'key',
        managerCode: 'M201',
      });
      expect(await directory().dealer('D9999')).toBeNull();
      const people = await directory().people(2);
      expect(people.managers.map((m) => m.code)).toEqual(['M201', 'M202']);
      expect(people.dealers.map((d) => d.code)).toEqual(['D0201', 'D0202']);
    });
  });

  describe('KyselyKfStateStore', () => {
    it('registers accounts and moves a cursor only from the value it expects', async () => {
      const kf = new KyselyKfStateStore(h.db);
      expect(await kf.cursor('wk-new')).toBeNull();
      // No row yet: the first page inserts the cursor; a second puller expecting "none" loses.
      expect(await kf.moveCursor('wk-new', null, 'c1')).toBe(true);
      expect(await kf.moveCursor('wk-new', null, 'c1b')).toBe(false);
      expect(await kf.moveCursor('wk-new', 'c0', 'c2')).toBe(false);
      expect(await kf.moveCursor('wk-new', 'c1', 'c2')).toBe(true);
      expect(await kf.cursor('wk-new')).toBe('c2');
      await kf.register('wk-new'); // known already: the cursor stays
      await kf.register('wk-other');
      expect(await kf.cursor('wk-other')).toBe('');
      expect((await kf.accounts()).sort()).toEqual(['wk-new', 'wk-other']);
    });

    it('opens a window per message, never back to an older one, and hands out at most its sends', async () => {
      const kf = new KyselyKfStateStore(h.db);
      await kf.openWindow('wm-w', 'wk-1', at(0));
      await kf.openWindow('wm-w', 'wk-2', at(-60)); // an older message pulled late: no change
      const sends: Array<string | null> = [];
      for (let i = 0; i < 3; i++) sends.push(await kf.takeSlot('wm-w', at(-10), 2));
      expect(sends).toEqual(['wk-1', 'wk-1', null]);
      await kf.releaseSlot('wm-w');
      expect(await kf.takeSlot('wm-w', at(-10), 2)).toBe('wk-1');
      // Window start after the last message: closed.
      expect(await kf.takeSlot('wm-w', at(1), 5)).toBeNull();
      // A new message reopens it with a fresh count.
      await kf.openWindow('wm-w', 'wk-1', at(10));
      expect(await kf.takeSlot('wm-w', at(1), 1)).toBe('wk-1');
      for (let i = 0; i < 3; i++) await kf.releaseSlot('wm-w');
      const row = await h.db
        .selectFrom('kf_sessions')
        .select('sent_since_inbound')
        .where('external_userid', '=', 'wm-w')
        .executeTakeFirstOrThrow();
      expect(row.sent_since_inbound).toBe(0); // never below zero
    });
  });

  describe('KyselyFollowupStore', () => {
    it('adds one item per outbox row, lists by status and manager, and closes', async () => {
      const followups = new KyselyFollowupStore(h.db);
      const [row] = await new KyselyOutboxStore(h.db).latest(1);
      await followups.add({ managerCode: 'M201', dealerCode: 'D0201', body: '转达一', outboxId: row!.id });
      await followups.add({ managerCode: 'M201', dealerCode: 'D0201', body: '转达一', outboxId: row!.id });
      await followups.add({ managerCode: 'M201', dealerCode: 'D0202', body: '未能处理的消息' });
      await followups.add({ managerCode: 'M202', dealerCode: null, body: '另一位经理' });
      const open = await followups.list('open', 'M201');
      expect(open.map((f) => f.body)).toEqual(['未能处理的消息', '转达一']);
      expect(await followups.close(open[0]!.id)).toBe(true);
      expect(await followups.close(-1)).toBe(false);
      expect((await followups.list('done')).map((f) => f.body)).toEqual(['未能处理的消息']);
      expect((await followups.list('open')).map((f) => f.managerCode)).toEqual(['M202', 'M201']);
    });
  });

  it('counts rows per status for the status page', async () => {
    const counts = await new KyselyPipelineStatusReader(h.db).counts();
    const total = async (table: 'inbound_messages' | 'outbox') =>
      Number((await h.db.selectFrom(table).select(h.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(counts.inbound.reduce((s, r) => s + Number(r.n), 0)).toBe(await total('inbound_messages'));
    expect(counts.outbox.find((r) => r.status === 'dead')).toEqual({ status: 'dead', n: 1 });
  });

  it('commits a unit of work together, or not at all', async () => {
    const pipeline = pipelineUnitOfWork(h.db);
    await expect(
      pipeline.transaction(async (tx) => {
        await tx.kf.register('wk-rolled-back');
        await tx.inbound.store([input('uow', 'uow:1')]);
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    expect(await pipeline.root.kf.cursor('wk-rolled-back')).toBeNull();
    await pipeline.transaction(async (tx) => {
      await tx.kf.register('wk-kept');
      // Claims inside a unit of work run on its transaction.
      await tx.inbound.store([input('uow', 'uow:2')]);
      expect((await tx.inbound.claim(at(1000), at(1001), 100)).map((m) => m.content)).toContain('uow:2');
    });
    expect(await pipeline.root.kf.cursor('wk-kept')).toBe('');
  });
});
