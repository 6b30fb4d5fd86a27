import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MISS_STATUSES } from '../../core/conversation/misses.js';
import { INTENTS } from '../../core/common/intents.js';
import { slotsSchema } from '../../core/common/slots.js';
import type { ApiDeps } from './index.js';

const listQuery = z.object({
  status: z.enum(MISS_STATUSES).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const params = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
/** A label is an intent of the contract with its slots (the slot contract's own schema), or a discard. */
const labelBody = z.union([
  z.object({ intent: z.enum(INTENTS), slots: slotsSchema.strict().optional() }).strict(),
  z.object({ discard: z.literal(true) }).strict(),
]);

/** Messages the assistant did not understand: HQ lists them and labels (or discards) each for the corpus. */
export function nluRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/nlu/misses', { schema: { querystring: listQuery } }, async (req) => {
      const misses = await deps.services.nluMisses.list(req.query.status, req.query.limit);
      return {
        misses: misses.map((m) => ({
          id: m.id,
          text: m.text,
          kind: m.kind,
          sender_role: m.senderRole,
          dealer_code: m.dealerCode,
          channel: m.channel,
          guesses: m.guesses,
          status: m.status,
          label: m.label,
          created_at: m.at,
        })),
      };
    });

    app.post('/api/nlu/misses/:id/label', { schema: { params, body: labelBody } }, async (req, reply) => {
      const { id } = req.params;
      const body = req.body;
      const label = 'discard' in body ? 'discard' : { intent: body.intent, slots: body.slots ?? {} };
      if (await deps.services.nluMisses.label(id, label, deps.now())) {
        return { id, status: label === 'discard' ? 'discarded' : 'labelled' };
      }
      const miss = await deps.services.nluMisses.get(id);
      return miss
        ? reply.code(409).send({ error: 'exported', message: `miss ${id} is in the corpus already` })
        : reply.code(404).send({ error: 'not_found', message: `no miss ${id}` });
    });
  };
}
