import type { FastifyInstance } from 'fastify';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { PipelineBus } from '../pipeline/bus.js';
import { needsRoutes } from './needs.routes.js';
import { policiesRoutes } from './policies.routes.js';
import { jobsRoutes } from './jobs.routes.js';
import { followupsRoutes } from './followups.routes.js';
import type { SlaTable } from '../../core/needs/sla.js';
import type { FollowupStore, PipelineStatusReader } from '../../core/messaging/ports.js';

export interface ApiDeps {
  db: Kysely<Database>;
  kv: KeyValueStore;
  bus: PipelineBus;
  now: () => Date;
  settings: { needSla: SlaTable };
  followups: FollowupStore;
  pipelineStatus: PipelineStatusReader;
}

/** The HQ admin API under /api (bearer-token guarded in server.ts). Each capability registers its routes here. */
export function adminApi(deps: ApiDeps) {
  return async (app: FastifyInstance) => {
    await app.register(needsRoutes(deps));
    await app.register(policiesRoutes(deps));
    await app.register(jobsRoutes(deps));
    await app.register(followupsRoutes(deps));
    app.get('/api/status', async () => deps.pipelineStatus.counts());
  };
}
