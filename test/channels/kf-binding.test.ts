/**
 * A manager binds their 微信客服 account end to end: signed in to the console through WeCom (against the fake WeCom),
 * they get a one-time code; the code sent from an unbound KF account binds it to them (before NLU), after which that
 * account's CSV is offered to HQ as an import. Wrong and reused codes answer and change nothing; another manager
 * cannot unbind it; HQ lists it through the API; the manager unbinds it in the console, and its files are no longer
 * offered. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser } from '../console/console.session.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { kfExchange, startWecomApp, WECOM, type WecomTestApp } from './wecom.harness.js';

const TOKEN = 'kf-binding-admin-token-0123456789';
const OPEN_KFID = 'wkBinding01';
const MANAGER_KF = 'wm-manager-binding';
const STRANGER_KF = 'wm-stranger-binding';

describe('a manager binds their 微信客服 account with a console code', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;
  let manager: string;
  let other: string;
  let storeCodes: string[];
  let sku: string;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    t = await startWecomApp(fake.baseUrl, { seeded: true, env: { ADMIN_TOKEN: TOKEN } });
    const stores = await t.db
      .selectFrom('stores as s')
      .innerJoin('dealers as d', 'd.code', 's.dealer_code')
      .select(['s.code', 'd.manager_code'])
      .where('s.code', 'is not', null)
      .orderBy('s.code')
      .execute();
    manager = stores[0]!.manager_code;
    other = stores.find((s) => s.manager_code !== manager)!.manager_code;
    storeCodes = stores
      .filter((s) => s.manager_code === manager)
      .map((s) => s.code!)
      .slice(0, 2);
    sku = (await t.db.selectFrom('products').select('sku').orderBy('sku').executeTakeFirstOrThrow()).sku;
    await t.db.updateTable('managers').set({ wecom_userid: 'wx-kf-mine' }).where('code', '=', manager).execute();
    await t.db.updateTable('managers').set({ wecom_userid: 'wx-kf-other' }).where('code', '=', other).execute();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const signIn = async (userid: string) => {
    const b = new ConsoleBrowser(t.app.server);
    expect((await b.signInWecom(fake.issueOAuthCode(userid))).statusCode).toBe(200);
    await b.get('/console/kf'); // picks up the session's CSRF token
    return b;
  };
  const bindingsOf = (external: string) =>
    t.db
      .selectFrom('channel_identities')
      .selectAll()
      .where('channel', '=', 'kf')
      .where('external_id', '=', external)
      .execute();
  const posCsv = () =>
    Buffer.from(
      `date,store_code,sku,qty,amount\n${storeCodes.map((s) => `2026-11-20,${s},${sku},2,2000.50`).join('\n')}\n`,
    );
  const offerCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('import_offers')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** The customer `external` sends a message on KF; answers the bot's reply. */
  const send = (external: string, message: { text: string } | { mediaId: string }) =>
    kfExchange(t, fake, OPEN_KFID, external, message);

  async function consoleCode(b: ConsoleBrowser): Promise<string> {
    const page = await b.post('/console/kf/code');
    expect(page.statusCode).toBe(200);
    const code = page.body.match(/绑定码：(\d{6})/)?.[1];
    expect(code, page.body).toBeDefined();
    return code!;
  }

  it('the code from the console binds the KF account; its CSV is then offered to HQ', async () => {
    const mine = await signIn('wx-kf-mine');
    const before = await mine.get('/console/kf');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('获取绑定码');
    expect(before.body).toContain('暂无绑定的微信客服账号');
    const code = await consoleCode(mine);

    const wrong = code === '000000' ? '000001' : '000000';
    expect(await send(MANAGER_KF, { text: wrong })).toContain('绑定码无效、已过期或已被使用');
    expect(await bindingsOf(MANAGER_KF)).toEqual([]);

    expect(await send(MANAGER_KF, { text: `绑定 ${code}` })).toContain('这个微信客服账号已绑定到您');
    expect(await bindingsOf(MANAGER_KF)).toMatchObject([{ manager_code: manager, dealer_code: null }]);
    // Used once: the same code from another account binds nothing.
    expect(await send(STRANGER_KF, { text: code })).toContain('绑定码无效、已过期或已被使用');
    expect(await bindingsOf(STRANGER_KF)).toEqual([]);

    fake.addMedia('MEDIA-BOUND', { name: '门店销售.csv', contentType: 'text/csv', bytes: posCsv() });
    const offered = await send(MANAGER_KF, { mediaId: 'MEDIA-BOUND' });
    expect(offered).toContain('已提交总部审核');
    const [offer] = await t.db.selectFrom('import_offers').selectAll().execute();
    expect(offer).toMatchObject({ manager_code: manager, rows: storeCodes.length });

    const listed = await mine.get('/console/kf');
    expect(listed.body).toContain(MANAGER_KF);
  });

  it('a new code replaces the live one; only the manager or HQ can unbind; unbound, the account’s files are not offered', async () => {
    const mine = await signIn('wx-kf-mine');
    const first = await consoleCode(mine);
    const second = await consoleCode(mine);
    if (first !== second) {
      expect(await send(STRANGER_KF, { text: first })).toContain('绑定码无效、已过期或已被使用');
      expect(await bindingsOf(STRANGER_KF)).toEqual([]);
    }

    const theirs = await signIn('wx-kf-other');
    expect((await theirs.get('/console/kf')).body).not.toContain(MANAGER_KF);
    const refused = await theirs.post('/console/kf/unbind', { external_id: MANAGER_KF });
    expect(refused.statusCode).toBe(303);
    expect(await bindingsOf(MANAGER_KF)).toHaveLength(1);

    const api = await t.app.server.inject({
      method: 'GET',
      url: `/api/kf-bindings?manager=${manager}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json().bindings).toMatchObject([{ external_id: MANAGER_KF, manager_code: manager }]);

    const unbound = await mine.post('/console/kf/unbind', { external_id: MANAGER_KF });
    expect(unbound.statusCode).toBe(303);
    expect(decodeURIComponent(String(unbound.headers.location))).toContain('已解除绑定');
    expect(await bindingsOf(MANAGER_KF)).toEqual([]);
    const audited = await t.db.selectFrom('console_audit').selectAll().where('action', '=', 'kf.unbind').execute();
    expect(audited).toHaveLength(1);

    const offers = await offerCount();
    fake.addMedia('MEDIA-UNBOUND', { name: '门店销售2.csv', contentType: 'text/csv', bytes: posCsv() });
    expect(await send(MANAGER_KF, { mediaId: 'MEDIA-UNBOUND' })).not.toContain('已提交总部审核');
    expect(await offerCount()).toBe(offers);
  });

  it('HQ removes a binding through the API; an unknown one is a 404', async () => {
    const mine = await signIn('wx-kf-mine');
    expect(await send(MANAGER_KF, { text: await consoleCode(mine) })).toContain('已绑定到您');
    const del = (id: string) =>
      t.app.server.inject({
        method: 'DELETE',
        url: `/api/kf-bindings/${id}`,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    expect((await del(MANAGER_KF)).json()).toEqual({ external_id: MANAGER_KF, status: 'removed' });
    expect(await bindingsOf(MANAGER_KF)).toEqual([]);
    expect((await del(MANAGER_KF)).statusCode).toBe(404);
  });
});
