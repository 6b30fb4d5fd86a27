import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OFFER_STATUSES, type ReviewOutcome } from '../../core/imports/offer.service.js';
import { importSummary } from '../../core/imports/summary.js';
import type { ImportResult } from '../../core/imports/types.js';
import { offerView } from '../replies/files.replies.js';
import type { ApiDeps } from './index.js';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const listQuery = z.object({
  status: z.enum(OFFER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
// Both bodies are optional: a POST without one is the default.
const applyBody = z.object({ partial: z.boolean().default(false) }).nullish();
const rejectBody = z.object({ reason: z.string().max(200).optional() }).nullish();

function resultJson(r: ImportResult) {
  return { ...importSummary(r), runId: r.runId, status: r.status, errorCount: r.errorCount };
}

/** 404 no such offer, 409 closed / expired / no longer the sender's dealers, else the offer and the import's result. */
function send(reply: FastifyReply, out: ReviewOutcome) {
  switch (out.kind) {
    case 'not_found':
      return reply.code(404).send({ error: 'not_found', message: 'no such import offer' });
    case 'closed':
      return reply
        .code(409)
        .send({ error: 'closed', message: `the offer is ${out.offer.status}`, offer: offerView(out.offer) });
    case 'expired':
      return reply.code(409).send({ error: 'expired', message: 'the offer expired', offer: offerView(out.offer) });
    case 'outside_scope':
      return reply.code(409).send({
        error: 'outside_scope',
        message: `rows about dealers that are not the sender's: ${out.dealers.join(', ')}`,
        offer: offerView(out.offer),
      });
    case 'done': {
      const rejected = out.result?.status === 'rejected';
      return reply
        .code(rejected ? 422 : 200)
        .send({ offer: offerView(out.offer), ...(out.result ? { result: resultJson(out.result) } : {}) });
    }
  }
}

/**
 * HQ's review of the files account managers sent in chat (core/imports ImportOfferReview):
 *
 * - `GET /api/import-offers?status=pending|applying|applied|rejected|expired&limit=50`: newest first.
 * - `GET /api/import-offers/:id`.
 * - `POST /api/import-offers/:id/preview`: a dry run of the staged file (counts and the first 1,000 problems).
 * - `POST /api/import-offers/:id/apply` `{"partial": false}`: the import (all or nothing unless partial); 422 when
 *   the import rejected the file (the offer stays pending); the sender is told once it is applied.
 * - `POST /api/import-offers/:id/reject` `{"reason": "…"}`: closes it; the sender is told with the reason.
 */
export function importOffersRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const { offers } = deps.imports;

    app.get('/api/import-offers', { schema: { querystring: listQuery } }, async (req) => ({
      offers: (
        await offers.list({ limit: req.query.limit, ...(req.query.status ? { status: req.query.status } : {}) })
      ).map(offerView),
    }));

    app.get('/api/import-offers/:id', { schema: { params: idParams } }, async (req, reply) => {
      const offer = await offers.get(req.params.id);
      return offer ? { offer: offerView(offer) } : send(reply, { kind: 'not_found' });
    });

    app.post('/api/import-offers/:id/preview', { schema: { params: idParams } }, async (req, reply) =>
      send(reply, await offers.preview(req.params.id, 'api')),
    );

    app.post('/api/import-offers/:id/apply', { schema: { params: idParams, body: applyBody } }, async (req, reply) =>
      send(reply, await offers.apply(req.params.id, { by: 'api', partial: req.body?.partial ?? false })),
    );

    app.post('/api/import-offers/:id/reject', { schema: { params: idParams, body: rejectBody } }, async (req, reply) =>
      send(
        reply,
        await offers.reject(req.params.id, { by: 'api', ...(req.body?.reason ? { reason: req.body.reason } : {}) }),
      ),
    );
  };
}
