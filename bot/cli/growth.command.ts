import { CampaignError } from '../../core/campaigns/campaigns.errors.js';
import { isOverdue } from '../../core/contacts/cadence.js';
import type { Tier } from '../../core/dealers/tiers.js';
import { type CliCommand, parseCommandArgs } from './command.types.js';

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `campaigns list | report CODE | create …`: HQ's joint campaigns from the command line (the admin API does the
 * same). Creating one invites its targeted dealers; each line printed is one JSON object.
 */
export const campaignsCommand: CliCommand = {
  name: 'campaigns',
  usage:
    'campaigns list | report CODE | create --name N --starts YYYY-MM-DD --ends YYYY-MM-DD --seats N [--subsidy-fen F] [--tiers core,key] [--provinces 浙江] [--tags 门窗专长] [--description T]',
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(
      args,
      {
        name: { type: 'string' },
        starts: { type: 'string' },
        ends: { type: 'string' },
        seats: { type: 'string' },
        'subsidy-fen': { type: 'string' },
        tiers: { type: 'string' },
        provinces: { type: 'string' },
        tags: { type: 'string' },
        description: { type: 'string' },
      },
      io,
    );
    const [verb, code] = parsed?.positionals ?? [];
    const usage = () => {
      io.err(`usage: npm run cli -- ${this.usage}`);
      return 2;
    };
    if (!parsed || !verb) return usage();
    if (verb === 'list') {
      return host.withServices(async ({ services }) => {
        for (const c of await services.campaigns.list()) io.out(JSON.stringify(c));
        return 0;
      });
    }
    if (verb === 'report' && code) {
      return host.withServices(async ({ services }) => {
        const report = await services.campaigns.report(code.toUpperCase());
        if (!report) {
          io.err(`no campaign ${code}`);
          return 1;
        }
        io.out(JSON.stringify(report));
        return 0;
      });
    }
    if (verb !== 'create') return usage();
    const v = parsed.values;
    if (!v.name || !v.starts || !v.ends || !v.seats) return usage();
    const seats = Number(v.seats);
    const subsidyFen = Number(v['subsidy-fen'] ?? 0);
    return host.withServices(async ({ services, deliverDue }) => {
      try {
        const created = await services.campaigns.create(
          {
            name: v.name!,
            description: v.description ?? '',
            provinces: list(v.provinces),
            tags: list(v.tags),
            tiers: list(v.tiers) as Tier[],
            startsOn: v.starts!,
            endsOn: v.ends!,
            subsidyFen,
            seats,
          },
          new Date(),
        );
        await deliverDue();
        io.out(JSON.stringify(created));
        return 0;
      } catch (e) {
        if (!(e instanceof CampaignError)) throw e;
        io.err(e.message);
        return 1;
      }
    });
  },
};

/** `cadence [--manager M001]`: each account manager's dealers due this week and overdue (one JSON line each). */
export const cadenceCommand: CliCommand = {
  name: 'cadence',
  usage: 'cadence [--manager M001]   contact cadence: due this week and overdue per account manager',
  async run(args, _config, io, host) {
    const parsed = parseCommandArgs(args, { manager: { type: 'string' } }, io);
    if (!parsed) return 2;
    return host.withServices(async ({ services }) => {
      const managers = await services.cadence.byManager(new Date(), parsed.values.manager);
      for (const m of managers) {
        io.out(
          JSON.stringify({
            manager: m.managerCode,
            dealers: m.items.length,
            dueThisWeek: m.dueThisWeek,
            overdue: m.overdue,
            overdueDealers: m.items.filter(isOverdue).map((i) => i.code),
          }),
        );
      }
      return 0;
    });
  },
};
