import { needsRoutes } from './needs.routes.js';
import { policiesRoutes } from './policies.routes.js';
import { jobsRoutes } from './jobs.routes.js';
import { followupsRoutes } from './followups.routes.js';
/** The HQ admin API under /api (bearer-token guarded in server.ts). Each capability registers its routes here. */
export function adminApi(deps) {
    return async (app) => {
        await app.register(needsRoutes(deps));
        await app.register(policiesRoutes(deps));
        await app.register(jobsRoutes(deps));
        await app.register(followupsRoutes(deps));
        app.get('/api/status', async () => {
            const [inbound, outbox] = await Promise.all([
                deps.db
                    .selectFrom('inbound_messages')
                    .select(['status', deps.db.fn.countAll().as('n')])
                    .groupBy('status')
                    .execute(),
                deps.db
                    .selectFrom('outbox')
                    .select(['status', deps.db.fn.countAll().as('n')])
                    .groupBy('status')
                    .execute(),
            ]);
            return { inbound, outbox };
        });
    };
}
//# sourceMappingURL=index.js.map