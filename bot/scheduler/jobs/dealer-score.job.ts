import { isMonth, monthAsOf, previousMonth } from '../../../core/dealers/retiering.service.js';
import type { ScoringConfig } from '../../../core/dealers/scoring.js';
import { pipelineStores } from '../../../db/repositories/pipeline.stores.js';
import { outboxNotifier } from '../../pipeline/outbox.js';
import type { JobContext, JobDefinition } from '../job.types.js';
import { inTransaction } from './in-transaction.js';

export { isMonth, monthAsOf, previousMonth };

/** Scores `month` and re-tiers in one transaction (RetieringService.scoreMonth; also the CLI's `dealers score`). */
export function scoreMonth(
  db: JobContext['db'],
  month: string,
  now: Date,
  opts: { cfg?: ScoringConfig; sendFrom?: Date; services?: JobContext['services'] } = {},
): Promise<Record<string, number>> {
  const ctx = { db, services: opts.services, notifier: (trx: JobContext['db']) => outboxNotifier(pipelineStores(trx)) };
  return inTransaction(ctx, (s) => s.retiering.scoreMonth(month, now, opts));
}

export const dealerScoreJob: JobDefinition = {
  name: 'dealers.score',
  cron: '10 6 1 * *',
  description: '月度分级（每月1日 06:10）：五维评分、调级、通知经销商和客户经理',
  run: (ctx) =>
    inTransaction(ctx, (s) => s.retiering.scoreMonth(previousMonth(ctx.now), ctx.now, { sendFrom: ctx.sendFrom })),
};
