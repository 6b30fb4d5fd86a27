/**
 * End-to-end benchmark (`npm run bench:e2e [-- --pg URL --senders 64 --per-sender 40 --rate 200 --paced-sec 10]`):
 * WeCom callbacks in (signed, encrypted, over HTTP) → stored and acked → understood (rules) → handled → replies sent
 * to the local fake WeCom (test/fakes/wecom), on PostgreSQL (a database of its own, seeded with the K demo and
 * dropped at the end). One process: the app, the fake WeCom and the driver share it (and the machine's 2 cores).
 *
 * Prints: a greeting's sequential overhead (callback → reply, one at a time) with, as the baseline row of the same
 * run, the ack alone of the same callbacks; messages/s end to end with N senders each sending as fast as it is
 * acked; reply latency p50/p99 at a fixed rate (open loop). Then where the time went, from the rows' own
 * timestamps: stored → processed (worker), reply written → sent (dispatcher), and the load average.
 *
 * WeCom's per-member limit (30/min) would cap 64 senders at 32 messages/s: the bench's key-value store grants every
 * rate slot, so the pipeline itself is measured (the limits are tested in test/channels/wecom.instances.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { KyselyPlugin } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import type { KeyValueStore } from '../adapters/kv/kv.js';
import { MemoryKeyValueStore } from '../adapters/kv/memory.kv.js';
import { buildEnvelope, toXml } from '../adapters/wecom/wecom.xml.js';
import { loadConfig } from '../bot/config.js';
import { composeApp } from '../bot/main.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { seedDemoData } from '../db/seed/k-demo.js';
import { startFakeWecom } from '../test/fakes/wecom/fake-wecom.server.js';
import { BENCH_WECOM } from './ingest.shared.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const PG_URL = args.get('pg') ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SENDERS = Number(args.get('senders') ?? 64);
const PER_SENDER = Number(args.get('per-sender') ?? 40);
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
const SECRET = 'bench-e2e-secret';

/** Counts the statements the app sends (transactions' begin/commit aside: those come from pg_stat_database). */
class StatementCounter implements KyselyPlugin {
  n = 0;
  transformQuery: KyselyPlugin['transformQuery'] = (a) => {
    this.n++;
    return a.node;
  };
  transformResult: KyselyPlugin['transformResult'] = async (a) => a.result;
}

/** Grants every rate slot (see the header); everything else is the in-memory store. */
class UnlimitedKv extends MemoryKeyValueStore implements KeyValueStore {
  override async increment(key: string, ttlMs: number): Promise<number> {
    return key.startsWith('rl:') ? 1 : super.increment(key, ttlMs);
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

async function main(): Promise<void> {
  const name = `gs_bench_e2e_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const fake = await startFakeWecom({ corpId: BENCH_WECOM.corpId, secrets: [SECRET] });
  const config = loadConfig({
    DATABASE_URL: u.toString(),
    ...(CONCURRENCY ? { WORKER_CONCURRENCY: CONCURRENCY } : {}),
    ...(TURNS ? { WORKER_TURNS_PER_TRANSACTION: TURNS } : {}),
    SANDBOX: '0',
    SEED_ON_EMPTY: '0',
    SCHEDULER_ENABLED: '0',
    LOG_LEVEL: 'warn',
    WECOM_CORP_ID: BENCH_WECOM.corpId,
    WECOM_TOKEN: BENCH_WECOM.token,
    WECOM_AES_KEY: BENCH_WECOM.aesKey,
    WECOM_AGENT_ID: BENCH_WECOM.agentId,
    WECOM_SECRET: SECRET,
    WECOM_API_BASE: fake.baseUrl,
  });
  if (config.db.kind !== 'postgres') throw new Error('bench:e2e runs on PostgreSQL');
  const poolSize = POOL ? Number(POOL) : config.db.poolSize;
  const opened = await openDatabase({ kind: 'postgres', url: u.toString(), poolSize });
  const statements = new StatementCounter();
  const database = { ...opened, db: opened.db.withPlugin(statements) };
  let closeApp: (() => Promise<void>) | null = null;
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

    const app = await composeApp(config, {
      database,
      kv: new UnlimitedKv(),
      log: pino({ level: 'warn' }),
      startScheduler: false,
    });
    closeApp = () => app.close();
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Replies per sender, in arrival order at the fake WeCom: the k-th reply answers the k-th message.
    const seen = { calls: 0 };
    const replies = new Map<string, number[]>();
    /** Takes in the fake's new calls; returns the senders that got replies. */
    const collect = () => {
      const fresh = new Set<string>();
      for (; seen.calls < fake.calls.length; seen.calls++) {
        const c = fake.calls[seen.calls]!;
        if (c.method !== 'message/send' || c.errcode) continue;
        const to = String((c.body as { touser?: string } | undefined)?.touser ?? '');
        const list = replies.get(to);
        if (list) list.push(c.atMs);
        else replies.set(to, [c.atMs]);
        fresh.add(to);
      }
      return fresh;
    };
    const sent = new Map<string, number>();
    let msgSeq = 0;
    let reposted = 0;
    async function post(from: string, content: string): Promise<{ startMs: number; ackMs: number; k: number }> {
      const k = sent.get(from) ?? 0;
      sent.set(from, k + 1);
      const message = toXml({
        ToUserName: BENCH_WECOM.corpId,
        FromUserName: from,
        CreateTime: String(Math.floor(Date.now() / 1000)),
        MsgType: 'text',
        Content: content,
        MsgId: String(7_500_000_000_000_000_000n + BigInt(process.pid) * 1_000_000n + BigInt(++msgSeq)),
        AgentID: BENCH_WECOM.agentId,
      });
      const env = buildEnvelope({
        token: BENCH_WECOM.token,
        aesKey: BENCH_WECOM.aesKey,
        receiveId: BENCH_WECOM.corpId,
        agentId: BENCH_WECOM.agentId,
        message,
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: `e2e${msgSeq}`,
      });
      const q = new URLSearchParams({ msg_signature: env.msgSignature, timestamp: env.timestamp, nonce: env.nonce });
      const startMs = performance.now();
      // Like WeCom: a callback not acknowledged (503 when its store took over 3 s) is posted again, same MsgId.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${base}/wecom/callback?${q}`, { method: 'POST', body: env.body });
        await res.arrayBuffer();
        if (res.status === 200) break;
        if (attempt >= 5) throw new Error(`callback answered ${res.status} ${attempt} times`);
        reposted++;
        await new Promise((r) => setTimeout(r, 200));
      }
      return { startMs, ackMs: performance.now() - startMs, k };
    }
    // Waiting for replies: one shared 1 ms ticker for every waiting message, not a timer each (thousands wait at once
    // in the throughput run, and the driver shares the process with the app). Latency is the fake's own arrival time.
    type Waiter = { k: number; until: number; resolve(at: number): void; reject(e: Error): void };
    const waiting = new Map<string, Waiter[]>();
    let waiters = 0;
    let ticker: NodeJS.Timeout | null = null;
    let lastTimeoutCheck = 0;
    const settle = (from: string, now: number) => {
      const list = waiting.get(from) ?? [];
      const got = replies.get(from) ?? [];
      const left = list.filter((w) => {
        const at = got[w.k];
        if (at !== undefined) w.resolve(at);
        else if (now > w.until) w.reject(new Error(`no reply ${w.k} to ${from}`));
        else return true;
        return false;
      });
      waiters -= list.length - left.length;
      if (left.length > 0) waiting.set(from, left);
      else waiting.delete(from);
    };
    const tick = () => {
      const now = performance.now();
      const fresh = collect();
      const all = now - lastTimeoutCheck > 100;
      if (all) lastTimeoutCheck = now;
      for (const from of all ? [...waiting.keys()] : [...fresh].filter((f) => waiting.has(f))) settle(from, now);
      if (waiters === 0 && ticker) {
        clearInterval(ticker);
        ticker = null;
      }
    };
    function replyAt(from: string, k: number, timeoutMs = 60_000): Promise<number> {
      collect();
      const at = replies.get(from)?.[k];
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        waiting.set(from, [...(waiting.get(from) ?? []), { k, until: performance.now() + timeoutMs, resolve, reject }]);
        waiters++;
        ticker ??= setInterval(tick, 1);
      });
    }

    // Warm-up (JIT, plans, token); every message kind below must answer with exactly one message.
    const KINDS = ['你好', 'KC-L01还有货吗', '查一下我的订单状态'];
    for (const text of KINDS) {
      for (let i = 0; i < 5; i++) {
        const p = await post(senders[0]!, text);
        await replyAt(senders[0]!, p.k);
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    collect();
    if ((replies.get(senders[0]!)?.length ?? 0) !== sent.get(senders[0]!))
      throw new Error('a message kind answered with other than one message: the k-th reply rule does not hold');

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
    const acks: number[] = [];
    const e2e: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const from = senders[i % senders.length]!;
      const p = await post(from, '你好');
      acks.push(p.ackMs);
      const ms = (await replyAt(from, p.k)) - p.startMs;
      e2e.push(ms);
      overhead.push(ms - p.ackMs);
    }
    row('baseline: greeting callback → ack (stored)', acks, SEQUENTIAL, null);
    row('greeting callback → reply sent (1 in flight)', e2e, SEQUENTIAL, null);
    // The sequential overhead: per message, callback → reply sent minus callback → ack, i.e. from the ack to the
    // reply's arrival at the fake WeCom — what the pipeline (worker, step, outbox, dispatcher, send) adds.
    row('greeting sequential overhead (reply − ack)', overhead, SEQUENTIAL, null);
    const greetingStages = await stages(greetingFirst);

    // 2. Throughput: every sender sends its messages back to back (each after the previous ack).
    markLoad('throughput');
    const firstId = await maxInboundId();
    const throughputCost = await costFrom();
    const t0 = performance.now();
    const posted = await Promise.all(
      senders.map(async (from, si) => {
        const mine: Array<{ startMs: number; k: number }> = [];
        for (let i = 0; i < PER_SENDER; i++) mine.push(await post(from, KINDS[(si + i) % KINDS.length]!));
        return mine.map((m) => ({ from, ...m }));
      }),
    );
    const done = await Promise.all(posted.flat().map(async (m) => (await replyAt(m.from, m.k)) - m.startMs));
    const throughputSec = (Math.max(...posted.flat().map((m) => m.startMs)) - t0) / 1000;
    const lastReply = Math.max(...senders.map((s) => replies.get(s)!.at(-1)!));
    row(`${SENDERS} senders × ${PER_SENDER}, as fast as acked`, done, SENDERS * PER_SENDER, (lastReply - t0) / 1000);
    const throughputStages = { ...(await stages(firstId)), ...(await throughputCost(SENDERS * PER_SENDER)) };

    // 3. Latency at a fixed rate (open loop): RATE messages/s over the senders, round robin.
    markLoad('paced');
    const pacedFirst = await maxInboundId();
    const pacedCost = await costFrom();
    const total = RATE * PACED_SEC;
    const tp = performance.now();
    const pending: Array<Promise<number>> = [];
    for (let i = 0; i < total; i++) {
      const due = tp + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const from = senders[i % senders.length]!;
      // Latency counts from the scheduled time: a late send is the system's delay too.
      pending.push(post(from, KINDS[i % KINDS.length]!).then(async (p) => (await replyAt(from, p.k)) - (due - 0)));
    }
    const paced = await Promise.all(pending);
    row(`fixed ${RATE}/s for ${PACED_SEC} s (open loop)`, paced, total, (performance.now() - tp) / 1000);
    const pacedStages = { ...(await stages(pacedFirst)), ...(await pacedCost(total)) };
    markLoad('end');
    const order = await replyOrder();

    await app.close();
    closeApp = null;

    console.log(
      `\nEnd to end on PostgreSQL: WeCom callback → stored/acked → understood → handled → reply at the fake WeCom` +
        ` (one process; rate limits granted)\n`,
    );
    console.table(rows);
    console.log('Where the time went (from the rows: ms per message, p50 / p99):');
    console.table([
      { run: 'greeting, 1 in flight', ...greetingStages },
      { run: 'throughput', ...throughputStages },
      { run: `fixed ${RATE}/s`, ...pacedStages },
    ]);
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
      const stagesOut = { throughput: throughputStages, paced: pacedStages };
      writeFileSync(JSON_OUT, JSON.stringify({ rows, stages: stagesOut, order, loads, reposted }, null, 1));
    }
    if (order.inOrder !== order.senders) process.exitCode = 1;

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
      const [s0, x0] = [statements.n, await xacts()];
      return async (n) => {
        const s1 = statements.n;
        await new Promise((r) => setTimeout(r, 1100));
        return {
          'statements/msg': ((s1 - s0) / n).toFixed(1),
          'transactions/msg': (((await xacts()) - x0) / n).toFixed(2),
        };
      };
    }
    /**
     * Each sender's replies as the fake WeCom received them must be its outbox rows in the order of the messages they
     * answer (then of the rows of one answer): the same bodies in the same sequence. The k-th-reply rule above assumes
     * it; this checks it.
     */
    async function replyOrder(): Promise<{ senders: number; inOrder: number; replies: number; firstBreak?: string }> {
      const wire = new Map<string, string[]>();
      for (const c of fake.calls) {
        if (c.method !== 'message/send' || c.errcode) continue;
        const b = c.body as { touser?: string; text?: { content?: string }; markdown?: { content?: string } };
        const to = String(b.touser ?? '');
        wire.set(to, [...(wire.get(to) ?? []), String(b.text?.content ?? b.markdown?.content ?? '')]);
      }
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
        const got = wire.get(from) ?? [];
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
    // The app first: its worker and dispatcher stop before the database goes.
    await closeApp?.().catch(() => {});
    await database.close();
    await fake.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
