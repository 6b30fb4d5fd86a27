/**
 * The soak with faults (issue 14): `npm run soak [-- --duration 600 --rate 10 --senders 40 --drain 120 --out DIR]`.
 *
 * Starts its own PostgreSQL cluster and redis-server (temp dir, free loopback ports), the fake WeCom (in this
 * process, with WeCom's duplicate check), three instances of the built app (`node dist/bot/main.js`, production
 * mode) behind a round-robin proxy, and a steady load of signed, encrypted callbacks from dealers and managers of
 * the K demo, with WeCom's retries. Faults on a schedule (fractions of the duration): PostgreSQL backends
 * terminated, PostgreSQL stopped for 10 s, WeCom answering 45009 / 40014 / 5xx / after 7 s, one instance killed
 * with SIGKILL (started again later), Redis restarted. After the load and a drain it prints a report (also written
 * to DIR/soak-report.md) and exits 0 only if no acknowledged message was lost, none was processed twice, every
 * sender's replies arrived in order, nothing is stuck past its lease, and every instance is up at the end.
 * Everything it started is stopped on exit, failure, Ctrl-C or SIGTERM; a hard deadline bounds the whole run.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { duplicateCheckInterval } from '../../adapters/wecom/wecom.client.js';
import { migrateToLatest, openDatabase } from '../../db/connect.js';
import { seedDemoData } from '../../db/seed/k-demo.js';
import { type FakeWecom, startFakeWecom } from '../../test/fakes/wecom/fake-wecom.server.js';
import { CallbackLoad, type SoakWecomApp } from './load.js';
import { AppInstance, Cleanup, freePort, SoakPostgres, SoakRedis, sleep, status } from './processes.js';
import { startRoundRobinProxy } from './proxy.js';
import { type FaultEntry, renderReport, type SoakRun } from './report.js';
import { findings, type InboundRecord, type OutboxRecord } from './verdict.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (!a.startsWith('--')) continue;
  const next = process.argv[i + 1];
  if (next !== undefined && !next.startsWith('--')) {
    args.set(a.slice(2), next);
    i++;
  } else args.set(a.slice(2), '1');
}
const num = (name: string, dflt: number) => {
  const v = Number(args.get(name) ?? dflt);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const DURATION_S = num('duration', 600);
const RATE = num('rate', 10);
const SENDERS = Math.max(4, Math.round(num('senders', 40)));
const DRAIN_S = num('drain', 120);
const OUT_DIR = resolve(args.get('out') ?? 'data/soak');
const SKIP_BUILD = args.has('skip-build');
const INSTANCES = 3;
/** The instances' WeCom call timeout (WECOM_TIMEOUT_MS, the default): the 7 s fault outlives it. */
const WECOM_TIMEOUT_MS = 5000;
/** Setup (build, initdb, seed, start) and teardown on top of the load and the drain. */
const HARD_DEADLINE_MS = (DURATION_S + DRAIN_S + 600) * 1000;

const APP: SoakWecomApp = {
  corpId: 'wwsoak0000000001',
  token: 'SoakToken4Faults',
  aesKey: 'pQ7mYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B9',
  agentId: '1000002',
};
const SECRET = `soak-secret-${randomBytes(6).toString('hex')}`;
const ADMIN_TOKEN = randomBytes(16).toString('hex');
const DEALER_TEXTS = ['你好', 'KC-L01还有货吗', '查一下我的订单状态'];
const MANAGER_TEXTS = ['你好', '今天有哪些待处理的需求', '查一下我的订单状态'];

const cleanup = new Cleanup();
let exiting = false;
/** Every way out goes through here: a second call (a signal during a failure) waits for the same cleanup. */
async function exit(code: number, why?: string): Promise<never> {
  if (!exiting) {
    exiting = true;
    if (why) console.error(`soak: ${why}`);
  }
  await cleanup.run();
  process.exit(code);
}
process.on('SIGINT', () => void exit(130, 'interrupted: stopping everything it started'));
process.on('SIGTERM', () => void exit(143, 'terminated: stopping everything it started'));
setTimeout(() => void exit(2, `hard deadline of ${HARD_DEADLINE_MS / 1000} s reached`), HARD_DEADLINE_MS).unref();

const log = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const load1 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  mkdirSync(OUT_DIR, { recursive: true });
  const started = performance.now();
  if (!SKIP_BUILD) {
    log('building dist/ (npm run build)');
    await promisify(execFile)('npm', ['run', '--silent', 'build']);
  }

  const postgres = await SoakPostgres.start(cleanup);
  const redis = await SoakRedis.start(cleanup);
  log(`own PostgreSQL on :${postgres.port} (${postgres.dir}), own Redis on :${redis.port}`);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('create database gongsheng');
  await admin.end();
  const dbUrl = postgres.urlOf('gongsheng');

  // Migrated and seeded once here, so the three instances start on a ready database.
  const managersWanted = Math.max(2, Math.round(SENDERS / 10));
  const dealersWanted = SENDERS - managersWanted;
  {
    const database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 4 });
    try {
      await migrateToLatest(database.db);
      // About 60% of the demo's dealers are on WeCom (the rest on KF): seed enough of them.
      await seedDemoData(database.db, { scale: Math.min(20, Math.max(0.05, dealersWanted / 300)), now: new Date() });
    } finally {
      await database.close();
    }
  }
  const senders = await pickSenders(dbUrl, dealersWanted, managersWanted);
  log(
    `seeded; senders: ${senders.filter((s) => s.kind === 'dealer').length} dealers, ${senders.filter((s) => s.kind === 'manager').length} managers`,
  );

  const fake = await startFakeWecom({ corpId: APP.corpId, secrets: [SECRET] });
  cleanup.add('fake WeCom', () => fake.close());

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl,
    REDIS_URL: redis.url,
    ADMIN_TOKEN,
    SANDBOX: '0',
    SEED_ON_EMPTY: '0',
    // Jobs would add pushes to the replies the order check reads; they are tested elsewhere.
    SCHEDULER_ENABLED: '0',
    WECOM_CORP_ID: APP.corpId,
    WECOM_TOKEN: APP.token,
    WECOM_AES_KEY: APP.aesKey,
    WECOM_AGENT_ID: APP.agentId,
    WECOM_SECRET: SECRET,
    WECOM_API_BASE: fake.baseUrl,
    WECOM_TIMEOUT_MS: String(WECOM_TIMEOUT_MS),
  };
  const instances: AppInstance[] = [];
  for (let i = 1; i <= INSTANCES; i++) {
    const inst = new AppInstance(
      `instance-${i}`,
      await freePort(),
      env,
      join(OUT_DIR, `soak-instance-${i}.log`),
      ADMIN_TOKEN,
    );
    cleanup.add(inst.name, () => inst.stop());
    instances.push(inst);
  }
  for (const inst of instances) writeFileSync(join(OUT_DIR, `soak-${inst.name}.log`), '');
  await Promise.all(instances.map((i) => i.start()));
  const proxy = await startRoundRobinProxy(instances.map((i) => i.url));
  cleanup.add('proxy', () => proxy.close());
  log(
    `3 instances ready behind ${proxy.url} in ${((performance.now() - started) / 1000).toFixed(1)} s; load ${RATE}/s for ${DURATION_S} s`,
  );

  const samplers = [
    setInterval(() => {
      for (const i of instances) i.sample();
    }, 1000),
    setInterval(() => {
      for (const i of instances) void i.scrape();
    }, 3000),
  ];
  cleanup.add('samplers', async () => {
    for (const s of samplers) clearInterval(s);
  });

  const loads: string[] = [`start: ${load1()}`];
  const load = new CallbackLoad(
    proxy.url,
    APP,
    7_600_000_000_000_000_000n + BigInt(Date.now() % 1_000_000_000) * 1000n,
  );
  const t0 = performance.now();
  const loadEnd = t0 + DURATION_S * 1000;
  const faults = runFaults({ t0, postgres, redis, fake, victim: instances[1]!, dbUrl });
  await load.run(
    senders.map((s) => ({ userid: s.userid, texts: s.kind === 'dealer' ? DEALER_TEXTS : MANAGER_TEXTS })),
    RATE,
    loadEnd,
  );
  loads.push(`end of load: ${load1()}`);
  const faultLog = await faults;
  log('load done; waiting for WeCom retries to settle, then draining');
  await load.settle();
  const drained = await drain(dbUrl, DRAIN_S * 1000);
  loads.push(`after drain: ${load1()}`);
  for (const i of instances) {
    i.sample();
    await i.scrape();
  }
  const instanceState = await Promise.all(
    instances.map(async (i) => ({
      name: i.name,
      alive: i.alive(),
      ready: (await status(`${i.url}/readyz`)) === 200,
      runs: i.runs,
    })),
  );

  const records = await readRecords(
    dbUrl,
    senders.map((s) => s.userid),
  );
  const f = findings({
    sent: load.sent,
    inbound: records.inbound,
    outbox: records.outbox,
    calls: fake.calls,
    wecomTimeoutMs: WECOM_TIMEOUT_MS,
    t0,
  });
  const run: SoakRun = {
    durationS: DURATION_S,
    rate: RATE,
    senders: senders.length,
    drainedS: drained.seconds,
    drainedClean: drained.clean,
    faults: faultLog,
    loads,
    instances: instanceState,
    victim: instances[1]!.name,
    proxy: proxy.stats,
    fakeStats: fake.deliveryStats(),
    findings: f,
    deadLetters: records.deadReasons,
  };
  const { markdown, pass } = renderReport(run);
  const file = join(OUT_DIR, 'soak-report.md');
  writeFileSync(file, markdown);
  console.log(`\n${markdown}`);
  log(`report written to ${file}`);
  return pass ? 0 : 1;
}

type Sender = { userid: string; kind: 'dealer' | 'manager' };

/** Dealers and managers of the K demo reachable on WeCom (their WeCom userid is the callback's FromUserName). */
async function pickSenders(url: string, dealers: number, managers: number): Promise<Sender[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const d = await c.query<{ external_id: string }>(
      `select external_id from channel_identities where channel = 'wecom' and dealer_code is not null order by dealer_code limit $1`,
      [dealers],
    );
    const m = await c.query<{ external_id: string }>(
      `select external_id from channel_identities where channel = 'wecom' and manager_code is not null order by manager_code limit $1`,
      [managers],
    );
    if (d.rows.length < dealers) throw new Error(`only ${d.rows.length} WeCom dealers seeded, ${dealers} wanted`);
    return [
      ...d.rows.map((r) => ({ userid: r.external_id, kind: 'dealer' as const })),
      ...m.rows.map((r) => ({ userid: r.external_id, kind: 'manager' as const })),
    ];
  } finally {
    await c.end();
  }
}

/** The fault schedule, at fractions of the duration; every fault happens once however short the run. */
async function runFaults(ctx: {
  t0: number;
  postgres: SoakPostgres;
  redis: SoakRedis;
  fake: FakeWecom;
  victim: AppInstance;
  dbUrl: string;
}): Promise<FaultEntry[]> {
  const entries: FaultEntry[] = [];
  const at = async (fraction: number, fault: string, act: () => Promise<string>) => {
    const due = ctx.t0 + fraction * DURATION_S * 1000;
    if (due > performance.now()) await sleep(due - performance.now());
    const atS = (performance.now() - ctx.t0) / 1000;
    log(`fault: ${fault}`);
    let outcome: string;
    try {
      outcome = await act();
    } catch (e) {
      outcome = `could not inject: ${(e as Error).message}`;
    }
    entries.push({ atS, fault, outcome });
  };
  const terminate = async () => {
    const c = new pg.Client({ connectionString: ctx.postgres.url });
    await c.connect();
    try {
      const r = await c.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = 'gongsheng' and pid <> pg_backend_pid()`,
      );
      return `${r.rowCount} backends terminated`;
    } finally {
      await c.end();
    }
  };
  const wecomFault = (times: number, f: Parameters<FakeWecom['inject']>[1]) => async () => {
    ctx.fake.inject('message/send', f, times);
    return `next ${times} message/send calls`;
  };
  await at(0.1, 'pg_terminate_backend (every app connection)', terminate);
  await at(0.18, 'WeCom answers 45009 (frequency limit)', wecomFault(15, { errcode: 45009 }));
  await at(0.26, 'PostgreSQL stopped for 10 s', async () => {
    await ctx.postgres.stop('fast');
    await sleep(10_000);
    await ctx.postgres.startServer();
    return 'stopped (fast), started again after 10 s';
  });
  await at(0.4, 'WeCom answers 40014 (invalid access_token)', wecomFault(10, { errcode: 40014 }));
  await at(0.48, `kill -9 of ${ctx.victim.name}`, async () => {
    const pid = ctx.victim.current?.pid;
    ctx.victim.kill9();
    return `pid ${pid} killed`;
  });
  await at(0.55, 'WeCom answers HTTP 503', wecomFault(15, { status: 503 }));
  // Started in the background: a slow start (a loaded machine) must not push the later faults back.
  let restarted: Promise<void> = Promise.resolve();
  await at(0.62, `${ctx.victim.name} started again`, async () => {
    const t = performance.now();
    const entry = entries.length;
    restarted = ctx.victim.start().then(
      () => {
        entries[entry]!.outcome =
          `pid ${ctx.victim.current?.pid}, ready in ${((performance.now() - t) / 1000).toFixed(1)} s`;
      },
      (e: Error) => {
        entries[entry]!.outcome = `did not start: ${e.message}`;
      },
    );
    return 'starting';
  });
  await at(0.7, 'WeCom answers after 7 s (the client gives up at 5 s)', wecomFault(8, { delayMs: 7000 }));
  await at(0.8, 'Redis restarted (its keys lost)', async () => {
    await ctx.redis.stop();
    await sleep(2000);
    await ctx.redis.startServer();
    return 'stopped, started again after 2 s, empty';
  });
  await at(0.9, 'pg_terminate_backend again', terminate);
  await restarted;
  return entries;
}

/** Waits until every soak message is finished and the outbox has nothing left to send, or the drain time is up. */
async function drain(url: string, maxMs: number): Promise<{ seconds: number; clean: boolean }> {
  const start = performance.now();
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    let open = Number.POSITIVE_INFINITY;
    try {
      await c.connect();
      const r = await c.query<{ n: string }>(
        `select (select count(*) from inbound_messages where status in ('pending', 'processing'))
              + (select count(*) from outbox where status in ('pending', 'sending')) as n`,
      );
      open = Number(r.rows[0]?.n ?? 0);
    } catch {
      // The database is still coming back.
    } finally {
      await c.end().catch(() => {});
    }
    const seconds = (performance.now() - start) / 1000;
    if (open === 0) return { seconds, clean: true };
    if (performance.now() - start > maxMs) return { seconds, clean: false };
    await sleep(2000);
  }
}

async function readRecords(
  url: string,
  addresses: string[],
): Promise<{ inbound: InboundRecord[]; outbox: OutboxRecord[]; deadReasons: Record<string, number> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const inbound = await c.query(
      `select id, dedupe_key, status, attempts, (locked_until is null or locked_until < now()) as past
         from inbound_messages where channel = 'wecom' order by id`,
    );
    const outbox = await c.query(
      `select id, address, body, kind, in_reply_to, status, attempts, last_error, created_at,
              case when status = 'sending' then locked_until < now() else next_attempt_at < now() - interval '5 seconds' end as overdue
         from outbox where route = 'wecom_app' and address = any($1) order by id`,
      [addresses],
    );
    const dead = await c.query<{ reason: string; n: string }>(
      `select coalesce(split_part(last_error, ':', 1), '?') || ': ' || coalesce(substring(last_error from ':\\s*(.{0,60})'), '') as reason,
              count(*) as n from outbox where status = 'dead' group by 1 order by 2 desc`,
    );
    return {
      inbound: inbound.rows.map((r) => ({
        id: Number(r.id),
        msgId: String(r.dedupe_key).replace(/^msg:/, ''),
        status: r.status,
        attempts: Number(r.attempts),
        pastLease: Boolean(r.past),
      })),
      outbox: outbox.rows.map((r) => ({
        id: Number(r.id),
        address: r.address,
        body: r.body,
        kind: r.kind,
        inReplyTo: r.in_reply_to === null ? null : Number(r.in_reply_to),
        status: r.status,
        attempts: Number(r.attempts),
        lastError: r.last_error,
        wireTag: duplicateCheckInterval(new Date(r.created_at)),
        overdue: Boolean(r.overdue),
      })),
      deadReasons: Object.fromEntries(dead.rows.map((r) => [r.reason, Number(r.n)])),
    };
  } finally {
    await c.end();
  }
}

main().then(
  (code) => exit(code),
  (e: Error) => exit(1, `failed: ${e.stack ?? e.message}`),
);
