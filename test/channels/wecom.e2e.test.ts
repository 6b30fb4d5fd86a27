/**
 * The WeCom callback channel end to end: the route (verification, rejection of every forged or broken callback,
 * persist-before-ack), the pipeline behind it against the fake WeCom server, and a database outage.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { createCipheriv } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toXml } from '../../adapters/wecom/wecom.xml.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { wecomRoutes } from '../../bot/channels/wecom/wecom.routes.js';
import { buildServer } from '../../bot/server.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase, testDatabaseUrl } from '../helpers/db.js';
import {
  countInbound,
  kfEventXml,
  signedCallback,
  signedRaw,
  startWecomApp,
  textXml,
  vectors,
  WECOM,
  type WecomTestApp,
  waitFor,
  wecomConfig,
} from './wecom.harness.js';

let msgSeq = 0;
const nextMsgId = () => String(7_300_000_000_000_000_000n + BigInt(++msgSeq) * 7919n + BigInt(process.pid));

function expectNoInternals(body: string) {
  expect(body).not.toMatch(/\bat \S+:\d+|Error|stack|secret|token/i);
}

describe('wecom callback route (standalone, fixed clock)', () => {
  let database: DatabaseHandle;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let clockMs = 0;

  beforeAll(async () => {
    database = await openTestDatabase();
    const config = wecomConfig();
    const pipeline = pipelineUnitOfWork(database.db);
    server = await buildServer({
      config,
      ready: async () => true,
      plugins: [wecomRoutes({ pipeline, bus: new PipelineBus(), config: config.wecom!, nowMs: () => clockMs })],
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('answers the official URL verification vector with the bare plaintext', async () => {
    const v = vectors.urlVerification;
    clockMs = Number(v.timestamp) * 1000;
    const qs = new URLSearchParams({
      msg_signature: v.msgSignature,
      timestamp: v.timestamp,
      nonce: v.nonce,
      echostr: v.echostr,
    });
    const started = Date.now();
    const res = await server.inject({ method: 'GET', url: `/wecom/callback?${qs}` });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe(v.expectedReply);
  });

  it('restores a + in echostr that arrived unencoded (decoded as a space)', async () => {
    const v = vectors.urlVerification;
    clockMs = Number(v.timestamp) * 1000;
    expect(v.echostr).toContain('+');
    // Hand-built query: the + characters are left raw, as some proxies forward them.
    const url = `/wecom/callback?msg_signature=${v.msgSignature}&timestamp=${v.timestamp}&nonce=${v.nonce}&echostr=${v.echostr.replaceAll('/', '%2F').replaceAll('=', '%3D')}`;
    const res = await server.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(v.expectedReply);
  });

  it('rejects a verification with a bad signature or a stale timestamp', async () => {
    const v = vectors.urlVerification;
    clockMs = Number(v.timestamp) * 1000;
    const bad = new URLSearchParams({
      msg_signature: '0'.repeat(40),
      timestamp: v.timestamp,
      nonce: v.nonce,
      echostr: v.echostr,
    });
    expect((await server.inject({ method: 'GET', url: `/wecom/callback?${bad}` })).statusCode).toBe(401);
    clockMs = (Number(v.timestamp) + 3600) * 1000;
    const ok = new URLSearchParams({
      msg_signature: v.msgSignature,
      timestamp: v.timestamp,
      nonce: v.nonce,
      echostr: v.echostr,
    });
    expect((await server.inject({ method: 'GET', url: `/wecom/callback?${ok}` })).statusCode).toBe(401);
    expect((await server.inject({ method: 'GET', url: '/wecom/callback' })).statusCode).toBe(400);
  });

  it('stores the official message vector and acks with an empty body', async () => {
    const m = vectors.message;
    clockMs = Number(m.timestamp) * 1000;
    const qs = new URLSearchParams({ msg_signature: m.msgSignature, timestamp: m.timestamp, nonce: m.nonce });
    const body = toXml({ ToUserName: WECOM.corpId, Encrypt: m.encrypt, AgentID: WECOM.agentId });
    const res = await server.inject({
      method: 'POST',
      url: `/wecom/callback?${qs}`,
      headers: { 'content-type': 'text/xml' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    const row = await database.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('dedupe_key', '=', 'msg:1456453720')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      channel: 'wecom',
      sender: 'wecom:ChenJiaShun',
      msg_type: 'text',
      content: '你好',
      status: 'pending',
    });
    expect(row.payload).toMatchObject({ msgId: '1456453720', agentId: '1000002' });
  });
});

describe('wecom callback route (live clock, full app)', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    t = await startWecomApp(fake.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  afterEach(() => fake.reset());

  const post = (cb: { url: string; body: string }, contentType = 'text/xml') =>
    t.app.server.inject({ method: 'POST', url: cb.url, headers: { 'content-type': contentType }, payload: cb.body });

  it('round-trips our own encryption through POST for text/xml, application/xml and no content type', async () => {
    for (const [i, ct] of ['text/xml', 'application/xml; charset=utf-8', 'application/octet-stream'].entries()) {
      const msgId = nextMsgId();
      const res = await post(
        signedCallback(textXml({ from: `rt-user-${i}`, content: `往返测试 ${i} <&>`, msgId })),
        ct,
      );
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      const row = await t.db
        .selectFrom('inbound_messages')
        .selectAll()
        .where('dedupe_key', '=', `msg:${msgId}`)
        .executeTakeFirstOrThrow();
      expect(row.content).toBe(`往返测试 ${i} <&>`);
      expect(row.sender).toBe(`wecom:rt-user-${i}`);
    }
    // No content-type header at all.
    const msgId = nextMsgId();
    const cb = signedCallback(textXml({ from: 'rt-user-none', content: '无类型', msgId }));
    const res = await t.app.server.inject({ method: 'POST', url: cb.url, payload: Buffer.from(cb.body) });
    expect(res.statusCode).toBe(200);
    expect(
      await t.db
        .selectFrom('inbound_messages')
        .select('id')
        .where('dedupe_key', '=', `msg:${msgId}`)
        .executeTakeFirst(),
    ).toBeDefined();
  });

  it('keeps a 19-digit MsgId exact (beyond 2^53): two ids a JS number would merge stay two rows', async () => {
    const a = '7312345678901234567';
    const b = '7312345678901234568';
    expect(Number(a)).toBe(Number(b));
    for (const id of [a, b])
      expect((await post(signedCallback(textXml({ from: 'big-id', content: id, msgId: id })))).statusCode).toBe(200);
    const rows = await t.db
      .selectFrom('inbound_messages')
      .select(['dedupe_key', 'payload'])
      .where('sender', '=', 'wecom:big-id')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.dedupe_key)).toEqual([`msg:${a}`, `msg:${b}`]);
    expect(rows[0]!.payload['msgId']).toBe(a);
  });

  describe('rejects forged and broken callbacks, storing nothing', () => {
    const key = Buffer.from(`${WECOM.aesKey}=`, 'base64');
    const rawEncrypt = (plain: Buffer) => {
      const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
      return Buffer.concat([c.update(plain), c.final()]).toString('base64');
    };
    const otherKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const now = () => Math.floor(Date.now() / 1000);
    const msg = () => textXml({ from: 'attacker', content: '你好', msgId: nextMsgId() });

    const cases: Array<[string, () => Promise<{ url: string; body: string }> | { url: string; body: string }, number]> =
      [
        [
          'a tampered ciphertext byte',
          () => {
            const cb = signedCallback(msg());
            const flipped = cb.encrypt.slice(0, 10) + (cb.encrypt[10] === 'A' ? 'B' : 'A') + cb.encrypt.slice(11);
            return { url: cb.url, body: cb.body.replace(cb.encrypt, flipped) };
          },
          401,
        ],
        [
          'a wrong AES key (valid signature over the ciphertext)',
          () => {
            const cb = signedCallback(msg(), { aesKey: otherKey });
            return signedRaw(cb.encrypt);
          },
          400,
        ],
        ['a wrong CorpID', () => signedCallback(msg(), { receiveId: 'wwnotourcorp000000' }), 401],
        ['a wrong token', () => signedCallback(msg(), { token: 'not-the-token' }), 401],
        ['a stale timestamp', () => signedCallback(msg(), { timestamp: now() - 3600 }), 401],
        ['a future timestamp', () => signedCallback(msg(), { timestamp: now() + 3600 }), 401],
        [
          'bad PKCS#7 padding',
          () => {
            const plain = Buffer.alloc(64, 7);
            plain.writeUInt32BE(4, 16);
            plain[63] = 33; // > 32: not a valid WeCom pad
            return signedRaw(rawEncrypt(plain));
          },
          400,
        ],
        ['non-base64 ciphertext', () => signedRaw('!!!!not*base64~~~~'), 400],
        [
          'a DOCTYPE entity bomb',
          () => {
            const cb = signedCallback(msg());
            const bomb = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "${'a'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>`;
            return { url: cb.url, body: bomb + cb.body.replace('<ToUserName>', '<ToUserName>&b;') };
          },
          400,
        ],
        ['malformed XML', () => ({ url: signedCallback(msg()).url, body: '<xml><Encrypt>abc</xml' }), 400],
        ['an empty body', () => ({ url: signedCallback(msg()).url, body: '' }), 400],
        ['missing signature parameters', () => ({ url: '/wecom/callback', body: signedCallback(msg()).body }), 400],
        [
          'a 2 MB body',
          () => {
            const cb = signedCallback(msg());
            return { url: cb.url, body: cb.body.replace('</xml>', `<Pad>${'x'.repeat(2 * 1024 * 1024)}</Pad></xml>`) };
          },
          413,
        ],
      ];

    for (const [name, make, status] of cases) {
      it(`${name} → ${status}`, async () => {
        const before = await countInbound(t.db);
        const res = await post(await make());
        expect(res.statusCode).toBe(status);
        expectNoInternals(res.body);
        expect(await countInbound(t.db)).toBe(before);
      });
    }

    it('a body over 64 KiB sent chunked (no content-length) → 413 over real HTTP', async () => {
      const before = await countInbound(t.db);
      const address = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
      const cb = signedCallback(msg());
      const big = cb.body.replace('</xml>', `<Pad>${'y'.repeat(100 * 1024)}</Pad></xml>`);
      const stream = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      });
      const res = await fetch(`${address}${cb.url}`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { 'content-type': 'text/xml' },
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await countInbound(t.db)).toBe(before);
    });
  });

  it('a retry storm (the same callback 4× at once) stores one row and sends one reply', async () => {
    const msgId = nextMsgId();
    const cb = signedCallback(textXml({ from: 'storm-user', content: '你好', msgId }));
    const results = await Promise.all([0, 1, 2, 3].map(() => post(cb)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const rows = await t.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('dedupe_key', '=', `msg:${msgId}`)
      .execute();
    expect(rows).toHaveLength(1);
    const sent = await waitFor(
      async () =>
        (
          await t.db
            .selectFrom('outbox')
            .selectAll()
            .where('in_reply_to', '=', rows[0]!.id)
            .where('status', '=', 'sent')
            .execute()
        ).at(0),
      10_000,
      'the reply to be sent',
    );
    // An unknown sender gets the binding dialog.
    expect(sent.body).toContain('绑定');
    expect(sent.address).toBe('storm-user');
    // Give a duplicate send a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 700));
    const sends = fake.callsOf('message/send').filter((c) => (c.body as { touser?: string }).touser === 'storm-user');
    expect(sends).toHaveLength(1);
    expect(await t.db.selectFrom('outbox').select('id').where('in_reply_to', '=', rows[0]!.id).execute()).toHaveLength(
      1,
    );
  });

  it('a kf_msg_or_event row is marked done by the worker without a reply, and its pull runs', async () => {
    fake.queueKfMessages('wkE2E', [{ msgid: 'e2e-kf-1', external_userid: 'wm-e2e', text: { content: '你好' } }]);
    const cb = signedCallback(kfEventXml('wkE2E', 'E2E_TOKEN'));
    const res = await post(cb);
    expect(res.statusCode).toBe(200);
    const event = await waitFor(
      async () =>
        (
          await t.db
            .selectFrom('inbound_messages')
            .selectAll()
            .where('sender', '=', 'wecom:kf:wkE2E')
            .where('status', '=', 'done')
            .execute()
        ).at(0),
      10_000,
      'the kf event to be done',
    );
    expect(await t.db.selectFrom('outbox').select('id').where('in_reply_to', '=', event.id).execute()).toHaveLength(0);
    // The pulled customer message went through the binding dialog and was answered on KF.
    const pulled = await waitFor(
      async () =>
        (
          await t.db
            .selectFrom('inbound_messages')
            .selectAll()
            .where('dedupe_key', '=', 'kfmsg:e2e-kf-1')
            .where('status', '=', 'done')
            .execute()
        ).at(0),
      10_000,
      'the pulled message to be processed',
    );
    const reply = await waitFor(async () =>
      (
        await t.db
          .selectFrom('outbox')
          .selectAll()
          .where('in_reply_to', '=', pulled.id)
          .where('status', '=', 'sent')
          .execute()
      ).at(0),
    );
    expect(reply.route).toBe('kf');
    expect(fake.callsOf('kf/send_msg').map((c) => (c.body as { touser: string }).touser)).toEqual(['wm-e2e']);
  });

  it('database unavailable → 503 and nothing acked; back up → normal without a restart', async () => {
    const url = testDatabaseUrl();
    const dbName = url
      ? ((await t.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('n')).executeTakeFirstOrThrow())
          .n as string)
      : null;
    const admin = url ? new pg.Client({ connectionString: url }) : null;
    await admin?.connect();
    // PostgreSQL: the database stops accepting connections and every open one is killed — to the app that is
    // a server that is down (new connections are refused). PGlite runs in-process and has no connection to
    // lose, so the honest stand-in is making the inbound table unavailable: the insert fails the same way.
    const takeDown = async () => {
      if (admin) {
        await admin.query(`alter database ${dbName} allow_connections false`);
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [dbName]);
      } else {
        await t.database.pglite!.exec('alter table inbound_messages rename to inbound_messages_offline');
      }
    };
    const bringUp = async () => {
      if (admin) await admin.query(`alter database ${dbName} allow_connections true`);
      else await t.database.pglite!.exec('alter table inbound_messages_offline rename to inbound_messages');
    };
    const msgId = nextMsgId();
    const cb = signedCallback(textXml({ from: 'outage-user', content: '在吗', msgId }));
    try {
      await takeDown();
      const down = await post(cb);
      expect(down.statusCode).toBe(503);
      expect(down.body).not.toBe('');
      expectNoInternals(down.body);
    } finally {
      await bringUp();
      await admin?.end();
    }
    // WeCom's retry now succeeds, once.
    const up = await post(cb);
    expect(up.statusCode).toBe(200);
    expect(up.body).toBe('');
    expect(
      await t.db.selectFrom('inbound_messages').select('id').where('dedupe_key', '=', `msg:${msgId}`).execute(),
    ).toHaveLength(1);
  });
});
