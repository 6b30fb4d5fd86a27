import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeWecom, startFakeWecom } from '../../test/fakes/wecom/fake-wecom.server.js';
import type { KeyValueStore } from '../kv/kv.js';
import {
  fileNameOf,
  splitByBytes,
  WecomApiError,
  WecomClient,
  type WecomApiConfig,
  WecomNetworkError,
} from './wecom.client.js';

/** Just enough of the KV port for these tests (the real implementations live in adapters/kv). */
class TinyKv implements KeyValueStore {
  readonly kind = 'memory' as const;
  readonly data = new Map<string, { value: string; expiresAt: number }>();
  readonly ttls = new Map<string, number | undefined>();
  /** Reads so far (the client keeps its token a few seconds instead of reading it per call). */
  reads = 0;
  async get(key: string) {
    this.reads++;
    const e = this.data.get(key);
    if (!e) return null;
    if (e.expiresAt <= Date.now()) {
      this.data.delete(key);
      return null;
    }
    return e.value;
  }
  async set(key: string, value: string, ttlMs?: number) {
    this.ttls.set(key, ttlMs);
    this.data.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs });
  }
  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if ((await this.get(key)) !== null) return false;
    await this.set(key, value, ttlMs);
    return true;
  }
  async increment(key: string, ttlMs: number) {
    const n = Number((await this.get(key)) ?? 0) + 1;
    const e = this.data.get(key);
    this.data.set(key, { value: String(n), expiresAt: e?.expiresAt ?? Date.now() + ttlMs });
    return n;
  }
  async del(key: string) {
    this.data.delete(key);
  }
  async lock(key: string, ttlMs: number) {
    const token = Math.random().toString(36);
    return (await this.setIfAbsent(key, token, ttlMs)) ? token : null;
  }
  async unlock(key: string, token: string) {
    if ((await this.get(key)) !== token) return false;
    this.data.delete(key);
    return true;
  }
  async close() {}
}

const SECRET = 'app-secret-do-not-leak';
const KF_SECRET = 'kf-secret-do-not-leak';

let fake: FakeWecom;
let kv: TinyKv;
let client: WecomClient;
let config: WecomApiConfig;

beforeAll(async () => {
  fake = await startFakeWecom({ corpId: 'ww-test', secrets: [SECRET, KF_SECRET] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.expireTokens();
  kv = new TinyKv();
  config = { apiBase: fake.baseUrl, corpId: 'ww-test', secret: SECRET, agentId: 1000002, timeoutMs: 2000 };
  client = new WecomClient(config, { kv });
});

describe('access_token', () => {
  it('is fetched once, cached under a hashed key with TTL expires_in - 300 s, and reused', async () => {
    await client.sendAppMessage('D0001', { text: '你好' });
    await client.sendAppMessage(['D0001', 'D0002'], { markdown: '**hi**' });
    expect(fake.callsOf('gettoken')).toHaveLength(1);
    const sends = fake.callsOf('message/send');
    expect(sends).toHaveLength(2);
    expect(sends[0]!.token).toBeDefined();
    expect(sends[1]!.token).toBe(sends[0]!.token);
    expect(sends[0]!.body).toMatchObject({
      touser: 'D0001',
      agentid: 1000002,
      msgtype: 'text',
      text: { content: '你好' },
    });
    expect(sends[1]!.body).toMatchObject({
      touser: 'D0001|D0002',
      msgtype: 'markdown',
      markdown: { content: '**hi**' },
    });

    expect(kv.data.size).toBe(1);
    const [key, entry] = [...kv.data.entries()][0]!;
    expect(key).toMatch(/^wecom:token:[0-9a-f]{32}$/);
    expect(key).not.toContain(SECRET);
    expect(entry!.value).toBe(sends[0]!.token);
    expect(kv.ttls.get(key)).toBe((7200 - 300) * 1000);
  });

  it('is shared through the store by a second client (another instance)', async () => {
    await client.sendAppMessage('D0001', { text: 'a' });
    const other = new WecomClient(config, { kv });
    await other.sendAppChat('chat-1', { text: 'b' });
    expect(fake.callsOf('gettoken')).toHaveLength(1);
    expect(fake.callsOf('appchat/send')[0]!.body).toMatchObject({ chatid: 'chat-1', text: { content: 'b' } });
  });

  it('is read from the store once, then kept by the client a few seconds: no store round trip per send', async () => {
    await client.sendAppMessage('D0001', { text: 'warm' });
    const reads = kv.reads;
    for (let i = 0; i < 5; i++) await client.sendAppMessage('D0001', { text: `x${i}` });
    expect(kv.reads).toBe(reads);
    expect(fake.callsOf('gettoken')).toHaveLength(1);
    expect(new Set(fake.callsOf('message/send').map((c) => c.token)).size).toBe(1);
  });

  it('a token another instance replaced is taken from the store when the kept one is refused (no second fetch)', async () => {
    await client.sendAppMessage('D0001', { text: 'a' });
    const other = new WecomClient(config, { kv });
    fake.expireTokens();
    await other.sendAppMessage('D0002', { text: 'b' });
    expect(fake.callsOf('gettoken')).toHaveLength(2);
    await client.sendAppMessage('D0001', { text: 'c' });
    expect(fake.callsOf('gettoken')).toHaveLength(2);
    const sends = fake.callsOf('message/send');
    expect(sends.at(-2)).toMatchObject({ errcode: 42001, token: sends[0]!.token });
    expect(sends.at(-1)).toMatchObject({ errcode: 0, token: sends[2]!.token });
  });

  it('is fetched single-flight by concurrent callers', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.sendAppMessage(`D000${i}`, { text: 'x' })));
    expect(fake.callsOf('gettoken')).toHaveLength(1);
    expect(fake.callsOf('message/send')).toHaveLength(8);
  });

  it('uses a separate token for the KF secret', async () => {
    const kfClient = new WecomClient({ ...config, kfSecret: KF_SECRET }, { kv });
    await kfClient.sendAppMessage('D0001', { text: 'a' });
    await kfClient.kfSendMsg({ touser: 'wm1', open_kfid: 'wk1', text: 'b' });
    const gets = fake.callsOf('gettoken');
    expect(gets.map((c) => c.query['corpsecret'])).toEqual([SECRET, KF_SECRET]);
    expect(kv.data.size).toBe(2);
  });

  it('after expiry, refreshes exactly once for many concurrent calls and retries them', async () => {
    await client.sendAppMessage('D0001', { text: 'warm' });
    fake.expireTokens();
    const results = await Promise.all(Array.from({ length: 6 }, () => client.sendAppMessage('D0001', { text: 'x' })));
    expect(results).toHaveLength(6);
    expect(fake.callsOf('gettoken')).toHaveLength(2);
    const sends = fake.callsOf('message/send');
    expect(sends.filter((c) => c.errcode === 42001)).toHaveLength(6);
    expect(sends.filter((c) => c.errcode === 0)).toHaveLength(7);
  });

  it.each([40014, 42001, 41001])('refreshes once on %i, then gives up for this call (retryable)', async (code) => {
    await client.sendAppChat('c1', { text: 'warm' });
    fake.injectErrcode('appchat/send', code);
    await client.sendAppChat('c1', { text: 'x' });
    expect(fake.callsOf('gettoken')).toHaveLength(2);

    fake.injectErrcode('appchat/send', code, 2);
    const err = await client.sendAppChat('c1', { text: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    // The outbox tries again later (not a dead letter), and that try fetches a token of its own.
    expect(err).toMatchObject({ method: 'appchat/send', errcode: code, retryable: true });
    expect(fake.callsOf('gettoken')).toHaveLength(3);
    await client.sendAppChat('c1', { text: 'z' });
    expect(fake.callsOf('gettoken')).toHaveLength(4);
  });

  it('a gettoken failure is a WecomApiError that names gettoken and never the secret', async () => {
    const bad = new WecomClient({ ...config, secret: 'wrong-secret-value' }, { kv });
    const err = (await bad.sendAppMessage('D0001', { text: 'x' }).catch((e: unknown) => e)) as WecomApiError;
    expect(err).toBeInstanceOf(WecomApiError);
    expect(err.method).toBe('gettoken');
    expect(err.errcode).toBe(40001);
    expect(String(err.message)).not.toContain('wrong-secret-value');
    expect(JSON.stringify(err)).not.toContain('wrong-secret-value');
  });
});

describe('errors', () => {
  it('45009 is a retryable WecomApiError', async () => {
    fake.injectErrcode('message/send', 45009);
    const err = await client.sendAppMessage('D0001', { text: '秘密内容' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    expect(err).toMatchObject({ method: 'message/send', errcode: 45009, retryable: true });
    expect((err as Error).message).not.toContain('秘密内容');
    expect((err as Error).message).not.toContain(fake.callsOf('message/send')[0]!.token);
  });

  it('-1 and 45033 are retryable; other errcodes are not', async () => {
    for (const [code, retryable] of [
      [-1, true],
      [45033, true],
      [60020, false],
      [81013, false],
    ] as const) {
      fake.injectErrcode('message/send', code);
      const err = await client.sendAppMessage('D0001', { text: 'x' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ errcode: code, retryable });
    }
  });

  it('HTTP 5xx is a retryable WecomApiError, 4xx is not', async () => {
    fake.injectHttpStatus('message/send', 502);
    await expect(client.sendAppMessage('D0001', { text: 'x' })).rejects.toMatchObject({
      name: 'WecomApiError',
      httpStatus: 502,
      retryable: true,
    });
    fake.injectHttpStatus('message/send', 404);
    await expect(client.sendAppMessage('D0001', { text: 'x' })).rejects.toMatchObject({
      httpStatus: 404,
      retryable: false,
    });
  });

  it('a timeout is a retryable WecomNetworkError', async () => {
    const quick = new WecomClient({ ...config, timeoutMs: 100 }, { kv });
    fake.injectDelay('message/send', 1000);
    const err = await quick.sendAppMessage('D0001', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomNetworkError);
    expect(err).toMatchObject({ method: 'message/send', retryable: true, timedOut: true });
  });

  it('an unreachable server is a WecomNetworkError without the token in its message', async () => {
    const dead = new WecomClient({ ...config, apiBase: 'http://127.0.0.1:1' }, { kv });
    const err = await dead.sendWebhook('robot-key-secret', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomNetworkError);
    expect(err).toMatchObject({ method: 'webhook/send', retryable: true, timedOut: false });
    expect((err as Error).message).not.toContain('robot-key-secret');
  });
});

describe('webhook', () => {
  it('sends by key or by full URL, with no access_token', async () => {
    await client.sendWebhook('k1', { text: '告警', mentionedList: ['M001'] });
    await client.sendWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k2', { markdown: '# hi' });
    const calls = fake.callsOf('webhook/send');
    expect(calls.map((c) => c.query['key'])).toEqual(['k1', 'k2']);
    expect(calls[0]!.body).toEqual({ msgtype: 'text', text: { content: '告警', mentioned_list: ['M001'] } });
    expect(calls[1]!.body).toEqual({ msgtype: 'markdown', markdown: { content: '# hi' } });
    expect(calls.every((c) => c.token === undefined)).toBe(true);
    expect(fake.callsOf('gettoken')).toHaveLength(0);
  });
});

describe('微信客服', () => {
  it('pages through kf/sync_msg with the cursor until has_more is false', async () => {
    const queued = fake.queueKfMessages(
      'wk1',
      Array.from({ length: 5 }, (_, i) => ({ text: { content: `m${i}` } })),
    );
    fake.queueKfMessages('wk2', [{ text: { content: 'other kf' } }]);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await client.kfSyncMsg({
        token: 'cb-token',
        open_kfid: 'wk1',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages++;
      seen.push(...page.msg_list.map((m) => m.msgid));
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    expect(seen).toEqual(queued.map((m) => m.msgid));
    expect(pages).toBe(3);
    expect(fake.callsOf('kf/sync_msg')[0]!.body).toEqual({ limit: 2, token: 'cb-token', open_kfid: 'wk1' });

    // A later sync from the saved cursor returns only new messages.
    const later = fake.queueKfMessages('wk1', [{ text: { content: 'new' } }]);
    const next = await client.kfSyncMsg({ open_kfid: 'wk1', cursor: cursor! });
    expect(next.msg_list.map((m) => m.msgid)).toEqual([later[0]!.msgid]);
    expect(next.msg_list[0]!.text).toEqual({ content: 'new' });
    expect(next.has_more).toBe(false);
  });

  it('sends a KF text with an optional client msgid', async () => {
    expect(await client.kfSendMsg({ touser: 'wm1', open_kfid: 'wk1', text: '您好', msgid: 'outbox-42' })).toEqual({
      msgid: 'outbox-42',
    });
    expect(fake.callsOf('kf/send_msg')[0]!.body).toEqual({
      touser: 'wm1',
      open_kfid: 'wk1',
      msgtype: 'text',
      text: { content: '您好' },
      msgid: 'outbox-42',
    });
  });
});

describe('media/get', () => {
  const csv = Buffer.from('date,store_code,sku,qty,amount\n2026-11-25,D0001-S01,N60,2,3600\n');

  it('downloads a file with its name (RFC 5987) using the KF token for KF media', async () => {
    const kfClient = new WecomClient({ ...config, kfSecret: KF_SECRET }, { kv });
    fake.addMedia('MEDIA-OK', { name: '11月门店销售.csv', contentType: 'text/csv', bytes: csv });
    const got = await kfClient.getMedia('MEDIA-OK', { kind: 'kf', maxBytes: 1024 });
    expect(got).toMatchObject({ kind: 'file', name: '11月门店销售.csv', contentType: 'text/csv' });
    expect(got.kind === 'file' && got.bytes.equals(csv)).toBe(true);
    expect(fake.callsOf('gettoken').map((c) => c.query['corpsecret'])).toEqual([KF_SECRET]);
    expect(fake.callsOf('media/get')[0]!.query['media_id']).toBe('MEDIA-OK');
  });

  it('an unknown media_id is a WecomApiError 40007 naming media/get (not retryable)', async () => {
    const e = await client.getMedia('NO-SUCH-MEDIA', { maxBytes: 1024 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WecomApiError);
    expect(e).toMatchObject({ method: 'media/get', errcode: 40007, retryable: false });
  });

  it('a file over maxBytes is not read: too_large', async () => {
    fake.addMedia('MEDIA-BIG', { name: 'big.csv', bytes: Buffer.alloc(4096, 0x41) });
    expect(await client.getMedia('MEDIA-BIG', { maxBytes: 1000 })).toEqual({ kind: 'too_large', maxBytes: 1000 });
  });

  it('refreshes an expired token once and downloads', async () => {
    fake.addMedia('MEDIA-OK', { bytes: csv });
    await client.getMedia('MEDIA-OK', { maxBytes: 1024 });
    fake.expireTokens();
    const got = await client.getMedia('MEDIA-OK', { maxBytes: 1024 });
    expect(got).toMatchObject({ kind: 'file', name: null });
    expect(fake.callsOf('gettoken')).toHaveLength(2);
  });

  it('a JSON file (no errcode) is a file, not a refusal', async () => {
    fake.addMedia('MEDIA-JSON', { name: 'a.json', contentType: 'application/json', bytes: Buffer.from('{"a":1}') });
    expect(await client.getMedia('MEDIA-JSON', { maxBytes: 1024 })).toMatchObject({ kind: 'file', name: 'a.json' });
  });
});

describe('fileNameOf', () => {
  it('reads filename* before filename, and none', () => {
    expect(fileNameOf(`attachment; filename="a.csv"; filename*=UTF-8''%E9%94%80%E5%94%AE.csv`)).toBe('销售.csv');
    expect(fileNameOf('attachment; filename="stock 11.xlsx"')).toBe('stock 11.xlsx');
    expect(fileNameOf('attachment; filename=x.csv')).toBe('x.csv');
    expect(fileNameOf(null)).toBeNull();
  });
});

describe('splitByBytes', () => {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

  it('keeps short text whole and returns nothing for empty text', () => {
    expect(splitByBytes('hello\nworld')).toEqual(['hello\nworld']);
    expect(splitByBytes('')).toEqual([]);
  });

  it('splits on line boundaries', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `第${i}行：再来30套N60`);
    const parts = splitByBytes(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('packs exactly up to the limit', () => {
    expect(splitByBytes('aaaa\nbbbb\ncccc', 9)).toEqual(['aaaa\nbbbb', 'cccc']);
    expect(splitByBytes('aaaa\nbbbb\ncccc', 8)).toEqual(['aaaa', 'bbbb', 'cccc']);
  });

  it('cuts an overlong line between code points, never inside one', () => {
    const line = '货'.repeat(1000) + '😀'.repeat(300); // 3000 + 1200 bytes
    const parts = splitByBytes(line, 2048);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(2048);
      expect(p).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
      expect(p).not.toContain('\ufffd');
    }
    expect(parts.join('')).toBe(line);
    expect(parts.length).toBe(3);
  });

  it('continues packing lines after an overlong one', () => {
    expect(splitByBytes('ab\ncdefghij\nk', 4)).toEqual(['ab', 'cdef', 'ghij', 'k']);
    expect(splitByBytes('ab\ncdefgh\nk', 4)).toEqual(['ab', 'cdef', 'gh\nk']);
  });

  it('keeps empty lines', () => {
    expect(splitByBytes('a\n\nb', 100)).toEqual(['a\n\nb']);
    expect(splitByBytes('\n', 100)).toEqual(['\n']);
  });
});
