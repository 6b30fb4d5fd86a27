import type { ErpSyncService } from '../../core/erp/erp-sync.service.js';
import { type CliCommand, type CliIo, parseCommandArgs } from './command.types.js';

const USAGE = 'erp sync [--since ISO] [--form FORM] | erp reconcile [--form FORM]   (Kingdee K/3 Cloud, ERP_KINGDEE_*)';

const OPTIONS = { since: { type: 'string' }, form: { type: 'string' } } as const;

/**
 * `erp sync` / `erp reconcile` on an ErpSyncService: one human line per form, then the per-form reports as one JSON
 * array (the last stdout line). Exit 0 when every form synced, 1 when one failed, 2 on bad usage or no ERP.
 */
export async function runErpCommand(args: string[], sync: ErpSyncService, io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, OPTIONS, io);
  if (!parsed) return 2;
  const [verb, ...extra] = parsed.positionals;
  const { since, form } = parsed.values;
  if ((verb !== 'sync' && verb !== 'reconcile') || extra.length > 0 || (verb === 'reconcile' && since)) {
    io.err(`usage: npm run cli -- ${USAGE}`);
    return 2;
  }
  if (form !== undefined && !sync.forms.includes(form)) {
    io.err(`unknown form ${form}: ${sync.forms.join(', ')}`);
    return 2;
  }
  const at = since === undefined ? undefined : new Date(since);
  if (at && Number.isNaN(at.getTime())) {
    io.err(`--since must be an ISO date or time (e.g. 2026-11-01T00:00:00+08:00), not ${since}`);
    return 2;
  }
  const who = 'cli';
  if (verb === 'sync') {
    const reports = await sync.sync({ who, form, since: at });
    for (const r of reports) {
      io.out(
        r.error
          ? `${r.form} → ${r.entity}: FAILED (${r.error}); watermark stays ${r.watermark ?? '-'}`
          : `${r.form} → ${r.entity}: run #${r.runId} ${r.status}; ${r.rows} rows, ${r.inserted} inserted, ` +
              `${r.updated} updated, ${r.unchanged} unchanged, ${r.errors} errors; from ${r.from ?? 'the start'}, ` +
              `watermark ${r.watermark ?? '-'}`,
      );
    }
    io.out(JSON.stringify(reports));
    return reports.some((r) => r.error) ? 1 : 0;
  }
  const reports = await sync.reconcile({ who, form });
  for (const r of reports) {
    io.out(
      r.error
        ? `${r.form}: FAILED (${r.error})`
        : `${r.form} ${r.from}..${r.to}: ${r.atSource} at the source, ${r.known} imported; ${r.cancelled} cancelled, ` +
            `${r.deleted} deleted, ${r.kept} kept (paid), ${r.fetched} fetched`,
    );
  }
  io.out(JSON.stringify(reports));
  return reports.some((r) => r.error) ? 1 : 0;
}

export const erpCommand: CliCommand = {
  name: 'erp',
  usage: USAGE,
  async run(args, config, io, host) {
    if (!config.erp) {
      io.err(
        'no ERP configured: set ERP_KINGDEE_URL, ERP_KINGDEE_ACCT_ID, ERP_KINGDEE_USERNAME and ERP_KINGDEE_PASSWORD (or ERP_KINGDEE_APP_ID + ERP_KINGDEE_APP_SECRET)',
      );
      return 2;
    }
    return host.withServices(({ erp }) => runErpCommand(args, erp!, io));
  },
};
