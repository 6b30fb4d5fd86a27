import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isOverdue } from '../../core/contacts/cadence.js';
import { TIERS } from '../../core/console/index.js';
import type { ApiDeps } from './index.js';

const codeParams = z.object({ code: z.string().regex(/^C\d{3,6}$/) });
const words = z.string().trim().min(1).max(40);
const createBody = z
  .object({
    name: z.string().trim().min(2).max(40),
    description: z.string().max(500).default(''),
    provinces: z.array(words).max(40).default([]),
    tags: z.array(words).max(20).default([]),
    tiers: z.array(z.enum(TIERS)).max(4).default([]),
    starts_on: z.iso.date(),
    ends_on: z.iso.date(),
    subsidy_fen: z.number().int().min(0).max(1e12).default(0),
    seats: z.number().int().min(1).max(100_000),
  })
  .strict();
const cadenceQuery = z.object({
  manager: z
    .string()
    .regex(/^M\d{3}$/)
    .optional(),
});

/**
 * HQ's joint campaigns (create, list, report with results) and the managers' contact cadence (who is due, who is
 * overdue). Admin token required.
 */
export function growthRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.get('/api/campaigns', async () => ({ campaigns: await deps.services.campaigns.list() }));

    // The campaign is stored first, then its dealers are invited; an invitation that fails is sent by the daily
    // campaigns.invite job, which skips whoever was invited already.
    app.post('/api/campaigns', { schema: { body: createBody } }, async (req, reply) => {
      const b = req.body;
      const created = await deps.services.campaigns.create(
        {
          name: b.name,
          description: b.description,
          provinces: b.provinces,
          tags: b.tags,
          tiers: b.tiers,
          startsOn: b.starts_on,
          endsOn: b.ends_on,
          subsidyFen: b.subsidy_fen,
          seats: b.seats,
        },
        deps.now(),
      );
      return reply.code(201).send(created);
    });

    app.get('/api/campaigns/:code', { schema: { params: codeParams } }, async (req, reply) => {
      const report = await deps.services.campaigns.report(req.params.code);
      if (!report) return reply.code(404).send({ error: 'not_found', message: `no campaign ${req.params.code}` });
      return report;
    });

    app.get('/api/cadence', { schema: { querystring: cadenceQuery } }, async (req) => {
      const managers = await deps.services.cadence.byManager(deps.now(), req.query.manager);
      return {
        cadence_days: deps.services.cadence.table,
        managers: managers.map((m) => ({
          manager_code: m.managerCode,
          manager_name: m.managerName,
          dealers: m.items.length,
          due_this_week: m.dueThisWeek,
          overdue: m.overdue,
          overdue_dealers: m.items.filter(isOverdue).map((i) => ({
            dealer_code: i.code,
            name: i.name,
            tier: i.tier,
            due_on: i.dueOn,
            overdue_days: i.overdueDays,
            never_contacted: i.never,
            last_contact_at: i.lastContactAt,
          })),
        })),
      };
    });
  };
}
