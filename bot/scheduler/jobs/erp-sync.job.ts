import type { ErpSyncService } from '../../../core/erp/erp-sync.service.js';
import type { JobDefinition } from '../job.types.js';

/** Sums a per-form report's numeric fields into the run's counts; a failed form fails the run (retried). */
function totals(reports: readonly { form: string; error?: string }[], job: string): Record<string, number> {
  const failed = reports.filter((r) => r.error !== undefined);
  if (failed.length > 0) throw new Error(`${job}: ${failed.map((r) => `${r.form}: ${r.error}`).join('; ')}`);
  const out: Record<string, number> = { forms: reports.length };
  for (const r of reports) {
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'runId') out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

/**
 * The ERP jobs, present only when an ERP is configured: `erp.sync` every few minutes (each firing's slot runs once
 * across instances; the watermark makes a missed firing harmless, so interval jobs are not caught up) and
 * `erp.reconcile` weekly for bills deleted at the source.
 */
export function erpJobs(sync: ErpSyncService, everyMin: number): JobDefinition[] {
  return [
    {
      name: 'erp.sync',
      cron: `*/${everyMin} * * * *`,
      description: `ERP 同步（每 ${everyMin} 分钟）：订单、应收、库存按修改时间增量导入`,
      // The next firing reads the same window again: no retries of an old slot.
      maxAttempts: 1,
      run: async () => totals(await sync.sync({ who: 'scheduler' }), 'erp.sync'),
    },
    {
      name: 'erp.reconcile',
      cron: '30 3 * * 0',
      description: 'ERP 对账（每周日 03:30）：源头已删除的单据标记取消/删除，漏导的补导',
      run: async () => totals(await sync.reconcile({ who: 'scheduler' }), 'erp.reconcile'),
    },
  ];
}
