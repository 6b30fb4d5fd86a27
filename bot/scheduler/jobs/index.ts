import type { JobDefinition } from '../job.types.js';
import { needsSlaJob } from './needs-sla.job.js';
import { dailyJob } from './daily.job.js';
import { dealerScoreJob } from './dealer-score.job.js';
import { successCaseJob } from './success-case.job.js';

/** Every scheduled job. Each capability contributes its jobs here. */
export const jobs: JobDefinition[] = [needsSlaJob, dailyJob, dealerScoreJob, successCaseJob];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}
