import { isMonth, previousMonth } from '../scheduler/jobs/dealer-score.job.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

export const dealersCommand: CliCommand = {
  name: 'dealers',
  usage: 'dealers score [--month YYYY-MM]            score and re-tier every dealer (default: last month)',
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(args, { month: { type: 'string' } }, io);
    if (parsed?.positionals[0] !== 'score') {
      io.err(`usage: npm run cli -- ${this.usage}`);
      return 2;
    }
    const now = new Date();
    const month = parsed.values.month ?? previousMonth(now);
    if (!isMonth(month)) {
      io.err('--month must be YYYY-MM');
      return 2;
    }
    return host.withServices(async ({ services }) => {
      const started = performance.now();
      const r = await services.scoreDealers(month, now);
      io.out(`dealers scored for ${month} (${Math.round(performance.now() - started)} ms)`);
      for (const [k, v] of Object.entries(r)) io.out(`  ${k.padEnd(10)} ${v}`);
      return 0;
    });
  },
};
