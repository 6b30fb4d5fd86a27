import type { JobContext, JobDefinition } from '../job.types.js';

/**
 * The needs SLA clock: every 5 minutes, warn owners at 50% and 80% of each deadline and escalate breaches to the
 * regional manager. Checkpoints, timeline rows and messages commit together; need_events' unique dedupe key makes
 * each checkpoint fire once even when two runs overlap.
 */
export async function runNeedsSla(ctx: Pick<JobContext, 'services' | 'now'>): Promise<Record<string, number>> {
  return { ...(await ctx.services.transaction((s) => s.needs.checkSla(ctx.now))) };
}

export const needsSlaJob: JobDefinition = {
  name: 'needs.sla',
  cron: '*/5 * * * *',
  description: '需求 SLA：50%/80% 预警负责人，超时升级区域经理（每个节点一次）',
  run: runNeedsSla,
};
