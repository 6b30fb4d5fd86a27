import type { JobDefinition } from '../job.types.js';

/** Invites the targeted dealers of open campaigns not invited yet (campaigns created in SQL or the seed included). */
export const campaignInviteJob: JobDefinition = {
  name: 'campaigns.invite',
  cron: '20 9 * * *',
  description: '联合活动邀请：向活动面向的经销商发邀请（每家每个活动一次）',
  run: (ctx) => ctx.services.transaction((s) => s.campaigns.inviteOpen(ctx.sendFrom ?? ctx.now)),
};

/** Records and reports the results of campaigns that ended (sell-through in the window vs the dealer's baseline). */
export const campaignResultsJob: JobDefinition = {
  name: 'campaigns.results',
  cron: '25 9 * * *',
  description: '联合活动结果：活动结束后统计参与经销商活动期动销与活动前同等天数的对比，发给经销商和客户经理',
  run: (ctx) => ctx.services.transaction((s) => s.campaigns.recordResults(ctx.sendFrom ?? ctx.now)),
};

/** Monday: each account manager's dealers due this week by their tier's cadence. */
export const cadencePlanJob: JobDefinition = {
  name: 'cadence.plan',
  cron: '5 9 * * 1',
  description: '客户经理本周联系计划（周一 09:05）：按等级联系周期本周到期和已逾期的经销商，每周一次',
  run: (ctx) => ctx.services.transaction((s) => s.cadence.sendWeeklyPlans(ctx.sendFrom ?? ctx.now)),
};

/** The other days: dealers that became overdue, told to their manager once per due day. */
export const cadenceOverdueJob: JobDefinition = {
  name: 'cadence.overdue',
  cron: '35 9 * * 0,2-6',
  description: '联系逾期提醒（周二至周日 09:35）：超过联系周期的经销商提醒客户经理，每家每个到期日一次',
  run: (ctx) => ctx.services.transaction((s) => s.cadence.remindOverdue(ctx.sendFrom ?? ctx.now)),
};

export const growthJobs: readonly JobDefinition[] = [
  campaignInviteJob,
  campaignResultsJob,
  cadencePlanJob,
  cadenceOverdueJob,
];
