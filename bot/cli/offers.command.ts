import { userInfo } from 'node:os';
import { OFFER_STATUSES, type OfferStatus, type ReviewOutcome } from '../../core/imports/offer.service.js';
import { importSummary } from '../../core/imports/summary.js';
import { offerView } from '../replies/files.replies.js';
import { type CliCommand, type CliIo, parseCommandArgs } from './command.types.js';

const USAGE =
  'offers [list] [--status pending|applying|applied|rejected|expired] [--limit N] | offers preview ID | offers apply ID [--partial] | offers reject ID [--reason TEXT]';

/** One JSON line for the outcome; exit 0 when done (a preview with problems too), 1 when refused or rejected. */
function print(io: CliIo, out: ReviewOutcome): number {
  if (out.kind === 'not_found') {
    io.err('no such import offer');
    return 1;
  }
  const offer = offerView(out.offer);
  if (out.kind !== 'done') {
    const dealers = out.kind === 'outside_scope' ? { dealers: out.dealers } : {};
    io.out(JSON.stringify({ error: out.kind, offer, ...dealers }));
    return 1;
  }
  const result = out.result
    ? { result: { ...importSummary(out.result), runId: out.result.runId, status: out.result.status } }
    : {};
  io.out(JSON.stringify({ offer, ...result }));
  return out.result?.status === 'rejected' ? 1 : 0;
}

/**
 * `offers …`: the files account managers sent in chat, offered as imports — HQ lists, previews (a dry run), applies
 * (the same import as `import`) or rejects them; the sender is told through the outbox. One JSON line each.
 */
export const offersCommand: CliCommand = {
  name: 'offers',
  usage: USAGE,
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      {
        status: { type: 'string' },
        limit: { type: 'string' },
        partial: { type: 'boolean' },
        reason: { type: 'string' },
      },
      io,
    );
    const usage = (why?: string) => {
      io.err(`${why ? `${why}\n` : ''}usage: npm run cli -- ${USAGE}`);
      return 2;
    };
    if (!parsed) return usage();
    const [verb = 'list', idText, ...extra] = parsed.positionals;
    const v = parsed.values;
    const by = `cli:${userInfo().username}`;
    if (verb === 'list') {
      const status = v.status as OfferStatus | undefined;
      if (status !== undefined && !OFFER_STATUSES.includes(status)) return usage(`unknown status ${status}`);
      const limit = v.limit === undefined ? 50 : Number(v.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return usage('--limit must be 1..1000');
      return host.withServices(async ({ offers }) => {
        const list = await offers.list({ limit, ...(status ? { status } : {}) });
        for (const o of list) io.out(JSON.stringify(offerView(o)));
        if (list.length === 0) io.err('no import offers');
        return 0;
      });
    }
    const id = Number(idText);
    if (!idText || !/^\d+$/.test(idText) || extra.length > 0) return usage('ID is required');
    if (verb === 'preview') return host.withServices(async ({ offers }) => print(io, await offers.preview(id, by)));
    if (verb === 'apply') {
      return host.withServices(async ({ offers }) => print(io, await offers.apply(id, { by, partial: !!v.partial })));
    }
    if (verb === 'reject') {
      const reason = v.reason?.trim();
      return host.withServices(async ({ offers }) =>
        print(io, await offers.reject(id, { by, ...(reason ? { reason } : {}) })),
      );
    }
    return usage(`unknown verb ${verb}`);
  },
};
