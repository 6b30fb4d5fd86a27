import type { JobDefinition } from '../job.types.js';
import { needsSlaJob } from './needs-sla.job.js';

/** Every scheduled job. Each capability contributes its jobs here. */
export const jobs: JobDefinition[] = [needsSlaJob];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}
