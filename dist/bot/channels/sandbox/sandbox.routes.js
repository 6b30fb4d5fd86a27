import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { storeInbound } from '../inbound.store.js';
import { devChatPage } from './dev-chat.page.js';
const messageBody = z.object({
    from: z.string().trim().min(1).max(64),
    text: z.string().min(1).max(4000),
    /** Optional client message id: a resend with the same id is the same message (as WeCom's MsgId). */
    id: z.string().min(1).max(64).optional(),
});
const WAIT_MS = 10_000;
/** Waits until the message is processed and its replies have left the outbox (or the deadline passes). */
async function waitForReplies(db, bus, inboundId, deadline) {
    for (;;) {
        const msg = await db
            .selectFrom('inbound_messages')
            .select('status')
            .where('id', '=', inboundId)
            .executeTakeFirstOrThrow();
        const replies = await db
            .selectFrom('outbox')
            .select(['body', 'status'])
            .where('in_reply_to', '=', inboundId)
            .orderBy('id')
            .execute();
        const finished = msg.status === 'done' || msg.status === 'parked';
        if (finished && replies.every((r) => r.status !== 'pending' && r.status !== 'sending'))
            return { done: true, replies };
        const left = deadline - Date.now();
        if (left <= 0)
            return { done: false, replies };
        await new Promise((resolve) => {
            const wake = () => {
                clearTimeout(t);
                bus.off(`inbound:${inboundId}`, wake);
                bus.off(`replies:${inboundId}`, wake);
                resolve();
            };
            const t = setTimeout(wake, Math.min(left, 100));
            bus.once(`inbound:${inboundId}`, wake);
            bus.once(`replies:${inboundId}`, wake);
        });
    }
}
/** The sandbox channel (DESIGN.md "Contracts"): the same inbound table, worker and outbox as WeCom. */
export async function sandboxRoutes(app, opts) {
    const { db, bus } = opts;
    app.post('/sandbox/messages', async (req, reply) => {
        const parsed = messageBody.safeParse(req.body);
        if (!parsed.success) {
            return reply.code(400).send({ error: 'bad_request', message: 'expected {"from": "<code>", "text": "..."}' });
        }
        const { from, text, id } = parsed.data;
        const stored = await storeInbound(db, {
            channel: 'sandbox',
            dedupeKey: id ?? randomUUID(),
            externalId: from,
            msgType: 'text',
            content: text,
        });
        if (!stored.duplicate)
            bus.inboundStored();
        const result = await waitForReplies(db, bus, stored.id, Date.now() + WAIT_MS);
        if (!result.done) {
            return reply.code(504).send({
                error: 'timeout',
                message: 'the message is stored and will be processed',
                replies: result.replies.map((r) => r.body),
            });
        }
        return { replies: result.replies.map((r) => r.body) };
    });
    app.get('/sandbox/outbox', async (req) => {
        const to = z.object({ to: z.string().min(1).max(64).optional() }).parse(req.query).to;
        let q = db
            .selectFrom('outbox')
            .select([
            'id',
            'recipient',
            'address',
            'route',
            'kind',
            'format',
            'body',
            'status',
            'created_at',
            'sent_at',
            'last_error',
        ])
            .orderBy('id', 'desc')
            .limit(200);
        if (to)
            q = q.where((eb) => eb.or([eb('recipient', '=', to), eb('address', '=', to)]));
        const rows = await q.execute();
        return {
            messages: rows.reverse().map((r) => ({
                id: r.id,
                to: r.recipient,
                address: r.address,
                route: r.route,
                kind: r.kind,
                format: r.format,
                body: r.body,
                status: r.status,
                createdAt: r.created_at,
                sentAt: r.sent_at,
                error: r.last_error,
            })),
        };
    });
    /** People the dev chat can act as: managers and dealers (the first 2,000 of each: scale 10 has 6,000 dealers). */
    app.get('/sandbox/people', async () => {
        const managers = await db
            .selectFrom('managers')
            .select(['code', 'name', 'role'])
            .orderBy('code')
            .limit(2000)
            .execute();
        const dealers = await db
            .selectFrom('dealers')
            .select(['code', 'name', 'tier', 'manager_code'])
            .orderBy('code')
            .limit(2000)
            .execute();
        return { managers, dealers };
    });
    app.get('/dev/chat', async (_req, reply) => reply.type('text/html; charset=utf-8').send(devChatPage));
}
//# sourceMappingURL=sandbox.routes.js.map