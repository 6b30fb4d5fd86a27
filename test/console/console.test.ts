import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { WECOM } from '../channels/wecom.harness.js';
import { DEALER_FILTER_PAGES, HQ_ONLY_PAGES, HQ_PAGES, SHARED_PAGES } from './console.pages.js';
import { ConsoleBrowser } from './console.session.js';

const ADMIN_TOKEN = 'console-test-admin-token-0123456789';
const XSS_NAME = '<script>alert("x")</script>门窗';

/**
 * The HQ console end to end on the seeded K slice: sign-in (admin token, WeCom web sign-in against the fake WeCom
 * server), every page for HQ and for an account manager, what a manager may not see, CSRF, the sign-in limit,
 * idle expiry and the audited actions.
 */
describe('HQ console', () => {
  let app: TestApp;
  let wecom: FakeWecom;
  let clock = TEST_NOW.getTime();
  /** Two account managers with dealers, and a dealer and need of each. */
  let mine: { manager: string; dealer: string; need: number };
  let theirs: { manager: string; dealer: string; need: number };
  let policyCode: string;

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    app = await startTestApp({
      now: () => new Date(clock),
      env: {
        ADMIN_TOKEN,
        WECOM_CORP_ID: WECOM.corpId,
        WECOM_TOKEN: WECOM.token,
        WECOM_AES_KEY: WECOM.aesKey,
        WECOM_AGENT_ID: WECOM.agentId,
        WECOM_SECRET: WECOM.secret,
        WECOM_API_BASE: wecom.baseUrl,
        WECOM_TIMEOUT_MS: '2000',
      },
    });
    const db = app.database.db;
    const owners = await db
      .selectFrom('dealers as d')
      .innerJoin('managers as m', 'm.code', 'd.manager_code')
      .select(['m.code as manager', sql<string>`min(d.code)`.as('dealer')])
      .where('m.role', '=', 'account')
      .groupBy('m.code')
      .orderBy('m.code')
      .limit(2)
      .execute();
    expect(owners).toHaveLength(2);
    await db.updateTable('managers').set({ wecom_userid: 'wx-mine' }).where('code', '=', owners[0]!.manager).execute();
    await db
      .updateTable('managers')
      .set({ wecom_userid: 'wx-theirs' })
      .where('code', '=', owners[1]!.manager)
      .execute();
    await db.updateTable('dealers').set({ name: XSS_NAME }).where('code', '=', owners[0]!.dealer).execute();
    const services = app.services(db);
    const submit = async (dealer: string) =>
      (
        await services.needs.submit({
          dealerCode: dealer,
          category: 'training',
          text: '想安排一次门店培训',
          now: TEST_NOW,
        })
      ).need.id;
    mine = { ...owners[0]!, need: await submit(owners[0]!.dealer) };
    theirs = { ...owners[1]!, need: await submit(owners[1]!.dealer) };
    // A month of scoring, so tiers have movements and dealers score history.
    await services.scoreDealers('2026-11', TEST_NOW);
    policyCode = (await db.selectFrom('policies').select('code').orderBy('code').executeTakeFirstOrThrow()).code;
  });

  afterAll(async () => {
    await app?.close();
    await wecom?.close();
  });

  const hq = async () => {
    const b = new ConsoleBrowser(app.server, {}, '10.0.0.1');
    const res = await b.signInHq(ADMIN_TOKEN);
    expect(res.statusCode).toBe(303);
    return b;
  };
  const manager = async (userid: string) => {
    const b = new ConsoleBrowser(app.server);
    const res = await b.signInWecom(wecom.issueOAuthCode(userid));
    expect(res.statusCode).toBe(200);
    await b.get('/console');
    return b;
  };

  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await app.server.inject({ method: 'GET', url: '/console/dealers' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/login');
    const login = await app.server.inject({ method: 'GET', url: '/console/login' });
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('name="token"');
    expect(login.body).toContain('/console/oauth/start');
  });

  it('signs HQ in with the admin token: an HttpOnly, SameSite=Strict cookie, Secure behind HTTPS', async () => {
    const b = new ConsoleBrowser(app.server, { 'x-forwarded-proto': 'https' });
    const res = await b.signInHq(ADMIN_TOKEN);
    expect(res.statusCode).toBe(303);
    const cookie = String([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('gs_console=')));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    const plain = await (await hq()).get('/console');
    expect(plain.statusCode).toBe(200);
  });

  it('opens every page for HQ, with no script anywhere and a CSP that forbids one', async () => {
    const b = await hq();
    const pages = [
      ...HQ_PAGES,
      `/console/dealers/${mine.dealer}`,
      `/console/dealers/${theirs.dealer}`,
      `/console/needs/${mine.need}`,
      `/console/policies/${policyCode}`,
      `/console/policies/${policyCode}/promote`,
    ];
    for (const url of pages) {
      const res = await b.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.body).not.toMatch(/<script/i);
    }
  });

  it('shows real numbers on the overview: every chart has points from the seeded orders', async () => {
    const b = await hq();
    const res = await b.get('/console');
    const counts = [...res.body.matchAll(/data-points="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThanOrEqual(7);
    // Churn and activation over 12 months, orders by channel: drawn from the seeded orders.
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[6]).toBeGreaterThan(0);
    expect(res.body).toMatch(/经销商 \d+ 家/);
  });

  it("draws tier movements and a dealer's score dimensions from the monthly scoring", async () => {
    const b = await hq();
    const tiers = await b.get('/console/tiers');
    const points = [...tiers.body.matchAll(/data-points="(\d+)"/g)].map((m) => Number(m[1]));
    expect(points).toHaveLength(2);
    expect(points.every((n) => n > 0)).toBe(true);
    // The tier benefits table and the greetings' vouchers (issue 13).
    expect(tiers.body).toContain('等级权益');
    expect(tiers.body).toContain('新品优先试销；定制化返利');
    expect(tiers.body).toContain('免费培训名额；营销物料支持');
    expect(tiers.body).toContain('生日/周年礼券');
    const dealer = await b.get(`/console/dealers/${mine.dealer}`);
    // Five dimensions and the total, one month each.
    expect(dealer.body).toMatch(/aria-label="五维评分" data-points="6"/);
  });

  it('renders dealer-supplied text inert', async () => {
    const b = await hq();
    for (const url of [`/console/dealers/${mine.dealer}`, '/console/dealers', '/console/needs']) {
      const res = await b.get(url);
      expect(res.body, url).not.toContain('<script>alert');
      expect(res.body, url).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;门窗');
    }
  });

  it('filters dealers by tier', async () => {
    const b = await hq();
    const res = await b.get('/console/dealers?tier=silent');
    const tiers = [
      ...res.body.matchAll(/<td><a href="\/console\/dealers\/D\d+">D\d+<\/a><\/td><td>[^<]*<\/td><td>([^<]+)<\/td>/g),
    ].map((m) => m[1]);
    expect(new Set(tiers)).toEqual(tiers.length ? new Set(['沉默']) : new Set());
    const bad = await b.get('/console/dealers?tier=gold');
    expect(bad.statusCode).toBe(400);
  });

  it('counts the filtered dealers as the orders say, on every page and past the last', async () => {
    const db = app.database.db;
    const since = new Date(clock - 90 * 86_400_000);
    const silent = await sql<{ code: string }>`
      select code from dealers d where not exists (
        select 1 from orders o where o.dealer_code = d.code and o.status <> 'cancelled' and o.placed_at >= ${since})
      order by code`.execute(db);
    const all = Number(
      (
        await db
          .selectFrom('dealers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(silent.rows.length).toBeGreaterThan(0);
    expect(silent.rows.length).toBeLessThan(all);
    const b = await hq();
    const first = await b.get('/console/dealers?silent=1');
    expect(first.body).toContain(`共 ${silent.rows.length} 家`);
    expect(first.body).toContain(`/console/dealers/${silent.rows[0]!.code}"`);
    const active = await b.get('/console/dealers?silent=0');
    expect(active.body).toContain(`共 ${all - silent.rows.length} 家`);
    expect(active.body).not.toContain(`/console/dealers/${silent.rows[0]!.code}"`);
    const past = await b.get('/console/dealers?silent=1&page=999');
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain(`共 ${silent.rows.length} 家`);
  });

  it('lets an account manager see their own dealers and needs only; HQ pages do not exist for them', async () => {
    const b = await manager('wx-mine');
    expect((await b.get('/console')).statusCode).toBe(200);
    expect((await b.get(`/console/dealers/${mine.dealer}`)).statusCode).toBe(200);
    expect((await b.get(`/console/needs/${mine.need}`)).statusCode).toBe(200);
    expect((await b.get(`/console/dealers/${theirs.dealer}`)).statusCode).toBe(404);
    expect((await b.get(`/console/needs/${theirs.need}`)).statusCode).toBe(404);
    const list = await b.get('/console/dealers');
    expect(list.body).toContain(mine.dealer);
    expect(list.body).not.toContain(`/console/dealers/${theirs.dealer}"`);
    const board = await b.get('/console/needs');
    expect(board.body).toContain(`/console/needs/${mine.need}"`);
    expect(board.body).not.toContain(`/console/needs/${theirs.need}"`);
    for (const url of HQ_ONLY_PAGES) expect((await b.get(url)).statusCode, url).toBe(404);
    for (const url of [...SHARED_PAGES, ...DEALER_FILTER_PAGES]) expect((await b.get(url)).statusCode, url).toBe(200);
    expect((await b.post('/console/jobs/needs.sla/run')).statusCode).toBe(404);
  });

  it('refuses WeCom members who are not managers, bad codes and a forged state', async () => {
    const stranger = new ConsoleBrowser(app.server);
    expect((await stranger.signInWecom(wecom.issueOAuthCode('wx-nobody'))).statusCode).toBe(403);
    expect((await stranger.signInWecom('not-a-code')).statusCode).toBe(403);
    await stranger.get('/console/oauth/start');
    const forged = await stranger.get(`/console/oauth/callback?code=${wecom.issueOAuthCode('wx-mine')}&state=forged`);
    expect(forged.statusCode).toBe(400);
    expect((await stranger.get('/console')).statusCode).toBe(303);
    expect(wecom.callsOf('auth/getuserinfo').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a form without the session CSRF token', async () => {
    const b = await hq();
    expect((await b.post('/console/jobs/needs.sla/run', {}, null)).statusCode).toBe(403);
    expect((await b.post('/console/jobs/needs.sla/run', { _csrf: 'wrong' })).statusCode).toBe(403);
    // The sign-in form too: no CSRF cookie, no sign-in.
    const fresh = new ConsoleBrowser(app.server);
    expect((await fresh.post('/console/login', { token: ADMIN_TOKEN }, 'x')).statusCode).toBe(403);
  });

  it('limits failed sign-ins per address', async () => {
    const b = new ConsoleBrowser(app.server, {}, '10.9.9.9');
    await b.get('/console/login');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await b.post('/console/login', { token: `wrong-${i}` })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // Now even the right token is refused from this address until the window ends.
    expect((await b.post('/console/login', { token: ADMIN_TOKEN })).statusCode).toBe(429);
  });

  it('signs out, and expires an idle session', async () => {
    const b = await hq();
    await b.get('/console/jobs');
    expect((await b.post('/console/logout')).statusCode).toBe(303);
    expect((await b.get('/console/jobs')).statusCode).toBe(303);

    const idle = await hq();
    expect((await idle.get('/console/jobs')).statusCode).toBe(200);
    clock += 31 * 60_000;
    try {
      expect((await idle.get('/console/jobs')).statusCode).toBe(303);
    } finally {
      clock = TEST_NOW.getTime();
    }
  });

  it('promotes a policy after a confirmation, stops it, runs a job and labels a message — each audited', async () => {
    const b = await hq();
    await b.get(`/console/policies/${policyCode}/promote`);
    expect((await b.post(`/console/policies/${policyCode}/promote`, {})).statusCode).toBe(400);
    expect((await b.post(`/console/policies/${policyCode}/promote`, { confirm: 'yes' })).statusCode).toBe(303);
    const db = app.database.db;
    expect(
      (await db.selectFrom('policies').select('promoted').where('code', '=', policyCode).executeTakeFirstOrThrow())
        .promoted,
    ).toBe(true);
    expect((await b.post(`/console/policies/${policyCode}/stop`, { confirm: 'yes' })).statusCode).toBe(303);
    expect(
      (await db.selectFrom('policies').select('active').where('code', '=', policyCode).executeTakeFirstOrThrow())
        .active,
    ).toBe(false);

    const run = await b.post('/console/jobs/needs.sla/run', { date: '' });
    expect(run.statusCode).toBe(303);
    expect(decodeURIComponent(String(run.headers.location))).toContain('needs.sla 已运行');

    const services = app.services(db);
    const id = await services.nluMisses.add({
      text: '那个东西还有吗',
      kind: 'unknown',
      senderRole: 'dealer',
      dealerCode: mine.dealer,
      channel: 'sandbox',
      guesses: [{ intent: 'stock.query', p: 0.4 }],
      at: TEST_NOW,
    });
    await b.get('/console/conversations');
    expect((await b.post(`/console/conversations/${id}/label`, { intent: 'stock.query' })).statusCode).toBe(303);
    expect((await services.nluMisses.get(id))?.status).toBe('labelled');

    const actions = (await db.selectFrom('console_audit').select(['actor', 'action', 'subject']).execute()).map((a) =>
      `${a.actor} ${a.action} ${a.subject ?? ''}`.trim(),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'hq login',
        `hq policy.promote ${policyCode}`,
        `hq policy.stop ${policyCode}`,
        'hq job.run needs.sla',
        `hq nlu.label ${id}`,
        `${mine.manager} login.wecom`,
        'anonymous login.failed',
      ]),
    );
  });

  it('serves Prometheus metrics to a scraper holding the admin token', async () => {
    expect((await app.server.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const res = await app.server.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // The needs submitted above alerted their managers; the job run from the console is counted with its duration.
    expect(res.body).toMatch(/^gongsheng_messages_out_total\{route="[a-z_]+",status="[a-z]+"\} [1-9]\d*$/m);
    expect(res.body).toMatch(/^gongsheng_queue_depth\{queue="outbox"\} \d+$/m);
    expect(res.body).toMatch(/^gongsheng_job_runs_total\{job="needs\.sla",status="done"\} 1$/m);
    expect(res.body).toMatch(/^gongsheng_job_last_duration_seconds\{job="needs\.sla"\} [\d.]+$/m);
    expect(res.body).toMatch(/^gongsheng_need_sla_breaches_total \d+$/m);
  });

  it("describes the admin API in OpenAPI, from the routes' schemas, behind the admin token", async () => {
    expect((await app.server.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(401);
    const res = await app.server.inject({
      method: 'GET',
      url: '/api/openapi.json',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/jobs/{name}/run', '/api/nlu/misses']));
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/'))).toEqual([]);
    expect(doc.paths['/api/nlu/misses']!.get!.parameters!.map((p) => p.name)).toEqual(['status', 'limit']);
  });
});
