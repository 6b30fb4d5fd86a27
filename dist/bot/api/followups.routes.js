import { z } from 'zod';
const listQuery = z.object({
    manager: z
        .string()
        .regex(/^M\d{3}$/)
        .optional(),
    status: z.enum(['open', 'done']).default('open'),
});
/**
 * Manager follow-ups: pushes that could not reach a dealer (KF window closed) and messages the system could not
 * handle. HQ lists them per manager and closes them once handled.
 */
export function followupsRoutes(deps) {
    return async (app) => {
        app.get('/api/followups', async (req, reply) => {
            const q = listQuery.safeParse(req.query);
            if (!q.success)
                return reply.code(400).send({ error: 'bad_request', message: 'expected ?manager=M001&status=open|done' });
            let sel = deps.db
                .selectFrom('followups')
                .select(['id', 'manager_code', 'dealer_code', 'body', 'status', 'created_at'])
                .where('status', '=', q.data.status)
                .orderBy('id', 'desc')
                .limit(500);
            if (q.data.manager)
                sel = sel.where('manager_code', '=', q.data.manager);
            return { followups: await sel.execute() };
        });
        app.post('/api/followups/:id/done', async (req, reply) => {
            const id = Number(req.params.id);
            if (!Number.isSafeInteger(id) || id <= 0)
                return reply.code(400).send({ error: 'bad_request', message: 'bad id' });
            const r = await deps.db.updateTable('followups').set({ status: 'done' }).where('id', '=', id).executeTakeFirst();
            if (Number(r.numUpdatedRows) === 0)
                return reply.code(404).send({ error: 'not_found', message: `no follow-up ${id}` });
            return { id, status: 'done' };
        });
    };
}
//# sourceMappingURL=followups.routes.js.map