// Starts the server with a command line on a temp PGlite dir and a free port, waits for /readyz 200, sends SIGTERM
// to the started process (e.g. npm) and checks the port closes and the whole process tree exits.
// Usage: node .ci/smoke.mjs <command> [args...]   (exit 0 on success; prints the cold-start time)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) throw new Error('usage: node .ci/smoke.mjs <command> [args...]');
const READY_TIMEOUT_MS = Number(process.env.SMOKE_READY_TIMEOUT_MS ?? 300_000);
const STOP_TIMEOUT_MS = 20_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const status = (url) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status,
    () => 0,
  );
const groupAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'gongsheng-smoke-'));
const url = `http://127.0.0.1:${port}/readyz`;
const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: join(dir, 'pg'), LOG_LEVEL: 'warn' };
for (const k of ['DATABASE_URL', 'REDIS_URL', 'WECOM_CORP_ID', 'OPENAI_API_KEY']) delete env[k];

const started = performance.now();
// Its own process group, so the check below sees every descendant (npm → sh → node).
const child = spawn(cmd, args, { env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
let exit = null;
const exited = new Promise((resolve) =>
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    resolve(exit);
  }),
);

let failure = null;
try {
  while ((await status(url)) !== 200) {
    if (exit) throw new Error(`exited before ready: ${JSON.stringify(exit)}`);
    if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`not ready within ${READY_TIMEOUT_MS} ms`);
    await sleep(100);
  }
  console.log(`smoke: ${[cmd, ...args].join(' ')} ready in ${Math.round(performance.now() - started)} ms`);
  // Ready is not enough: a demo dealer's message must go through the whole pipeline (NLU model included) to a reply.
  const chat = await fetch(`http://127.0.0.1:${port}/sandbox/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'D0001', text: '你好' }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = await chat.json();
  if (chat.status !== 200 || !body.replies?.length)
    throw new Error(`no chat reply: ${chat.status} ${JSON.stringify(body)}`);
  console.log(`smoke: sandbox reply "${String(body.replies[0]).slice(0, 24)}…"`);
  child.kill('SIGTERM');
  const deadline = performance.now() + STOP_TIMEOUT_MS;
  await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
  if (!exit) throw new Error('the started process ignored SIGTERM');
  while (groupAlive(child.pid) && performance.now() < deadline) await sleep(100);
  if (groupAlive(child.pid)) throw new Error('SIGTERM stopped the started process but left its children running');
  if ((await status(url)) !== 0) throw new Error('the port still answers after SIGTERM');
  console.log(`smoke: stopped on SIGTERM (${JSON.stringify(exit)}), port closed, no process left`);
} catch (e) {
  failure = e;
} finally {
  if (groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
if (failure) {
  console.error(`smoke: FAILED: ${failure.message}`);
  process.exit(1);
}
