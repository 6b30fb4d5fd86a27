/**
 * The soak's own services — a PostgreSQL cluster and a redis-server on free loopback ports, in a temp dir — and the
 * app instances it runs on them. Everything started here is registered with `cleanup`, which stops it on success,
 * failure, Ctrl-C or SIGTERM. The machine's shared PostgreSQL (5432) and Redis (6379) are never touched.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { productionNodeFlags } from '../node-flags.js';

const run = promisify(execFile);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Stops everything registered, last started first; each stopper runs once, errors are only reported. */
export class Cleanup {
  private readonly stoppers: Array<{ what: string; stop: () => Promise<void> }> = [];
  private running: Promise<void> | null = null;

  add(what: string, stop: () => Promise<void>): void {
    this.stoppers.push({ what, stop });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const s of this.stoppers.reverse()) {
        await s.stop().catch((e: Error) => console.error(`soak: cleanup of ${s.what} failed: ${e.message}`));
      }
    })();
    return this.running;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
    s.on('error', reject);
  });
}

/** The PostgreSQL binaries: /usr/local/bin when initdb is there, else Debian's newest cluster version. */
function pgBin(name: string): string {
  if (existsSync(`/usr/local/bin/${name}`)) return `/usr/local/bin/${name}`;
  for (const v of ['17', '16', '15', '14']) {
    const p = `/usr/lib/postgresql/${v}/bin/${name}`;
    if (existsSync(p)) return p;
  }
  return name;
}

/** Runs as the `postgres` user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** A throwaway PostgreSQL cluster (trust auth, fsync off) in a temp dir on a free port. */
export class SoakPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(cleanup: Cleanup): Promise<SoakPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'gongsheng-soak-pg-'));
    const port = await freePort();
    const pg = new SoakPostgres(dir, port);
    cleanup.add('PostgreSQL', async () => {
      await pg.stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });
    if (process.getuid?.() === 0) {
      const pw = readFileSync('/etc/passwd', 'utf8').match(/^postgres:[^:]*:(\d+):(\d+):/m);
      if (!pw) throw new Error('running as root needs a postgres user to run PostgreSQL');
      chownSync(dir, Number(pw[1]), Number(pw[2]));
    }
    const data = join(dir, 'data');
    await run(
      ...asPostgres(pgBin('initdb'), [
        '-D',
        data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ]),
    );
    await pg.startServer();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async startServer(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await run(
      ...asPostgres(pgBin('pg_ctl'), [
        '-D',
        join(this.dir, 'data'),
        '-o',
        opts,
        '-l',
        join(this.dir, 'log'),
        '-w',
        '-t',
        '60',
        'start',
      ]),
    );
  }

  /** `fast` ends the backends and stops cleanly; `immediate` for cleanup. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await run(...asPostgres(pgBin('pg_ctl'), ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']));
  }
}

/** A redis-server on a free port, nothing on disk; restartable on the same port. */
export class SoakRedis {
  private proc: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(cleanup: Cleanup): Promise<SoakRedis> {
    const redis = new SoakRedis(await freePort());
    cleanup.add('Redis', () => redis.stop());
    await redis.startServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no'];
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        await run('redis-cli', ['-p', String(this.port), 'ping']);
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (p.exitCode === null) p.kill('SIGKILL');
  }
}

/** One run of an app process: its pid, peak RSS (VmHWM) as last read, and how it ended. */
export interface InstanceRun {
  pid: number;
  startedAtMs: number;
  peakRssMb: number;
  exit: { code: number | null; signal: string | null } | null;
  /** Its /metrics pipeline counters as last scraped. */
  counters: Record<string, number>;
}

/**
 * An instance of the built app (`node dist/bot/main.js`, under the Dockerfile's node flags) on its own port; can be
 * killed and started again.
 */
export class AppInstance {
  readonly runs: InstanceRun[] = [];
  private proc: ChildProcess | null = null;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly adminToken: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get current(): InstanceRun | undefined {
    return this.proc ? this.runs.at(-1) : undefined;
  }

  alive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(readyTimeoutMs = 120_000): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const flags = productionNodeFlags(new URL('../..', import.meta.url).pathname);
    const proc = spawn(process.execPath, [...flags, 'dist/bot/main.js'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    const runInfo: InstanceRun = {
      pid: proc.pid ?? -1,
      startedAtMs: performance.now(),
      peakRssMb: 0,
      exit: null,
      counters: {},
    };
    proc.once('exit', (code, signal) => {
      runInfo.exit = { code, signal };
    });
    this.proc = proc;
    this.runs.push(runInfo);
    const until = performance.now() + readyTimeoutMs;
    while ((await status(`${this.url}/readyz`)) !== 200) {
      if (runInfo.exit)
        throw new Error(`${this.name} exited before ready (${JSON.stringify(runInfo.exit)}); see ${this.logFile}`);
      if (performance.now() > until) throw new Error(`${this.name} not ready in ${readyTimeoutMs} ms`);
      await sleep(200);
    }
  }

  /** kill -9: no shutdown, leases left behind. */
  kill9(): void {
    this.sample();
    this.proc?.kill('SIGKILL');
  }

  /** SIGTERM (graceful), then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  /** Reads the process's peak RSS from /proc (Linux); keeps the last value after it exits. */
  sample(): void {
    const r = this.runs.at(-1);
    if (!r || !this.alive()) return;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${r.pid}/status`, 'utf8'));
      if (m) r.peakRssMb = Math.max(r.peakRssMb, Number(m[1]) / 1024);
    } catch {
      // Exited between the check and the read.
    }
  }

  /** Scrapes this run's in-memory pipeline counters from /metrics (lost with a kill -9: the last scrape stays). */
  async scrape(): Promise<void> {
    const r = this.runs.at(-1);
    if (!r || !this.alive()) return;
    try {
      const res = await fetch(`${this.url}/metrics`, {
        headers: { authorization: `Bearer ${this.adminToken}` },
        signal: AbortSignal.timeout(3000),
      });
      const text = await res.text();
      for (const m of text.matchAll(/^gongsheng_([a-z_]+)_total (\d+)$/gm)) r.counters[m[1]!] = Number(m[2]);
    } catch {
      // Busy or down for a moment: the previous scrape stands.
    }
  }
}

export function status(url: string, timeoutMs = 2000): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
    () => 0,
  );
}
