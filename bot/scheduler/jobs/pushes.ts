import { type Kysely, sql } from 'kysely';
import { spreadSendTime } from '../../../core/care/quiet-hours.js';
import { shanghaiDate } from '../../../core/shared/time.js';
import type { Database } from '../../../db/schema.js';
import { enqueue, type OutgoingMessage, type Route } from '../../pipeline/outbox.js';
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

/** Pushes per minute of a bulk send (WeCom's app API is throttled per member; a steady flow avoids bursts). */
export const PUSHES_PER_MINUTE = 120;

/** Gives every push a `notBefore` outside quiet hours, spread over usable minutes (never :00 or :30). */
export function spreadPushes(pushes: Push[], now: Date, perMinute = PUSHES_PER_MINUTE): Push[] {
  return pushes.map((p, i) => ({ ...p, notBefore: spreadSendTime(now, i, { perMinute }) }));
}

/**
 * Routes and enqueues many pushes with a handful of statements (the per-call Notifier would cost two queries per
 * message). The routing rule is the one of routeToDealer / routeToManager in bot/pipeline/outbox.ts, applied to
 * all recipients at once: dealers by WeCom app when they are members, else KF (the dispatcher checks the 48 h
 * window and hands over to the manager), else the sandbox; managers by their alert chat (webhook, then app chat)
 * or their WeCom account. Returns how many outbox rows were new.
 */
export async function sendPushes(db: Kysely<Database>, pushes: readonly Push[]): Promise<number> {
  if (pushes.length === 0) return 0;
  const dealerCodes = [...new Set(pushes.filter((p) => p.to === 'dealer').map((p) => p.code))];
  const managerCodes = [...new Set(pushes.filter((p) => p.to !== 'dealer').map((p) => p.code))];
  const dealerRoutes = new Map<string, Route>();
  if (dealerCodes.length) {
    const { rows } = await sql<{ dealer_code: string; channel: string; external_id: string }>`
      select dealer_code, channel, external_id from channel_identities
      where dealer_code = any(${dealerCodes}) and channel in ('wecom', 'kf')
      order by dealer_code, channel desc, external_id`.execute(db);
    // 'wecom' sorts after 'kf' descending first: the first row per dealer is its best route.
    for (const r of rows) {
      if (dealerRoutes.has(r.dealer_code)) continue;
      dealerRoutes.set(r.dealer_code, { route: r.channel === 'wecom' ? 'wecom_app' : 'kf', address: r.external_id });
    }
  }
  const managers = new Map<string, { wecom_userid: string | null; alert_chat_id: string | null; webhook_key: string | null }>();
  if (managerCodes.length) {
    const rows = await db
      .selectFrom('managers')
      .select(['code', 'wecom_userid', 'alert_chat_id', 'webhook_key'])
      .where('code', 'in', managerCodes)
      .execute();
    for (const r of rows) managers.set(r.code, r);
  }
  const routeOf = (p: Push): Route => {
    if (p.to === 'dealer') return dealerRoutes.get(p.code) ?? { route: 'sandbox', address: p.code };
    const m = managers.get(p.code);
    if (!m) return { route: 'sandbox', address: p.code };
    if (p.to === 'managerChat' && m.webhook_key) return { route: 'wecom_webhook', address: m.webhook_key };
    if (p.to === 'managerChat' && m.alert_chat_id) return { route: 'wecom_appchat', address: m.alert_chat_id };
    if (m.wecom_userid) return { route: 'wecom_app', address: m.wecom_userid };
    return { route: 'sandbox', address: p.code };
  };
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
    written += await enqueue(db, chunk);
  }
  return written;
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
    const queued = await sendPushes(trx, spreadPushes(p.pushes, ctx.now));
    return { ...p.counts, queued };
  });
}
