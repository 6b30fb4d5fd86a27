import { randomUUID } from 'node:crypto';
import cron, {} from 'node-cron';
import { shanghaiDate } from '../../core/common/time.js';
import { runJobInSlot, slotOf } from './job-runner.js';
/** How often a running scheduler looks for today's missed or failed slots (restart catch-up runs at start too). */
export const DEFAULT_CATCH_UP_EVERY_MS = 10 * 60_000;
const fieldMatches = (field, value) => field === '*' || (/^\d+$/.test(field) && Number(field) === value);
/**
 * Today's firing of a job whose cron names one minute and hour (daily, or weekly/monthly on a fixed day), once that
 * moment has passed; null for interval crons (`*\/5 * * * *`), days the cron does not fire, and firings still ahead.
 */
export function todaysFiring(cronExpr, now) {
    const [min, hour, dom, month, dow] = cronExpr.trim().split(/\s+/);
    if (!min || !hour || !dom || !month || !dow || !/^\d+$/.test(min) || !/^\d+$/.test(hour))
        return null;
    const date = shanghaiDate(now);
    const [y, m, d] = date.split('-').map(Number);
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const dowOk = dow === '*' || (/^\d+$/.test(dow) && Number(dow) % 7 === weekday);
    if (!fieldMatches(dom, d) || !fieldMatches(month, m) || !dowOk)
        return null;
    const at = new Date(`${date}T${hour.padStart(2, '0')}:${min.padStart(2, '0')}:00+08:00`);
    return at <= now ? at : null;
}
/**
 * node-cron in Asia/Shanghai; each firing claims its slot in job_runs, so one instance runs it. At start and then
 * every few minutes it also claims today's slot of each fixed-time job whose moment has passed (a restart at 09:30
 * still sends 09:10's pushes; a failed or crashed run is retried) — the same slot key, so still one run per slot.
 */
export class Scheduler {
    db;
    jobs;
    ctx;
    opts;
    tasks = [];
    running = new Set();
    timer = null;
    catchingUp = null;
    instance = randomUUID().slice(0, 8);
    constructor(db, jobs, ctx, opts = {}) {
        this.db = db;
        this.jobs = jobs;
        this.ctx = ctx;
        this.opts = opts;
    }
    track(p) {
        const tracked = p.finally(() => this.running.delete(tracked));
        this.running.add(tracked);
        return tracked;
    }
    start() {
        for (const job of this.jobs) {
            const task = cron.schedule(job.cron, () => {
                const now = new Date();
                void this.track(runJobInSlot(this.db, job, slotOf(now), this.instance, { ...this.ctx, now }));
            }, { timezone: 'Asia/Shanghai', name: job.name, noOverlap: true });
            this.tasks.push(task);
        }
        const sweep = () => {
            if (this.catchingUp)
                return;
            this.catchingUp = this.track(this.catchUp().catch((e) => this.ctx.log.warn({ err: e.message }, 'scheduler catch-up failed'))).finally(() => {
                this.catchingUp = null;
            });
        };
        sweep();
        const every = this.opts.catchUpEveryMs ?? DEFAULT_CATCH_UP_EVERY_MS;
        if (every > 0) {
            this.timer = setInterval(sweep, every);
            this.timer.unref();
        }
    }
    /**
     * Claims and runs, one after another, today's slot of every fixed-time job whose moment has passed and whose slot
     * is not done (new, failed, or stale 'running'); a done or freshly running slot is skipped by the claim itself.
     */
    async catchUp() {
        const now = this.opts.now?.() ?? new Date();
        const out = [];
        for (const job of this.jobs) {
            const at = todaysFiring(job.cron, now);
            if (!at)
                continue;
            const slot = slotOf(at);
            // The run stands for its scheduled moment (business date, windows); its pushes go from now, quiet hours apply.
            const outcome = await runJobInSlot(this.db, job, slot, this.instance, { ...this.ctx, now: at, sendFrom: now });
            if (outcome.ran)
                this.ctx.log.info({ job: job.name, slot }, 'scheduler caught up a missed or failed slot');
            out.push({ job: job.name, slot, outcome });
        }
        return out;
    }
    async stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = null;
        for (const t of this.tasks)
            await t.stop();
        await Promise.allSettled([...this.running]);
    }
}
//# sourceMappingURL=scheduler.js.map