import type { Push, PushQueue } from '../../../core/care/ports.js';
import type { PipelineStores } from '../../../core/messaging/ports.js';
import { pushText } from '../../replies/care.replies.js';
import { enqueue, type OutgoingMessage, type Route, routeDealers, routeManagers } from '../../pipeline/outbox.js';

/** A push as the outbox sees it: worded, without its delivery record (core's business). */
export type OutboxPush = Omit<Push, 'delivery' | 'message'> & { body: string };

/**
 * Routes and enqueues many pushes with a handful of statements (the per-call Notifier would cost two queries per
 * message), using the outbox's own routing rules for all recipients at once. Returns how many outbox rows were new.
 */
export async function sendPushes(
  stores: Pick<PipelineStores, 'outbox' | 'recipients'>,
  pushes: readonly OutboxPush[],
): Promise<number> {
  if (pushes.length === 0) return 0;
  const codes = (to: Push['to']) => [...new Set(pushes.filter((p) => p.to === to).map((p) => p.code))];
  const { outbox, recipients } = stores;
  const [dealers, managers, chats] = await Promise.all([
    routeDealers(recipients, codes('dealer')),
    routeManagers(recipients, codes('manager'), false),
    routeManagers(recipients, codes('managerChat'), true),
  ]);
  const routeOf = (p: OutboxPush): Route =>
    (p.to === 'dealer' ? dealers : p.to === 'manager' ? managers : chats).get(p.code)!;
  let written = 0;
  for (let i = 0; i < pushes.length; i += 1000) {
    const chunk: OutgoingMessage[] = pushes.slice(i, i + 1000).map((p) => ({
      recipient: p.code,
      ...routeOf(p),
      body: p.body,
      kind: p.kind,
      dedupeKey: p.dedupeKey,
      notBefore: p.notBefore,
    }));
    written += await enqueue(outbox, chunk);
  }
  return written;
}

/** core's PushQueue on the outbox of a transaction's stores: the bulk notifier of the care and scoring jobs. */
export class OutboxPushQueue implements PushQueue {
  constructor(private readonly stores: Pick<PipelineStores, 'outbox' | 'recipients'>) {}

  enqueue(pushes: readonly Push[]): Promise<number> {
    return sendPushes(
      this.stores,
      pushes.map(({ message, delivery: _, ...p }) => ({ ...p, body: pushText(message) })),
    );
  }
}
