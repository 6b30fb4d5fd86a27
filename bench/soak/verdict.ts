/**
 * The soak's checks, from three independent records: what the load sent and WeCom saw acknowledged, what the
 * database holds (inbound rows, outbox rows), and what reached members at the fake WeCom (its duplicate check
 * decides). Pure: the caller gathers the records, this module compares them and renders the report.
 */
import type { FakeWecomCall } from '../../test/fakes/wecom/fake-wecom.server.js';
import type { SentMessage } from './load.js';

export interface InboundRecord {
  id: number;
  msgId: string;
  status: string;
  attempts: number;
  /** The row's lease or retry time is past (as the database's clock saw it). */
  pastLease: boolean;
}

export interface OutboxRecord {
  id: number;
  address: string;
  body: string;
  kind: string;
  inReplyTo: number | null;
  status: string;
  attempts: number;
  lastError: string | null;
  /**
   * What tells this row's request apart on the wire besides its words: the `duplicate_check_interval` the app
   * gives it (adapters/wecom `duplicateCheckInterval`), so a call is matched to its own row, not to a same-worded one.
   */
  wireTag: number | null;
  /** pending rows: due now (not waiting out a backoff or a rate limit); sending rows: lease run out. */
  overdue: boolean;
}

export interface Findings {
  sent: number;
  acked: number;
  /** Never acknowledged: WeCom gave up after its retries. */
  notAcked: number;
  ackedLost: string[];
  stored: number;
  storedNotAcked: number;
  processed: number;
  parked: number;
  unfinished: number;
  /** Done after more than one attempt (an earlier attempt rolled back: a drop, a kill, a lost lease). */
  reprocessedAfterFailure: number;
  replyRows: Record<string, number>;
  /** Calls to message/send for the soak's senders, and what the fake WeCom did with them. */
  wire: { calls: number; delivered: number; suppressed: number; refused: number };
  /** Suppressed by the duplicate check: a resend of a reply already shown (the check working) … */
  suppressedResends: number;
  /**
   * … explained by the earlier call of the same request: it outlived the client's timeout (a timed-out send, resent),
   * or it was answered in time and the success was not recorded (the instance killed, the database gone), so the row
   * was sent again after its lease or retry. `examples`: seconds since the load started, earlier call → resend.
   */
  resendCauses: { afterTimeout: number; afterUnrecordedSuccess: number; examples: string[] };
  /** … or a different reply with the same words as one shown earlier (that reply never shown on its own). */
  withheldDistinctReplies: number;
  /** Delivered twice: the same reply row reached the member again (no duplicate check caught it). */
  deliveredTwice: Array<{ address: string; outboxId: number; attempts: number; status: string }>;
  /** Recorded sent (or dead) yet never seen at WeCom, and not explained by the duplicate check. */
  sentNotSeen: number;
  processedTwice: number;
  orderViolations: Array<{ address: string; detail: string }>;
  replyDelayMs: { n: number; p50: number; p99: number; max: number };
  stuck: { inboundPastLease: number; outboxOverdue: number; inboundWaiting: number; outboxWaiting: number };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** The content of a message/send call as the outbox row's body (text or markdown). */
function contentOf(call: FakeWecomCall): { to: string; body: string } | null {
  const b = call.body as
    | {
        touser?: string;
        text?: { content?: string };
        markdown?: { content?: string };
        duplicate_check_interval?: number;
      }
    | undefined;
  const words = b?.text?.content ?? b?.markdown?.content;
  return b?.touser && words !== undefined
    ? { to: b.touser, body: wireKey(words, b.duplicate_check_interval ?? null) }
    : null;
}

const wireKey = (words: string, tag: number | null) => `${tag ?? ''}\u0000${words}`;

export function findings(input: {
  sent: readonly SentMessage[];
  inbound: readonly InboundRecord[];
  outbox: readonly OutboxRecord[];
  calls: readonly FakeWecomCall[];
  /** The client's timeout of a WeCom call (WECOM_TIMEOUT_MS). */
  wecomTimeoutMs: number;
  /** When the load started (performance.now()), for the examples' times. */
  t0: number;
}): Findings {
  const { sent, inbound, outbox } = input;
  const byMsgId = new Map(inbound.map((r) => [r.msgId, r]));
  const acked = sent.filter((m) => m.ackedMs !== null);
  const ackedIds = new Set(acked.map((m) => m.msgId));
  const sentById = new Map(sent.map((m) => [m.msgId, m]));
  const inboundById = new Map(inbound.map((r) => [r.id, r]));
  const addresses = new Set(sent.map((m) => m.from));

  const replyRows: Record<string, number> = {};
  for (const r of outbox) if (r.inReplyTo !== null) replyRows[r.status] = (replyRows[r.status] ?? 0) + 1;

  // Per member: the rows written for them and the calls WeCom answered, in arrival order.
  const rowsTo = new Map<string, OutboxRecord[]>();
  for (const r of outbox) rowsTo.set(r.address, [...(rowsTo.get(r.address) ?? []), r]);
  const callsTo = new Map<string, Array<{ call: FakeWecomCall; body: string }>>();
  const wire = { calls: 0, delivered: 0, suppressed: 0, refused: 0 };
  for (const call of input.calls) {
    if (call.method !== 'message/send') continue;
    const c = contentOf(call);
    if (!c || !addresses.has(c.to)) continue;
    wire.calls++;
    if (call.delivery === 'delivered') wire.delivered++;
    else if (call.delivery === 'suppressed') wire.suppressed++;
    else wire.refused++;
    if (call.delivery) callsTo.set(c.to, [...(callsTo.get(c.to) ?? []), { call, body: c.body }]);
  }

  const keyOf = (r: OutboxRecord) => wireKey(r.body, r.wireTag);
  const deliveredTwice: Findings['deliveredTwice'] = [];
  const orderViolations: Findings['orderViolations'] = [];
  const firstReplyAt = new Map<number, number>();
  let suppressedResends = 0;
  let withheldDistinctReplies = 0;
  let sentNotSeen = 0;
  const twiceInbound = new Set<number>();
  for (const address of addresses) {
    // Replies in the order they must reach the member: by the message they answer, then as written.
    const rows = [...(rowsTo.get(address) ?? [])].sort(
      (a, b) => (a.inReplyTo ?? Number.MAX_SAFE_INTEGER) - (b.inReplyTo ?? Number.MAX_SAFE_INTEGER) || a.id - b.id,
    );
    const matched = new Map<number, number>(); // row index → times delivered
    let lastReplyPos = -1;
    const suppressedBodies: string[] = [];
    for (const { call, body } of callsTo.get(address) ?? []) {
      if (call.delivery === 'suppressed') {
        suppressedBodies.push(body);
        continue;
      }
      // The first row with these words not yet delivered, else (a repeat) the last one delivered.
      let i = rows.findIndex((r, k) => keyOf(r) === body && !matched.has(k));
      if (i < 0) {
        const again = rows.map((r, k) => (keyOf(r) === body && matched.has(k) ? k : -1)).filter((k) => k >= 0);
        i = again.at(-1) ?? -1;
        if (i < 0) continue; // not one of ours (cannot happen: every send comes from a row)
        const row = rows[i]!;
        deliveredTwice.push({ address, outboxId: row.id, attempts: row.attempts, status: row.status });
        if (row.inReplyTo !== null) twiceInbound.add(row.inReplyTo);
        matched.set(i, matched.get(i)! + 1);
        continue;
      }
      matched.set(i, 1);
      const row = rows[i]!;
      if (row.inReplyTo === null) continue;
      if (i < lastReplyPos) {
        orderViolations.push({
          address,
          detail: `outbox ${row.id} (answering inbound ${row.inReplyTo}; attempts ${row.attempts}, last error ${row.lastError ?? '—'}) reached the member after outbox ${rows[lastReplyPos]!.id} (answering inbound ${rows[lastReplyPos]!.inReplyTo}; attempts ${rows[lastReplyPos]!.attempts})`,
        });
      }
      lastReplyPos = Math.max(lastReplyPos, i);
      if (!firstReplyAt.has(row.inReplyTo)) firstReplyAt.set(row.inReplyTo, call.atMs);
    }
    // Rows never shown: withheld by the duplicate check (same words as one shown), or not seen at all.
    const unseen = rows.filter((r, k) => !matched.has(k) && (r.status === 'sent' || r.status === 'dead'));
    let suppressedLeft = suppressedBodies.length;
    for (const r of unseen) {
      const s = suppressedBodies.indexOf(keyOf(r));
      if (s >= 0) {
        suppressedBodies.splice(s, 1);
        withheldDistinctReplies++;
        suppressedLeft--;
      } else if (r.status === 'sent') sentNotSeen++;
    }
    suppressedResends += suppressedLeft;
  }

  const delays: number[] = [];
  for (const [inboundId, at] of firstReplyAt) {
    const msg = sentById.get(inboundById.get(inboundId)?.msgId ?? '');
    if (msg) delays.push(at - msg.firstPostMs);
  }
  delays.sort((a, b) => a - b);

  const soakInbound = inbound.filter((r) => sentById.has(r.msgId));
  return {
    sent: sent.length,
    acked: acked.length,
    notAcked: sent.length - acked.length,
    ackedLost: [...ackedIds].filter((id) => !byMsgId.has(id)),
    stored: soakInbound.length,
    storedNotAcked: soakInbound.filter((r) => !ackedIds.has(r.msgId)).length,
    processed: soakInbound.filter((r) => r.status === 'done').length,
    parked: soakInbound.filter((r) => r.status === 'parked').length,
    unfinished: soakInbound.filter((r) => r.status === 'pending' || r.status === 'processing').length,
    reprocessedAfterFailure: soakInbound.filter((r) => r.status === 'done' && r.attempts > 1).length,
    replyRows,
    wire,
    suppressedResends,
    resendCauses: explainResends(input.calls, input.wecomTimeoutMs, input.t0, withheldDistinctReplies),
    withheldDistinctReplies,
    deliveredTwice,
    sentNotSeen,
    processedTwice: twiceInbound.size,
    orderViolations,
    replyDelayMs: {
      n: delays.length,
      p50: pct(delays, 50),
      p99: pct(delays, 99),
      max: delays.at(-1) ?? 0,
    },
    stuck: {
      inboundPastLease: soakInbound.filter((r) => (r.status === 'pending' || r.status === 'processing') && r.pastLease)
        .length,
      outboxOverdue: outbox.filter((r) => (r.status === 'pending' || r.status === 'sending') && r.overdue).length,
      inboundWaiting: soakInbound.filter((r) => (r.status === 'pending' || r.status === 'processing') && !r.pastLease)
        .length,
      outboxWaiting: outbox.filter((r) => (r.status === 'pending' || r.status === 'sending') && !r.overdue).length,
    },
  };
}

/**
 * Each message/send the duplicate check caught, told by timing: a call that outlived the client's timeout (or whose
 * same request before it did) was a timed-out send and its resend; one answered in time was either a resend of a
 * success never recorded, or a same-worded reply withheld (`withheld`, from the matching, is taken off that count).
 */
function explainResends(
  calls: readonly FakeWecomCall[],
  timeoutMs: number,
  t0: number,
  withheld: number,
): Findings['resendCauses'] {
  const out: Findings['resendCauses'] = { afterTimeout: 0, afterUnrecordedSuccess: 0, examples: [] };
  const delivered = new Map<string, FakeWecomCall>();
  const sends = calls.filter((c) => c.method === 'message/send' && c.delivery && c.doneMs !== undefined);
  const slow = (c: FakeWecomCall) => c.doneMs! - c.atMs >= timeoutMs;
  let inTime = 0;
  // In the order WeCom decided them (a delayed call decides when it completes).
  for (const c of [...sends].sort((a, b) => a.doneMs! - b.doneMs!)) {
    const key = JSON.stringify(c.body);
    if (c.delivery === 'delivered') {
      delivered.set(key, c);
      continue;
    }
    const first = delivered.get(key);
    if (!first) continue;
    const timedOut = slow(first) || slow(c);
    if (timedOut) out.afterTimeout++;
    else inTime++;
    if (out.examples.length < 12) {
      const s = (ms: number) => ((ms - t0) / 1000).toFixed(1);
      out.examples.push(
        `${timedOut ? 'timed out' : 'in time'}: shown ${s(first.atMs)}→${s(first.doneMs!)} s, caught ${s(c.atMs)}→${s(c.doneMs!)} s`,
      );
    }
  }
  out.afterUnrecordedSuccess = Math.max(0, inTime - withheld);
  return out;
}
