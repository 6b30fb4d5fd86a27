import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from './index.js';

const listQuery = z.object({
  manager: z
    .string()
    .regex(/^M\d{3}$/)
    .optional(),
  status: z.enum(['open', 'done']).default('open'),
});
const params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/**
 * Manager follow-ups: pushes that could not reach a dealer (KF window closed) and messages the system could not
 * handle. HQ lists them per manager and closes them once handled.
 */
export function followupsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/followups', { schema: { querystring: listQuery } }, async (req) => {
      const items = await deps.services.followups.list(req.query.status, req.query.manager);
      // The API's field names predate the store's: keep them.
      return {
        followups: items.map((f) => ({
          id: f.id,
          manager_code: f.managerCode,
          dealer_code: f.dealerCode,
          body: f.body,
          status: f.status,
          created_at: f.createdAt,
        })),
      };
    });

    app.post('/api/followups/:id/done', { schema: { params } }, async (req, reply) => {
      const { id } = req.params;
      if (!(await deps.services.followups.close(id)))
        return reply.code(404).send({ error: 'not_found', message: `no follow-up ${id}` });
      return { id, status: 'done' };
    });
  };
}
