import { anniversaryJob, birthdayJob, DAILY_CRON } from './care-calendar.job.js';
import { silentJob } from './care-silent.job.js';
import { anomalyJob, replenishmentJob } from './care-stock.job.js';
/** The daily care jobs, in the order `daily` runs them; each also runs alone (`jobs run care.birthday`). */
export const dailySteps = [
    birthdayJob,
    anniversaryJob,
    replenishmentJob,
    anomalyJob,
    silentJob,
];
/** Runs every daily care job in order, each in its own transaction; one failing does not stop the others. */
export const dailyJob = {
    name: 'daily',
    cron: DAILY_CRON,
    description: '每日关怀（09:10）：生日、周年、补货建议、经营异常、沉默客户激活',
    async run(ctx) {
        const out = {};
        const failed = [];
        for (const step of dailySteps) {
            try {
                const r = await step.run(ctx);
                for (const [k, v] of Object.entries(r))
                    out[`${step.name}.${k}`] = v;
            }
            catch (e) {
                failed.push(step.name);
                ctx.log.warn({ job: step.name, err: e.message }, 'daily step failed');
            }
        }
        if (failed.length)
            throw new Error(`daily steps failed: ${failed.join(', ')}`);
        return out;
    },
};
//# sourceMappingURL=daily.job.js.map