import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FollowupStore } from '../../core/messaging/ports.js';

const listQuery = z.object({
  manager: z
    .string()
    .regex(/^M\d{3}$/)
    .optional(),
  status: z.enum(['open', 'done']).default('open'),
});

/**
 * Manager follow-ups: pushes that could not reach a dealer (KF window closed) and messages the system could not
 * handle. HQ lists them per manager and closes them once handled.
 */
export function followupsRoutes(deps: { followups: FollowupStore }) {
  return async (app: FastifyInstance) => {
    app.get('/api/followups', async (req, reply) => {
      const q = listQuery.safeParse(req.query);
      if (!q.success)
        return reply.code(400).send({ error: 'bad_request', message: 'expected ?manager=M001&status=open|done' });
      const items = await deps.followups.list(q.data.status, q.data.manager);
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

    app.post('/api/followups/:id/done', async (req, reply) => {
      const id = Number((req.params as { id: string }).id);
      if (!Number.isSafeInteger(id) || id <= 0)
        return reply.code(400).send({ error: 'bad_request', message: 'bad id' });
      if (!(await deps.followups.close(id)))
        return reply.code(404).send({ error: 'not_found', message: `no follow-up ${id}` });
      return { id, status: 'done' };
    });
  };
}
