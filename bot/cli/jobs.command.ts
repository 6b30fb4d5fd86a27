import { isIsoDate } from '../../core/policies/dates.js';
import { jobs, runInstant, runnableJobs } from '../scheduler/jobs/index.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: 'jobs list | jobs run NAME [--date YYYY-MM-DD] [--no-deliver]   scheduled jobs, run one now',
  async run(args, config, io, host) {
    const parsed = parseCommandArgs(args, { date: { type: 'string' }, 'no-deliver': { type: 'boolean' } }, io);
    const all = runnableJobs();
    if (parsed?.positionals[0] === 'list') {
      for (const j of all) {
        const scheduled = jobs.includes(j) ? j.cron : `(in daily)`;
        io.out(`${j.name.padEnd(22)} ${scheduled.padEnd(14)} ${j.description}`);
      }
      return 0;
    }
    const name = parsed?.positionals[1];
    if (parsed?.positionals[0] !== 'run' || !name) {
      io.err(`usage: npm run cli -- ${this.usage}`);
      return 2;
    }
    const job = all.find((j) => j.name === name);
    if (!job) {
      io.err(`unknown job ${name}; known: ${all.map((j) => j.name).join(', ')}`);
      return 2;
    }
    const { date } = parsed.values;
    if (date !== undefined && !isIsoDate(date)) {
      io.err('--date must be a date YYYY-MM-DD');
      return 2;
    }
    const log = { info: () => {}, warn: (o: object, m: string) => io.err(`${m} ${JSON.stringify(o)}`) };
    return host.withServices(async ({ services, deliverDue }) => {
      const now = runInstant(job, date, new Date());
      // A manual run gets its own slot: it really runs, and the pushes' dedupe keys keep it from sending twice.
      const outcome = await services.runJob(job.name, {
        slot: `cli:${new Date().toISOString()}`,
        instance: `cli-${process.pid}`,
        now,
        log,
      });
      if (!outcome.ran) {
        io.err('slot taken');
        return 1;
      }
      if ('error' in outcome) {
        io.err(`${job.name} failed after ${outcome.ms} ms: ${outcome.error}`);
        return 1;
      }
      io.out(`${job.name} @ ${now.toISOString()} (${outcome.ms} ms)`);
      for (const [k, v] of Object.entries(outcome.result)) io.out(`  ${k.padEnd(40)} ${v}`);
      // Without WeCom the messages go to the sandbox: deliver what is due now (the app's dispatcher does it too).
      if (!config.wecom && !parsed.values['no-deliver']) {
        io.out(`  ${'delivered (sandbox, due now)'.padEnd(40)} ${await deliverDue()}`);
      }
      return 0;
    });
  },
};
