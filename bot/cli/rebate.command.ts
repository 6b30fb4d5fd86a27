import { readFileSync } from 'node:fs';
import { ladderPosition } from '../../core/policies/ladder.js';
import { type Policy, parsePolicies } from '../../core/policies/policy.types.js';
import { type CliCommand, type CliHost, type CliIo, parseCommandArgs } from './command.types.js';

const USAGE =
  "rebate --policy CODE --amount FEN | --dealer D0001 [--now ISO] [--json]  rebate what-if / a dealer's live position";

/** K's policies as shipped (the what-if needs no database). */
export function loadPolicyFile(): Policy[] {
  return parsePolicies(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'));
}

/** `--policy CODE --amount FEN`: exactly one JSON object `{rate, rebate, next}` on stdout. */
function whatIf(code: string, amountArg: string | undefined, io: CliIo): number {
  if (amountArg === undefined || !/^\d+$/.test(amountArg) || !Number.isSafeInteger(Number(amountArg))) {
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
async function dealerPosition(
  code: string,
  nowArg: string | undefined,
  json: boolean,
  host: CliHost,
  io: CliIo,
): Promise<number> {
  const now = nowArg === undefined ? new Date() : new Date(nowArg);
  if (Number.isNaN(now.getTime())) {
    io.err('--now must be an ISO timestamp, e.g. 2026-11-26T10:00:00+08:00');
    return 2;
  }
  // Loaded only here: the what-if above must not pay for (or need) a database.
  const [{ progressLine }, { cliReplies }] = await Promise.all([
    import('../replies/policies.replies.js'),
    import('../replies/cli.replies.js'),
  ]);
  return host.withServices(async ({ services }) => {
    const service = services.policies;
    const dealer = await service.findDealer(code);
    if (!dealer) {
      io.err(`dealer ${code} not found`);
      return 1;
    }
    const positions = await service.positions(dealer, now);
    if (json) {
      io.out(
        JSON.stringify({
          dealer: dealer.code,
          now: now.toISOString(),
          positions: positions.map(({ policy, ...p }) => ({ policy: policy.code, ...p })),
        }),
      );
      return 0;
    }
    io.out(cliReplies.dealerHeading(dealer));
    if (positions.length === 0) io.out(cliReplies.noPolicies);
    for (const p of positions) io.out(progressLine(p));
    return 0;
  });
}

export const rebateCommand: CliCommand = {
  name: 'rebate',
  usage: USAGE,
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      {
        policy: { type: 'string' },
        amount: { type: 'string' },
        dealer: { type: 'string' },
        now: { type: 'string' },
        json: { type: 'boolean' },
      },
      io,
    );
    const values = parsed?.values ?? {};
    if (values.policy !== undefined) return whatIf(values.policy, values.amount, io);
    if (values.dealer !== undefined) {
      return dealerPosition(values.dealer.toUpperCase(), values.now, values.json === true, host, io);
    }
    io.err(`usage: npm run cli -- ${USAGE}`);
    return 2;
  },
};
