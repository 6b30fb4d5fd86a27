// The console in a real browser: starts the built server (dist/) on a temp PGlite dir with the demo data, the fake
// WeCom server for account managers' web sign-in, and Debian's headless Chromium through playwright-core. Signs in
// as HQ and as an account manager, opens every page, fails on any console error, page error, failed request or
// HTTP error, checks each chart drew the points its data says, and writes screenshots to .ci/out/console-*.png.
// Usage (after `npm run build`): npx tsx .ci/console-browser.ts
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startFakeWecom } from '../test/fakes/wecom/fake-wecom.server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_TOKEN = 'ci-console-browser-admin-token';
const OUT = '.ci/out';
const WECOM = { corpId: 'wwci0000000000001', secret: 'ci-secret', agentId: '1000002' };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const problems: string[] = [];
const wecom = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'gongsheng-console-'));
mkdirSync(OUT, { recursive: true });
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  PGLITE_DIR: join(dir, 'pg'),
  LOG_LEVEL: 'warn',
  SEED_SCALE: '0.2',
  SCHEDULER_ENABLED: '0',
  ADMIN_TOKEN,
  SANDBOX: '1',
  WECOM_CORP_ID: WECOM.corpId,
  WECOM_TOKEN: 'citoken',
  WECOM_AES_KEY: 'a'.repeat(43),
  WECOM_AGENT_ID: WECOM.agentId,
  WECOM_SECRET: WECOM.secret,
  WECOM_API_BASE: wecom.baseUrl,
  WECOM_OAUTH_URL: `${wecom.baseUrl}/connect/oauth2/authorize`,
};
for (const k of ['DATABASE_URL', 'REDIS_URL', 'OPENAI_API_KEY']) delete env[k];

const server: ChildProcess = spawn('node', ['dist/bot/main.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const started = performance.now();
  while (
    (await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (server.exitCode !== null) throw new Error(`server exited: ${server.exitCode}`);
    if (performance.now() - started > 300_000) throw new Error('server not ready in 300 s');
    await sleep(200);
  }

  const watch = (page: Page, role: string) => {
    page.on(
      'console',
      (m) => m.type() === 'error' && problems.push(`${role} console error on ${page.url()}: ${m.text()}`),
    );
    page.on('pageerror', (e) => problems.push(`${role} page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${role} request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${role} HTTP ${r.status()}: ${r.url()}`));
  };

  /** Opens a page, checks its charts and saves a screenshot; returns its HTML size. */
  const visit = async (page: Page, role: string, path: string, name: string) => {
    const res = await page.goto(`${base}${path}`);
    if (res?.status() !== 200) problems.push(`${role} ${path}: HTTP ${res?.status()}`);
    if (new URL(page.url()).pathname === '/console/login') problems.push(`${role} ${path}: sent to the sign-in page`);
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((s) => ({
        label: s.getAttribute('aria-label'),
        expected: Number(s.getAttribute('data-points')),
        drawn: s.querySelectorAll('circle.pt, rect.bar').length,
        width: s.getBoundingClientRect().width,
      })),
    );
    for (const c of charts) {
      if (c.drawn !== c.expected)
        problems.push(`${role} ${path}: chart "${c.label}" drew ${c.drawn} of ${c.expected} points`);
      if (c.width < 100) problems.push(`${role} ${path}: chart "${c.label}" is ${c.width}px wide`);
    }
    await page.screenshot({ path: `${OUT}/console-${role}-${name}.png`, fullPage: true });
    const bytes = (await page.content()).length;
    console.log(
      `${role.padEnd(7)} ${path.padEnd(44)} ${String(charts.length).padStart(2)} charts ${String(charts.reduce((s, c) => s + c.drawn, 0)).padStart(4)} points ${String(bytes).padStart(7)} B`,
    );
    return charts;
  };

  // HQ: the admin token on the sign-in form.
  const hq = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(hq, 'hq');
  await hq.goto(`${base}/console/login`);
  await hq.fill('input[name=token]', ADMIN_TOKEN);
  await Promise.all([hq.waitForURL(`${base}/console`), hq.click('button[type=submit]')]);
  const overview = await visit(hq, 'hq', '/console', 'overview');
  if (!overview.some((c) => c.drawn > 0)) problems.push('hq overview: no chart has data');
  await visit(hq, 'hq', '/console/dealers', 'dealers');
  const managerCode = await hq.$eval('select[name=manager] option:nth-child(2)', (o) => (o as HTMLOptionElement).value);
  const dealerCode = await hq.$eval('table a[href^="/console/dealers/D"]', (a) => a.textContent ?? '');
  await visit(hq, 'hq', '/console/dealers?tier=core&silent=0', 'dealers-filtered');
  await visit(hq, 'hq', `/console/dealers/${dealerCode}`, 'dealer');
  await visit(hq, 'hq', '/console/needs', 'needs');
  await visit(hq, 'hq', '/console/policies', 'policies');
  const policy = await hq.$eval('table a[href^="/console/policies/"]', (a) => a.getAttribute('href') ?? '');
  await visit(hq, 'hq', policy, 'policy');
  await visit(hq, 'hq', '/console/statements', 'statements');
  await visit(hq, 'hq', `/console/statements?dealer=${dealerCode}`, 'statement');
  await visit(hq, 'hq', '/console/jobs', 'jobs');
  // Run the monthly scoring from the console, so the tiers page has movements to draw.
  await Promise.all([
    hq.waitForURL(/\/console\/jobs\?done=/),
    hq.click('form[action="/console/jobs/dealers.score/run"] button'),
  ]);
  await visit(hq, 'hq', '/console/tiers', 'tiers');
  await visit(hq, 'hq', `/console/dealers/${dealerCode}`, 'dealer-scored');
  await visit(hq, 'hq', '/console/imports', 'imports');
  await visit(hq, 'hq', '/console/conversations', 'conversations');
  await visit(hq, 'hq', '/console/followups', 'followups');
  await visit(hq, 'hq', '/console/campaigns', 'campaigns');
  const campaign = await hq.$eval('table a[href^="/console/campaigns/C"]', (a) => a.getAttribute('href') ?? '');
  await visit(hq, 'hq', campaign, 'campaign');
  await visit(hq, 'hq', '/console/cadence', 'cadence');
  await visit(hq, 'hq', '/console/audit', 'audit');
  await visit(hq, 'hq', '/console/training', 'training');
  const session = await hq.$eval('table a[href^="/console/training/"]', (a) => a.getAttribute('href') ?? '');
  await visit(hq, 'hq', session, 'training-session');
  await visit(hq, 'hq', '/console/honours', 'honours');
  await visit(hq, 'hq', '/console/kf', 'kf');

  // An account manager: WeCom web sign-in through the fake WeCom's authorize page.
  wecom.signInAs(managerCode.toLowerCase());
  const am = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(am, 'manager');
  await am.goto(`${base}/console/login`);
  await Promise.all([am.waitForURL(`${base}/console`), am.click('a[href="/console/oauth/start"]')]);
  await visit(am, 'manager', '/console', 'overview');
  await visit(am, 'manager', '/console/dealers', 'dealers');
  const own = await am.$eval('table a[href^="/console/dealers/D"]', (a) => a.textContent ?? '');
  await visit(am, 'manager', `/console/dealers/${own}`, 'dealer');
  await visit(am, 'manager', '/console/needs', 'needs');
  await visit(am, 'manager', '/console/followups', 'followups');
  await visit(am, 'manager', '/console/campaigns', 'campaigns');
  await visit(am, 'manager', '/console/cadence', 'cadence');
  await visit(am, 'manager', '/console/kf', 'kf');
  // The one-time KF binding code: a form post, answered with the code on the page (never in a URL).
  await Promise.all([am.waitForLoadState('load'), am.click('form[action="/console/kf/code"] button')]);
  const code = (await am.textContent('p.note strong')) ?? '';
  if (!/\d{6}/.test(code)) problems.push(`manager /console/kf/code: no 6-digit code shown (${code.slice(0, 80)})`);
  await am.screenshot({ path: `${OUT}/console-manager-kf-code.png`, fullPage: true });
  // HQ's sections do not exist for a manager (asked without navigating: a 404 page load is a console error).
  const hidden = await am.request.get(`${base}/console/policies`);
  if (hidden.status() !== 404) problems.push(`manager /console/policies: ${hidden.status()} instead of 404`);
  const hiddenTraining = await am.request.get(`${base}/console/training`);
  if (hiddenTraining.status() !== 404)
    problems.push(`manager /console/training: ${hiddenTraining.status()} instead of 404`);
} catch (e) {
  problems.push(`run failed: ${(e as Error).message}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  await wecom.close();
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`console browser test: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`console browser test: ok, screenshots in ${OUT}/console-*.png`);
