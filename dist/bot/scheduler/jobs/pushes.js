import { PUSHES_PER_MINUTE, pushNotBefore } from '../../../core/care/quiet-hours.js';
import { shanghaiDate } from '../../../core/common/time.js';
import { enqueue, routeDealers, routeManagers } from '../../pipeline/outbox.js';
export { PUSHES_PER_MINUTE };
/** Gives every push a `notBefore` by the one quiet-hours rule (core/care/quiet-hours.ts), spread over usable minutes. */
export function spreadPushes(pushes, now, perMinute = PUSHES_PER_MINUTE) {
    return pushes.map((p, i) => ({ ...p, notBefore: pushNotBefore(now, i, perMinute) }));
}
/**
 * Routes and enqueues many pushes with a handful of statements (the per-call Notifier would cost two queries per
 * message), using the outbox's own routing rules for all recipients at once. Returns how many outbox rows were new.
 */
export async function sendPushes(db, pushes) {
    if (pushes.length === 0)
        return 0;
    const codes = (to) => [...new Set(pushes.filter((p) => p.to === to).map((p) => p.code))];
    const [dealers, managers, chats] = await Promise.all([
        routeDealers(db, codes('dealer')),
        routeManagers(db, codes('manager'), false),
        routeManagers(db, codes('managerChat'), true),
    ]);
    const routeOf = (p) => (p.to === 'dealer' ? dealers : p.to === 'manager' ? managers : chats).get(p.code);
    let written = 0;
    for (let i = 0; i < pushes.length; i += 1000) {
        const chunk = pushes.slice(i, i + 1000).map((p) => ({
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
/** Where a run's pushes start: its business instant, or the real clock of a late run (catch-up) when later. */
export function sendFromOf(ctx) {
    return ctx.sendFrom && ctx.sendFrom > ctx.now ? ctx.sendFrom : ctx.now;
}
/**
 * Runs a job's plan in one transaction (reads and outbox writes together), spreads the pushes over quiet-hours-safe
 * minutes and reports `queued` (new outbox rows) beside the plan's counts.
 */
export async function runPlan(ctx, plan) {
    const date = shanghaiDate(ctx.now);
    return ctx.db.transaction().execute(async (trx) => {
        const p = await plan(trx, date, ctx.now);
        const queued = await sendPushes(trx, spreadPushes(p.pushes, sendFromOf(ctx)));
        return { ...p.counts, queued };
    });
}
//# sourceMappingURL=pushes.js.map