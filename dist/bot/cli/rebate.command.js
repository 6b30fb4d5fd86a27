import { readFileSync } from 'node:fs';
import { ladderPosition } from '../../core/policies/ladder.js';
import { parsePolicies } from '../../core/policies/policy.types.js';
import { parseArgs } from './command.types.js';
const USAGE = "rebate --policy CODE --amount FEN | --dealer D0001 [--now ISO] [--json]  rebate what-if / a dealer's live position";
/** K's policies as shipped (the what-if needs no database). */
export function loadPolicyFile() {
    return parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
}
/** `--policy CODE --amount FEN`: exactly one JSON object `{rate, rebate, next}` on stdout. */
function whatIf(code, amountArg, io) {
    if (typeof amountArg !== 'string' || !/^\d+$/.test(amountArg) || !Number.isSafeInteger(Number(amountArg))) {
        io.err('--amount must be a non-negative integer number of fen (1 yuan = 100 fen)');
        return 2;
    }
    const policies = loadPolicyFile();
    const policy = policies.find((p) => p.code === code);
    if (!policy) {
        io.err(`unknown policy ${code}; known: ${policies.map((p) => p.code).join(', ')}`);
        return 2;
    }
    if (policy.kind !== 'ladder_rebate') {
        io.err(`policy ${code} is a ${policy.kind}, not a ladder rebate`);
        return 2;
    }
    const { rate, rebate, next } = ladderPosition(policy, Number(amountArg));
    io.out(JSON.stringify({ rate, rebate, next }));
    return 0;
}
/** `--dealer CODE`: the dealer's live position under every policy that applies to them (opens the database). */
async function dealerPosition(code, nowArg, json, config, io) {
    const now = typeof nowArg === 'string' ? new Date(nowArg) : new Date();
    if (Number.isNaN(now.getTime())) {
        io.err('--now must be an ISO timestamp, e.g. 2026-11-26T10:00:00+08:00');
        return 2;
    }
    // Loaded only here: the what-if above must not pay for (or need) a database.
    const [{ withDatabase }, { PolicyRepository }, { PolicyService }, { progressLine }] = await Promise.all([
        import('./database.js'),
        import('../../db/repositories/policies.repository.js'),
        import('../../core/policies/policy.service.js'),
        import('../replies/policies.replies.js'),
    ]);
    return withDatabase(config, async (db) => {
        const service = new PolicyService(new PolicyRepository(db));
        const dealer = await service.findDealer(code);
        if (!dealer) {
            io.err(`dealer ${code} not found`);
            return 1;
        }
        const positions = await service.positions(dealer, now);
        if (json) {
            io.out(JSON.stringify({
                dealer: dealer.code,
                now: now.toISOString(),
                positions: positions.map(({ policy, ...p }) => ({ policy: policy.code, ...p })),
            }));
            return 0;
        }
        io.out(`${dealer.name}（${dealer.code}，${dealer.tier}${dealer.tags.length ? `，${dealer.tags.join('、')}` : ''}）`);
        if (positions.length === 0)
            io.out('没有适用的政策。');
        for (const p of positions)
            io.out(progressLine(p));
        return 0;
    });
}
export const rebateCommand = {
    name: 'rebate',
    usage: USAGE,
    async run(args, config, io) {
        const { options } = parseArgs(args);
        if (typeof options['policy'] === 'string')
            return whatIf(options['policy'], options['amount'], io);
        if (typeof options['dealer'] === 'string') {
            return dealerPosition(options['dealer'].toUpperCase(), options['now'], options['json'] === true, config, io);
        }
        io.err(`usage: npm run cli -- ${USAGE}`);
        return 2;
    },
};
//# sourceMappingURL=rebate.command.js.map