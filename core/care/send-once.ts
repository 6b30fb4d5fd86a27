import type { Delivery, DeliveryLog, Push, PushQueue } from './ports.js';
import { PUSHES_PER_MINUTE, pushNotBefore } from './quiet-hours.js';

/** What a planner computes: its pushes and the counts it reports. */
export interface CarePlan {
  pushes: Push[];
  counts: Record<string, number>;
}

/** Gives every push a `notBefore` by the one quiet-hours rule, spread over usable minutes. */
export function spreadPushes(pushes: readonly Push[], from: Date, perMinute = PUSHES_PER_MINUTE): Push[] {
  return pushes.map((p, i) => ({ ...p, notBefore: pushNotBefore(from, i, perMinute) }));
}

const joinKey = (d: Delivery) => `${d.subject}\u0000${d.key}`;

/** The pushes whose delivery is not recorded yet (one lookup per kind). */
export async function notYetDelivered(log: DeliveryLog, pushes: readonly Push[]): Promise<Push[]> {
  const byKind = new Map<string, Push[]>();
  for (const p of pushes) byKind.set(p.delivery.kind, [...(byKind.get(p.delivery.kind) ?? []), p]);
  const done = new Set<string>();
  for (const [kind, list] of byKind) {
    const subjects = [...new Set(list.map((p) => p.delivery.subject))];
    const keys = [...new Set(list.map((p) => p.delivery.key))];
    for (const [subject, set] of await log.sentKeys(kind, subjects, keys))
      for (const key of set) done.add(`${kind}\u0000${joinKey({ kind, subject, key })}`);
  }
  return pushes.filter((p) => !done.has(`${p.delivery.kind}\u0000${joinKey(p.delivery)}`));
}

/**
 * Sends a plan's pushes at most once each: drops those already recorded, spreads the rest over quiet-hours-safe
 * minutes from `from`, queues them and records their deliveries — in the caller's transaction, so the record and
 * the outbox row commit together. Returns how many outbox rows were new.
 */
export async function sendOnce(
  ports: { deliveries: DeliveryLog; queue: PushQueue },
  pushes: readonly Push[],
  from: Date,
): Promise<number> {
  const fresh = spreadPushes(await notYetDelivered(ports.deliveries, pushes), from);
  if (fresh.length === 0) return 0;
  const queued = await ports.queue.enqueue(fresh);
  await ports.deliveries.record(
    fresh.map((p) => p.delivery),
    from,
  );
  return queued;
}
