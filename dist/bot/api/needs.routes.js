import { needsReport } from '../../db/repositories/needs.repository.js';
import { reportPeriod } from '../cli/needs.command.js';
/** GET /api/needs/report?from&to — the needs SLA report as JSON (admin token enforced by the server). */
export function needsRoutes(deps) {
    return async (app) => {
        app.get('/api/needs/report', async (req, reply) => {
            const q = (req.query ?? {});
            const options = {};
            for (const k of ['from', 'to'])
                if (typeof q[k] === 'string' && q[k])
                    options[k] = q[k];
            const now = deps.now();
            const period = reportPeriod(options, now);
            if (typeof period === 'string')
                return reply.code(400).send({ error: 'bad_request', message: period.replace(/--/g, '') });
            return needsReport(deps.db, { ...period, now });
        });
    };
}
//# sourceMappingURL=needs.routes.js.map