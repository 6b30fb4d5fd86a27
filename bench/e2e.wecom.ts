/**
 * The WeCom side of `bench:e2e`, in a process of its own (forked by bench/e2e.bench.ts): the fake WeCom server
 * (test/fakes/wecom) and the driver that signs, encrypts and posts the callbacks. In production WeCom is another
 * machine; here it is another process, so its work (encryption, HTTP client and server, JSON) does not share the
 * app's event loop, heap and GC, and the app process's CPU time (read from /proc) is the app's alone.
 *
 * Every latency is measured here, on this process's clock: a callback's start and ack by the driver, a reply's
 * arrival by the fake's own `atMs`. The app process sends commands over the IPC channel (`Command`) and gets the
 * raw figures back (`Answer`).
 *
 * What the real WeCom would spend on its own machine is kept out of the measured phases: each phase's callbacks
 * (XML, AES, signature, URL, request bytes) are built by a `prepare` command, before the app reads the CPU clocks
 * and `run` starts the phase's clock, and the fake pushes each reply to its waiter as it is answered (`onCall`)
 * instead of a ticker polling the calls.
 *
 * The driver posts over keep-alive HTTP/1.1 connections of its own (a connection per sender in flight, reused; see
 * `Connection`), not node:http's client or fetch/undici per request.
 */
import { randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WecomCipher } from '../adapters/wecom/wecom.crypto.js';
import { buildEnvelope, toXml } from '../adapters/wecom/wecom.xml.js';
import { type FakeWecomCall, startFakeWecom } from '../test/fakes/wecom/fake-wecom.server.js';
import { BENCH_WECOM } from './ingest.shared.js';

/** A measured phase: `prepare` builds its callbacks, then `run` starts its clock and answers its figures. */
export type Phase =
  | { type: 'sequential'; senders: string[]; n: number }
  | { type: 'throughput'; senders: string[]; perSender: number; kinds: string[] }
  | { type: 'paced'; senders: string[]; rate: number; seconds: number; kinds: string[] };

export type Command =
  /** The app's instances: each callback goes to the next (round robin, as a proxy in front of them would). */
  | { type: 'app'; bases: string[] }
  | { type: 'warmup'; sender: string; kinds: string[] }
  | { type: 'prepare'; phase: Phase }
  | { type: 'run' }
  | { type: 'wire' }
  | { type: 'close' };

export type Answer =
  | { type: 'ready'; baseUrl: string }
  | { type: 'ok' }
  | { type: 'sequential'; acks: number[]; e2e: number[]; overhead: number[] }
  | { type: 'throughput'; done: number[]; postSec: number; lastReplySec: number }
  | { type: 'paced'; latencies: number[]; sec: number }
  /** Each member's message/send bodies, in arrival order; callbacks posted again after a 503. */
  | { type: 'wire'; wire: Record<string, string[]>; reposted: number }
  | { type: 'error'; message: string };

const send = (a: Answer) =>
  new Promise<void>((resolve) => (process.send ? process.send(a, () => resolve()) : resolve()));

/** The app's instances, each with its own keep-alive connections (`Connection`). */
let apps: Array<{ url: URL; pool: { idle: Connection[]; all: Set<Connection> } }> = [];
let nextApp = 0;

// Replies per member, in arrival order at the fake WeCom (its own `atMs`): the k-th reply answers the k-th message.
const replies = new Map<string, number[]>();
// A message waiting for its reply, by member and k. The fake pushes each reply (`onReply`); a coarse sweep rejects
// the ones past their deadline.
type Waiter = { until: number; resolve(at: number): void; reject(e: Error): void };
const waiting = new Map<string, Map<number, Waiter>>();
let waiters = 0;
let sweeper: NodeJS.Timeout | null = null;
const onReply = (call: FakeWecomCall) => {
  if (call.method !== 'message/send' || call.errcode) return;
  const to = String((call.body as { touser?: string } | undefined)?.touser ?? '');
  const list = replies.get(to) ?? [];
  if (list.length === 0) replies.set(to, list);
  list.push(call.atMs);
  const mine = waiting.get(to);
  const w = mine?.get(list.length - 1);
  if (!w) return;
  mine!.delete(list.length - 1);
  waiters--;
  w.resolve(call.atMs);
};
const sweep = () => {
  const now = performance.now();
  for (const [from, mine] of waiting) {
    for (const [k, w] of mine) {
      if (now <= w.until) continue;
      mine.delete(k);
      waiters--;
      w.reject(new Error(`no reply ${k} to ${from}`));
    }
    if (mine.size === 0) waiting.delete(from);
  }
  if (waiters === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
};
function replyAt(from: string, k: number, timeoutMs = 60_000): Promise<number> {
  const at = replies.get(from)?.[k];
  if (at !== undefined) return Promise.resolve(at);
  return new Promise((resolve, reject) => {
    const mine = waiting.get(from) ?? new Map<number, Waiter>();
    if (mine.size === 0) waiting.set(from, mine);
    mine.set(k, { until: performance.now() + timeoutMs, resolve, reject });
    waiters++;
    sweeper ??= setInterval(sweep, 1000);
  });
}

const fake = await startFakeWecom({
  corpId: BENCH_WECOM.corpId,
  secrets: [process.env.E2E_WECOM_SECRET ?? ''],
  onCall: onReply,
});

/**
 * A keep-alive HTTP/1.1 connection to the app, one request at a time: the request line, headers and body written at
 * once, the answer read by its Content-Length (Fastify always sends one). The node:http client cost the WeCom side
 * about a third of its CPU per callback (ClientRequest, the Agent's free-socket bookkeeping, the response parser and
 * stream); this is what a callback needs of it.
 */
class Connection {
  readonly #socket: Socket;
  #buf: Buffer | null = null;
  #pending: { resolve(status: number): void; reject(e: Error): void } | null = null;

  constructor(
    url: URL,
    private readonly pool: { idle: Connection[]; all: Set<Connection> },
  ) {
    pool.all.add(this);
    this.#socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#data(chunk));
    const gone = (e?: Error) => {
      this.pool.all.delete(this);
      const at = this.pool.idle.indexOf(this);
      if (at >= 0) this.pool.idle.splice(at, 1);
      const p = this.#pending;
      this.#pending = null;
      p?.reject(e ?? new Error('the app closed the connection'));
    };
    this.#socket.on('error', gone);
    this.#socket.on('close', () => gone());
  }

  /** Writes a whole request (head and body); resolves with the answer's status. */
  post(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#socket.write(request);
    });
  }

  #data(chunk: Buffer): void {
    const buf = this.#buf ? Buffer.concat([this.#buf, chunk]) : chunk;
    this.#buf = buf;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buf.toString('latin1', 0, end);
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (!length) {
      this.#socket.destroy(new Error(`the app answered without Content-Length: ${head.split('\r\n')[0]}`));
      return;
    }
    if (buf.length < end + 4 + Number(length[1])) return;
    this.#buf = null;
    const p = this.#pending;
    this.#pending = null;
    if (/\r\nconnection:[ \t]*close/i.test(head)) this.#socket.destroy();
    else this.pool.idle.push(this);
    p?.resolve(Number(head.slice(9, 12)));
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
/**
 * One request to the next instance, on an idle connection to it (or a new one); resolves with the status once the
 * answer has been read.
 */
function postOnce(request: Buffer): Promise<number> {
  const app = apps[nextApp++ % apps.length]!;
  const c = app.pool.idle.pop() ?? new Connection(app.url, app.pool);
  return c.post(request);
}

// What does not vary per callback is made once: the cipher (its key decoded once), and the random 16 bytes each
// encryption begins with are cut from a pool filled 4 KiB at a time (still random, one OpenSSL call per 256).
const cipher = new WecomCipher(BENCH_WECOM.aesKey);
const randomPool = Buffer.alloc(4096);
let randomAt = randomPool.length;
const random16 = () => {
  if (randomAt === randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  randomAt += 16;
  return randomPool.subarray(randomAt - 16, randomAt);
};

/** A callback ready to post: the k-th message of `from`, as the request bytes WeCom would send. */
interface Callback {
  from: string;
  k: number;
  request: Buffer;
}
/** Callbacks built per member: a member's callbacks must be posted in the order they were built (the k-th reply). */
const built = new Map<string, number>();
let msgSeq = 0;
/**
 * Builds a callback (XML, AES, signature, URL, request bytes), each with its own MsgId and nonce. `atMs` (epoch ms)
 * is its timestamp, which the app accepts within 300 s of its own clock, either way: a phase's callbacks are built
 * just before it starts, so each must be posted within 300 s of its `atMs`.
 */
function build(from: string, content: string, atMs = Date.now()): Callback {
  const k = built.get(from) ?? 0;
  built.set(from, k + 1);
  const timestamp = String(Math.floor(atMs / 1000));
  const message = toXml({
    ToUserName: BENCH_WECOM.corpId,
    FromUserName: from,
    CreateTime: timestamp,
    MsgType: 'text',
    Content: content,
    MsgId: String(7_500_000_000_000_000_000n + BigInt(process.pid) * 1_000_000n + BigInt(++msgSeq)),
    AgentID: BENCH_WECOM.agentId,
  });
  const env = buildEnvelope({
    token: BENCH_WECOM.token,
    aesKey: cipher,
    random16: random16(),
    receiveId: BENCH_WECOM.corpId,
    agentId: BENCH_WECOM.agentId,
    message,
    timestamp,
    nonce: `e2e${msgSeq}`,
  });
  const q = new URLSearchParams({ msg_signature: env.msgSignature, timestamp: env.timestamp, nonce: env.nonce });
  const body = Buffer.from(env.body);
  const head = `POST /wecom/callback?${q} HTTP/1.1\r\nHost: ${apps[0]!.url.host}\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`;
  return { from, k, request: Buffer.concat([Buffer.from(head, 'latin1'), body]) };
}

let reposted = 0;
/** Posts a built callback until acknowledged; `startMs` is when the driver began posting it. */
async function post(cb: Callback): Promise<{ startMs: number; ackMs: number; k: number }> {
  const startMs = performance.now();
  // Like WeCom: a callback not acknowledged (503 when its store took over 3 s) is posted again, same MsgId.
  for (let attempt = 1; ; attempt++) {
    const status = await postOnce(cb.request);
    if (status === 200) break;
    if (attempt >= 5) {
      const stale =
        status === 401 ? ' (posted more than 300 s after it was built? the app refuses old timestamps)' : '';
      throw new Error(`callback answered ${status} ${attempt} times${stale}`);
    }
    reposted++;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { startMs, ackMs: performance.now() - startMs, k: cb.k };
}

/**
 * A phase's callbacks, in the order they are posted: sequential and paced, one list; throughput, each sender's in
 * turn (`perSender` each). A paced callback's timestamp is its scheduled time (a long run stays in the app's window).
 */
function callbacksOf(phase: Phase): Callback[] {
  switch (phase.type) {
    case 'sequential':
      return Array.from({ length: phase.n }, (_, i) => build(phase.senders[i % phase.senders.length]!, '你好'));
    case 'throughput':
      return phase.senders.flatMap((from, si) =>
        Array.from({ length: phase.perSender }, (_, i) => build(from, phase.kinds[(si + i) % phase.kinds.length]!)),
      );
    case 'paced': {
      const wall = Date.now();
      return Array.from({ length: phase.rate * phase.seconds }, (_, i) =>
        build(
          phase.senders[i % phase.senders.length]!,
          phase.kinds[i % phase.kinds.length]!,
          wall + (i * 1000) / phase.rate,
        ),
      );
    }
  }
}
let prepared: { phase: Phase; callbacks: Callback[] } | null = null;

async function runPhase(phase: Phase, callbacks: Callback[]): Promise<Answer> {
  switch (phase.type) {
    case 'sequential': {
      // A greeting, one at a time: callback → reply, and its ack alone. The overhead is, per message, callback →
      // reply minus callback → ack: from the ack to the reply's arrival here.
      const acks: number[] = [];
      const e2e: number[] = [];
      const overhead: number[] = [];
      for (const cb of callbacks) {
        const p = await post(cb);
        acks.push(p.ackMs);
        const ms = (await replyAt(cb.from, p.k)) - p.startMs;
        e2e.push(ms);
        overhead.push(ms - p.ackMs);
      }
      return { type: 'sequential', acks, e2e, overhead };
    }
    case 'throughput': {
      // Every sender sends its messages back to back (each after the previous ack).
      const t0 = performance.now();
      const posted = await Promise.all(
        phase.senders.map(async (_, si) => {
          const out: Array<{ from: string; startMs: number; k: number }> = [];
          for (let i = si * phase.perSender; i < (si + 1) * phase.perSender; i++) {
            const cb = callbacks[i]!;
            out.push({ from: cb.from, ...(await post(cb)) });
          }
          return out;
        }),
      );
      const done = await Promise.all(posted.flat().map(async (m) => (await replyAt(m.from, m.k)) - m.startMs));
      const postSec = (Math.max(...posted.flat().map((m) => m.startMs)) - t0) / 1000;
      const lastReply = Math.max(...phase.senders.map((s) => replies.get(s)!.at(-1)!));
      return { type: 'throughput', done, postSec, lastReplySec: (lastReply - t0) / 1000 };
    }
    case 'paced': {
      // A fixed rate (open loop) over the senders, round robin; latency counts from the scheduled time.
      const tp = performance.now();
      const pending: Array<Promise<number>> = [];
      for (let i = 0; i < callbacks.length; i++) {
        const due = tp + (i * 1000) / phase.rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const cb = callbacks[i]!;
        pending.push(post(cb).then(async (p) => (await replyAt(cb.from, p.k)) - due));
      }
      const latencies = await Promise.all(pending);
      return { type: 'paced', latencies, sec: (performance.now() - tp) / 1000 };
    }
  }
}

async function run(c: Command): Promise<Answer> {
  switch (c.type) {
    case 'app':
      apps = c.bases.map((b) => ({ url: new URL(b), pool: { idle: [], all: new Set() } }));
      return { type: 'ok' };
    case 'warmup': {
      // JIT, plans, token; every message kind must answer with exactly one message (the k-th reply rule).
      for (const text of c.kinds) {
        for (let i = 0; i < 5; i++) {
          const p = await post(build(c.sender, text));
          await replyAt(c.sender, p.k);
        }
      }
      await new Promise((r) => setTimeout(r, 300));
      if ((replies.get(c.sender)?.length ?? 0) !== built.get(c.sender))
        throw new Error('a message kind answered with other than one message: the k-th reply rule does not hold');
      return { type: 'ok' };
    }
    case 'prepare': {
      prepared = { phase: c.phase, callbacks: callbacksOf(c.phase) };
      // The garbage of building collected now (the bench forks this process with --expose-gc), not in the phase.
      (globalThis as { gc?: () => void }).gc?.();
      return { type: 'ok' };
    }
    case 'run': {
      if (!prepared) throw new Error('run before prepare');
      const { phase, callbacks } = prepared;
      prepared = null;
      return runPhase(phase, callbacks);
    }
    case 'wire': {
      const wire: Record<string, string[]> = {};
      for (const call of fake.calls) {
        if (call.method !== 'message/send' || call.errcode) continue;
        const b = call.body as { touser?: string; text?: { content?: string }; markdown?: { content?: string } };
        const to = String(b.touser ?? '');
        wire[to] = [...(wire[to] ?? []), String(b.text?.content ?? b.markdown?.content ?? '')];
      }
      return { type: 'wire', wire, reposted };
    }
    case 'close':
      for (const a of apps) for (const c of a.pool.all) c.destroy();
      await fake.close();
      return { type: 'ok' };
  }
}

process.on('message', (c: Command) => {
  run(c)
    .then(send, (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }))
    .then(() => {
      if (c.type === 'close') process.disconnect?.();
    });
});
// The app process gone (a failure, Ctrl-C): nothing is left running.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', baseUrl: fake.baseUrl });
