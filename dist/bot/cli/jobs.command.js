import { isIsoDate } from '../../core/policies/dates.js';
import { openKeyValueStore } from '../../adapters/kv/index.js';
import { withDatabase } from './database.js';
import { PipelineBus } from '../pipeline/bus.js';
import { OutboxDispatcher } from '../pipeline/dispatcher.js';
import { outboxNotifier } from '../pipeline/outbox.js';
import { runJobInSlot } from '../scheduler/job-runner.js';
import { jobs, runInstant, runnableJobs } from '../scheduler/jobs/index.js';
import { parseArgs } from './command.types.js';
export const jobsCommand = {
    name: 'jobs',
    usage: 'jobs list | jobs run NAME [--date YYYY-MM-DD] [--no-deliver]   scheduled jobs, run one now',
    async run(args, config, io) {
        const { positional, options } = parseArgs(args);
        const all = runnableJobs();
        if (positional[0] === 'list') {
            for (const j of all) {
                const scheduled = jobs.includes(j) ? j.cron : `(in daily)`;
                io.out(`${j.name.padEnd(22)} ${scheduled.padEnd(14)} ${j.description}`);
            }
            return 0;
        }
        const name = positional[1];
        if (positional[0] !== 'run' || !name) {
            io.err(`usage: npm run cli -- ${this.usage}`);
            return 2;
        }
        const job = all.find((j) => j.name === name);
        if (!job) {
            io.err(`unknown job ${name}; known: ${all.map((j) => j.name).join(', ')}`);
            return 2;
        }
        const date = typeof options.date === 'string' ? options.date : undefined;
        if (options.date !== undefined && (!date || !isIsoDate(date))) {
            io.err('--date must be a date YYYY-MM-DD');
            return 2;
        }
        const kv = await openKeyValueStore(config.kv);
        const log = { info: () => { }, warn: (o, m) => io.err(`${m} ${JSON.stringify(o)}`) };
        try {
            return await withDatabase(config, async (db) => {
                const now = runInstant(job, date, new Date());
                // A manual run gets its own slot: it really runs, and the pushes' dedupe keys keep it from sending twice.
                const outcome = await runJobInSlot(db, job, `cli:${new Date().toISOString()}`, `cli-${process.pid}`, {
                    kv,
                    now,
                    notifier: (db) => outboxNotifier(db),
                    log,
                    settings: { needSla: config.needs.sla },
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
                for (const [k, v] of Object.entries(outcome.result))
                    io.out(`  ${k.padEnd(40)} ${v}`);
                // Without WeCom the messages go to the sandbox: deliver what is due now (the app's dispatcher does it too).
                if (!config.wecom && options['no-deliver'] === undefined) {
                    const dispatcher = new OutboxDispatcher(db, new PipelineBus(), {
                        kv,
                        transports: null,
                        kf: null,
                        maxAttempts: config.pipeline.outboxMaxAttempts,
                        batchSize: 500,
                    });
                    let delivered = 0;
                    for (let n = await dispatcher.runOnce(); n > 0; n = await dispatcher.runOnce())
                        delivered += n;
                    io.out(`  ${'delivered (sandbox, due now)'.padEnd(40)} ${delivered}`);
                }
                return 0;
            });
        }
        finally {
            await kv.close();
        }
    },
};
//# sourceMappingURL=jobs.command.js.map