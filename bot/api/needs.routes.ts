import type { FastifyInstance } from 'fastify';
import { needsReport } from '../../db/repositories/needs.repository.js';
import { reportPeriod } from '../cli/needs.command.js';
import type { ApiDeps } from './index.js';

/** GET /api/needs/report?from&to — the needs SLA report as JSON (admin token enforced by the server). */
export function needsRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/api/needs/report', async (req, reply) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const options: Record<string, string> = {};
      for (const k of ['from', 'to'] as const) if (typeof q[k] === 'string' && q[k]) options[k] = q[k] as string;
      const now = deps.now();
      const period = reportPeriod(options, now);
      if (typeof period === 'string')
        return reply.code(400).send({ error: 'bad_request', message: period.replace(/--/g, '') });
      return needsReport(deps.db, { ...period, now });
    });
  };
}
