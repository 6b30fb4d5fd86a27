import type { JobDefinition } from '../job.types.js';

/** Daily, after the care run (09:10): seat holders of tomorrow's sessions. */
export const TRAINING_REMINDER_CRON = '40 9 * * *';
/** The 2nd of each quarter's first month, after the monthly scoring (1st, 06:10) has the last month's scores. */
export const HONOURS_CRON = '50 9 2 1,4,7,10 *';

export const trainingReminderJob: JobDefinition = {
  name: 'training.remind',
  cron: TRAINING_REMINDER_CRON,
  description: '培训提醒（每天 09:40）：明天开课的课程，提醒已报名的经销商（每个名额一次）',
  run: (ctx) => ctx.services.transaction((s) => s.trainingReminders.run(ctx.now, ctx.sendFrom)),
};

export const honoursJob: JobDefinition = {
  name: 'honours.award',
  cron: HONOURS_CRON,
  description:
    '荣誉评选（每季度首月2日 09:50）：按公开规则评出上季度（1月还有上年度）的协同之星和终端突破奖，通知获奖者和所在省份（每期一次）',
  run: (ctx) => ctx.services.transaction((s) => s.honours.run(ctx.now, ctx.sendFrom)),
};
