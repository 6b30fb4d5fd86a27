/**
 * 微信客服 (KF) pull: a kf_msg_or_event callback carries no content, so after it is stored (and on a periodic
 * safety poll) the messages are fetched with kf/sync_msg. Per open_kfid the cursor is durable in `kf_cursors` and
 * moves in the same transaction that stores the page's messages, with a compare-and-set so two pullers can never
 * move it backwards. A KV lock keeps two instances from pulling one cursor at once; a per-process single flight
 * coalesces triggers. Message rows are unique by `kfmsg:<msgid>`, so a page pulled twice is stored once.
 */
import type { KeyValueStore } from '../../../adapters/kv/kv.js';
import type { KfMessage, KfSyncParams, KfSyncResult } from '../../../adapters/wecom/wecom.client.js';
import type { PipelineStores, UnitOfWork } from '../../../core/messaging/ports.js';
import type { InboundInput, InboundMessage } from '../../../core/messaging/types.js';
import type { PipelineBus } from '../../pipeline/bus.js';

/** origin 3: sent by the customer (4 system event, 5 servicer). */
const ORIGIN_CUSTOMER = 3;
/** Guards against a server that keeps answering has_more. */
const MAX_PAGES_PER_PULL = 100;

export interface KfPullerOptions {
  /** Safety poll interval (default 60 s); 0 disables it. */
  pollMs?: number;
  lockTtlMs?: number;
  /** When another instance holds the lock, try again after this long (a few times). */
  lockRetryMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface KfPullResult {
  pages: number;
  stored: number;
  /** Another instance held this open_kfid's lock: nothing was pulled. */
  locked: boolean;
}

interface KfSyncClient {
  kfSyncMsg(params: KfSyncParams): Promise<KfSyncResult>;
}

export class KfPuller {
  private readonly inflight = new Map<string, Promise<KfPullResult>>();
  /** A trigger arrived while a pull ran: pull again afterwards (new messages may be past its last page). */
  private readonly again = new Map<string, string | undefined>();
  private readonly retries = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly pipeline: UnitOfWork<PipelineStores>,
    private readonly client: KfSyncClient,
    private readonly kv: KeyValueStore,
    private readonly bus: PipelineBus,
    private readonly opts: KfPullerOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Fire and forget (the callback route calls this after its ack). */
  trigger(openKfid: string, token?: string): void {
    void this.pull(openKfid, token).catch((e: Error) => {
      this.opts.log?.error({ openKfid, err: `${e.name}: ${e.message}` }, 'kf pull failed');
    });
  }

  /** Pulls every page for one KF account; concurrent calls in this process share one run, then one follow-up. */
  pull(openKfid: string, token?: string): Promise<KfPullResult> {
    const running = this.inflight.get(openKfid);
    if (running) {
      this.again.set(openKfid, token ?? this.again.get(openKfid));
      return running;
    }
    const run = (async () => {
      let total: KfPullResult = { pages: 0, stored: 0, locked: false };
      let tok = token;
      for (;;) {
        const r = await this.pullLocked(openKfid, tok);
        total = { pages: total.pages + r.pages, stored: total.stored + r.stored, locked: r.locked };
        if (!this.again.has(openKfid)) break;
        tok = this.again.get(openKfid);
        this.again.delete(openKfid);
      }
      if (total.locked) this.retryLater(openKfid, token);
      else this.retries.delete(openKfid);
      return total;
    })().finally(() => this.inflight.delete(openKfid));
    this.inflight.set(openKfid, run);
    return run;
  }

  /** The safety poll: every KF account we know of (registered when its first event was stored). */
  async pollAll(): Promise<void> {
    for (const openKfid of await this.pipeline.root.kf.accounts()) {
      await this.pull(openKfid).catch((e: Error) => {
        this.opts.log?.warn({ openKfid, err: `${e.name}: ${e.message}` }, 'kf safety poll failed');
      });
    }
  }

  private schedulePoll(ms: number): void {
    const every = this.opts.pollMs ?? 60_000;
    if (!this.running || every <= 0) return;
    this.timer = setTimeout(() => {
      void this.pollAll()
        .catch(() => {})
        .finally(() => this.schedulePoll(every));
    }, ms);
    this.timer.unref();
  }

  private retryLater(openKfid: string, token?: string): void {
    const n = (this.retries.get(openKfid) ?? 0) + 1;
    if (!this.running || n > 5) {
      this.retries.delete(openKfid); // the safety poll picks it up
      return;
    }
    this.retries.set(openKfid, n);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.trigger(openKfid, token);
    }, this.opts.lockRetryMs ?? 1_000);
    t.unref();
    this.timers.add(t);
  }

  private async pullLocked(openKfid: string, token?: string): Promise<KfPullResult> {
    const lockKey = `kf:pull:${openKfid}`;
    const lock = await this.kv.lock(lockKey, this.opts.lockTtlMs ?? 60_000);
    if (!lock) return { pages: 0, stored: 0, locked: true };
    try {
      let pages = 0;
      let stored = 0;
      for (; pages < MAX_PAGES_PER_PULL; ) {
        const current = await this.pipeline.root.kf.cursor(openKfid);
        const cursor = current ?? '';
        const page = await this.client.kfSyncMsg({
          open_kfid: openKfid,
          ...(cursor ? { cursor } : {}),
          ...(token ? { token } : {}),
        });
        pages++;
        const fresh = await this.storePage(openKfid, current, page);
        if (fresh === null) break; // the cursor moved under us (an expired lock): the other puller owns it now
        stored += fresh.length;
        // Handed to this process's worker as stored (committed with the cursor).
        if (fresh.length > 0) this.bus.inboundStored(fresh);
        if (!page.has_more || page.next_cursor === cursor) break;
      }
      return { pages, stored, locked: false };
    } finally {
      await this.kv.unlock(lockKey, lock).catch(() => {});
    }
  }

  /**
   * Stores one page's customer messages and moves the cursor from `expected` to the page's next cursor, in one
   * transaction. Returns the messages that were new, or null when the cursor was no longer `expected`.
   */
  private async storePage(
    openKfid: string,
    expected: string | null,
    page: KfSyncResult,
  ): Promise<InboundMessage[] | null> {
    return this.pipeline.transaction(async (tx) => {
      if (!(await tx.kf.moveCursor(openKfid, expected, page.next_cursor))) return null;

      const customer = page.msg_list.filter(
        (m): m is KfMessage & { external_userid: string } =>
          m.origin === ORIGIN_CUSTOMER &&
          typeof m.msgid === 'string' &&
          typeof m.external_userid === 'string' &&
          m.external_userid !== '',
      );
      if (customer.length === 0) return [];
      const stored = await tx.inbound.store(customer.map(inboundOf));

      // The dispatcher's 48 h / 5-message window opens again with each new customer message.
      const latest = new Map<string, number>();
      customer.forEach((m, i) => {
        if (stored[i]!.duplicate) return;
        latest.set(m.external_userid, Math.max(latest.get(m.external_userid) ?? 0, Number(m.send_time) || 0));
      });
      for (const [externalUserId, sendTime] of latest) {
        await tx.kf.openWindow(externalUserId, openKfid, new Date(sendTime * 1000));
      }
      return stored.flatMap((r) => (r.message ? [r.message] : []));
    });
  }
}

function inboundOf(m: KfMessage & { external_userid: string }): InboundInput {
  return {
    channel: 'kf',
    dedupeKey: `kfmsg:${m.msgid}`,
    externalId: m.external_userid,
    msgType: m.msgtype === 'text' || m.msgtype === 'image' ? m.msgtype : m.msgtype || 'unknown',
    content: m.msgtype === 'text' ? (m.text?.content ?? '') : null,
    payload: payloadOf(m),
  };
}

function payloadOf(m: KfMessage): Record<string, unknown> {
  const p: Record<string, unknown> = {
    msgId: m.msgid,
    openKfId: m.open_kfid,
    sendTime: m.send_time,
    msgType: m.msgtype,
  };
  // An image or a file (sync_msg's `file` carries only its media_id; the name comes with the download).
  const media = (m.msgtype === 'image' || m.msgtype === 'file' ? m[m.msgtype] : undefined) as
    | { media_id?: unknown }
    | undefined;
  if (typeof media?.media_id === 'string') p['mediaId'] = media.media_id;
  if (m.text?.menu_id) p['menuId'] = m.text.menu_id;
  return p;
}
