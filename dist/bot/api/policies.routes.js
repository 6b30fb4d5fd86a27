import { z } from 'zod';
import { PolicyService } from '../../core/policies/policy.service.js';
import { PolicyRepository, policyUnitOfWork } from '../../db/repositories/policies.repository.js';
import { outboxNotifier } from '../pipeline/outbox.js';
import { policyReplies } from '../replies/policies.replies.js';
const params = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const pushBody = z.object({ promote: z.boolean().optional() }).strict();
/** HQ policy operations: push (pilot first, `promote` for the rest) and the effect report. Admin token required. */
export function policiesRoutes(deps) {
    const service = () => new PolicyService(new PolicyRepository(deps.db), policyUnitOfWork(deps.db, (trx) => outboxNotifier(trx, () => deps.bus.outboxQueued())));
    return async (app) => {
        app.post('/api/policies/:code/push', async (req, reply) => {
            const p = params.safeParse(req.params);
            const b = pushBody.safeParse(req.body ?? {});
            if (!p.success || !b.success) {
                return reply
                    .code(400)
                    .send({ error: 'bad_request', message: 'expected /api/policies/CODE/push with {"promote"?: boolean}' });
            }
            return service().push(p.data.code, {
                now: deps.now(),
                promote: b.data.promote === true,
                compose: policyReplies.push,
            });
        });
        app.get('/api/policies/:code/effect', async (req, reply) => {
            const p = params.safeParse(req.params);
            if (!p.success)
                return reply.code(400).send({ error: 'bad_request', message: 'invalid policy code' });
            return service().effect(p.data.code, deps.now());
        });
    };
}
//# sourceMappingURL=policies.routes.js.map