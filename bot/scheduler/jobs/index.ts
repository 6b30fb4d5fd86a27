import { shanghaiInstant } from '../../../core/common/time.js';
import type { JobDefinition } from '../job.types.js';
import { dealerScoreJob, tierApplyJob } from './dealer-score.job.js';
import { needsSlaJob } from './needs-sla.job.js';
import { outboxPruneJob } from './outbox-prune.job.js';
import { dailyJob, dailySteps, successCaseJob } from './care.jobs.js';
import { growthJobs } from './growth.jobs.js';
import { needPredictionJob, trendInsightJob, trendSummaryJob } from './insights.jobs.js';
import { honoursJob, trainingReminderJob } from './training.jobs.js';

/** Every scheduled job. Each capability contributes its jobs here. */
export const jobs: JobDefinition[] = [
  needsSlaJob,
  dailyJob,
  dealerScoreJob,
  tierApplyJob,
  successCaseJob,
  outboxPruneJob,
  trendInsightJob,
  trendSummaryJob,
  needPredictionJob,
  trainingReminderJob,
  honoursJob,
  ...growthJobs,
];

/** What can be run on demand (CLI, admin API): the scheduled jobs plus the daily steps, which also run alone. */
export function runnableJobs(): JobDefinition[] {
  return [...jobs, ...dailySteps.filter((s) => !jobs.some((j) => j.name === s.name))];
}

/** The instant a manual run stands for: `date` at the job's scheduled hh:mm (Shanghai), else now. */
export function runInstant(job: JobDefinition, date: string | undefined, now: Date): Date {
  if (!date) return now;
  const [min, hour] = job.cron.split(/\s+/);
  const hh = /^\d+$/.test(hour ?? '') ? hour!.padStart(2, '0') : '09';
  const mm = /^\d+$/.test(min ?? '') ? min!.padStart(2, '0') : '10';
  return shanghaiInstant(date, `${hh}:${mm}`);
}
