/**
 * The mini-program customer-service channel end to end: URL verification; messages in JSON and XML in plain,
 * compatible and safe mode, encrypted and signed by an independent encoder (Tencent's @wecom/crypto — the same
 * WXBizMsgCrypt scheme, receiveId = AppID); forged, stale and misaddressed callbacks refused; duplicates stored
 * once; reply windows; and a bound dealer ordering, asking for a rebate and raising a need, with the replies going
 * to the fake WeChat API. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { createHash } from 'node:crypto';
import * as official from '@wecom/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toXml } from '../../adapters/wecom/wecom.xml.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { MP, type Mode, mpEnv } from './miniprogram.harness.js';
import { countInbound, startConfiguredApp, type WecomTestApp, waitFor } from './wecom.harness.js';

type Format = 'json' | 'xml';

// The test's own signer: sha1 of the sorted strings, written here rather than imported from the code under test.
const sha1Sorted = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');
let nonceSeq = 0;
let msgSeq = 0;
/** MsgIds beyond 2^53, as WeChat's are: two of them differ only past double precision. */
const nextMsgId = () => String(24_000_000_000_000_000n + BigInt(++msgSeq) * 3n + BigInt(process.pid % 1000) * 100_000n);
const nowSec = () => Math.floor(Date.now() / 1000);

type Fields = Record<string, string | number>;

function encode(fields: Fields, format: Format): string {
  if (format === 'xml') return toXml(fields);
  // MsgId written as a bare number, as WeChat's JSON does.
  const { MsgId, ...rest } = fields;
  const json = JSON.stringify(rest);
  return MsgId === undefined ? json : `${json.slice(0, -1)},"MsgId":${MsgId}}`;
}

/** A callback as WeChat posts it in `mode`; `forge` breaks one part of it. */
function callback(
  fields: Fields,
  format: Format,
  mode: Mode,
  forge: { token?: string; timestamp?: number; appId?: string; aesKey?: string } = {},
): { url: string; body: string } {
  const timestamp = String(forge.timestamp ?? nowSec());
  const nonce = `mpn${++nonceSeq}`;
  const token = forge.token ?? MP.token;
  const query: Record<string, string> = { signature: sha1Sorted(token, timestamp, nonce), timestamp, nonce };
  const plaintext = encode(fields, format);
  if (mode === 'plain') return { url: `/miniprogram/callback?${new URLSearchParams(query)}`, body: plaintext };
  const encrypt = official.encrypt(forge.aesKey ?? MP.aesKey, plaintext, forge.appId ?? MP.appId);
  query['encrypt_type'] = 'aes';
  query['msg_signature'] = official.getSignature(token, timestamp, nonce, encrypt);
  const envelope: Fields =
    mode === 'compatible' ? { ...fields, Encrypt: encrypt } : { ToUserName: MP.originalId, Encrypt: encrypt };
  const body =
    format === 'xml'
      ? toXml(Object.fromEntries(Object.entries(envelope).map(([k, v]) => [k, String(v)])))
      : JSON.stringify(
          Object.fromEntries(Object.entries(envelope).map(([k, v]) => [k, k === 'MsgId' ? Number(v) : v])),
        );
  return { url: `/miniprogram/callback?${new URLSearchParams(query)}`, body };
}

function text(from: string, content: string, msgId = nextMsgId()): Fields {
  return {
    ToUserName: MP.originalId,
    FromUserName: from,
    CreateTime: nowSec(),
    MsgType: 'text',
    Content: content,
    MsgId: msgId,
  };
}

async function post(t: WecomTestApp, c: { url: string; body: string }, format: Format) {
  return t.app.server.inject({
    method: 'POST',
    url: c.url,
    payload: c.body,
    headers: { 'content-type': format === 'json' ? 'application/json' : 'text/xml' },
  });
}

async function inboundOf(t: WecomTestApp, openid: string) {
  return t.db
    .selectFrom('inbound_messages')
    .select(['channel', 'msg_type', 'content', 'dedupe_key'])
    .where('sender', '=', `miniprogram:${openid}`)
    .orderBy('id')
    .execute();
}

describe.each(['plain', 'compatible', 'safe'] as const)('mini-program callback, %s mode', (mode) => {
  let fake: FakeWecom;
  let t: WecomTestApp;

  beforeAll(async () => {
    fake = await startFakeWecom({ mpApps: { [MP.appId]: MP.appSecret } });
    t = await startConfiguredApp(mpEnv(fake.baseUrl, mode), { startPipeline: false });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('answers URL verification with the echostr, and refuses a bad signature', async () => {
    const timestamp = String(nowSec());
    const q = { signature: sha1Sorted(MP.token, timestamp, 'v1'), timestamp, nonce: 'v1', echostr: '8723946238712' };
    const ok = await t.app.server.inject({ method: 'GET', url: `/miniprogram/callback?${new URLSearchParams(q)}` });
    expect([ok.statusCode, ok.body]).toEqual([200, '8723946238712']);
    const forged = { ...q, signature: sha1Sorted('other', timestamp, 'v1') };
    const bad = await t.app.server.inject({
      method: 'GET',
      url: `/miniprogram/callback?${new URLSearchParams(forged)}`,
    });
    expect(bad.statusCode).toBe(401);
  });

  it.each(['json', 'xml'] as const)('stores a %s text message once and opens its reply window', async (format) => {
    const openid = `o-${mode}-${format}`;
    const fields = text(openid, 'N60 还有货吗');
    const first = await post(t, callback(fields, format, mode), format);
    expect([first.statusCode, first.body]).toEqual([200, 'success']);
    // WeChat retries a callback it thinks failed: the same MsgId is acknowledged and not stored again.
    const again = await post(t, callback(fields, format, mode), format);
    expect(again.statusCode).toBe(200);
    const rows = await inboundOf(t, openid);
    expect(rows).toEqual([
      { channel: 'miniprogram', msg_type: 'text', content: 'N60 还有货吗', dedupe_key: `mp:msg:${fields['MsgId']}` },
    ]);
    const window = await t.db
      .selectFrom('mp_sessions')
      .selectAll()
      .where('openid', '=', openid)
      .executeTakeFirstOrThrow();
    expect(window.quota_left).toBe(5);
    expect(window.window_until.getTime() - Number(fields['CreateTime']) * 1000).toBe(48 * 3600_000);
  });

  it('keeps MsgIds beyond 2^53 apart (no precision lost in JSON)', async () => {
    const openid = `o-${mode}-bigid`;
    const base = 24_999_999_999_999_990n;
    for (const id of [base + 1n, base + 2n]) {
      const r = await post(t, callback(text(openid, `消息${id}`, String(id)), 'json', mode), 'json');
      expect(r.statusCode).toBe(200);
    }
    expect((await inboundOf(t, openid)).map((r) => r.dedupe_key)).toEqual([
      `mp:msg:${base + 1n}`,
      `mp:msg:${base + 2n}`,
    ]);
  });

  it('refuses forged and stale callbacks and stores nothing', async () => {
    const before = await countInbound(t.db);
    const forged = await post(t, callback(text('o-forged', '改我返利'), 'json', mode, { token: 'wrong' }), 'json');
    expect(forged.statusCode).toBe(401);
    const stale = await post(t, callback(text('o-stale', '你好'), 'xml', mode, { timestamp: nowSec() - 3600 }), 'xml');
    expect(stale.statusCode).toBe(401);
    const dtd = await post(
      t,
      { url: callback(text('o', 'x'), 'xml', mode).url, body: '<!DOCTYPE x [<!ENTITY a "b">]><xml/>' },
      'xml',
    );
    expect(dtd.statusCode).toBe(400);
    expect(await countInbound(t.db)).toBe(before);
  });

  if (mode !== 'plain') {
    it('refuses a message encrypted for another AppID, or with another key', async () => {
      const before = await countInbound(t.db);
      const wrongApp = await post(
        t,
        callback(text('o-x', '你好'), 'json', mode, { appId: 'wx0000000000000000' }),
        'json',
      );
      expect(wrongApp.statusCode).toBe(401);
      const wrongKey = callback(text('o-y', '你好'), 'xml', mode, {
        aesKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdefg',
      });
      expect((await post(t, wrongKey, 'xml')).statusCode).toBe(400);
      expect(await countInbound(t.db)).toBe(before);
    });
  }
  if (mode === 'safe') {
    it('refuses a plaintext message (a safe-mode mini-program never sends one)', async () => {
      const r = await post(t, callback(text('o-plain', '你好'), 'json', 'plain'), 'json');
      expect(r.statusCode).toBe(401);
    });
  }
  if (mode === 'plain') {
    it('refuses an encrypted message it has no key for', async () => {
      const r = await post(t, callback(text('o-enc', '你好'), 'json', 'safe'), 'json');
      expect(r.statusCode).toBe(400);
    });
  }

  it('group-commits concurrent callbacks: each acked with its row and window, a retry stored once', async () => {
    const senders = Array.from({ length: 12 }, (_, i) => `o-${mode}-burst-${i}`);
    const firsts = senders.map((o) => text(o, '第1条'));
    const calls = [
      ...firsts,
      ...senders.flatMap((o) => [text(o, '第2条'), text(o, '第3条')]),
      // WeChat's retries of the first messages, arriving with the rest.
      ...firsts,
    ].map((f, i) => ({ c: callback(f, i % 2 ? 'json' : 'xml', mode), format: (i % 2 ? 'json' : 'xml') as Format }));
    const answers = await Promise.all(calls.map(({ c, format }) => post(t, c, format)));
    expect(answers.map((a) => `${a.statusCode} ${a.body}`)).toEqual(calls.map(() => '200 success'));
    const windows = await t.db.selectFrom('mp_sessions').selectAll().where('openid', 'in', senders).execute();
    expect(windows).toHaveLength(senders.length);
    for (const [i, o] of senders.entries()) {
      expect((await inboundOf(t, o)).map((r) => r.content).sort()).toEqual(['第1条', '第2条', '第3条']);
      const w = windows.find((x) => x.openid === o)!;
      expect(w.quota_left).toBe(5);
      expect(w.window_until.getTime() - Number(firsts[i]!['CreateTime']) * 1000).toBeGreaterThanOrEqual(48 * 3600_000);
    }
    // A retry is a duplicate: it does not open the window again.
    await t.db.updateTable('mp_sessions').set({ quota_left: 1 }).where('openid', '=', senders[0]!).execute();
    expect((await post(t, callback(firsts[0]!, 'json', mode), 'json')).statusCode).toBe(200);
    const after = await t.db
      .selectFrom('mp_sessions')
      .select('quota_left')
      .where('openid', '=', senders[0]!)
      .executeTakeFirstOrThrow();
    expect(after.quota_left).toBe(1);
  });

  it('stores the enter-session event once by sender and time, with its 2-reply minute', async () => {
    const openid = `o-${mode}-enter`;
    const ev: Fields = {
      ToUserName: MP.originalId,
      FromUserName: openid,
      CreateTime: nowSec(),
      MsgType: 'event',
      Event: 'user_enter_tempsession',
      SessionFrom: 'order-page',
    };
    for (let i = 0; i < 2; i++) expect((await post(t, callback(ev, 'xml', mode), 'xml')).statusCode).toBe(200);
    expect(await inboundOf(t, openid)).toHaveLength(1);
    const window = await t.db
      .selectFrom('mp_sessions')
      .selectAll()
      .where('openid', '=', openid)
      .executeTakeFirstOrThrow();
    expect(window.quota_left).toBe(2);
    expect(window.window_until.getTime() - Number(ev['CreateTime']) * 1000).toBe(60_000);
  });
});

describe('mini-program: a bound dealer by chat, replies through custom/send', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;
  const openid = 'o-dealer-liu';

  beforeAll(async () => {
    fake = await startFakeWecom({ mpApps: { [MP.appId]: MP.appSecret } });
    t = await startConfiguredApp(
      { ...mpEnv(fake.baseUrl, 'safe'), MP_CARD_THUMB_MEDIA_ID: 'thumb-media-1' },
      { seeded: true },
    );
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Sends a message and waits for its replies on the fake WeChat API; returns their texts. */
  async function say(content: string): Promise<string> {
    const before = fake.callsOf('message/custom/send').length;
    const r = await post(t, callback(text(openid, content), 'json', 'safe'), 'json');
    expect(r.statusCode).toBe(200);
    const calls = await waitFor(
      async () => {
        const sent = fake.callsOf('message/custom/send').slice(before);
        const pending = await t.db
          .selectFrom('outbox')
          .select('id')
          .where('address', '=', openid)
          .where('status', 'in', ['pending', 'sending'])
          .execute();
        return sent.length > 0 && pending.length === 0 && sent;
      },
      15_000,
      `replies to ${content}`,
    );
    for (const c of calls) expect((c.body as { touser: string }).touser).toBe(openid);
    // Text as it reads; a mini-program card as "[card] title → page".
    return calls
      .map((c) => {
        const b = c.body as { text?: { content: string }; miniprogrampage?: { title: string; pagepath: string } };
        return b.text ? b.text.content : `[card] ${b.miniprogrampage!.title} → ${b.miniprogrampage!.pagepath}`;
      })
      .join('\n');
  }

  it('binds, orders, confirms, asks for the rebate and raises a need', async () => {
    const contact = await t.db
      .selectFrom('dealer_contacts')
      .innerJoin('dealers', 'dealers.code', 'dealer_contacts.dealer_code')
      .select(['dealer_contacts.dealer_code as code', 'dealer_contacts.phone', 'dealers.name'])
      .orderBy('dealer_contacts.dealer_code')
      .executeTakeFirstOrThrow();
    expect(await say('你好')).toMatch(/绑定|经销商编号/);
    expect(await say(`${contact.code} ${contact.phone}`)).toContain(contact.name);
    const identity = await t.db
      .selectFrom('channel_identities')
      .selectAll()
      .where('external_id', '=', openid)
      .executeTakeFirstOrThrow();
    expect([identity.channel, identity.dealer_code]).toEqual(['miniprogram', contact.code]);

    const draft = await say('N60 要20套');
    expect(draft).toMatch(/N60/);
    expect(draft).toMatch(/20/);
    const placed = await say('确认');
    const orderNo = /SO\d+/.exec(placed)?.[0];
    expect(orderNo).toBeDefined();
    // The order page follows the text as a card (after it: a recipient's messages keep their order).
    expect(placed.split('\n').at(-1)).toBe(`[card] 查看订单 ${orderNo} → pages/order/detail?no=${orderNo}`);
    const statement = await say('这个月对账单发我');
    expect(statement).toMatch(/对账单/);
    expect(statement).toMatch(
      new RegExp(
        `\\[card\\] 查看对账单 \\d{4}-\\d{2} → pages/statement/index\\?dealer=${contact.code}&period=\\d{4}-\\d{2}&exp=\\d+&sig=`,
      ),
    );
    const orders = await t.db.selectFrom('orders').select('order_no').where('dealer_code', '=', contact.code).execute();
    expect(orders.length).toBeGreaterThan(0);

    expect(await say('我返利到哪档了')).toMatch(/返利|档/);
    expect(await say('门把手装上没俩月就晃 客户投诉')).toMatch(/N\d{4}/);
    const needs = await t.db
      .selectFrom('needs')
      .select(['id', 'category'])
      .where('dealer_code', '=', contact.code)
      .execute();
    expect(needs.length).toBeGreaterThan(0);
    // Every reply went out as plain text or a card with the configured thumbnail, inside the window.
    for (const c of fake.callsOf('message/custom/send')) {
      const b = c.body as { msgtype: string; miniprogrampage?: { thumb_media_id: string } };
      expect(['text', 'miniprogrampage']).toContain(b.msgtype);
      if (b.miniprogrampage) expect(b.miniprogrampage.thumb_media_id).toBe('thumb-media-1');
    }
  });

  it.each([
    [45015, 'reply time limit passed'],
    [45047, 'reply quota used'],
  ])('WeChat refusing a reply (%i, %s) hands the dealer to their manager, without retrying', async (errcode) => {
    fake.injectErrcode('message/custom/send', errcode, 1);
    const before = fake.callsOf('message/custom/send').length;
    const last = await t.db
      .selectFrom('followups')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const lastId = Number(last?.id ?? 0);
    const r = await post(t, callback(text(openid, '在吗'), 'xml', 'safe'), 'xml');
    expect(r.statusCode).toBe(200);
    const followup = await waitFor(
      async () =>
        t.db
          .selectFrom('followups')
          .innerJoin('outbox', 'outbox.id', 'followups.outbox_id')
          .select(['followups.body', 'outbox.status'])
          .where('outbox.address', '=', openid)
          .where('outbox.status', '!=', 'pending')
          .where('followups.id', '>', lastId)
          .orderBy('followups.id', 'desc')
          .executeTakeFirst(),
      15_000,
      'follow-up',
    );
    expect(followup.status).not.toBe('sent');
    expect(fake.callsOf('message/custom/send').length - before).toBe(1);
    // The window is closed: the next reply does not call WeChat either, until the dealer writes again.
    const window = await t.db
      .selectFrom('mp_sessions')
      .select('quota_left')
      .where('openid', '=', openid)
      .executeTakeFirstOrThrow();
    expect(window.quota_left).toBe(0);
  });
});
