import { NeedsService } from '../../../core/needs/needs.service.js';
import { NeedsRepository } from '../../../db/repositories/needs.repository.js';
import { needNotices } from '../../replies/needs.replies.js';
/**
 * The needs SLA clock: every 5 minutes, warn owners at 50% and 80% of each deadline and escalate breaches to the
 * regional manager. Checkpoints, timeline rows and messages commit together; need_events' unique dedupe key makes
 * each checkpoint fire once even when two runs overlap.
 */
export async function runNeedsSla(ctx) {
    const r = await ctx.db.transaction().execute((trx) => new NeedsService({
        store: new NeedsRepository(trx),
        notifier: ctx.notifier(trx),
        notices: needNotices,
        sla: ctx.settings?.needSla,
    }).checkSla(ctx.now));
    return { ...r };
}
export const needsSlaJob = {
    name: 'needs.sla',
    cron: '*/5 * * * *',
    description: '需求 SLA：50%/80% 预警负责人，超时升级区域经理（每个节点一次）',
    run: runNeedsSla,
};
//# sourceMappingURL=needs-sla.job.js.map