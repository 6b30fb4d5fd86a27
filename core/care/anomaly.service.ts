import { shanghaiDate } from '../common/time.js';
import { findAnomalies, reconcileAnomalies } from './anomalies.js';
import type { Anomaly, AnomalyNotices, AnomalyScope, AnomalyStore } from './anomaly.types.js';
import type { DeliveryLog, Push, PushQueue } from './ports.js';
import { spreadPushes } from './send-once.js';

export interface AnomalyRefresh {
  dealers: number;
  opened: number;
  seen: number;
  closed: number;
  /** Outbox rows written (dealer and manager notices of the newly opened). */
  queued: number;
}

/**
 * The anomaly lifecycle: per dealer, kind and subject an anomaly opens when it first appears (the dealer and their
 * account manager are told once), is seen while it persists (nothing sent), and closes when it clears (nothing sent;
 * if it comes back it opens anew and is told again). Run for the dealers an import touched, right after its commit,
 * and for everyone by the daily job (due dates and expiries move with the calendar).
 *
 * @example
 * await anomalies.refresh(['D0012'], now); // after a dealer-stock import of D0012
 * await anomalies.refresh('all', now);     // the daily care.anomalies job
 */
export class AnomalyService {
  constructor(
    private readonly ports: { store: AnomalyStore; queue: PushQueue; deliveries: DeliveryLog; notices: AnomalyNotices },
  ) {}

  /** Brings the scope's open anomalies in line with the data of `now`'s business date; queues notices from `sendFrom`. */
  async refresh(scope: AnomalyScope, now: Date, sendFrom: Date = now): Promise<AnomalyRefresh> {
    const { store, queue, notices } = this.ports;
    if (scope !== 'all' && scope.length === 0) return { dealers: 0, opened: 0, seen: 0, closed: 0, queued: 0 };
    const date = shanghaiDate(now);
    const [inputs, open] = await Promise.all([store.inputs(date, scope), store.openAnomalies(scope)]);
    const inScope = scope === 'all' ? null : new Set(scope);
    const findings = findAnomalies(inputs, date).filter((f) => !inScope || inScope.has(f.dealerCode));
    const change = reconcileAnomalies(open, findings);
    await store.seen(change.seen, now);
    await store.close(change.closed, now);
    // Only the rows this refresh inserted are told: a racing refresh that opened the same ones tells them itself.
    const opened = await store.open(change.opened, now);
    const byDealer = new Map<string, Anomaly[]>();
    for (const a of opened) byDealer.set(a.dealerCode, [...(byDealer.get(a.dealerCode) ?? []), a]);
    const dealers = await store.dealers([...byDealer.keys()].sort());
    const pushes: Push[] = [];
    for (const d of dealers) {
      const list = byDealer.get(d.code)!;
      const key = `${d.code}:${list.map((a) => a.id).join(',')}`;
      const delivery = { kind: 'anomaly.opened', subject: d.code, key };
      pushes.push({
        to: 'dealer',
        code: d.code,
        message: { kind: 'worded', body: notices.dealer(d, list) },
        kind: 'anomaly.opened',
        dedupeKey: `anomaly.opened:${key}`,
        delivery,
      });
      pushes.push({
        to: 'managerChat',
        code: d.managerCode,
        message: { kind: 'worded', body: notices.manager(d, list) },
        kind: 'anomaly.opened.manager',
        dedupeKey: `anomaly.opened.manager:${key}`,
        delivery: { ...delivery, kind: 'anomaly.opened.manager' },
      });
    }
    const from = sendFrom > now ? sendFrom : now;
    const queued = await queue.enqueue(spreadPushes(pushes, from));
    // The delivery log keeps what was sent after the outbox is pruned, like every other push.
    if (pushes.length > 0)
      await this.ports.deliveries.record(
        pushes.map((p) => p.delivery),
        from,
      );
    const dealerCount = scope === 'all' ? new Set([...open, ...findings].map((a) => a.dealerCode)).size : scope.length;
    return {
      dealers: dealerCount,
      opened: opened.length,
      seen: change.seen.length,
      closed: change.closed.length,
      queued,
    };
  }

  /** A dealer's open anomalies (the feed), newest first. */
  async openFor(dealerCode: string): Promise<Anomaly[]> {
    const open = await this.ports.store.openAnomalies([dealerCode]);
    return open.sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime() || b.id - a.id);
  }
}
