/**
 * Delivery against the fake WeCom server: faults through the dispatcher (45009, 5xx, timeouts, token expiry),
 * per-recipient limits, the 2,048-byte split, and 微信客服 (KF): pull with a durable cursor and dedupe, and the
 * 48 h / 5-message window turning pushes into manager follow-ups.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import type { Kysely } from 'kysely';
import type { PipelineStores, UnitOfWork } from '../../core/messaging/ports.js';
import type { OutboxStore } from '../../core/messaging/ports.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { duplicateCheckInterval, WecomClient } from '../../adapters/wecom/wecom.client.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { pipelineMetrics } from '../../bot/pipeline/metrics.js';
import { enqueue, outboxNotifier } from '../../bot/pipeline/outbox.js';
import { kfSend, wecomTransports } from '../../bot/pipeline/transports.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import type { Database } from '../../db/schema.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { openTestDatabase } from '../helpers/db.js';
import {
  kfEventXml,
  seedDealer,
  signedCallback,
  startWecomApp,
  WECOM,
  type WecomTestApp,
  waitFor,
} from './wecom.harness.js';

/** The start of a minute after the real now, so rows enqueued "now" are due and the minute is ours alone. */
const nextMinute = () => new Date((Math.floor(Date.now() / 60_000) + 2) * 60_000);

describe('dispatcher against the fake WeCom server', () => {
  let fake: FakeWecom;
  let database: DatabaseHandle;
  let db: Kysely<Database>;
  let kv: MemoryKeyValueStore;
  let clock: Date;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    database = await openTestDatabase();
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
    await fake?.close();
  });

  const setup = (timeoutMs = 1000, pipeline: UnitOfWork<PipelineStores> = pipelineUnitOfWork(db)) => {
    fake.reset();
    kv = new MemoryKeyValueStore();
    clock = nextMinute();
    const client = new WecomClient(
      { apiBase: fake.baseUrl, corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, timeoutMs },
      { kv },
    );
    dispatcher = new OutboxDispatcher(pipeline, new PipelineBus(), {
      kv,
      transports: wecomTransports(client),
      kf: kfSend(client),
      maxAttempts: 8,
      texts: pipelineReplies,
      now: () => clock,
      recordRetryMs: 20,
    });
  };
  afterEach(async () => kv?.close());

  const statusOf = async (prefix: string) =>
    db
      .selectFrom('outbox')
      .select(['dedupe_key', 'status', 'body', 'next_attempt_at', 'attempts'])
      .where('dedupe_key', 'like', `${prefix}%`)
      .orderBy('id')
      .execute();

  it('retries 45009, 5xx, timeouts and a token expiry mid-run: nothing lost, each delivered once', async () => {
    // The client timeout must sit well above in-process latency (PGlite shares this event loop): only the
    // injected delay may time out.
    setup(1500);
    const n = 10;
    await enqueue(
      pipelineStores(db).outbox,
      Array.from({ length: n }, (_, i) => ({
        recipient: `u-fault-${i}`,
        address: `u-fault-${i}`,
        route: 'wecom_app' as const,
        body: `故障注入消息 ${i}`,
        kind: 'test',
        dedupeKey: `fault:${i}`,
        notBefore: clock,
      })),
    );
    // The first five sends fail in five ways; the timed-out one is answered (too late) by the fake.
    fake.injectErrcode('message/send', 45009, 2);
    fake.injectHttpStatus('message/send', 502, 1);
    fake.injectHttpStatus('message/send', 503, 1);
    fake.injectDelay('message/send', 2500, 1);

    for (let round = 0; round < 12; round++) {
      await dispatcher.runOnce();
      if (round === 0) fake.expireTokens(); // every later send first meets 42001, refreshes once, retries
      clock = new Date(clock.getTime() + 11 * 60_000);
      const left = (await statusOf('fault:')).filter((r) => r.status !== 'sent');
      if (left.length === 0) break;
    }
    const rows = await statusOf('fault:');
    expect(rows.map((r) => r.status)).toEqual(Array(n).fill('sent'));
    expect(
      rows.filter((r) => r.attempts > 1),
      JSON.stringify(rows),
    ).toHaveLength(5);

    const sends = fake.callsOf('message/send');
    // The delayed call (the fifth) reached the fake after the client had given up, and the row was sent again
    // (WeCom's duplicate check would drop a second copy): each member is shown their message once.
    await waitFor(async () => (sends.every((c) => c.status !== 200 || c.errcode !== undefined) ? true : undefined));
    const shown = sends.filter((c) => c.delivery === 'delivered');
    for (let i = 0; i < n; i++) {
      expect(shown.filter((c) => (c.body as { touser: string }).touser === `u-fault-${i}`)).toHaveLength(1);
    }
    expect(sends.filter((c) => c.errcode === 42001).length).toBeGreaterThan(0);
    // One token at the start, one refresh after the expiry (single flight, shared through the KV).
    expect(fake.callsOf('gettoken')).toHaveLength(2);
  });

  it('40014 twice (the call and its retry after a refresh): retried with a new token, not dead-lettered', async () => {
    setup();
    await oneRow('tok40014', 'wecom_app', 'u-tok-1');
    fake.injectErrcode('message/send', 40014, 2);
    for (let round = 0; round < 4; round++) {
      await dispatcher.runOnce();
      clock = new Date(clock.getTime() + 11 * 60_000);
      if ((await statusOf('tok40014:'))[0]!.status === 'sent') break;
    }
    const [row] = await statusOf('tok40014:');
    expect(row!.status).toBe('sent');
    expect(row!.attempts).toBe(2);
    expect(fake.callsOf('gettoken').length).toBeGreaterThanOrEqual(2);
  });

  it("a dealer's dead-lettered reply raises a follow-up to their manager", async () => {
    setup();
    const { dealer, manager } = await seedDealer(db, { dealer: 'D0951', manager: 'M951' });
    await enqueue(pipelineStores(db).outbox, [
      {
        recipient: dealer,
        address: `u-${dealer}`,
        route: 'wecom_app' as const,
        body: '您的订单已确认。',
        kind: 'reply',
        dedupeKey: 'deadreply:1',
        notBefore: clock,
      },
    ]);
    // Not retryable (e.g. the member left): dead at once.
    fake.injectErrcode('message/send', 60111, 1);
    await dispatcher.runOnce();
    const [row] = await statusOf('deadreply:');
    expect(row!.status).toBe('dead');
    const followups = await db
      .selectFrom('followups')
      .select(['manager_code', 'dealer_code', 'body'])
      .where('dealer_code', '=', dealer)
      .execute();
    expect(followups).toEqual([{ manager_code: manager, dealer_code: dealer, body: '您的订单已确认。' }]);
    // The manager is told (through the outbox), once.
    const notes = await db
      .selectFrom('outbox')
      .select(['recipient', 'kind', 'body'])
      .where('recipient', '=', manager)
      .execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ recipient: manager, kind: 'followup' });
    expect(notes[0]!.body).toContain('未能送达');
    expect(notes[0]!.body).toContain('您的订单已确认。');
    // And it reaches the manager's alert chat.
    await dispatcher.runOnce();
    expect(fake.callsOf('appchat/send').map((c) => (c.body as { chatid: string }).chatid)).toEqual([`chat-${manager}`]);
  });

  it('WeCom answering invaliduser / unlicenseduser is not "sent": dead-lettered with a follow-up', async () => {
    setup();
    const a = await seedDealer(db, { dealer: 'D0961', manager: 'M961' });
    const b = await seedDealer(db, { dealer: 'D0962', manager: 'M962' });
    fake.setUnreachableMembers({ invalid: [`u-${a.dealer}`], unlicensed: [`u-${b.dealer}`] });
    await enqueue(
      pipelineStores(db).outbox,
      [a, b].map((d) => ({
        recipient: d.dealer,
        address: `u-${d.dealer}`,
        route: 'wecom_app' as const,
        body: `给 ${d.dealer} 的回复`,
        kind: 'reply',
        dedupeKey: `unreach:${d.dealer}`,
        notBefore: clock,
      })),
    );
    await dispatcher.runOnce();
    expect((await statusOf('unreach:')).map((r) => r.status)).toEqual(['dead', 'dead']);
    const followups = await db
      .selectFrom('followups')
      .select(['manager_code', 'dealer_code'])
      .where('dealer_code', 'in', [a.dealer, b.dealer])
      .orderBy('dealer_code')
      .execute();
    expect(followups).toEqual([
      { manager_code: a.manager, dealer_code: a.dealer },
      { manager_code: b.manager, dealer_code: b.dealer },
    ]);
    // Settle the managers' notes so later tests start from an empty outbox.
    await dispatcher.runOnce();
  });

  const oneRow = (prefix: string, route: 'wecom_app' | 'wecom_appchat', address: string) =>
    enqueue(pipelineStores(db).outbox, [
      {
        recipient: address,
        address,
        route,
        body: `${prefix} 消息`,
        kind: 'test',
        dedupeKey: `${prefix}:1`,
        notBefore: clock,
      },
    ]);

  it('a timed-out send is unknown: resent only under WeCom duplicate check, and counted', async () => {
    setup(1500);
    const before = pipelineMetrics.snapshot();
    const delta = (name: Parameters<typeof pipelineMetrics.get>[0]) => pipelineMetrics.get(name) - (before[name] ?? 0);
    await oneRow('unknown-app', 'wecom_app', 'u-unknown');
    await oneRow('unknown-chat', 'wecom_appchat', 'chat-unknown');
    fake.injectDelay('message/send', 2500, 1);
    fake.injectDelay('appchat/send', 2500, 1);
    await dispatcher.runOnce();
    // The app chat has no duplicate check: its timed-out send is not repeated (WeCom accepted it, late).
    expect((await statusOf('unknown-chat:')).map((r) => r.status)).toEqual(['sent']);
    expect((await statusOf('unknown-app:')).map((r) => r.status)).toEqual(['pending']);
    clock = new Date(clock.getTime() + 11 * 60_000);
    await dispatcher.runOnce();
    expect((await statusOf('unknown-app:')).map((r) => r.status)).toEqual(['sent']);
    expect(fake.callsOf('appchat/send')).toHaveLength(1);
    const sends = fake.callsOf('message/send');
    expect(sends).toHaveLength(2);
    const [row] = await db
      .selectFrom('outbox')
      .select('created_at')
      .where('dedupe_key', 'like', 'unknown-app:%')
      .execute();
    for (const c of sends) {
      expect(c.body).toMatchObject({
        enable_duplicate_check: 1,
        duplicate_check_interval: duplicateCheckInterval(row!.created_at),
      });
    }
    // The late first call and the resend are the same request: WeCom shows it once.
    await waitFor(async () => sends.every((c) => c.delivery !== undefined));
    expect(sends.map((c) => c.delivery).sort()).toEqual(['delivered', 'suppressed']);
    expect(delta('outbox_send_unknown')).toBe(2);
    expect(delta('outbox_resend_after_unknown')).toBe(1);
    expect(delta('outbox_unknown_not_resent')).toBe(1);
  });

  it("two replies with the same words to one member are both shown (WeCom's duplicate check drops only a resend)", async () => {
    // The soak found it: with one fixed interval, a dealer's second greeting (or a second stock question, same answer)
    // was accepted by WeCom and never shown; with the interval keyed by the outbox id, rows 3,600 ids apart were.
    setup(1000);
    // Written 6 minutes ago, 5 s ago and now: every one is a different reply, each must be shown.
    for (const [n, agoSec] of [
      [1, 360],
      [2, 5],
      [3, 0],
    ] as const) {
      await enqueue(pipelineStores(db).outbox, [
        {
          recipient: 'u-twice',
          address: 'u-twice',
          route: 'wecom_app',
          body: '您好！',
          kind: 'reply',
          dedupeKey: `twice:${n}`,
          notBefore: clock,
        },
      ]);
      await db
        .updateTable('outbox')
        .set({ created_at: new Date(Date.now() - agoSec * 1000) })
        .where('dedupe_key', '=', `twice:${n}`)
        .execute();
      await dispatcher.runOnce();
    }
    // And one written a minute ago whose id is the first's + 3,600 (ids count every member's rows).
    const first = await db
      .selectFrom('outbox')
      .select('id')
      .where('dedupe_key', '=', 'twice:1')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('outbox')
      .values({
        id: first.id + 3600,
        recipient: 'u-twice',
        address: 'u-twice',
        route: 'wecom_app',
        body: '您好！',
        kind: 'reply',
        dedupe_key: 'twice:4',
        next_attempt_at: clock,
        created_at: new Date(Date.now() - 60_000),
      })
      .execute();
    await dispatcher.runOnce();
    expect((await statusOf('twice:')).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(fake.callsOf('message/send').map((c) => c.delivery)).toEqual([
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
  });

  it('the database failing to record a successful send: recorded on a later try, not sent again, counted', async () => {
    const real = pipelineUnitOfWork(db);
    let failures = 2;
    const outbox: OutboxStore = Object.create(real.root.outbox);
    outbox.markSentAll = async (rows) => {
      if (failures-- > 0) throw new Error('Connection terminated unexpectedly');
      return real.root.outbox.markSentAll(rows);
    };
    setup(1000, { ...real, root: { ...real.root, outbox } });
    const retried = pipelineMetrics.get('outbox_sent_mark_retried');
    await oneRow('unrecorded', 'wecom_app', 'u-unrecorded');
    await dispatcher.runOnce();
    clock = new Date(clock.getTime() + 11 * 60_000);
    await dispatcher.runOnce();
    expect((await statusOf('unrecorded:')).map((r) => [r.status, r.attempts])).toEqual([['sent', 1]]);
    expect(fake.callsOf('message/send')).toHaveLength(1);
    expect(pipelineMetrics.get('outbox_sent_mark_retried') - retried).toBe(1);
  });

  it('one recipient answered slowly does not delay the others; each recipient keeps its order', async () => {
    setup(10_000);
    // Real time: the dispatcher runs its own loop here.
    clock = new Date();
    const bus = new PipelineBus();
    const looping = new OutboxDispatcher(pipelineUnitOfWork(db), bus, {
      kv,
      transports: wecomTransports(
        new WecomClient(
          {
            apiBase: fake.baseUrl,
            corpId: WECOM.corpId,
            secret: WECOM.secret,
            agentId: WECOM.agentId,
            timeoutMs: 10_000,
          },
          { kv },
        ),
      ),
      kf: null,
      maxAttempts: 8,
      texts: pipelineReplies,
      batchSize: 4,
      pollMs: 50,
    });
    const row = (address: string, i: number) => ({
      recipient: address,
      address,
      route: 'wecom_app' as const,
      body: `${address} 第${i}条`,
      kind: 'test',
      dedupeKey: `slow:${address}:${i}`,
      notBefore: new Date(0),
    });
    // The slow member's first message is claimed first, so the first (delayed) call is theirs.
    await enqueue(pipelineStores(db).outbox, [row('u-slow', 1), row('u-slow', 2)]);
    await enqueue(
      pipelineStores(db).outbox,
      ['u-a', 'u-b', 'u-c', 'u-d', 'u-e', 'u-f'].flatMap((u) => [row(u, 1), row(u, 2)]),
    );
    fake.injectDelay('message/send', 3000, 1);
    const started = Date.now();
    looping.start();
    try {
      await waitFor(async () => {
        const rows = await statusOf('slow:u-');
        return rows.filter((r) => !r.dedupe_key.startsWith('slow:u-slow') && r.status === 'sent').length === 12
          ? true
          : undefined;
      }, 2500);
      // The others are through while the slow member's first send is still in flight.
      expect(Date.now() - started).toBeLessThan(2500);
      expect((await statusOf('slow:u-slow:')).every((r) => r.status !== 'sent')).toBe(true);
      await waitFor(
        async () => ((await statusOf('slow:u-slow:')).every((r) => r.status === 'sent') ? true : undefined),
        8000,
      );
    } finally {
      await looping.stop();
    }
    const order = (u: string) =>
      fake
        .callsOf('message/send')
        .filter((c) => (c.body as { touser: string }).touser === u)
        .map((c) => c.body as { markdown?: { content: string }; text?: { content: string } })
        .map((b) => (b.markdown ?? b.text)!.content);
    for (const u of ['u-slow', 'u-a', 'u-f']) expect(order(u)).toEqual([`${u} 第1条`, `${u} 第2条`]);
  });

  it('31 messages to one member within a minute: 30 sent, the 31st deferred to the next minute', async () => {
    setup();
    const minuteStart = clock.getTime();
    clock = new Date(minuteStart + 5_000);
    await enqueue(
      pipelineStores(db).outbox,
      Array.from({ length: 31 }, (_, i) => ({
        recipient: 'u-busy',
        address: 'u-busy',
        route: 'wecom_app' as const,
        body: `第${i + 1}条`,
        kind: 'test',
        dedupeKey: `busy:${i}`,
        notBefore: clock,
      })),
    );
    await dispatcher.runOnce();
    await dispatcher.runOnce(); // nothing more is due within this minute
    expect(fake.callsOf('message/send')).toHaveLength(30);
    const waiting = (await statusOf('busy:')).filter((r) => r.status !== 'sent');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.status).toBe('pending');
    expect(waiting[0]!.attempts).toBe(0);
    expect(waiting[0]!.next_attempt_at.getTime()).toBe(minuteStart + 60_000);

    clock = new Date(minuteStart + 60_000);
    await dispatcher.runOnce();
    expect(fake.callsOf('message/send')).toHaveLength(31);
    expect((await statusOf('busy:')).every((r) => r.status === 'sent')).toBe(true);
  });

  it('splits text over 2,048 bytes on line boundaries into <key>, <key>#2 …, numbered, and sends each part once', async () => {
    setup();
    const lines = Array.from({ length: 120 }, (_, i) => `第${i + 1}行：N60 系列门窗 30 套，单价 ¥1,280.00`);
    const body = lines.join('\n');
    expect(Buffer.byteLength(body)).toBeGreaterThan(2048 * 2);
    const msg = {
      recipient: 'u-long',
      address: 'u-long',
      route: 'wecom_app' as const,
      body,
      kind: 'test',
      dedupeKey: 'long:1',
      notBefore: clock,
    };
    const inserted = await enqueue(pipelineStores(db).outbox, [msg]);
    expect(await enqueue(pipelineStores(db).outbox, [msg])).toBe(0); // a repeat is a no-op, every part included
    const parts = await statusOf('long:1');
    expect(parts.length).toBe(inserted);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.map((p) => p.dedupe_key)).toEqual(parts.map((_, i) => (i === 0 ? 'long:1' : `long:1#${i + 1}`)));
    const label = /^（(\d+)\/(\d+)）\n/;
    parts.forEach((p, i) => {
      expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(2048);
      expect(p.body.match(label)?.slice(1)).toEqual([String(i + 1), String(parts.length)]);
      expect(p.body.replace(label, '').startsWith('第')).toBe(true); // cut between lines, not inside one
    });
    expect(parts.map((p) => p.body.replace(label, '')).join('\n')).toBe(body);

    await dispatcher.runOnce();
    // WeCom app messages go out as markdown (bot/replies/render.ts); either way each part is sent as stored.
    const sent = fake.callsOf('message/send').map((c) => {
      const b = c.body as { text?: { content: string }; markdown?: { content: string } };
      return b.text?.content ?? b.markdown?.content;
    });
    expect(sent.sort()).toEqual(parts.map((p) => p.body).sort());
  });
});

describe('微信客服 (KF)', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;
  const openKfid = 'wkKF0001';

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    // The worker stays off so each test controls what is sent; the dispatcher is driven with runOnce.
    t = await startWecomApp(fake.baseUrl, { startPipeline: false });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  afterEach(() => fake.reset());

  const cursorOf = async (kfid: string) =>
    (await t.db.selectFrom('kf_cursors').select('cursor').where('open_kfid', '=', kfid).executeTakeFirst())?.cursor;
  const kfRows = (external: string) =>
    t.db.selectFrom('inbound_messages').selectAll().where('sender', '=', `kf:${external}`).orderBy('id').execute();

  it('a kf_msg_or_event callback is acked, stored once, and triggers a pull with its Token', async () => {
    const now = Math.floor(Date.now() / 1000);
    fake.queueKfMessages(openKfid, [
      { msgid: 'kfm-1', external_userid: 'wm-alice', text: { content: '你好' }, send_time: now },
      { msgid: 'kfm-2', origin: 5, servicer_userid: 'zhangsan', text: { content: '客服回复' } },
      { msgid: 'kfm-3', external_userid: 'wm-bob', msgtype: 'image', image: { media_id: 'MEDIA1' }, send_time: now },
      { msgid: 'kfm-4', origin: 4, msgtype: 'event', event: { event_type: 'enter_session' } },
    ]);
    const cb = signedCallback(kfEventXml(openKfid, 'SYNC_TOKEN_1'));
    const res = await t.app.server.inject({
      method: 'POST',
      url: cb.url,
      headers: { 'content-type': 'text/xml' },
      payload: cb.body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    const again = await t.app.server.inject({
      method: 'POST',
      url: cb.url,
      headers: { 'content-type': 'text/xml' },
      payload: cb.body,
    });
    expect(again.statusCode).toBe(200);

    await waitFor(async () => (await kfRows('wm-bob')).length === 1, 5000, 'the pulled messages');
    const events = await t.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('sender', '=', `wecom:kf:${openKfid}`)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.msg_type).toBe('event');

    const alice = await kfRows('wm-alice');
    expect(alice).toHaveLength(1);
    expect(alice[0]).toMatchObject({ channel: 'kf', dedupe_key: 'kfmsg:kfm-1', msg_type: 'text', content: '你好' });
    const bob = await kfRows('wm-bob');
    expect(bob[0]).toMatchObject({ msg_type: 'image', content: null });
    expect(bob[0]!.payload['mediaId']).toBe('MEDIA1');
    // Servicer messages and system events are not customer input.
    expect(await t.db.selectFrom('inbound_messages').select('id').where('channel', '=', 'kf').execute()).toHaveLength(
      2,
    );

    const sync = fake.callsOf('kf/sync_msg');
    expect(sync).toHaveLength(1);
    expect(sync[0]!.body).toMatchObject({ token: 'SYNC_TOKEN_1', open_kfid: openKfid });
    expect(await cursorOf(openKfid)).toBe('c4');
    const session = await t.db
      .selectFrom('kf_sessions')
      .selectAll()
      .where('external_userid', '=', 'wm-alice')
      .executeTakeFirstOrThrow();
    expect(session).toMatchObject({ open_kfid: openKfid, sent_since_inbound: 0 });
    expect(session.last_inbound_at.getTime()).toBe(now * 1000);
  });

  it('pulls from the stored cursor; the same messages pulled twice are stored once', async () => {
    const before = await cursorOf(openKfid);
    fake.queueKfMessages(openKfid, [{ msgid: 'kfm-5', external_userid: 'wm-alice', text: { content: '第二条' } }]);
    // The fake's log was reset: position 0 now holds kfm-5, so resume from the start of its log.
    await t.db.updateTable('kf_cursors').set({ cursor: '' }).where('open_kfid', '=', openKfid).execute();
    const first = await t.app.kf!.pull(openKfid);
    expect(first).toMatchObject({ pages: 1, stored: 1, locked: false });
    expect(before).toBe('c4');
    expect(await cursorOf(openKfid)).toBe('c1');

    const second = await t.app.kf!.pull(openKfid);
    expect(second.stored).toBe(0);
    expect(fake.callsOf('kf/sync_msg').map((c) => (c.body as { cursor?: string }).cursor)).toEqual([undefined, 'c1']);

    // A lost cursor (replay from the start): the same messages come again and are deduplicated.
    await t.db.updateTable('kf_cursors').set({ cursor: '' }).where('open_kfid', '=', openKfid).execute();
    expect((await t.app.kf!.pull(openKfid)).stored).toBe(0);
    expect(await kfRows('wm-alice')).toHaveLength(2);
  });

  it('follows has_more across pages, moving the cursor page by page', async () => {
    const kfid = 'wkKF-many';
    fake.queueKfMessages(
      kfid,
      Array.from({ length: 1005 }, (_, i) => ({
        msgid: `many-${i}`,
        external_userid: `wm-many-${i % 7}`,
        text: { content: `m${i}` },
      })),
    );
    const r = await t.app.kf!.pull(kfid);
    expect(r).toMatchObject({ pages: 2, stored: 1005 });
    expect(await cursorOf(kfid)).toBe('c1005');
    const n = await t.db
      .selectFrom('inbound_messages')
      .select(t.db.fn.countAll<number>().as('n'))
      .where('dedupe_key', 'like', 'kfmsg:many-%')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1005);
  });

  it('does not pull while another instance holds the lock; concurrent triggers share one pull', async () => {
    const kfid = 'wkKF-lock';
    fake.queueKfMessages(kfid, [{ msgid: 'lock-1', external_userid: 'wm-lock' }]);
    const token = await t.kv.lock(`kf:pull:${kfid}`, 10_000);
    expect(await t.app.kf!.pull(kfid)).toMatchObject({ locked: true, pages: 0 });
    expect(fake.callsOf('kf/sync_msg')).toHaveLength(0);
    await t.kv.unlock(`kf:pull:${kfid}`, token!);

    const [a, b] = await Promise.all([t.app.kf!.pull(kfid), t.app.kf!.pull(kfid)]);
    expect(a).toBe(b);
    expect((await kfRows('wm-lock')).length).toBe(1);
  });

  it('a push outside the 48 h window becomes a manager follow-up, not a kf/send_msg call', async () => {
    const { dealer, manager, chatId } = await seedDealer(t.db, {
      dealer: 'D0101',
      manager: 'M101',
      kfExternalId: 'wm-old',
      openKfid,
    });
    const longAgo = Math.floor(Date.now() / 1000) - 49 * 3600;
    fake.queueKfMessages(openKfid, [
      { msgid: 'old-1', external_userid: 'wm-old', send_time: longAgo, text: { content: '上次的消息' } },
    ]);
    await t.db.updateTable('kf_cursors').set({ cursor: '' }).where('open_kfid', '=', openKfid).execute();
    await t.app.kf!.pull(openKfid);

    const push = '【政策】12月门窗冲量返利已开放，详情回复“政策”。';
    await outboxNotifier(pipelineStores(t.db)).toDealer(dealer, push, { dedupeKey: 'push:old:1', kind: 'policy.push' });
    await t.app.dispatcher.runOnce();
    await t.app.dispatcher.runOnce();

    expect(fake.callsOf('kf/send_msg')).toHaveLength(0);
    const row = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('dedupe_key', '=', 'push:old:1')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('followup');
    const followups = await t.db.selectFrom('followups').selectAll().where('outbox_id', '=', row.id).execute();
    expect(followups).toHaveLength(1);
    expect(followups[0]).toMatchObject({ manager_code: manager, dealer_code: dealer, body: push, status: 'open' });
    const notices = fake.callsOf('appchat/send');
    expect(notices).toHaveLength(1);
    const notice = notices[0]!.body as { chatid: string; text: { content: string } };
    expect(notice.chatid).toBe(chatId);
    expect(notice.text.content).toContain(dealer);
    expect(notice.text.content).toContain(push);
  });

  it('inside the window, the 6th message after one dealer message becomes a follow-up', async () => {
    const { dealer } = await seedDealer(t.db, { dealer: 'D0102', manager: 'M102', kfExternalId: 'wm-fresh', openKfid });
    fake.queueKfMessages(openKfid, [{ msgid: 'fresh-1', external_userid: 'wm-fresh', text: { content: '在吗' } }]);
    await t.db.updateTable('kf_cursors').set({ cursor: '' }).where('open_kfid', '=', openKfid).execute();
    await t.app.kf!.pull(openKfid);

    const notifier = outboxNotifier(pipelineStores(t.db));
    for (let i = 1; i <= 6; i++)
      await notifier.toDealer(dealer, `推送 ${i}`, { dedupeKey: `push:fresh:${i}`, kind: 'test' });
    for (let i = 0; i < 3; i++) await t.app.dispatcher.runOnce();

    const kfSends = fake.callsOf('kf/send_msg');
    expect(kfSends).toHaveLength(5);
    expect(kfSends.every((c) => (c.body as { touser: string; open_kfid: string }).touser === 'wm-fresh')).toBe(true);
    const rows = await t.db
      .selectFrom('outbox')
      .select(['status'])
      .where('dedupe_key', 'like', 'push:fresh:%')
      .execute();
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(5);
    expect(rows.filter((r) => r.status === 'followup')).toHaveLength(1);
    const session = await t.db
      .selectFrom('kf_sessions')
      .selectAll()
      .where('external_userid', '=', 'wm-fresh')
      .executeTakeFirstOrThrow();
    expect(session.sent_since_inbound).toBe(5);

    // The dealer writes again: the window reopens.
    fake.queueKfMessages(openKfid, [{ msgid: 'fresh-2', external_userid: 'wm-fresh', text: { content: '收到' } }]);
    await t.app.kf!.pull(openKfid);
    await notifier.toDealer(dealer, '推送 7', { dedupeKey: 'push:fresh:7', kind: 'test' });
    await t.app.dispatcher.runOnce();
    expect(fake.callsOf('kf/send_msg')).toHaveLength(6);
  });
});
