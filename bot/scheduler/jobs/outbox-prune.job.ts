import { DEFAULT_OUTBOX_RETENTION_DAYS } from '../../../core/scheduling/ports.js';
import type { JobDefinition } from '../job.types.js';

const DAY_MS = 86_400_000;

/**
 * The outbox is a delivery queue, not history (care history is in care_deliveries): every night, delivered and
 * dead rows older than the retention go.
 */
export const outboxPruneJob: JobDefinition = {
  name: 'outbox.prune',
  cron: '40 3 * * *',
  description: '发件箱清理（每日 03:40）：删除超过保留天数的已发送/已放弃消息',
  run: async (ctx) => {
    const days = ctx.settings?.outboxRetentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS;
    const before = new Date(ctx.now.getTime() - days * DAY_MS);
    const pruned = await ctx.services.transaction((s) => s.outboxRetention.pruneFinished(before));
    return { pruned, retentionDays: days };
  },
};
