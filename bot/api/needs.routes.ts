import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportPeriod } from '../../core/needs/report-period.js';
import type { ApiDeps } from './index.js';

const query = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() });

/** GET /api/needs/report?from&to — the needs SLA report as JSON (admin token enforced by the server). */
export function needsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/needs/report', { schema: { querystring: query } }, async (req, reply) => {
      const now = deps.now();
      const period = reportPeriod(req.query, now);
      if ('error' in period)
        return reply.code(400).send({ error: 'bad_request', message: 'expected from <= to (YYYY-MM-DD)' });
      return deps.services.needsReport({ ...period, now });
    });
  };
}
