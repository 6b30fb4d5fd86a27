import { withDatabase } from './database.js';
import { PolicyService } from '../../core/policies/policy.service.js';
import { DomainError } from '../../core/common/errors.js';
import { policyUnitOfWork, PolicyRepository } from '../../db/repositories/policies.repository.js';
import { outboxNotifier } from '../pipeline/outbox.js';
import { policyReplies } from '../replies/policies.replies.js';
import { parseArgs } from './command.types.js';
const USAGE = 'policy push CODE [--promote] | policy effect CODE [--json]  [--now ISO]  pilot pushes and their effect';
const pct = (r) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
/** The push result as a few readable lines. */
export function formatPushReport(r) {
    return [
        `policy ${r.policy}${r.promoted ? ' (promoted to the whole target)' : ''}`,
        `target ${r.target}  pilot ${r.pilot}  holdout ${r.holdout}  eligible now ${r.eligible}`,
        `queued ${r.queued}  already delivered ${r.alreadyDelivered}${r.notBefore ? `  first delivery not before ${r.notBefore}` : ''}`,
    ];
}
/** The effect report as a table: pilot vs holdout. */
export function formatEffectReport(r) {
    const rows = [
        ['dealers', String(r.pilot), String(r.holdout)],
        ['measured', String(r.conversion.pilot.n), String(r.conversion.holdout.n)],
        [`converted (${r.windowDays}d)`, String(r.conversion.pilot.converted), String(r.conversion.holdout.converted)],
        ['conversion', pct(r.conversion.pilot.rate), pct(r.conversion.holdout.rate)],
    ];
    const w = [18, 10, 10];
    const line = (c) => c
        .map((v, i) => v.padEnd(w[i] ?? 10))
        .join(' ')
        .trimEnd();
    return [
        `${r.policy}  ${r.name}  (${r.kind}, pilot ${r.pilotRatio === null ? 'none' : pct(r.pilotRatio)}${r.promoted ? ', promoted' : ''})`,
        `target ${r.target}  pushed ${r.pushed}  reached ${r.reached}  feedback ${r.feedback}`,
        line(['', 'pilot', 'holdout']),
        ...rows.map(line),
        `lift ${r.conversion.lift === null ? '-' : `${(r.conversion.lift * 100).toFixed(1)} pts`}  ` +
            `first pilot push ${r.pilotPushedAt ?? '-'}  window ${r.windowClosed ? 'closed' : 'still open'}`,
    ];
}
function withService(config, fn) {
    return withDatabase(config, (db) => fn(new PolicyService(new PolicyRepository(db), policyUnitOfWork(db, (trx) => outboxNotifier(trx)))));
}
export const policyCommand = {
    name: 'policy',
    usage: USAGE,
    async run(args, config, io) {
        const { positional, options } = parseArgs(args);
        const [action, code] = positional;
        if ((action !== 'push' && action !== 'effect') || !code) {
            io.err(`usage: npm run cli -- ${USAGE}`);
            return 2;
        }
        const now = typeof options['now'] === 'string' ? new Date(options['now']) : new Date();
        if (Number.isNaN(now.getTime())) {
            io.err('--now must be an ISO timestamp, e.g. 2026-11-26T10:00:00+08:00');
            return 2;
        }
        try {
            const report = await withService(config, (service) => action === 'push'
                ? service.push(code, { now, promote: options['promote'] === true, compose: policyReplies.push })
                : service.effect(code, now));
            if (options['json'] === true)
                io.out(JSON.stringify(report));
            else {
                const lines = action === 'push' ? formatPushReport(report) : formatEffectReport(report);
                for (const l of lines)
                    io.out(l);
            }
            return 0;
        }
        catch (e) {
            if (e instanceof DomainError) {
                io.err(e.message);
                return 1;
            }
            throw e;
        }
    },
};
//# sourceMappingURL=policy.command.js.map