import { isIsoDate } from '../../core/policies/index.js';
import { addDays, shanghaiDate } from '../../core/common/time.js';
import { withDatabase } from './database.js';
import { needsReport } from '../../db/repositories/needs.repository.js';
import { formatNeedsReport } from '../replies/needs.replies.js';
import { parseArgs } from './command.types.js';
/** The report period: --from/--to (Shanghai dates, inclusive), default the last 30 days up to today. */
export function reportPeriod(options, now) {
    const to = options.to ?? shanghaiDate(now);
    const from = options.from ?? addDays(typeof to === 'string' ? to : shanghaiDate(now), -29);
    if (typeof from !== 'string' || !isIsoDate(from))
        return '--from must be a date YYYY-MM-DD';
    if (typeof to !== 'string' || !isIsoDate(to))
        return '--to must be a date YYYY-MM-DD';
    if (from > to)
        return '--from is after --to';
    return { from, to };
}
export const needsCommand = {
    name: 'needs',
    usage: 'needs report [--from YYYY-MM-DD --to YYYY-MM-DD] [--json]   needs SLA report per tier',
    async run(args, config, io) {
        const { positional, options } = parseArgs(args);
        if (positional[0] !== 'report') {
            io.err(`usage: npm run cli -- ${this.usage}`);
            return 2;
        }
        const now = new Date();
        const period = reportPeriod(options, now);
        if (typeof period === 'string') {
            io.err(period);
            return 2;
        }
        return withDatabase(config, async (db) => {
            const report = await needsReport(db, { ...period, now });
            io.out(options.json ? JSON.stringify(report) : formatNeedsReport(report));
            return 0;
        });
    },
};
//# sourceMappingURL=needs.command.js.map