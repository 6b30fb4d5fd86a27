import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { sandboxStartupWarning } from '../../bot/main.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { wecomEnv } from './wecom.harness.js';

const ADMIN_TOKEN = 'sandbox-guard-admin-token';
// WeCom configured but unreachable: these tests never send.
const WECOM_ENV = { ...wecomEnv('http://127.0.0.1:9'), SANDBOX: '1' };

describe('SANDBOX=1 next to a configured WeCom (issue 14, defect 4)', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('refuses to start without ADMIN_TOKEN: the sandbox would open real data to anyone', () => {
    expect(() => loadConfig(WECOM_ENV)).toThrow(ConfigError);
    expect(() => loadConfig(WECOM_ENV)).toThrow(/SANDBOX.*ADMIN_TOKEN/);
  });

  it('puts every sandbox route behind the admin token', async () => {
    app = await startTestApp({ seeded: true, env: { ...WECOM_ENV, ADMIN_TOKEN } });
    const routes = [
      { method: 'GET' as const, url: '/sandbox/people' },
      { method: 'GET' as const, url: '/sandbox/outbox' },
      { method: 'POST' as const, url: '/sandbox/messages', payload: { from: 'M001', text: '你好' } },
      // Percent-encoding routes to the same handler: the guard must see the matched route, not the raw URL.
      { method: 'GET' as const, url: '/%73andbox/people' },
    ];
    for (const r of routes) {
      const res = await app.server.inject(r);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
    const wrong = await app.server.inject({
      method: 'GET',
      url: '/sandbox/people',
      headers: { authorization: 'Bearer not-the-admin-token-at-all' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.server.inject({
      method: 'GET',
      url: '/sandbox/people',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as { managers: unknown[] }).managers.length).toBeGreaterThan(0);
    // The dev chat page itself holds no data; it passes the token it is given in its URL fragment.
    const page = await app.server.inject({ method: 'GET', url: '/dev/chat' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('authorization');
  });

  it('leaves the sandbox open when it is the only channel (development)', async () => {
    app = await startTestApp({ seeded: false });
    const res = await app.server.inject({ method: 'GET', url: '/sandbox/outbox' });
    expect(res.statusCode).toBe(200);
  });

  it('warns at start-up with what is actually exposed and how to close it', () => {
    expect(sandboxStartupWarning(loadConfig({}))).toBeNull();
    const prodAlone = sandboxStartupWarning(loadConfig({ NODE_ENV: 'production' }));
    expect(prodAlone).toMatch(/production/);
    expect(prodAlone).toMatch(/SANDBOX=0/);
    expect(prodAlone).not.toMatch(/— configure WeCom$/);
    const prodWithWecom = sandboxStartupWarning(loadConfig({ ...WECOM_ENV, NODE_ENV: 'production', ADMIN_TOKEN }));
    expect(prodWithWecom).toMatch(/ADMIN_TOKEN/);
    expect(prodWithWecom).toMatch(/real/);
    // The mini-program alone is a real channel too: its sandbox is behind the token, and the warning says so.
    const mpEnv = { MP_APP_ID: 'wx-guard', MP_APP_SECRET: 'mp-secret', MP_TOKEN: 'mp-token', SANDBOX: '1' };
    expect(() => loadConfig(mpEnv)).toThrow(/SANDBOX.*ADMIN_TOKEN/);
    const prodWithMp = sandboxStartupWarning(loadConfig({ ...mpEnv, NODE_ENV: 'production', ADMIN_TOKEN }));
    expect(prodWithMp).toMatch(/mini-program/);
    expect(prodWithMp).toMatch(/ADMIN_TOKEN/);
    expect(prodWithMp).not.toMatch(/anyone reaching/);
  });
});
