/**
 * Chat latency: time from a dealer's sandbox message to its reply (stored inbound → worker → rules → handler →
 * outbox → dispatched), rules path only, over a mix of ordering, stock and status messages on the seeded K demo.
 * Two runs: one message in flight at a time, then 16 dealers talking at once. Run: npx tsx bench/chat.bench.ts
 * (BENCH_DATABASE_URL=postgres://… to measure on PostgreSQL; the database is created, seeded and dropped).
 *
 * Round trips: every statement the driver sends is counted (pg's Client.query, PGlite's query). With one message in
 * flight, those between the message and its reply are that message's; the "step" ones are the conversation's own
 * (identity, state, handler reads and writes) — everything but the pipeline's inbound/outbox rows, transaction
 * brackets and locks, which also include the sandbox route's polling for the reply.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import pino from 'pino';
import { MemoryKeyValueStore } from '../adapters/kv/memory.kv.js';
import { loadConfig } from '../bot/config.js';
import { composeApp } from '../bot/main.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../db/connect.js';
import { seedDemoData } from '../db/seed/k-demo.js';

const MESSAGES = Number(process.env.CHAT_BENCH_MESSAGES ?? 1000);
const CONCURRENT_SENDERS = 16;
const pgUrl = process.env.BENCH_DATABASE_URL;

type Kind =
  | 'baseline: greeting'
  | 'order.place'
  | 'order.modify'
  | 'confirm'
  | 'deny'
  | 'stock.query'
  | 'replenish'
  | 'status.list'
  | 'status.no';
/** One dealer's conversation, repeated: every step is a message a dealer would really send. */
const SCRIPT: Array<{ kind: Kind; text: (last: string | null) => string }> = [
  { kind: 'order.place', text: () => 'N60 30套 下周三送' },
  { kind: 'order.modify', text: () => '改成40套' },
  { kind: 'confirm', text: () => '确认' },
  { kind: 'stock.query', text: () => 'KC-L01还有货吗' },
  { kind: 'status.no', text: (last) => `${last ?? 'SO202611010001'}到哪了` },
  { kind: 'replenish', text: () => '我该补什么货' },
  { kind: 'order.place', text: () => '铝合金推拉窗 40套，石英石台面 6米' },
  { kind: 'deny', text: () => '算了' },
  { kind: 'stock.query', text: () => '窄边框有货吗' },
  { kind: 'status.list', text: () => '查一下我的订单状态' },
];

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (!pgUrl) {
    const handle = await openDatabase({ kind: 'pglite-memory' });
    return { handle, drop: async () => {} };
  }
  const name = `gs_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize: 10 });
  return {
    handle,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Statements sent to the database, by who sent them (see the header). */
const roundTrips = { all: 0, step: 0 };
const PIPELINE_SQL = /inbound_messages|outbox|pg_advisory|^\s*(begin|commit|rollback|start transaction)\b/i;
function countStatement(text: unknown): void {
  roundTrips.all++;
  if (typeof text === 'string' && !PIPELINE_SQL.test(text)) roundTrips.step++;
}
function countRoundTrips(handle: DatabaseHandle): void {
  if (handle.pglite) {
    const pglite = handle.pglite;
    const query = pglite.query.bind(pglite);
    pglite.query = ((text: string, ...rest: unknown[]) => {
      countStatement(text);
      return (query as (...a: unknown[]) => unknown)(text, ...rest);
    }) as typeof pglite.query;
    return;
  }
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
    const first = a[0];
    countStatement(typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text);
    return (query as (...b: unknown[]) => unknown).apply(this, a);
  } as typeof query;
}

/** This process's CPU time (user + system) since `from`, in ms: steadier than wall time on a loaded machine. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const fmt = (ms: number) => ms.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const { handle, drop } = await openBenchDatabase();
  countRoundTrips(handle);
  await migrateToLatest(handle.db);
  await seedDemoData(handle.db, { scale: 0.05, now: new Date() });
  const dealers = (
    await handle.db
      .selectFrom('channel_identities')
      .select('external_id')
      .where('channel', '=', 'sandbox')
      .where('dealer_code', 'is not', null)
      .orderBy('external_id')
      .limit(CONCURRENT_SENDERS)
      .execute()
  ).map((r) => r.external_id);

  const config = loadConfig({ SANDBOX: '1', SEED_ON_EMPTY: '0', LOG_LEVEL: 'silent' });
  const app = await composeApp(config, {
    database: handle,
    kv: new MemoryKeyValueStore(),
    log: pino({ level: 'silent' }),
  });
  const lastOrder = new Map<string, string>();
  const step = new Map<string, number>();

  type Sample = { kind: Kind; ms: number; rt: number; stepRt: number; cpuMs: number };
  async function send(dealer: string): Promise<Sample> {
    const i = step.get(dealer) ?? 0;
    step.set(dealer, i + 1);
    const s = SCRIPT[i % SCRIPT.length]!;
    const rt0 = { ...roundTrips };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await app.server.inject({
      method: 'POST',
      url: '/sandbox/messages',
      payload: { from: dealer, text: s.text(lastOrder.get(dealer) ?? null) },
    });
    const ms = performance.now() - t0;
    const cpuMs = cpuSince(cpu0);
    const rt = roundTrips.all - rt0.all;
    const stepRt = roundTrips.step - rt0.step;
    if (res.statusCode !== 200) {
      const errors = await handle.db
        .selectFrom('inbound_messages')
        .select(['content', 'attempts', 'last_error'])
        .where('last_error', 'is not', null)
        .limit(5)
        .execute();
      throw new Error(`sandbox answered ${res.statusCode} to ${s.kind}: ${res.body}\n${JSON.stringify(errors)}`);
    }
    const replies = (res.json() as { replies: string[] }).replies;
    if (replies.length === 0) throw new Error(`no reply to ${s.kind}`);
    const no = /已下单：(SO\d{12})/.exec(replies.join('\n'))?.[1];
    if (no) lastOrder.set(dealer, no);
    return { kind: s.kind, ms, rt, stepRt, cpuMs };
  }

  // Warm-up: JIT, prepared plans, pinyin cache.
  for (let i = 0; i < SCRIPT.length; i++) await send(dealers[0]!);

  const results: Array<{ run: string; samples: Sample[]; seconds: number; counted: boolean }> = [];

  // Baseline in the same run: a greeting goes through the same pipeline without touching orders or stock.
  const tb = performance.now();
  const baseline: Sample[] = [];
  for (let i = 0; i < 200; i++) {
    const rt0 = { ...roundTrips };
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const res = await app.server.inject({
      method: 'POST',
      url: '/sandbox/messages',
      payload: { from: dealers[i % dealers.length]!, text: '你好' },
    });
    if (res.statusCode !== 200) throw new Error(`sandbox answered ${res.statusCode}`);
    const ms = performance.now() - t;
    baseline.push({
      kind: 'baseline: greeting',
      ms,
      rt: roundTrips.all - rt0.all,
      stepRt: roundTrips.step - rt0.step,
      cpuMs: cpuSince(cpu0),
    });
  }
  results.push({
    run: 'baseline: greeting (pipeline only)',
    samples: baseline,
    seconds: (performance.now() - tb) / 1000,
    counted: true,
  });

  let t0 = performance.now();
  const sequential: Sample[] = [];
  for (let i = 0; i < MESSAGES; i++) sequential.push(await send(dealers[i % dealers.length]!));
  results.push({
    run: 'sequential (1 in flight)',
    samples: sequential,
    seconds: (performance.now() - t0) / 1000,
    counted: true,
  });

  t0 = performance.now();
  const perSender = Math.ceil(MESSAGES / dealers.length);
  const concurrent = (
    await Promise.all(
      dealers.map(async (d) => {
        const out: Sample[] = [];
        for (let i = 0; i < perSender; i++) out.push(await send(d));
        return out;
      }),
    )
  ).flat();
  results.push({
    run: `${dealers.length} dealers at once`,
    samples: concurrent,
    seconds: (performance.now() - t0) / 1000,
    counted: false,
  });

  await app.close();
  await handle.close();
  await drop();

  console.log(
    `\nChat latency, message → reply through the sandbox pipeline (${pgUrl ? 'PostgreSQL' : 'PGlite in memory'}, rules only)\n`,
  );
  console.log(
    'run / message kind                    n   median      p95      p99      max   msg/s  SQL/msg step SQL/msg  CPU ms/msg',
  );
  const perMsg = (xs: Sample[], counted: boolean) =>
    counted
      ? `${(xs.reduce((a, s) => a + s.rt, 0) / xs.length).toFixed(1).padStart(8)} ${(xs.reduce((a, s) => a + s.stepRt, 0) / xs.length).toFixed(1).padStart(13)} ${(xs.reduce((a, s) => a + s.cpuMs, 0) / xs.length).toFixed(2).padStart(11)}`
      : '';
  for (const r of results) {
    const all = r.samples.map((s) => s.ms).sort((a, b) => a - b);
    console.log(
      `${r.run.padEnd(34)}${String(all.length).padStart(6)} ${fmt(pct(all, 50))} ${fmt(pct(all, 95))} ${fmt(pct(all, 99))} ${fmt(all.at(-1)!)} ${(all.length / r.seconds).toFixed(0).padStart(7)} ${perMsg(r.samples, r.counted)}`,
    );
    const kinds = [...new Set(r.samples.map((s) => s.kind))];
    for (const k of kinds) {
      const of = r.samples.filter((s) => s.kind === k);
      const ms = of.map((s) => s.ms).sort((a, b) => a - b);
      console.log(
        `  ${k.padEnd(32)}${String(ms.length).padStart(6)} ${fmt(pct(ms, 50))} ${fmt(pct(ms, 95))} ${fmt(pct(ms, 99))} ${fmt(ms.at(-1)!)}         ${perMsg(of, r.counted)}`,
      );
    }
  }
  console.log(
    '\nTimes in ms. A reply counts once the worker committed it and the dispatcher handed it to the sandbox route.' +
      "\nSQL/msg: statements per message (1 in flight); step: the conversation step's own (identity, state, handlers)." +
      `\nLoad average (1/5/15 min) at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
}

await main();
