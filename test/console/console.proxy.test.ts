import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECOM } from '../channels/wecom.harness.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ConsoleBrowser } from './console.session.js';

const ADMIN_TOKEN = 'console-proxy-admin-token-0123456789';
const FORWARDED = { host: 'gs.internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gs.example.com' };

/**
 * Behind a reverse proxy: X-Forwarded-* count only from the proxies TRUST_PROXY names (the sign-in limit is per client
 * address, the WeCom sign-in's redirect is built on the host), and PUBLIC_BASE_URL fixes the redirect's origin.
 */
describe('the console behind a proxy', () => {
  let wecom: FakeWecom;
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({
      seeded: false,
      env: {
        ADMIN_TOKEN,
        WECOM_CORP_ID: WECOM.corpId,
        WECOM_TOKEN: WECOM.token,
        WECOM_AES_KEY: WECOM.aesKey,
        WECOM_AGENT_ID: WECOM.agentId,
        WECOM_SECRET: WECOM.secret,
        WECOM_API_BASE: wecom.baseUrl,
        WECOM_OAUTH_URL: `${wecom.baseUrl}/connect/oauth2/authorize`,
        ...env,
      },
    });
    apps.push(app);
    return app;
  };
  const redirectUri = async (app: TestApp, headers: Record<string, string>, remoteAddress = '127.0.0.1') => {
    const res = await new ConsoleBrowser(app.server, headers, remoteAddress).get('/console/oauth/start');
    expect(res.statusCode).toBe(302);
    return new URL(String(res.headers.location)).searchParams.get('redirect_uri');
  };
  /** Five wrong tokens from one client, then the right one from the same client and from another. */
  const lockOut = async (
    app: TestApp,
    client: (i: number) => Record<string, string>,
    other: Record<string, string>,
  ) => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = new ConsoleBrowser(app.server, client(i));
      await b.get('/console/login');
      statuses.push((await b.post('/console/login', { token: `wrong-${i}` })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const again = new ConsoleBrowser(app.server, client(5));
    const elsewhere = new ConsoleBrowser(app.server, other);
    return [(await again.signInHq(ADMIN_TOKEN)).statusCode, (await elsewhere.signInHq(ADMIN_TOKEN)).statusCode];
  };

  beforeAll(async () => {
    wecom = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await wecom?.close();
  });

  it('believes no X-Forwarded-* header by default', async () => {
    const app = await start({});
    expect(await redirectUri(app, FORWARDED)).toBe('http://gs.internal:3000/console/oauth/callback');
    // A client cannot dodge the sign-in limit by naming another address: it is the socket's.
    expect(
      await lockOut(app, (i) => ({ 'x-forwarded-for': `203.0.113.${i}` }), { 'x-forwarded-for': '198.51.100.1' }),
    ).toEqual([429, 429]);
  });

  it('believes the proxy TRUST_PROXY names: the client address and the public host come from it', async () => {
    const app = await start({ TRUST_PROXY: '127.0.0.1' });
    expect(await redirectUri(app, FORWARDED)).toBe('https://gs.example.com/console/oauth/callback');
    // The same headers from an address that is not the proxy are not believed.
    expect(await redirectUri(app, FORWARDED, '10.1.1.1')).toBe('http://gs.internal:3000/console/oauth/callback');
    // The limit is per client behind the proxy: one locked out, another signs in.
    expect(
      await lockOut(app, () => ({ 'x-forwarded-for': '203.0.113.7' }), { 'x-forwarded-for': '203.0.113.8' }),
    ).toEqual([429, 303]);
  });

  it('builds the WeCom redirect on PUBLIC_BASE_URL whatever the request says', async () => {
    const app = await start({ TRUST_PROXY: 'true', PUBLIC_BASE_URL: 'https://console.k-doors.example' });
    expect(await redirectUri(app, FORWARDED)).toBe('https://console.k-doors.example/console/oauth/callback');
    expect(await redirectUri(app, { host: 'evil.example' })).toBe(
      'https://console.k-doors.example/console/oauth/callback',
    );
  });
});
