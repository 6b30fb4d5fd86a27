import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeWecom, startFakeWecom } from './fake-wecom.server.js';

let fake: FakeWecom;
beforeEach(async () => {
  fake = await startFakeWecom({ corpId: 'ww1', secrets: ['s1'] });
});
afterEach(async () => {
  await fake.close();
});

async function get(path: string) {
  const res = await fetch(fake.baseUrl + path);
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}
async function post(path: string, body: unknown) {
  const res = await fetch(fake.baseUrl + path, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as Record<string, any>;
}
async function token() {
  return (await get('/cgi-bin/gettoken?corpid=ww1&corpsecret=s1')).json['access_token'] as string;
}
const text = { msgtype: 'text', text: { content: 'hi' } };

describe('fake WeCom server', () => {
  it('issues tokens and checks corpid and secret', async () => {
    const ok = await get('/cgi-bin/gettoken?corpid=ww1&corpsecret=s1');
    expect(ok.json).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect((await get('/cgi-bin/gettoken?corpid=ww1&corpsecret=nope')).json['errcode']).toBe(40001);
    expect((await get('/cgi-bin/gettoken?corpid=ww2&corpsecret=s1')).json['errcode']).toBe(40013);
  });

  it('checks tokens: missing 41001, unknown 40014, expired 42001', async () => {
    const t = await token();
    const body = { touser: 'u', agentid: 1, ...text };
    expect((await post('/cgi-bin/message/send', body))['errcode']).toBe(41001);
    expect((await post('/cgi-bin/message/send?access_token=nope', body))['errcode']).toBe(40014);
    expect(await post(`/cgi-bin/message/send?access_token=${t}`, body)).toMatchObject({ errcode: 0 });
    fake.expireTokens();
    expect((await post(`/cgi-bin/message/send?access_token=${t}`, body))['errcode']).toBe(42001);
    expect((await post(`/cgi-bin/message/send?access_token=${await token()}`, body))['errcode']).toBe(0);
  });

  it('records calls with the parsed body and the token used', async () => {
    const t = await token();
    await post(`/cgi-bin/appchat/send?access_token=${t}`, { chatid: 'c1', ...text });
    const [call] = fake.callsOf('appchat/send');
    expect(call).toMatchObject({ path: '/cgi-bin/appchat/send', token: t, body: { chatid: 'c1' }, errcode: 0 });
  });

  it('applies injected faults in order, for the given number of calls', async () => {
    fake.injectErrcode('webhook/send', 45009, 2);
    fake.inject('webhook/send', { errcode: -1, errmsg: 'system busy' });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post('/cgi-bin/webhook/send?key=k', text))['errcode']);
    expect(codes).toEqual([45009, 45009, -1, 0]);

    fake.injectHttpStatus('webhook/send', 503);
    const res = await fetch(`${fake.baseUrl}/cgi-bin/webhook/send?key=k`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    await res.text();
  });

  it('delays a call when asked', async () => {
    fake.injectDelay('gettoken', 150);
    const t0 = Date.now();
    await token();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('pages queued KF messages with next_cursor and has_more', async () => {
    const t = await token();
    fake.queueKfMessages('wk1', [{ text: { content: 'a' } }, { text: { content: 'b' } }, { text: { content: 'c' } }]);
    const p1 = await post(`/cgi-bin/kf/sync_msg?access_token=${t}`, { limit: 2 });
    expect(p1).toMatchObject({ errcode: 0, has_more: 1 });
    expect(p1['msg_list'].map((m: any) => m.text.content)).toEqual(['a', 'b']);
    const p2 = await post(`/cgi-bin/kf/sync_msg?access_token=${t}`, { limit: 2, cursor: p1['next_cursor'] });
    expect(p2).toMatchObject({ has_more: 0 });
    expect(p2['msg_list'].map((m: any) => m.text.content)).toEqual(['c']);
    expect((await post(`/cgi-bin/kf/sync_msg?access_token=${t}`, { cursor: 'bogus' }))['errcode']).toBe(95012);
  });

  it('reads the query as URLSearchParams does: decoded, the last of a repeated name, a bare name empty', async () => {
    await post('/cgi-bin/webhook/send?key=k%2B1+x&debug&n=1&n=2', text);
    await post('/cgi-bin/webhook/send?key=plain&n=1&&n=2', text);
    expect(fake.callsOf('webhook/send').map((c) => c.query)).toEqual([
      { key: 'k+1 x', debug: '', n: '2' },
      { key: 'plain', n: '2' },
    ]);
  });

  it('pushes each call to onCall once answered, and answers with its length', async () => {
    const answered: Array<{ errcode?: number; delivery?: string; status: number; done: boolean }> = [];
    const pushing = await startFakeWecom({
      corpId: 'ww1',
      secrets: ['s1'],
      onCall: (c) => answered.push({ errcode: c.errcode, delivery: c.delivery, status: c.status, done: !!c.doneMs }),
    });
    try {
      const t = (await (await fetch(`${pushing.baseUrl}/cgi-bin/gettoken?corpid=ww1&corpsecret=s1`)).json()) as {
        access_token: string;
      };
      const url = `${pushing.baseUrl}/cgi-bin/message/send?access_token=${t.access_token}`;
      const send = (content: string) =>
        fetch(url, { method: 'POST', body: JSON.stringify({ touser: 'u', agentid: 1, ...text, text: { content } }) });
      pushing.injectDelay('message/send', 150);
      const slow = send('slow');
      await new Promise((r) => setTimeout(r, 30));
      const res = await send('fast');
      expect(res.headers.get('content-length')).toBe(String((await res.text()).length));
      expect(res.headers.get('transfer-encoding')).toBeNull();
      await (await slow).text();
      expect(pushing.calls).toHaveLength(3);
      // In the order answered: the token, the fast send, then the delayed one — each with its outcome set.
      expect(answered).toEqual([
        { errcode: 0, delivery: undefined, status: 200, done: true },
        { errcode: 0, delivery: 'delivered', status: 200, done: true },
        { errcode: 0, delivery: 'delivered', status: 200, done: true },
      ]);
    } finally {
      await pushing.close();
    }
  });

  it('closes while a delayed call is pending', async () => {
    fake.injectDelay('gettoken', 10_000);
    const pending = fetch(`${fake.baseUrl}/cgi-bin/gettoken?corpid=ww1&corpsecret=s1`).catch(() => 'closed');
    await new Promise((r) => setTimeout(r, 50));
    await fake.close();
    expect(await pending).toBe('closed');
    fake = await startFakeWecom();
  });
});

describe("fake WeCom's duplicate check", () => {
  it('accepts the same request JSON within the interval without delivering it again, and counts repeats', async () => {
    const t = await token();
    const send = (content: string, check: boolean) =>
      post(`/cgi-bin/message/send?access_token=${t}`, {
        touser: 'u1',
        agentid: 1,
        msgtype: 'text',
        text: { content },
        ...(check ? { enable_duplicate_check: 1, duplicate_check_interval: 1800 } : {}),
      });
    expect(await send('a', true)).toMatchObject({ errcode: 0 });
    expect(await send('a', true)).toMatchObject({ errcode: 0 }); // accepted, not shown again
    expect(await send('b', true)).toMatchObject({ errcode: 0 });
    expect(await send('c', false)).toMatchObject({ errcode: 0 });
    expect(await send('c', false)).toMatchObject({ errcode: 0 }); // no check: shown twice
    fake.injectErrcode('message/send', 45009);
    expect((await send('d', true))['errcode']).toBe(45009); // refused: nothing delivered
    expect(await send('d', true)).toMatchObject({ errcode: 0 });
    expect(fake.deliveryStats()).toEqual({ delivered: 5, suppressed: 1, repeated: 1 });
    expect(fake.callsOf('message/send').map((c) => c.delivery ?? '-')).toEqual([
      'delivered',
      'suppressed',
      'delivered',
      'delivered',
      'delivered',
      '-',
      'delivered',
    ]);
  });

  it('decides when a delayed call completes, and forgets after the interval', async () => {
    const t = await token();
    const body = { touser: 'u2', agentid: 1, msgtype: 'text', text: { content: 'x' } };
    Object.assign(body, { enable_duplicate_check: 1, duplicate_check_interval: 1 });
    fake.injectDelay('message/send', 150);
    const slow = post(`/cgi-bin/message/send?access_token=${t}`, body);
    await post(`/cgi-bin/message/send?access_token=${t}`, body); // the resend arrives first and is delivered
    await slow;
    // In arrival order: the slow first call completed second and was caught.
    expect(fake.callsOf('message/send').map((c) => c.delivery)).toEqual(['suppressed', 'delivered']);
    await new Promise((r) => setTimeout(r, 1100));
    await post(`/cgi-bin/message/send?access_token=${t}`, body);
    expect(fake.deliveryStats()).toEqual({ delivered: 2, suppressed: 1, repeated: 1 });
  });
});
