/**
 * A real server process (test/channels/crash-server.ts) for the crash and database-drop tests: start it on a
 * database given by its environment, read its admin status, and run admin SQL on PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';

export async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr(): string;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/channels/crash-server.ts'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 90_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr.slice(-1500)}`));
    });
  });
  return { proc, url, exited, stderr: () => stderr };
}

export interface PipelineStatus {
  inbound: Array<{ status: string; n: number }>;
  outbox: Array<{ status: string; n: number }>;
}

export async function pipelineStatus(server: ServerProcess, adminToken: string): Promise<PipelineStatus> {
  const res = await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${adminToken}` } });
  const body = (await res.json()) as PipelineStatus;
  if (res.status !== 200 || !Array.isArray(body.inbound))
    throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export const countStatus = (rows: Array<{ status: string; n: number }>, ...statuses: string[]) =>
  rows.filter((r) => statuses.includes(r.status)).reduce((a, r) => a + Number(r.n), 0);

/** Waits until every one of `total` stored messages is handled and nothing waits in the outbox (polled over HTTP). */
export async function waitForDrain(
  server: ServerProcess,
  adminToken: string,
  total: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await pipelineStatus(server, adminToken);
    const open = countStatus(s.inbound, 'pending', 'processing') + countStatus(s.outbox, 'pending', 'sending');
    if (countStatus(s.inbound, 'done', 'parked', 'pending', 'processing') === total && open === 0) return;
    if (Date.now() > deadline) throw new Error(`pipeline did not drain: ${JSON.stringify(s)} ${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
