import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { policyReplies } from '../replies/policies.replies.js';
import type { ApiDeps } from './index.js';

const params = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
// fastify hands a missing body over as null.
const pushBody = z.object({ promote: z.boolean().optional() }).strict().nullish();

/** HQ policy operations: push (pilot first, `promote` for the rest) and the effect report. Admin token required. */
export function policiesRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.post('/api/policies/:code/push', { schema: { params, body: pushBody } }, async (req) =>
      deps.services.policies.push(req.params.code, {
        now: deps.now(),
        promote: req.body?.promote === true,
        compose: policyReplies.push,
      }),
    );

    app.get('/api/policies/:code/effect', { schema: { params } }, async (req) =>
      deps.services.policies.effect(req.params.code, deps.now()),
    );
  };
}
