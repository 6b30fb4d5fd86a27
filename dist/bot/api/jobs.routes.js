import { z } from 'zod';
import { outboxNotifier } from '../pipeline/outbox.js';
import { runJobInSlot } from '../scheduler/job-runner.js';
import { runInstant, runnableJobs } from '../scheduler/jobs/index.js';
const body = z.object({ date: z.iso.date().optional() }).strict();
/**
 * Runs a job now for HQ (the running instance does it, so no second process needs the database):
 * `POST /api/jobs/daily/run {"date": "2026-11-26"}`. Pushes keep their dedupe keys: a repeat sends nothing twice.
 */
export function jobsRoutes(deps) {
    return async (app) => {
        app.get('/api/jobs', async () => runnableJobs().map((j) => ({ name: j.name, cron: j.cron, description: j.description })));
        app.post('/api/jobs/:name/run', async (req, reply) => {
            const { name } = req.params;
            const job = runnableJobs().find((j) => j.name === name);
            if (!job)
                return reply.code(404).send({ error: 'unknown_job', message: `unknown job ${name}` });
            const parsed = body.safeParse(req.body ?? {});
            if (!parsed.success)
                return reply.code(400).send({ error: 'bad_request', message: 'expected {"date"?: "YYYY-MM-DD"}' });
            const now = runInstant(job, parsed.data.date, deps.now());
            const outcome = await runJobInSlot(deps.db, job, `api:${new Date().toISOString()}`, 'api', {
                kv: deps.kv,
                now,
                notifier: (db) => outboxNotifier(db, () => deps.bus.outboxQueued()),
                log: req.log,
                settings: deps.settings,
            });
            if (!outcome.ran)
                return reply.code(409).send({ error: 'slot_taken', message: 'this run is already in progress' });
            if ('error' in outcome)
                return reply.code(500).send({ error: 'job_failed', message: outcome.error });
            return { job: job.name, at: now.toISOString(), ms: outcome.ms, result: outcome.result };
        });
    };
}
//# sourceMappingURL=jobs.routes.js.map