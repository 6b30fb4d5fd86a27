/**
 * Callback ingest benchmark (`npm run bench:ingest [-- --pg URL --duration SEC --connections N --rounds N --only KIND
 * --peers off --baseline DIR --node-flags "FLAGS"]`).
 *
 * Ours: verify, decrypt, parse, dedupe, persist (PostgreSQL, in a database of its own that is dropped at the
 * end), ack. Peers: `wechat-enterprise` (Express) and `co-wechat` (Koa), which verify, decrypt and parse (xml2js)
 * but store nothing. All servers run with the same Node flags and NODE_ENV=production. Every
 * server gets the same encrypted payloads in the same run, each request a distinct message (a unique MsgId: a
 * duplicate would skip our insert and flatter us). Each server runs in its own process; autocannon runs here.
 * Prints max-throughput figures (req/s, p50, p99, ratio ours/peer; autocannon, closed loop) and a fixed 1,000 req/s
 * open-loop run for p99 (ingest.paced.ts), each the median of interleaved rounds (`--rounds`, `--duration`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { sortedSha1, WecomCipher } from '../adapters/wecom/wecom.crypto.js';
import { buildEnvelope, toXml } from '../adapters/wecom/wecom.xml.js';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { type PacedRun, pacedLoad } from './ingest.paced.js';
import { BENCH_MP, BENCH_WECOM } from './ingest.shared.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const PG_URL = args.get('pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(args.get('duration') ?? 6);
const ROUNDS = Number(args.get('rounds') ?? 3);
const CONNECTIONS = Number(args.get('connections') ?? 64);
const FIXED_RATE = 1000;
const WARMUP_SEC = 4;
const DB_NAME = 'gs_bench_ingest';
/** The baseline checkout's servers use a database of their own, migrated by its own code (its migrations may differ). */
const BASELINE_DB_NAME = 'gs_bench_ingest_baseline';
/**
 * `--baseline DIR`: also run `ours` from another checkout of the repo (same database, same Node), interleaved
 * with the rest, for a before/after comparison that sees the same machine load.
 */
const BASELINE_DIR = args.get('baseline');
const ALL_KINDS = ['ours', 'ours-mp', 'ours-baseline', 'ours-mp-baseline', 'wechat-enterprise', 'co-wechat'] as const;
type Kind = (typeof ALL_KINDS)[number];
/** `--only ours` for a quick look at one server (no ratios then); `--peers off` for ours alone (the before/after). */
const KINDS: readonly Kind[] = ALL_KINDS.filter(
  (k) =>
    (!isBaseline(k) || BASELINE_DIR) &&
    (!args.get('only') || k === args.get('only')) &&
    (isOurs(k) || args.get('peers') !== 'off'),
);
function isBaseline(k: Kind): boolean {
  return k === 'ours-baseline' || k === 'ours-mp-baseline';
}
function isOurs(k: Kind): boolean {
  return k.startsWith('ours');
}
const isMp = (k: Kind) => k === 'ours-mp' || k === 'ours-mp-baseline';
/**
 * Every server process runs with the same production settings: NODE_ENV=production (Express and Koa skip their
 * development paths) and a larger young generation (fewer scavenges at this allocation rate).
 */
const SERVER_NODE_FLAGS = (args.get('node-flags') ?? '--max-semi-space-size=32').split(' ').filter(Boolean);

interface Payload {
  path: string;
  body: string;
}

let msgSeq = 0n;
/**
 * Distinct mini-program callbacks as WeChat posts them in safe mode with JSON (unique MsgId, senders spread), so the
 * two channels' ingest is compared on the same dealers' words.
 */
function buildMpPayloads(n: number): Payload[] {
  const cipher = new WecomCipher(BENCH_MP.aesKey);
  const ts = String(Math.floor(Date.now() / 1000));
  const base = 24_000_000_000_000_000n + BigInt(Date.now()) * 1000n;
  const out: Payload[] = [];
  for (let i = 0; i < n; i++) {
    const message = JSON.stringify({
      ToUserName: BENCH_MP.originalId,
      FromUserName: `bench-openid-${i % 5000}`,
      CreateTime: Number(ts),
      MsgType: 'text',
      Content: `再来30套N60，下周三送（第${i}条）`,
    }).replace(/}$/, `,"MsgId":${base + msgSeq++}}`);
    const encrypt = cipher.encrypt(message, BENCH_MP.appId);
    const nonce = String(2_000_000 + i);
    const q = new URLSearchParams({
      signature: sortedSha1(BENCH_MP.token, ts, nonce),
      timestamp: ts,
      nonce,
      openid: `bench-openid-${i % 5000}`,
      encrypt_type: 'aes',
      msg_signature: sortedSha1(BENCH_MP.token, ts, nonce, encrypt),
    });
    out.push({
      path: `/miniprogram/callback?${q}`,
      body: JSON.stringify({ ToUserName: BENCH_MP.originalId, Encrypt: encrypt }),
    });
  }
  return out;
}

/** The callbacks `kind` is measured with. */
const payloadsFor = (kind: Kind, n: number) => (isMp(kind) ? buildMpPayloads(n) : buildPayloads(n));

/** Distinct encrypted callbacks (unique MsgId and sender spread), timestamped now so they pass the ±300 s window. */
function buildPayloads(n: number): Payload[] {
  const cipher = new WecomCipher(BENCH_WECOM.aesKey);
  const ts = String(Math.floor(Date.now() / 1000));
  const base = 7_400_000_000_000_000_000n + BigInt(Date.now()) * 1000n;
  const out: Payload[] = [];
  for (let i = 0; i < n; i++) {
    const msgId = String(base + msgSeq++);
    const message = toXml({
      ToUserName: BENCH_WECOM.corpId,
      FromUserName: `bench-user-${i % 5000}`,
      CreateTime: ts,
      MsgType: 'text',
      Content: `再来30套N60，下周三送（第${i}条）`,
      MsgId: msgId,
      AgentID: BENCH_WECOM.agentId,
    });
    const env = buildEnvelope({
      token: BENCH_WECOM.token,
      aesKey: cipher,
      receiveId: BENCH_WECOM.corpId,
      agentId: BENCH_WECOM.agentId,
      message,
      timestamp: ts,
      nonce: String(1_000_000 + i),
    });
    // encrypt_type=aes: co-wechat only decrypts when asked to; the others ignore it.
    const q = new URLSearchParams({
      msg_signature: env.msgSignature,
      timestamp: ts,
      nonce: env.nonce,
      encrypt_type: 'aes',
    });
    out.push({ path: `/wecom/callback?${q}`, body: env.body });
  }
  return out;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function dbUrl(kind?: Kind): string {
  const u = new URL(PG_URL);
  u.pathname = `/${kind && isBaseline(kind) ? BASELINE_DB_NAME : DB_NAME}`;
  return u.toString();
}

async function startServer(kind: Kind, port: number): Promise<ChildProcess> {
  const baseline = isBaseline(kind);
  const server = isOurs(kind) ? 'ours' : kind;
  const proc = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/ingest.server.ts', server, String(port), dbUrl(kind)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
      ...(baseline ? { cwd: BASELINE_DIR } : {}),
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
  return proc;
}

async function stopServer(proc: ChildProcess): Promise<void> {
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** A saturation or paced run; `wrapped` when autocannon ran out of distinct payloads and reused some. */
interface Run extends PacedRun {
  wrapped: boolean;
}

async function load(
  port: number,
  payloads: Payload[],
  o: { duration: number; connections: number; rate?: number },
): Promise<Run> {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: o.connections,
    duration: o.duration,
    ...(o.rate ? { overallRate: o.rate } : {}),
    headers: { 'content-type': 'text/xml' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const p = payloads[i++ % payloads.length]!;
          return { ...req, path: p.path, body: p.body };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    wrapped: i > payloads.length,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Each field's median over the rounds. */
function medianRun(runs: Run[]): Run {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    ok: runs.reduce((a, r) => a + r.ok, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    wrapped: runs.some((r) => r.wrapped),
  };
}

async function countRows(kind: Kind): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl(kind) });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>('select count(*) as n from inbound_messages');
    return Number(rows[0]!.n);
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  for (const name of [DB_NAME, BASELINE_DB_NAME]) {
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`create database ${name}`);
  }
  const results = new Map<Kind, { max: Run; fixed: Run }>();
  let storedOk = true;
  try {
    const h = await openDatabase({ kind: 'postgres', url: dbUrl(), poolSize: 2 });
    await migrateToLatest(h.db);
    await h.close();

    // All three servers up at once (an idle server costs nothing), then interleaved rounds: on a shared machine
    // load comes and goes, and alternating servers spreads it evenly; each figure is the median of the rounds.
    const procs = new Map<Kind, ChildProcess>();
    const ports = new Map<Kind, number>(KINDS.map((k, i) => [k, 38_101 + i]));
    try {
      for (const kind of KINDS) procs.set(kind, await startServer(kind, ports.get(kind)!));
      // Warm-up (JIT, pools, caches): full load, then a paced run, per server.
      for (const kind of KINDS) {
        await load(ports.get(kind)!, payloadsFor(kind, 40_000), { duration: WARMUP_SEC, connections: CONNECTIONS });
        await pacedLoad(ports.get(kind)!, payloadsFor(kind, FIXED_RATE), {
          rate: FIXED_RATE,
          duration: 1,
          connections: 32,
        });
      }
      const runs = new Map<Kind, { max: Run[]; fixed: Run[] }>(KINDS.map((k) => [k, { max: [], fixed: [] }]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const kind of KINDS) {
          const port = ports.get(kind)!;
          // Steady load first: measured right after our own saturation run, the paced p99 would time the database
          // catching up on tens of thousands of fresh rows (checkpoint, autovacuum), which the peers never have.
          const fixed = await pacedLoad(port, payloadsFor(kind, FIXED_RATE * DURATION), {
            rate: FIXED_RATE,
            duration: DURATION,
            connections: 32,
          });
          const before = isOurs(kind) ? await countRows(kind) : 0;
          const max = await load(port, payloadsFor(kind, Math.max(80_000, DURATION * 14_000)), {
            duration: DURATION,
            connections: CONNECTIONS,
          });
          if (isOurs(kind)) {
            const stored = (await countRows(kind)) - before;
            // Every acked callback is a stored row (unique MsgIds). Requests still in flight when autocannon stops
            // are stored but not counted as answered: at most one per connection.
            if (!max.wrapped && (stored < max.ok || stored > max.ok + CONNECTIONS)) storedOk = false;
            console.error(`round ${round + 1}, ${kind}: ${max.ok} acked, ${stored} rows stored`);
          }
          console.error(
            `round ${round + 1}, ${kind}: ${max.rps.toFixed(0)} req/s (p50 ${max.p50} ms, p99 ${max.p99} ms); ` +
              `@${FIXED_RATE}/s p50 ${fixed.p50.toFixed(1)} ms, p99 ${fixed.p99.toFixed(1)} ms`,
          );
          runs.get(kind)!.max.push(max);
          runs.get(kind)!.fixed.push({ ...fixed, wrapped: false });
        }
      }
      for (const kind of KINDS) {
        const r = runs.get(kind)!;
        results.set(kind, { max: medianRun(r.max), fixed: medianRun(r.fixed) });
      }
    } finally {
      for (const p of procs.values()) await stopServer(p);
    }
  } finally {
    for (const name of [DB_NAME, BASELINE_DB_NAME]) await admin(`drop database if exists ${name} with (force)`);
  }

  const ours = results.get('ours');
  if (!ours) throw new Error('the benchmark needs ours');
  const f = (n: number, d = 0) => n.toFixed(d);
  const rows = KINDS.map((k) => {
    const r = results.get(k)!;
    return {
      server:
        k === 'ours'
          ? 'gongsheng (verify+decrypt+parse+dedupe+persist)'
          : k === 'ours-mp'
            ? 'gongsheng mini-program, safe JSON (same + reply window)'
            : k === 'ours-baseline'
              ? `gongsheng from ${BASELINE_DIR} (same work)`
              : k === 'ours-mp-baseline'
                ? `gongsheng mini-program from ${BASELINE_DIR} (same work)`
                : `${k} (verify+decrypt+parse, no store)`,
      'req/s': f(r.max.rps),
      'p50 ms': f(r.max.p50, 1),
      'p99 ms': f(r.max.p99, 1),
      'ours/peer': k === 'ours' ? '—' : `${f(ours.max.rps / r.max.rps, 2)}×`,
      'non-2xx/err': `${r.max.non2xx}/${r.max.errors + r.max.timeouts}`,
      [`p99 ms @${FIXED_RATE}/s`]: f(r.fixed.p99, 1),
      [`achieved @${FIXED_RATE}/s`]: f(r.fixed.rps),
    };
  });
  console.log(
    `\nCallback ingest: median of ${ROUNDS} interleaved rounds, ${DURATION} s per run, ${CONNECTIONS} connections, unique MsgIds, PostgreSQL for ours`,
  );
  console.table(rows);
  const mp = results.get('ours-mp');
  if (mp) {
    console.log(
      `mini-program ingest / WeCom ingest: ${f(mp.max.rps / ours.max.rps, 2)}× req/s, ` +
        `p99 @${FIXED_RATE}/s ${f(mp.fixed.p99, 1)} ms vs ${f(ours.fixed.p99, 1)} ms`,
    );
  }
  const [wecomBefore, mpBefore] = [results.get('ours-baseline'), results.get('ours-mp-baseline')];
  if (mp && wecomBefore && mpBefore) {
    console.log(
      `baseline (${BASELINE_DIR}): mini-program / WeCom ${f(mpBefore.max.rps / wecomBefore.max.rps, 2)}× req/s; ` +
        `mini-program now / baseline ${f(mp.max.rps / mpBefore.max.rps, 2)}×`,
    );
  }
  const we = results.get('wechat-enterprise')?.max.rps;
  const co = results.get('co-wechat')?.max.rps;
  const checks: Array<readonly [string, boolean]> = [
    [`≥ 3,000 callbacks/s`, ours.max.rps >= 3000],
    [
      `p99 ≤ 25 ms at ${FIXED_RATE}/s`,
      ours.fixed.p99 <= 25 && ours.fixed.non2xx + ours.fixed.errors + ours.fixed.timeouts === 0,
    ],
    ['every ack stored', storedOk],
  ];
  if (we !== undefined) checks.push(['≥ 2× wechat-enterprise', ours.max.rps >= 2 * we]);
  if (co !== undefined) checks.push(['≥ 1.5× co-wechat', ours.max.rps >= 1.5 * co]);
  for (const [name, pass] of checks) console.log(`${pass ? 'PASS' : 'FAIL'}  ${name}`);
  if ([...results.values()].some((r) => r.max.wrapped))
    console.log('note: a payload list wrapped around (some duplicates)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
