/**
 * End-to-end benchmark (`npm run bench:e2e [-- --pg URL --senders 64 --per-sender 40 --rate 200 --paced-sec 10]`):
 * WeCom callbacks in (signed, encrypted, over HTTP) → stored and acked → understood (rules) → handled → replies sent
 * to the local fake WeCom (test/fakes/wecom), on PostgreSQL (a database of its own, seeded with the K demo and
 * dropped at the end). The app runs in this process; the fake WeCom and the driver (signing, encrypting and posting
 * the callbacks over keep-alive connections of its own, and timing everything on its own clock) run in a child
 * process, bench/e2e.wecom.ts, as WeCom is another machine in production. Each phase's callbacks are built there
 * before the phase's clock starts and before the CPU clocks are read (`prepare`, then `run`), and the fake pushes
 * each reply to the driver as it arrives: what the WeCom side costs during a phase is posting and answering. A child process rather than a worker thread: its
 * event loop, heap and GC, and its CPU time in /proc, are apart from the app's, so the app's CPU per message read from
 * /proc is the app's alone (a worker thread's would be counted in this process). They still share the machine's
 * cores with PostgreSQL.
 *
 * Prints: a greeting's sequential overhead (callback → reply, one at a time) with, as the baseline row of the same
 * run, the ack alone of the same callbacks; messages/s end to end with N senders each sending as fast as it is
 * acked; reply latency p50/p99 at a fixed rate (open loop). Then where the time went, from the rows' own
 * timestamps: stored → processed (worker), reply written → sent (dispatcher), statements and transactions per
 * message, CPU seconds per message of the app process and of PostgreSQL (from /proc) in the throughput run, and the
 * load average. `--profile FILE` writes a V8 CPU profile of the app process over the throughput run,
 * `--profile-greetings FILE` one over the sequential greetings.
 *
 * WeCom's per-member limit (30/min) would cap 64 senders at 32 messages/s: the bench's key-value store grants every
 * rate slot, so the pipeline itself is measured (the limits are tested in test/channels/wecom.instances.test.ts).
 *
 * `--instances N` (N > 1) runs N app instances on the database, each in a process of its own
 * (bench/e2e.instance.ts, under the same node flags), the driver posting each callback to the next as a round-robin
 * proxy would — production's several instances; their CPU, statements and round trips are added up.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism, loadavg } from 'node:os';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { seedDemoData } from '../db/seed/k-demo.js';
import { type BenchAppOptions, type BenchAppStats, startBenchApp } from './e2e.app.js';
import type { InstanceAnswer, InstanceCommand } from './e2e.instance.js';
import type { Answer, Command, Phase } from './e2e.wecom.js';
import { BENCH_WECOM } from './ingest.shared.js';
import { productionNodeFlags, reexecWithProductionFlags } from './node-flags.js';

// The app runs in this process: under the node flags its tree's Dockerfile starts it with (a compare runs each ref
// under its own).
const TREE = new URL('..', import.meta.url).pathname;
await reexecWithProductionFlags(TREE);

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const PG_URL = args.get('pg') ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SENDERS = Number(args.get('senders') ?? 64);
const PER_SENDER = Number(args.get('per-sender') ?? 40);
/** Finished messages and sent replies already in the database before the run, as in production (then ANALYZE). */
const HISTORY = Number(args.get('history') ?? 50_000);
const RATE = Number(args.get('rate') ?? 200);
const PACED_SEC = Number(args.get('paced-sec') ?? 10);
const SEQUENTIAL = Number(args.get('sequential') ?? 200);
/** The connection pool (default: the app's own default, DB_POOL_SIZE) and WORKER_CONCURRENCY (default: the app's). */
const POOL = args.get('pool');
const CONCURRENCY = args.get('concurrency');
/** WORKER_TURNS_PER_TRANSACTION (default: the app's; an app without the setting ignores it). */
const TURNS = args.get('turns');
/** Also write the results as JSON to this file (bench/e2e.compare.ts reads it). */
const JSON_OUT = args.get('json');
/** Write a CPU profile of the app process over the throughput run alone to this file (`.cpuprofile`). */
const PROFILE_OUT = args.get('profile');
/** A V8 CPU profile of the app over the sequential greetings alone. */
const PROFILE_GREETINGS_OUT = args.get('profile-greetings');
/**
 * App instances: 1 runs in this process; N > 1 each in a child process of its own (bench/e2e.instance.ts) on the same
 * database, the driver posting each callback to the next, as a round-robin proxy in front of them would.
 */
const INSTANCES = Math.max(1, Number(args.get('instances') ?? 1));
if (INSTANCES > 1 && (PROFILE_OUT || PROFILE_GREETINGS_OUT)) {
  throw new Error('--profile and --profile-greetings profile the app in this process: --instances 1');
}
const SECRET = 'bench-e2e-secret';

/** The WeCom side (bench/e2e.wecom.ts) in a child process, asked one command at a time over IPC. */
class WecomSide {
  readonly #child: ChildProcess;
  #next: ((a: Answer) => void) | null = null;
  readonly ready: Promise<string>;

  constructor() {
    // The same loader (tsx) as this process, without a CPU profile of its own (--cpu-prof profiles the app);
    // --expose-gc: the garbage of building a phase's callbacks is collected before the phase.
    const execArgv = [...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), '--expose-gc'];
    // E2E_WECOM_PROF_DIR: a V8 CPU profile of the WeCom side (fake + driver) in that directory.
    const profDir = process.env['E2E_WECOM_PROF_DIR'];
    if (profDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profDir}`);
    this.#child = fork(new URL('./e2e.wecom.ts', import.meta.url), [], {
      execArgv,
      env: { ...process.env, E2E_WECOM_SECRET: SECRET },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (a: Answer) => this.#next?.(a));
    this.ready = this.#answer().then((a) => {
      if (a.type !== 'ready') throw new Error(`the WeCom side answered ${a.type}`);
      return a.baseUrl;
    });
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  #answer(): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const exit = (code: number | null) => reject(new Error(`the WeCom side exited (${code})`));
      this.#child.once('exit', exit);
      this.#next = (a) => {
        this.#child.off('exit', exit);
        this.#next = null;
        resolve(a);
      };
    });
  }

  async ask<T extends Answer['type']>(c: Command, expect: T): Promise<Extract<Answer, { type: T }>> {
    const answer = this.#answer();
    this.#child.send(c);
    const a = await answer;
    if (a.type === 'error') throw new Error(`WeCom side: ${a.message}`);
    if (a.type !== expect) throw new Error(`the WeCom side answered ${a.type}, not ${expect}`);
    return a as Extract<Answer, { type: T }>;
  }

  /** Has the phase's callbacks built (no clock runs); `run()` then starts it. */
  async prepare(phase: Phase): Promise<void> {
    await this.ask({ type: 'prepare', phase }, 'ok');
  }

  run<T extends Phase['type']>(type: T): Promise<Extract<Answer, { type: T }>> {
    return this.ask({ type: 'run' }, type);
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || !this.#child.connected) return;
    await this.ask({ type: 'close' }, 'ok').catch(() => {});
    if (this.#child.exitCode === null) await new Promise((r) => this.#child.once('exit', r));
  }
}

/** An app under test: its URL, its process (for /proc) and its counters. */
interface RunningApp {
  base: string;
  pid: number;
  stats(): Promise<BenchAppStats>;
  close(): Promise<void>;
}

/** The app in this process (`--instances 1`): the profiles can see it. */
async function inProcessApp(options: BenchAppOptions): Promise<RunningApp> {
  const app = await startBenchApp(options);
  return { base: app.base, pid: process.pid, stats: async () => app.stats(), close: () => app.close() };
}

/** An app instance in a child process of its own (bench/e2e.instance.ts), asked one command at a time. */
async function childApp(options: BenchAppOptions): Promise<RunningApp> {
  // The same loader (tsx) and node flags as this process (the production flags, see node-flags.ts).
  const child = fork(new URL('./e2e.instance.ts', import.meta.url), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let queue = Promise.resolve();
  const ask = <T extends InstanceAnswer['type']>(c: InstanceCommand, expect: T) => {
    const answer = new Promise<InstanceAnswer>((resolve, reject) => {
      const exit = (code: number | null) => reject(new Error(`an app instance exited (${code})`));
      child.once('exit', exit);
      // One command at a time: the answers come back in order.
      queue = queue.then(
        () =>
          new Promise<void>((done) => {
            child.once('message', (a: InstanceAnswer) => {
              child.off('exit', exit);
              resolve(a);
              done();
            });
            child.send(c);
          }),
      );
    });
    return answer.then((a) => {
      if (a.type === 'error') throw new Error(`app instance: ${a.message}`);
      if (a.type !== expect) throw new Error(`an app instance answered ${a.type}, not ${expect}`);
      return a as Extract<InstanceAnswer, { type: T }>;
    });
  };
  const { base } = await ask({ type: 'start', options }, 'ready');
  return {
    base,
    pid: child.pid ?? 0,
    stats: async () => (await ask({ type: 'stats' }, 'stats')).stats,
    close: async () => {
      if (child.exitCode !== null || !child.connected) return;
      await ask({ type: 'close' }, 'closed').catch(() => {});
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Starts the V8 profiler of this process; the function returned stops it and gives the profile. */
async function startProfile(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
/** utime + stime of a process in seconds, from /proc (null when it is gone or not on this machine). */
function cpuSec(pid: number, which: 'all' | 'kernel' = 'all'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((which === 'all' ? Number(f[11]) : 0) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The sum, or null when one of them is unknown. */
const sumOf = (xs: readonly (number | null)[]): number | null =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((a, x) => a + x!, 0);

interface CpuSnapshot {
  app: number | null;
  /** The app's system (kernel) time alone: syscalls, chiefly socket writes and reads. */
  appKernel: number | null;
  wecom: number | null;
  /** PostgreSQL pid → CPU seconds. */
  pg: Map<number, number>;
  /** When it was read (performance.now()). */
  atMs: number;
}
/** CPU ms per message between two snapshots; a PostgreSQL process started in between counts from its start. */
function cpuPerMessage(a: CpuSnapshot, b: CpuSnapshot, n: number): Record<string, string> {
  const ms = (x: number | null, y: number | null) =>
    x === null || y === null ? 'n/a' : (((y - x) * 1000) / n).toFixed(2);
  let pgSec = 0;
  for (const [pid, c] of b.pg) pgSec += c - (a.pg.get(pid) ?? 0);
  // How the WeCom side compares: its share of the CPU the three used, and of the machine's cores over the run.
  const [appSec, wecomSec] = [(b.app ?? 0) - (a.app ?? 0), (b.wecom ?? 0) - (a.wecom ?? 0)];
  const coreSec = ((b.atMs - a.atMs) / 1000) * availableParallelism();
  const share = (x: number, of: number) => (of > 0 ? `${((100 * x) / of).toFixed(0)}%` : 'n/a');
  return {
    'app CPU ms/msg': ms(a.app, b.app),
    'app kernel ms/msg': ms(a.appKernel, b.appKernel),
    'PostgreSQL CPU ms/msg': b.pg.size ? ms(0, pgSec) : 'n/a',
    'WeCom side CPU ms/msg': ms(a.wecom, b.wecom),
    'WeCom side % of CPU used': share(wecomSec, appSec + pgSec + wecomSec),
    'WeCom side % of cores': share(wecomSec, coreSec),
  };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/**
 * A production database holds the history of finished messages and sent replies, and autovacuum has analysed it: the
 * plans PostgreSQL makes (and keeps per connection, see db/plan-cache.ts) are those of large tables with few
 * unfinished rows. A fresh bench database would instead be planned as tiny tables for the whole run.
 */
async function seedHistory(db: Kysely<Database>, rows: number): Promise<void> {
  await sql`insert into inbound_messages (channel, dedupe_key, sender, msg_type, content, status, processed_at)
    select 'wecom', 'history' || g, 'wx-history' || g % 500, 'text', '你好', 'done', now() - interval '1 day'
    from generate_series(1, ${rows}::int) g`.execute(db);
  await sql`insert into outbox (dedupe_key, recipient, address, route, body, in_reply_to, status, sent_at)
    select 'history' || g, 'history' || g % 500, 'wx-history' || g % 500, 'wecom_app', '您好', g, 'sent', now() - interval '1 day'
    from generate_series(1, ${rows}::int) g`.execute(db);
  await sql`analyze`.execute(db);
}

async function main(): Promise<void> {
  const name = `gs_bench_e2e_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const wecom = new WecomSide();
  // The bench's own handle (seeding, the stages read back); each app instance opens its own.
  const database = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 4 });
  const apps: RunningApp[] = [];
  try {
    await migrateToLatest(database.db);
    await seedDemoData(database.db, { scale: Math.max(0.05, SENDERS / 500), now: new Date() });
    const dealers = (
      await database.db.selectFrom('dealers').select('code').orderBy('code').limit(SENDERS).execute()
    ).map((d) => d.code);
    if (dealers.length < SENDERS) throw new Error(`only ${dealers.length} dealers seeded`);
    const senders = dealers.map((code) => `wx-${code}`);
    await database.db
      .insertInto('channel_identities')
      .values(dealers.map((code) => ({ channel: 'wecom' as const, external_id: `wx-${code}`, dealer_code: code })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    if (HISTORY > 0) await seedHistory(database.db, HISTORY);

    const appOptions: BenchAppOptions = {
      url: u.toString(),
      wecomBase: await wecom.ready,
      wecom: { ...BENCH_WECOM, secret: SECRET },
      ...(POOL ? { pool: POOL } : {}),
      ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      ...(TURNS ? { turns: TURNS } : {}),
    };
    if (INSTANCES === 1) apps.push(await inProcessApp(appOptions));
    else
      for (const app of await Promise.allSettled(Array.from({ length: INSTANCES }, () => childApp(appOptions)))) {
        if (app.status === 'rejected') throw app.reason;
        apps.push(app.value);
      }

    await wecom.ask({ type: 'app', bases: apps.map((a) => a.base) }, 'ok');
    const KINDS = ['你好', 'KC-L01还有货吗', '查一下我的订单状态'];
    await wecom.ask({ type: 'warmup', sender: senders[0]!, kinds: KINDS }, 'ok');

    const rows: Array<Record<string, string>> = [];
    const row = (run: string, lat: number[], n: number, seconds: number | null) => {
      const s = sorted(lat);
      rows.push({
        run,
        n: String(n),
        'msg/s': seconds === null ? '—' : (n / seconds).toFixed(0),
        'p50 ms': pct(s, 50).toFixed(2),
        'p99 ms': pct(s, 99).toFixed(2),
        'max ms': (s.at(-1) ?? 0).toFixed(1),
      });
    };
    const loads: string[] = [];
    const markLoad = (what: string) =>
      loads.push(
        `${what}: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );

    // 1. A greeting, one at a time: callback → reply (the sequential overhead), and its ack alone (baseline).
    markLoad('start');
    const greetingFirst = await maxInboundId();
    await wecom.prepare({ type: 'sequential', senders, n: SEQUENTIAL });
    const greetingTrips = await roundTripsFrom();
    const greetingCpu0 = await cpuNow();
    const greetingProfiler = PROFILE_GREETINGS_OUT ? await startProfile() : null;
    const { acks, e2e, overhead } = await wecom.run('sequential');
    if (greetingProfiler && PROFILE_GREETINGS_OUT) {
      writeFileSync(PROFILE_GREETINGS_OUT, JSON.stringify(await greetingProfiler()));
    }
    const greetingCpu = cpuPerMessage(greetingCpu0, await cpuNow(), SEQUENTIAL);
    row('baseline: greeting callback → ack (stored)', acks, SEQUENTIAL, null);
    row('greeting callback → reply sent (1 in flight)', e2e, SEQUENTIAL, null);
    // The sequential overhead: per message, callback → reply sent minus callback → ack, i.e. from the ack to the
    // reply's arrival at the fake WeCom — what the pipeline (worker, step, outbox, dispatcher, send) adds.
    row('greeting sequential overhead (reply − ack)', overhead, SEQUENTIAL, null);
    const greetingStages = {
      ...(await stages(greetingFirst)),
      ...(await greetingTrips(SEQUENTIAL)),
      'app CPU ms/msg': greetingCpu['app CPU ms/msg'],
      'app kernel ms/msg': greetingCpu['app kernel ms/msg'],
      'PostgreSQL CPU ms/msg': greetingCpu['PostgreSQL CPU ms/msg'],
      'WeCom side CPU ms/msg': greetingCpu['WeCom side CPU ms/msg'],
    };

    // 2. Throughput: every sender sends its messages back to back (each after the previous ack).
    markLoad('throughput');
    const firstId = await maxInboundId();
    const throughputCost = await costFrom();
    // The callbacks are built before the CPU clocks are read: what the real WeCom spends on its machine is not counted.
    await wecom.prepare({ type: 'throughput', senders, perSender: PER_SENDER, kinds: KINDS });
    const throughputTrips = await roundTripsFrom();
    const profiler = PROFILE_OUT ? await startProfile() : null;
    const cpu0 = await cpuNow();
    const burst = await wecom.run('throughput');
    const cpu = cpuPerMessage(cpu0, await cpuNow(), SENDERS * PER_SENDER);
    if (profiler && PROFILE_OUT) writeFileSync(PROFILE_OUT, JSON.stringify(await profiler()));
    const throughputSec = burst.postSec;
    row(`${SENDERS} senders × ${PER_SENDER}, as fast as acked`, burst.done, SENDERS * PER_SENDER, burst.lastReplySec);
    const throughputStages = {
      ...(await stages(firstId)),
      ...(await throughputCost(SENDERS * PER_SENDER)),
      ...(await throughputTrips(SENDERS * PER_SENDER)),
      ...cpu,
    };

    // 3. Latency at a fixed rate (open loop): RATE messages/s over the senders, round robin.
    markLoad('paced');
    const pacedFirst = await maxInboundId();
    const pacedCost = await costFrom();
    const total = RATE * PACED_SEC;
    await wecom.prepare({ type: 'paced', senders, rate: RATE, seconds: PACED_SEC, kinds: KINDS });
    const paced = await wecom.run('paced');
    row(`fixed ${RATE}/s for ${PACED_SEC} s (open loop)`, paced.latencies, total, paced.sec);
    const pacedStages = { ...(await stages(pacedFirst)), ...(await pacedCost(total)) };
    markLoad('end');
    const { wire, reposted } = await wecom.ask({ type: 'wire' }, 'wire');
    const order = await replyOrder(wire);

    for (const app of apps.splice(0)) await app.close();

    console.log(
      `\nEnd to end on PostgreSQL: WeCom callback → stored/acked → understood → handled → reply at the fake WeCom` +
        ` (${INSTANCES === 1 ? 'the app in this process' : `${INSTANCES} app instances, each in a process of its own, callbacks round robin`},` +
        ` the fake WeCom and the driver in another; rate limits granted; node` +
        ` ${productionNodeFlags(TREE).join(' ') || 'without flags'}, as its Dockerfile starts it)\n`,
    );
    console.table(rows);
    console.log('Where the time went (from the rows: ms per message, p50 / p99):');
    console.table([
      { run: 'greeting, 1 in flight', ...greetingStages },
      { run: 'throughput', ...throughputStages },
      { run: `fixed ${RATE}/s`, ...pacedStages },
    ]);
    console.log(
      `CPU per message in the throughput run (/proc): app ${cpu['app CPU ms/msg']} ms (kernel` +
        ` ${cpu['app kernel ms/msg']} ms), PostgreSQL` +
        ` ${cpu['PostgreSQL CPU ms/msg']} ms (this database's backends and the server's background processes),` +
        ` WeCom side (fake + driver) ${cpu['WeCom side CPU ms/msg']} ms: ${cpu['WeCom side % of CPU used']} of the CPU the` +
        ` three used, ${cpu['WeCom side % of cores']} of the ${availableParallelism()} cores over the run (in production` +
        ` another machine; its callbacks are built before the clocks start).`,
    );
    console.log(`Load average (1/5/15 min) — ${loads.join('; ')}`);
    console.log(
      `Throughput run: ${throughputSec.toFixed(2)} s to post ${SENDERS * PER_SENDER} callbacks. Callbacks posted` +
        ` again after a 503 (as WeCom retries): ${reposted}.`,
    );
    console.log(
      `Per-sender reply order (replies at the fake WeCom in the order of the messages they answer): ` +
        `${order.inOrder}/${order.senders} senders in order, ${order.replies} replies` +
        (order.firstBreak ? `; first break: ${order.firstBreak}` : ''),
    );
    if (JSON_OUT) {
      const stagesOut = { greeting: greetingStages, throughput: throughputStages, paced: pacedStages };
      writeFileSync(JSON_OUT, JSON.stringify({ rows, stages: stagesOut, order, loads, reposted }, null, 1));
    }
    if (order.inOrder !== order.senders) process.exitCode = 1;

    /**
     * CPU seconds so far (/proc): this process (the app: the bench's own part of it is a few IPC messages), the WeCom
     * side, and PostgreSQL's processes that serve this database: its backends and the server's background processes
     * (WAL writer, checkpointer …; shared with any other database on the server).
     */
    async function cpuNow(): Promise<CpuSnapshot> {
      const r = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 or datname is null',
        [name],
      );
      const pgCpu = new Map<number, number>();
      for (const { pid } of r.rows) {
        const c = cpuSec(pid);
        if (c !== null) pgCpu.set(pid, c);
      }
      return {
        app: sumOf(apps.map((a) => cpuSec(a.pid))),
        appKernel: sumOf(apps.map((a) => cpuSec(a.pid, 'kernel'))),
        wecom: cpuSec(wecom.pid),
        pg: pgCpu,
        atMs: performance.now(),
      };
    }
    /** Highest inbound id so far (a run's messages are those above). */
    async function maxInboundId(): Promise<number> {
      const r = await database.db
        .selectFrom('inbound_messages')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      return Number(r?.id ?? 0);
    }
    /**
     * Database cost per message of the run that starts now: statements (counted as the app sends them) and
     * transactions (pg_stat_database, which the server reports within a second: read after a pause).
     */
    async function costFrom(): Promise<(n: number) => Promise<Record<string, string>>> {
      const xacts = async () => {
        const r = await admin.query<{ n: string }>(
          'select xact_commit + xact_rollback as n from pg_stat_database where datname = $1',
          [name],
        );
        return Number(r.rows[0]?.n ?? 0);
      };
      await new Promise((r) => setTimeout(r, 1100));
      const [s0, x0] = [(await appStats()).statements, await xacts()];
      return async (n) => {
        const s1 = (await appStats()).statements;
        await new Promise((r) => setTimeout(r, 1100));
        return {
          'statements/msg': ((s1 - s0) / n).toFixed(1),
          'transactions/msg': (((await xacts()) - x0) / n).toFixed(2),
        };
      };
    }
    /**
     * Database round trips per message of the run that starts now (the app's, ingest included), and what they were
     * with every BEGIN and COMMIT sent alone: one more per BEGIN that went with its first statement and per COMMIT
     * that went with its last, two per transaction that ended before any statement (its BEGIN and its end). Absent
     * when the tree has no pipelined BEGIN (or it is off).
     */
    async function roundTripsFrom(): Promise<(n: number) => Promise<Record<string, string>>> {
      const s0 = (await appStats()).trips;
      if (!s0) return async () => ({});
      return async (n) => {
        const s1 = (await appStats()).trips!;
        const trips = s1.roundTrips - s0.roundTrips;
        // `commitJoined` is absent in a tree with pipelined BEGIN only.
        const joined = s1.joined - s0.joined + ((s1.commitJoined ?? 0) - (s0.commitJoined ?? 0));
        const alone = trips + joined + 2 * (s1.dropped - s0.dropped);
        return { 'round trips/msg': `${(trips / n).toFixed(2)} (BEGIN, COMMIT alone: ${(alone / n).toFixed(2)})` };
      };
    }
    /** The instances' counters, added up. */
    async function appStats(): Promise<BenchAppStats> {
      const all = await Promise.all(apps.map((a) => a.stats()));
      const trips = all.map((x) => x.trips).filter((t) => t !== undefined);
      return {
        statements: sumOf(all.map((x) => x.statements)) ?? 0,
        ...(trips.length === all.length && trips.length > 0
          ? {
              trips: {
                roundTrips: sumOf(trips.map((t) => t.roundTrips))!,
                joined: sumOf(trips.map((t) => t.joined))!,
                commitJoined: sumOf(trips.map((t) => t.commitJoined ?? 0))!,
                dropped: sumOf(trips.map((t) => t.dropped))!,
              },
            }
          : {}),
      };
    }
    /**
     * Each sender's replies as the fake WeCom received them must be its outbox rows in the order of the messages they
     * answer (then of the rows of one answer): the same bodies in the same sequence. The k-th-reply rule above assumes
     * it; this checks it.
     */
    async function replyOrder(
      wire: Record<string, string[]>,
    ): Promise<{ senders: number; inOrder: number; replies: number; firstBreak?: string }> {
      const rows = await database.db
        .selectFrom('outbox')
        .select(['address', 'body'])
        .where('route', '=', 'wecom_app')
        .where('status', '=', 'sent')
        .where('in_reply_to', 'is not', null)
        .orderBy('in_reply_to')
        .orderBy('id')
        .execute();
      const expected = new Map<string, string[]>();
      for (const r of rows) expected.set(r.address, [...(expected.get(r.address) ?? []), r.body]);
      let inOrder = 0;
      let firstBreak: string | undefined;
      for (const from of senders) {
        const got = wire[from] ?? [];
        const want = expected.get(from) ?? [];
        const at = want.findIndex((b, i) => got[i] !== b);
        if (at === -1 && got.length === want.length) inOrder++;
        else firstBreak ??= `${from} reply ${at === -1 ? want.length : at} of ${want.length} (${got.length} received)`;
      }
      return { senders: senders.length, inOrder, replies: rows.length, ...(firstBreak ? { firstBreak } : {}) };
    }
    /** Per message: stored → processed (worker, incl. queueing), reply written → sent (dispatcher). */
    async function stages(afterId: number): Promise<Record<string, string>> {
      const r = await database.db
        .selectFrom('inbound_messages as m')
        .innerJoin('outbox as o', 'o.in_reply_to', 'm.id')
        .select(['m.received_at', 'm.processed_at', 'o.created_at', 'o.sent_at'])
        .where('m.id', '>', afterId)
        .execute();
      const ms = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : 0);
      const worker = sorted(r.map((x) => ms(x.received_at, x.processed_at)));
      const dispatch = sorted(r.map((x) => ms(x.processed_at, x.sent_at)));
      const f = (s: number[]) => `${pct(s, 50)} / ${pct(s, 99)}`;
      return { 'stored → processed': f(worker), 'processed → sent': f(dispatch), replies: String(r.length) };
    }
  } finally {
    // The apps first: their workers and dispatchers stop before the database goes.
    for (const app of apps) await app.close().catch(() => {});
    await database.close();
    await wecom.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
