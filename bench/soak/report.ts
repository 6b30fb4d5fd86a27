/**
 * The soak report (markdown) and its verdict: pass only if no acknowledged message was lost, none was processed
 * twice, every sender's replies reached them in order, nothing is stuck past its lease after the drain, and every
 * instance is up at the end (the killed one as its restart).
 */
import type { FakeDeliveryStats } from '../../test/fakes/wecom/fake-wecom.server.js';
import type { InstanceRun } from './processes.js';
import type { Findings } from './verdict.js';

export interface FaultEntry {
  /** Seconds after the load started. */
  atS: number;
  fault: string;
  outcome: string;
}

export interface SoakRun {
  durationS: number;
  rate: number;
  senders: number;
  drainedS: number;
  drainedClean: boolean;
  faults: FaultEntry[];
  loads: string[];
  instances: Array<{ name: string; alive: boolean; ready: boolean; runs: InstanceRun[] }>;
  victim: string;
  proxy: { perUpstream: number[]; refusedSkipped: number; failed: number };
  fakeStats: FakeDeliveryStats;
  findings: Findings;
  deadLetters: Record<string, number>;
}

const COUNTERS = [
  'outbox_send_unknown',
  'outbox_resend_after_unknown',
  'outbox_unknown_not_resent',
  'outbox_sent_mark_retried',
  'outbox_sent_unrecorded',
  'wecom_callback_rejected',
] as const;

export function renderReport(run: SoakRun): { markdown: string; pass: boolean } {
  const f = run.findings;
  const stuck = f.stuck.inboundPastLease + f.stuck.outboxOverdue;
  // Every run of every instance but the killed one's first must still be running.
  const unexpectedExits = run.instances.flatMap((i) =>
    i.runs
      .filter((r, k) => r.exit !== null && !(i.name === run.victim && k === 0 && r.exit.signal === 'SIGKILL'))
      .map((r) => `${i.name} pid ${r.pid} exited ${JSON.stringify(r.exit)}`),
  );
  const allUp = run.instances.every((i) => i.alive && i.ready) && unexpectedExits.length === 0;
  const checks: Array<[string, boolean, string]> = [
    ['0 acknowledged messages lost', f.ackedLost.length === 0, `${f.ackedLost.length} lost`],
    ['0 processed twice', f.processedTwice === 0, `${f.processedTwice} messages whose reply reached the member twice`],
    ["each sender's replies in order", f.orderViolations.length === 0, `${f.orderViolations.length} out of order`],
    [
      'nothing stuck past its lease after the drain',
      stuck === 0,
      `${f.stuck.inboundPastLease} inbound past lease, ${f.stuck.outboxOverdue} outbox overdue`,
    ],
    [
      'every instance up at the end (the killed one restarted)',
      allUp,
      allUp
        ? 'all up and ready'
        : [
            ...unexpectedExits,
            ...run.instances.filter((i) => !i.alive || !i.ready).map((i) => `${i.name} down or not ready`),
          ].join('; '),
    ],
  ];
  const pass = checks.every(([, ok]) => ok);
  const counters = Object.fromEntries(
    COUNTERS.map((c) => [
      c,
      run.instances.reduce((s, i) => s + i.runs.reduce((t, r) => t + (r.counters[c] ?? 0), 0), 0),
    ]),
  );

  const lines: string[] = [];
  const p = (s = '') => lines.push(s);
  p(`# Soak report — ${pass ? 'PASS' : 'FAIL'}`);
  p();
  p(
    `${run.durationS} s of load at ${run.rate} callbacks/s from ${run.senders} WeCom senders, three instances of ` +
      `\`dist/bot/main.js\` behind a round-robin proxy, own PostgreSQL and Redis; drain ${run.drainedS.toFixed(0)} s` +
      (run.drainedClean ? ' (everything finished)' : ' (drain time ran out with work left)') +
      '.',
  );
  p();
  p('## Verdict');
  p();
  p('| check | result | detail |');
  p('|---|---|---|');
  for (const [name, ok, detail] of checks) p(`| ${name} | ${ok ? 'ok' : 'FAILED'} | ${detail} |`);
  p();
  p('## Faults injected');
  p();
  p('| at s | fault | outcome |');
  p('|---|---|---|');
  for (const e of run.faults) p(`| ${e.atS.toFixed(1)} | ${e.fault} | ${e.outcome} |`);
  p();
  p('## Messages');
  p();
  p('| | n |');
  p('|---|---|');
  p(`| sent (distinct MsgIds) | ${f.sent} |`);
  p(`| acknowledged (HTTP 200 to some post) | ${f.acked} |`);
  p(`| never acknowledged (WeCom gave up after 3 retries) | ${f.notAcked} |`);
  p(`| acknowledged but not stored (lost) | ${f.ackedLost.length} |`);
  p(`| stored | ${f.stored} (of which not acknowledged: ${f.storedNotAcked}) |`);
  p(`| processed (done) | ${f.processed} (after an earlier attempt rolled back: ${f.reprocessedAfterFailure}) |`);
  p(`| parked (failed every attempt; the dealer told, the manager alerted) | ${f.parked} |`);
  p(`| unfinished after the drain | ${f.unfinished} |`);
  p(
    `| reply rows (outbox, WeCom app) by status | ${Object.entries(f.replyRows)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')} |`,
  );
  p(
    `| message/send calls for the senders | ${f.wire.calls}: delivered ${f.wire.delivered}, caught by the duplicate check ${f.wire.suppressed}, refused (fault) ${f.wire.refused} |`,
  );
  p(
    `| reply delay (first post → first reply shown), ms | p50 ${f.replyDelayMs.p50.toFixed(0)}, p99 ${f.replyDelayMs.p99.toFixed(0)}, max ${f.replyDelayMs.max.toFixed(0)} (n ${f.replyDelayMs.n}) |`,
  );
  p();
  p('## Duplicates on the wire');
  p();
  p(
    `- Caught by WeCom's duplicate check (accepted, not shown again): ${f.wire.suppressed}. Of these, ` +
      `${f.suppressedResends} were a reply sent again after a timed-out or unrecorded send (the check doing its job; ` +
      `the instances counted ${counters.outbox_send_unknown} timed-out sends, ${counters.outbox_resend_after_unknown} ` +
      `resent, ${counters.outbox_sent_unrecorded} "sent" never recorded), and ${f.withheldDistinctReplies} were a ` +
      `different reply with the same words and the same duplicate check interval as one shown (two same-worded ` +
      `replies written in the same second, e.g. after a stall): that reply was never shown on its own.`,
  );
  p(
    `- The ${f.suppressedResends} resends caught, told by timing: ${f.resendCauses.afterTimeout} a send that ` +
      `outlived the client's timeout and its resend (WeCom answered late; the row was retried as "unknown"), ` +
      `${f.resendCauses.afterUnrecordedSuccess} a resend of a send answered in time whose success was never recorded ` +
      `(the instance killed, or the database gone while recording it), sent again after its lease or retry.` +
      (f.resendCauses.examples.length
        ? ` Calls caught (s since the load started): ${f.resendCauses.examples.join('; ')}.`
        : ''),
  );
  p(
    `- Delivered twice (same reply reached the member again): ${f.deliveredTwice.length}` +
      (f.deliveredTwice.length
        ? ` — ${f.deliveredTwice
            .slice(0, 10)
            .map((d) => `outbox ${d.outboxId} to ${d.address} (attempts ${d.attempts}, ${d.status})`)
            .join('; ')}`
        : '') +
      `. The fake WeCom counted ${run.fakeStats.repeated} repeated deliveries of an identical request over all calls.`,
  );
  p(`- Replies recorded sent but never seen at WeCom (and not explained by the check): ${f.sentNotSeen}.`);
  p();
  if (f.orderViolations.length) {
    p('## Order violations');
    p();
    for (const v of f.orderViolations.slice(0, 20)) p(`- ${v.address}: ${v.detail}`);
    p();
  }
  p('## Rows after the drain');
  p();
  p(
    `Inbound unfinished past its lease: ${f.stuck.inboundPastLease}; still within a lease or backoff: ${f.stuck.inboundWaiting}. ` +
      `Outbox (to the senders) pending and due or sending past its lease: ${f.stuck.outboxOverdue}; waiting out a backoff or rate limit: ${f.stuck.outboxWaiting}.`,
  );
  const dead = Object.entries(run.deadLetters);
  p(`Dead letters (all routes): ${dead.length ? dead.map(([r, n]) => `${n} × ${r}`).join('; ') : 'none'}.`);
  p();
  p('## Instances');
  p();
  p('| instance | run | pid | peak RSS MB | ended | unknown sends | resent | "sent" unrecorded |');
  p('|---|---|---|---|---|---|---|---|');
  for (const i of run.instances) {
    i.runs.forEach((r, k) => {
      p(
        `| ${i.name} | ${k + 1} | ${r.pid} | ${r.peakRssMb.toFixed(0)} | ${r.exit ? JSON.stringify(r.exit) : i.alive && k === i.runs.length - 1 ? (i.ready ? 'up, ready' : 'up, NOT ready') : '?'} | ${r.counters.outbox_send_unknown ?? 0} | ${r.counters.outbox_resend_after_unknown ?? 0} | ${r.counters.outbox_sent_unrecorded ?? 0} |`,
      );
    });
  }
  p();
  p(
    `Proxy: requests per instance ${run.proxy.perUpstream.join(' / ')}; skipped a refusing instance ${run.proxy.refusedSkipped} times; no instance could take ${run.proxy.failed}.`,
  );
  p(`Load average (1/5/15 min): ${run.loads.join('; ')}.`);
  return { markdown: `${lines.join('\n')}\n`, pass };
}
