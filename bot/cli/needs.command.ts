import { reportPeriod } from '../../core/needs/report-period.js';
import { formatNeedsReport } from '../replies/needs.replies.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

const PERIOD_ERRORS = {
  from: '--from must be a date YYYY-MM-DD',
  to: '--to must be a date YYYY-MM-DD',
  order: '--from is after --to',
} as const;

export const needsCommand: CliCommand = {
  name: 'needs',
  usage: 'needs report [--from YYYY-MM-DD --to YYYY-MM-DD] [--json]   needs SLA report per tier',
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
      io,
    );
    if (parsed?.positionals[0] !== 'report') {
      io.err(`usage: npm run cli -- ${this.usage}`);
      return 2;
    }
    const now = new Date();
    const period = reportPeriod(parsed.values, now);
    if ('error' in period) {
      io.err(PERIOD_ERRORS[period.error]);
      return 2;
    }
    return host.withServices(async ({ services }) => {
      const report = await services.needsReport({ ...period, now });
      io.out(parsed.values.json ? JSON.stringify(report) : formatNeedsReport(report));
      return 0;
    });
  },
};
