/**
 * Process-wide counters of the delivery pipeline, for /metrics (bot/console reads `snapshot()`) and tests.
 * Plain numbers in memory: each instance counts its own; a restart starts from zero, as Prometheus counters do.
 */
export type PipelineCounter =
  /** A WeCom send timed out: it may or may not have been delivered. */
  | 'outbox_send_unknown'
  /** An unknown send tried again on a route WeCom deduplicates (app message duplicate check, KF msgid). */
  | 'outbox_resend_after_unknown'
  /** An unknown send not tried again (no duplicate check on its route): recorded as sent. */
  | 'outbox_unknown_not_resent'
  /** Recording "sent" failed at first (database drop) and succeeded on a later try. */
  | 'outbox_sent_mark_retried'
  /** Recording "sent" failed for good: the row is sent again after its lease (a possible duplicate). */
  | 'outbox_sent_unrecorded'
  /** A WeCom callback refused before storing (bad signature, timestamp, body …). */
  | 'wecom_callback_rejected'
  /** A mini-program callback refused before storing. */
  | 'mp_callback_rejected';

const counts = new Map<PipelineCounter, number>();

export const pipelineMetrics = {
  increment(name: PipelineCounter, by = 1): void {
    counts.set(name, (counts.get(name) ?? 0) + by);
  },
  get(name: PipelineCounter): number {
    return counts.get(name) ?? 0;
  },
  snapshot(): Record<string, number> {
    return Object.fromEntries(counts);
  },
};
