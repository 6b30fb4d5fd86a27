/**
 * The soak's steady load: signed, encrypted WeCom callbacks at a fixed rate, round robin over the senders, posted as
 * WeCom posts them — an answer other than 200, or none within 5 s, is posted again (the same message), up to three
 * more times (after 2, 4 and 8 s: WeCom documents the three retries, not their spacing), then WeCom gives up.
 */
import { buildEnvelope, toXml } from '../../adapters/wecom/wecom.xml.js';
import { sleep } from './processes.js';

export interface SoakWecomApp {
  corpId: string;
  token: string;
  aesKey: string;
  agentId: string;
}

/** One message the load sent, as WeCom sees it. */
export interface SentMessage {
  msgId: string;
  /** The sender's WeCom userid. */
  from: string;
  text: string;
  /** Its place in the sender's own sequence (0, 1, 2 …). */
  seq: number;
  /** When it was first posted (performance.now() of the soak process: the fake WeCom stamps calls the same way). */
  firstPostMs: number;
  posts: number;
  /** When a post was answered 200 (null: never acknowledged). */
  ackedMs: number | null;
  /** Statuses (0 = no answer within 5 s) of the posts that were not acknowledged. */
  failures: number[];
}

const RETRY_DELAYS_MS = [2000, 4000, 8000];
const CALLBACK_TIMEOUT_MS = 5000;

export class CallbackLoad {
  readonly sent: SentMessage[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perSender = new Map<string, number>();
  private msgSeq = 0n;
  private stopped = false;

  constructor(
    private readonly target: string,
    private readonly app: SoakWecomApp,
    /** Distinct per soak run, so MsgIds never meet another run's. */
    private readonly msgIdBase: bigint,
  ) {}

  /** Sends `rate` messages a second until `untilMs` (performance.now()), round robin over the senders. */
  async run(senders: ReadonlyArray<{ userid: string; texts: readonly string[] }>, rate: number, untilMs: number) {
    const t0 = performance.now();
    for (let i = 0; !this.stopped; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due >= untilMs) break;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const s = senders[i % senders.length]!;
      const seq = this.perSender.get(s.userid) ?? 0;
      this.perSender.set(s.userid, seq + 1);
      const p = this.post(s.userid, s.texts[seq % s.texts.length]!, seq);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** Waits for every message's posts (acknowledged or given up). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async post(from: string, text: string, seq: number): Promise<void> {
    const msgId = String(this.msgIdBase + ++this.msgSeq);
    const m: SentMessage = {
      msgId,
      from,
      text,
      seq,
      firstPostMs: performance.now(),
      posts: 0,
      ackedMs: null,
      failures: [],
    };
    this.sent.push(m);
    const now = String(Math.floor(Date.now() / 1000));
    const message = toXml({
      ToUserName: this.app.corpId,
      FromUserName: from,
      CreateTime: now,
      MsgType: 'text',
      Content: text,
      MsgId: msgId,
      AgentID: this.app.agentId,
    });
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1]!);
      // Each post signed afresh (a new timestamp and nonce), the same message inside.
      const env = buildEnvelope({
        token: this.app.token,
        aesKey: this.app.aesKey,
        receiveId: this.app.corpId,
        agentId: this.app.agentId,
        message,
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: `soak${msgId.slice(-8)}${attempt}`,
      });
      const q = new URLSearchParams({ msg_signature: env.msgSignature, timestamp: env.timestamp, nonce: env.nonce });
      m.posts++;
      let statusCode = 0;
      try {
        const res = await fetch(`${this.target}/wecom/callback?${q}`, {
          method: 'POST',
          body: env.body,
          signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        statusCode = res.status;
      } catch {
        statusCode = 0;
      }
      if (statusCode === 200) {
        m.ackedMs = performance.now();
        return;
      }
      m.failures.push(statusCode);
    }
  }
}
