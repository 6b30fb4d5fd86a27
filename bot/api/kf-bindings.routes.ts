import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from './index.js';

const listQuery = z.object({
  manager: z
    .string()
    .regex(/^M\d{3}$/)
    .optional(),
});
const params = z.object({ externalId: z.string().min(1).max(200) });

/**
 * Managers' 微信客服 accounts (bound with a console code): HQ lists them and removes one, after which that account's
 * files are no longer offered as imports.
 */
export function kfBindingsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/kf-bindings', { schema: { querystring: listQuery } }, async (req) => {
      const accounts = await deps.services.directory.managerKfAccounts(req.query.manager);
      return {
        bindings: accounts.map((a) => ({
          external_id: a.externalId,
          manager_code: a.managerCode,
          manager_name: a.managerName,
          bound_at: a.boundAt,
        })),
      };
    });

    app.delete('/api/kf-bindings/:externalId', { schema: { params } }, async (req, reply) => {
      const { externalId } = req.params;
      if (!(await deps.services.directory.unbindManagerKf(externalId)))
        return reply.code(404).send({ error: 'not_found', message: 'no manager binding for this account' });
      return { external_id: externalId, status: 'removed' };
    });
  };
}
