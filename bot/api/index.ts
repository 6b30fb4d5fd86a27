import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ImportService } from '../../core/imports/import.service.js';
import type { ImportOfferReview } from '../../core/imports/offer.service.js';
import type { ImportStore } from '../../core/imports/ports.js';
import type { Services } from '../services.js';
import { followupsRoutes } from './followups.routes.js';
import { growthRoutes } from './growth.routes.js';
import { importOffersRoutes } from './import-offers.routes.js';
import { importsRoutes } from './imports.routes.js';
import { jobsRoutes } from './jobs.routes.js';
import { kfBindingsRoutes } from './kf-bindings.routes.js';
import { needsRoutes } from './needs.routes.js';
import { nluRoutes } from './nlu.routes.js';
import { policiesRoutes } from './policies.routes.js';
import { statementsRoutes } from './statements.routes.js';
import { trainingRoutes } from './training.routes.js';

export interface ApiDeps {
  /** The services on the database (each call its own unit of work). */
  services: Services;
  now: () => Date;
  /**
   * Where imports go (their own transaction each, so bound to the database), the upload size limit, and HQ's review
   * of the files managers sent in chat.
   */
  imports: { store: ImportStore; importer: ImportService; offers: ImportOfferReview; maxBytes: number };
}

/**
 * The HQ admin API under /api (bearer-token guarded in server.ts). Each capability registers its routes here; their
 * params, query and body are zod schemas validated by fastify (a failure is a 400 from the server's error handler).
 */
export function adminApi(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    app.setValidatorCompiler(validatorCompiler);
    await app.register(needsRoutes(deps));
    await app.register(policiesRoutes(deps));
    await app.register(statementsRoutes(deps));
    await app.register(jobsRoutes(deps));
    await app.register(followupsRoutes(deps));
    await app.register(kfBindingsRoutes(deps));
    await app.register(nluRoutes(deps));
    await app.register(importsRoutes(deps));
    await app.register(importOffersRoutes(deps));
    await app.register(trainingRoutes(deps));
    await app.register(growthRoutes(deps));
    app.get('/api/status', async () => deps.services.pipelineStatus.counts());
  };
}
