import { isMonth, monthAsOf, previousMonth } from '../../../core/dealers/retiering.service.js';
import type { ScoringConfig } from '../../../core/dealers/scoring.js';
import type { JobContext, JobDefinition } from '../job.types.js';

export { isMonth, monthAsOf, previousMonth };

/** Scores `month` and re-tiers in one transaction (RetieringService.scoreMonth; also the CLI's `dealers score`). */
export function scoreMonth(
  services: JobContext['services'],
  month: string,
  now: Date,
  opts: { cfg?: ScoringConfig; sendFrom?: Date } = {},
): Promise<Record<string, number>> {
  return services.transaction((s) => s.retiering.scoreMonth(month, now, opts));
}

export const dealerScoreJob: JobDefinition = {
  name: 'dealers.score',
  cron: '10 6 1 * *',
  description: '月度分级（每月1日 06:10）：五维评分、调级、通知经销商和客户经理',
  run: (ctx) => scoreMonth(ctx.services, previousMonth(ctx.now), ctx.now, { sendFrom: ctx.sendFrom }),
};

/** New tiers announced in a re-tier take effect when their notice goes out (prices start with the notice). */
export const tierApplyJob: JobDefinition = {
  name: 'dealers.tier.apply',
  cron: '*/5 * * * *',
  description: '调级生效：新等级（及其价格）随调级通知一起生效，不早于通知',
  run: async (ctx) => ({ applied: await ctx.services.transaction((s) => s.retiering.applyDueTiers(ctx.now)) }),
};
