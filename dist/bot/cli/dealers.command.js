import { withDatabase } from './database.js';
import { isMonth, previousMonth, scoreMonth } from '../scheduler/jobs/dealer-score.job.js';
import { parseArgs } from './command.types.js';
export const dealersCommand = {
    name: 'dealers',
    usage: 'dealers score [--month YYYY-MM]            score and re-tier every dealer (default: last month)',
    async run(args, config, io) {
        const { positional, options } = parseArgs(args);
        if (positional[0] !== 'score') {
            io.err(`usage: npm run cli -- ${this.usage}`);
            return 2;
        }
        const now = new Date();
        const month = options.month === undefined ? previousMonth(now) : options.month;
        if (typeof month !== 'string' || !isMonth(month)) {
            io.err('--month must be YYYY-MM');
            return 2;
        }
        return withDatabase(config, async (db) => {
            const started = performance.now();
            const r = await scoreMonth(db, month, now);
            io.out(`dealers scored for ${month} (${Math.round(performance.now() - started)} ms)`);
            for (const [k, v] of Object.entries(r))
                io.out(`  ${k.padEnd(10)} ${v}`);
            return 0;
        });
    },
};
//# sourceMappingURL=dealers.command.js.map