import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runInstant, runnableJobs } from '../scheduler/jobs/index.js';
import type { ApiDeps } from './index.js';

const params = z.object({ name: z.string() });
// fastify hands a missing body over as null.
const body = z.object({ date: z.iso.date().optional() }).strict().nullish();

/**
 * Runs a job now for HQ (the running instance does it, so no second process needs the database):
 * `POST /api/jobs/daily/run {"date": "2026-11-26"}`. Pushes keep their dedupe keys: a repeat sends nothing twice.
 */
export function jobsRoutes(deps: ApiDeps) {
  return async (base: FastifyInstance) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/api/jobs', async () =>
      runnableJobs().map((j) => ({ name: j.name, cron: j.cron, description: j.description })),
    );

    app.post('/api/jobs/:name/run', { schema: { params, body } }, async (req, reply) => {
      const job = runnableJobs().find((j) => j.name === req.params.name);
      if (!job) return reply.code(404).send({ error: 'unknown_job', message: `unknown job ${req.params.name}` });
      const now = runInstant(job, req.body?.date, deps.now());
      const outcome = await deps.services.runJob(job.name, {
        slot: `api:${new Date().toISOString()}`,
        instance: 'api',
        now,
        log: req.log,
      });
      if (!outcome.ran)
        return reply.code(409).send({ error: 'slot_taken', message: 'this run is already in progress' });
      if ('error' in outcome) {
        // The failure is in job_runs and the log; a 5xx body carries no internals.
        req.log.error({ job: job.name, err: outcome.error }, 'job failed');
        return reply.code(500).send({ error: 'job_failed', message: `job ${job.name} failed` });
      }
      return { job: job.name, at: now.toISOString(), ms: outcome.ms, result: outcome.result };
    });
  };
}
