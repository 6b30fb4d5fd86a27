import type { Kysely } from 'kysely';
import { PUSHES_PER_MINUTE, pushNotBefore } from '../../../core/care/quiet-hours.js';
import { shanghaiDate } from '../../../core/common/time.js';
import { pipelineStores } from '../../../db/repositories/pipeline.stores.js';
import type { Database } from '../../../db/schema.js';
import { enqueue, type OutgoingMessage, type Route, routeDealers, routeManagers } from '../../pipeline/outbox.js';
import type { JobContext } from '../job.types.js';

/** A proactive push a job wants to send; routed and written to the outbox in bulk by `sendPushes`. */
export interface Push {
  to: 'dealer' | 'manager' | 'managerChat';
  code: string;
  body: string;
  kind: string;
  /** (job, recipient, date): a re-run writes nothing new. */
  dedupeKey: string;
  notBefore?: Date;
}

export { PUSHES_PER_MINUTE };

/** Gives every push a `notBefore` by the one quiet-hours rule (core/care/quiet-hours.ts), spread over usable minutes. */
export function spreadPushes(pushes: Push[], now: Date, perMinute = PUSHES_PER_MINUTE): Push[] {
  return pushes.map((p, i) => ({ ...p, notBefore: pushNotBefore(now, i, perMinute) }));
}

/**
 * Routes and enqueues many pushes with a handful of statements (the per-call Notifier would cost two queries per
 * message), using the outbox's own routing rules for all recipients at once. Returns how many outbox rows were new.
 */
export async function sendPushes(db: Kysely<Database>, pushes: readonly Push[]): Promise<number> {
  if (pushes.length === 0) return 0;
  const codes = (to: Push['to']) => [...new Set(pushes.filter((p) => p.to === to).map((p) => p.code))];
  const { outbox, recipients } = pipelineStores(db);
  const [dealers, managers, chats] = await Promise.all([
    routeDealers(recipients, codes('dealer')),
    routeManagers(recipients, codes('manager'), false),
    routeManagers(recipients, codes('managerChat'), true),
  ]);
  const routeOf = (p: Push): Route =>
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

/** Where a run's pushes start: its business instant, or the real clock of a late run (catch-up) when later. */
export function sendFromOf(ctx: Pick<JobContext, 'now' | 'sendFrom'>): Date {
  return ctx.sendFrom && ctx.sendFrom > ctx.now ? ctx.sendFrom : ctx.now;
}

/** What a care job computes: its pushes and the counts it reports. */
export interface JobPlan {
  pushes: Push[];
  counts: Record<string, number>;
}

/**
 * Runs a job's plan in one transaction (reads and outbox writes together), spreads the pushes over quiet-hours-safe
 * minutes and reports `queued` (new outbox rows) beside the plan's counts.
 */
export async function runPlan(
  ctx: JobContext,
  plan: (db: Kysely<Database>, date: string, now: Date) => Promise<JobPlan>,
): Promise<Record<string, number>> {
  const date = shanghaiDate(ctx.now);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await plan(trx, date, ctx.now);
    const queued = await sendPushes(trx, spreadPushes(p.pushes, sendFromOf(ctx)));
    return { ...p.counts, queued };
  });
}
