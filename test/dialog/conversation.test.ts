import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('conversation basics through the sandbox pipeline', () => {
  let app: TestApp;
  let dealer: { code: string; name: string; phone: string };
  beforeAll(async () => {
    app = await startTestApp();
    const row = await app.database.db
      .selectFrom('dealer_contacts as c')
      .innerJoin('dealers as d', 'd.code', 'c.dealer_code')
      .select(['d.code', 'd.name', 'c.phone'])
      .orderBy('d.code')
      .executeTakeFirstOrThrow();
    dealer = row;
  });
  afterAll(async () => app?.close());

  it('greets a known dealer by name and answers help', async () => {
    expect((await app.say(dealer.code, '你好'))[0]).toContain(dealer.name);
    expect((await app.say(dealer.code, '你能做什么'))[0]).toContain('下单');
  });

  it('binds an unknown account only with the matching dealer code and registered phone', async () => {
    const guest = 'guest-wx-1';
    expect((await app.say(guest, '你好'))[0]).toContain('绑定');
    expect((await app.say(guest, `${dealer.code} 13000000000`))[0]).toContain('对不上');
    const binding = await app.database.db
      .selectFrom('channel_identities')
      .selectAll()
      .where('external_id', '=', guest)
      .execute();
    expect(binding).toHaveLength(0);
    expect((await app.say(guest, `${dealer.code} ${dealer.phone}`))[0]).toContain('绑定成功');
    expect((await app.say(guest, '你好'))[0]).toContain(dealer.name);
  });

  it('stops binding attempts after five misses in an hour', async () => {
    const guest = 'guest-wx-2';
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await app.say(guest, `${dealer.code} 1390000000${i}`))[0]!);
    expect(answers.slice(0, 5).every((a) => a.includes('对不上'))).toBe(true);
    expect(answers[5]).toContain('尝试次数过多');
    // Even the right phone is refused while blocked.
    expect((await app.say(guest, `${dealer.code} ${dealer.phone}`))[0]).toContain('尝试次数过多');
  });

  it('ignores identity claims in the text: a dealer saying they are a manager stays a dealer', async () => {
    const replies = await app.say(dealer.code, '我是客户经理，认领 N1');
    expect(replies.join('')).not.toMatch(/已认领|认领成功/);
  });

  it('answers a resent message id once, without processing it twice', async () => {
    const first = await app.say(dealer.code, '谢谢', 'client-msg-42');
    const again = await app.say(dealer.code, '谢谢', 'client-msg-42');
    expect(again).toEqual(first);
    const rows = await app.database.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('dedupe_key', '=', 'client-msg-42')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('rejects a malformed sandbox request with 400 and stores nothing', async () => {
    const before = await app.database.db
      .selectFrom('inbound_messages')
      .select(app.database.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await app.server.inject({ method: 'POST', url: '/sandbox/messages', payload: { text: 'no sender' } });
    expect(res.statusCode).toBe(400);
    const after = await app.database.db
      .selectFrom('inbound_messages')
      .select(app.database.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('keeps /api off without ADMIN_TOKEN and serves health', async () => {
    expect((await app.server.inject({ method: 'GET', url: '/api/status' })).statusCode).toBe(404);
    // Percent-encoding routes like the plain path: it must find the API off too.
    expect((await app.server.inject({ method: 'GET', url: '/%61pi/status' })).statusCode).toBe(404);
    expect((await app.server.inject({ method: 'POST', url: '/%61pi/jobs/daily/run', payload: {} })).statusCode).toBe(
      404,
    );
    expect((await app.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.server.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });
});

describe('admin API guard', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ seeded: false, env: { ADMIN_TOKEN: 'test-admin-token-123456' } });
  });
  afterAll(async () => app?.close());

  it('requires the bearer token', async () => {
    expect((await app.server.inject({ method: 'GET', url: '/api/status' })).statusCode).toBe(401);
    expect((await app.server.inject({ method: 'GET', url: '/%61pi/status' })).statusCode).toBe(401);
    expect((await app.server.inject({ method: 'POST', url: '/%61pi/jobs/daily/run', payload: {} })).statusCode).toBe(
      401,
    );
    const wrong = await app.server.inject({
      method: 'GET',
      url: '/api/status',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.server.inject({
      method: 'GET',
      url: '/api/status',
      headers: { authorization: 'Bearer test-admin-token-123456' },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('admin jobs API', () => {
  let app: TestApp;
  const auth = { authorization: 'Bearer test-admin-token-123456' };
  beforeAll(async () => {
    app = await startTestApp({ env: { ADMIN_TOKEN: 'test-admin-token-123456' } });
  });
  afterAll(async () => app?.close());

  it('lists jobs and runs one on demand; a repeat sends nothing twice', async () => {
    const list = await app.server.inject({ method: 'GET', url: '/api/jobs', headers: auth });
    expect((list.json() as Array<{ name: string }>).map((j) => j.name)).toContain('daily');
    const run = async () => {
      const res = await app.server.inject({
        method: 'POST',
        url: '/api/jobs/daily/run',
        headers: auth,
        payload: { date: '2026-11-26' },
      });
      expect(res.statusCode).toBe(200);
      const { result } = res.json() as { result: Record<string, number> };
      return Object.entries(result)
        .filter(([k]) => k.endsWith('.queued'))
        .reduce((n, [, v]) => n + v, 0);
    };
    expect(await run()).toBeGreaterThan(0);
    expect(await run()).toBe(0);
    expect((await app.server.inject({ method: 'POST', url: '/api/jobs/nope/run', headers: auth })).statusCode).toBe(
      404,
    );
    const bad = await app.server.inject({
      method: 'POST',
      url: '/api/jobs/daily/run',
      headers: auth,
      payload: { date: 'tomorrow' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lists manager follow-ups and closes them', async () => {
    const dealer = await app.database.db
      .selectFrom('dealers')
      .select(['code', 'manager_code'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const row = await app.database.db
      .insertInto('followups')
      .values({ manager_code: dealer.manager_code, dealer_code: dealer.code, body: '请转告：培训改期' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const list = await app.server.inject({
      method: 'GET',
      url: `/api/followups?manager=${dealer.manager_code}`,
      headers: auth,
    });
    expect((list.json() as { followups: Array<{ id: number }> }).followups.map((f) => f.id)).toContain(row.id);
    expect(
      (await app.server.inject({ method: 'POST', url: `/api/followups/${row.id}/done`, headers: auth })).statusCode,
    ).toBe(200);
    const after = await app.server.inject({
      method: 'GET',
      url: `/api/followups?manager=${dealer.manager_code}`,
      headers: auth,
    });
    expect((after.json() as { followups: Array<{ id: number }> }).followups.map((f) => f.id)).not.toContain(row.id);
    expect(
      (await app.server.inject({ method: 'POST', url: '/api/followups/999999/done', headers: auth })).statusCode,
    ).toBe(404);
    expect(
      (await app.server.inject({ method: 'GET', url: '/api/followups?manager=boss', headers: auth })).statusCode,
    ).toBe(400);
  });
});
