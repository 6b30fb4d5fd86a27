import type { CareStep } from '../../../core/care/care.service.js';
import type { JobDefinition } from '../job.types.js';

export const DAILY_CRON = '10 9 * * *';

/** A care job: a thin adapter calling one CareService step for the run's business day, its pushes queued from `sendFrom` (catch-up). */
const careJob = (name: string, step: CareStep, cron: string, description: string): JobDefinition => ({
  name,
  cron,
  description,
  run: (ctx) => ctx.services.transaction((s) => s.care.run(step, ctx.now, ctx.sendFrom)),
});

export const birthdayJob = careJob('care.birthday', 'birthday', DAILY_CRON, '生日关怀：今天过生日的经销商联系人');
export const anniversaryJob = careJob(
  'care.anniversary',
  'anniversary',
  DAILY_CRON,
  '合作周年：当天问候；三周年当月公布额外返利和本月计入金额',
);
export const replenishmentJob = careJob(
  'care.replenishment',
  'replenishment',
  DAILY_CRON,
  '补货建议：可售天数低于到货周期+7天的产品（每家经销商3天内最多一次）',
);
/** The anomaly lifecycle for every dealer: what the calendar moves (due dates, expiries, sales windows). */
export const anomalyJob: JobDefinition = {
  name: 'care.anomalies',
  cron: DAILY_CRON,
  description:
    '经营异常：库存积压、动销下降、逾期货款、临期库存（新出现的提醒经销商和客户经理一次；持续的不重复；消除后关闭）',
  run: async (ctx) => ({
    ...(await ctx.services.transaction((s) => s.anomalies.refresh('all', ctx.now, ctx.sendFrom))),
  }),
};
export const silentJob = careJob(
  'care.silent',
  'silent',
  DAILY_CRON,
  '沉默客户激活：90天未订货的经销商，给客户经理的激活方案（每月一次）',
);
export const successCaseJob = careJob(
  'care.success-case',
  'successCase',
  '10 10 * * 1',
  '每周成功案例：按标签和等级匹配，未发过的案例（周一 10:10）',
);

/** The daily care jobs, in the order `daily` runs them; each also runs alone (`jobs run care.birthday`). */
export const dailySteps: readonly JobDefinition[] = [
  birthdayJob,
  anniversaryJob,
  replenishmentJob,
  anomalyJob,
  silentJob,
];

/** Runs every daily care job in order, each in its own transaction; one failing does not stop the others. */
export const dailyJob: JobDefinition = {
  name: 'daily',
  cron: DAILY_CRON,
  description: '每日关怀（09:10）：生日、周年、补货建议、经营异常、沉默客户激活',
  async run(ctx) {
    const out: Record<string, number> = {};
    const failed: string[] = [];
    for (const step of dailySteps) {
      try {
        const r = await step.run(ctx);
        for (const [k, v] of Object.entries(r)) out[`${step.name}.${k}`] = v;
      } catch (e) {
        failed.push(step.name);
        ctx.log.warn({ job: step.name, err: (e as Error).message }, 'daily step failed');
      }
    }
    if (failed.length) throw new Error(`daily steps failed: ${failed.join(', ')}`);
    return out;
  },
};
