import { randomUUID } from 'node:crypto';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import type { InboundStore, PipelineStores } from '../../../core/messaging/ports.js';
import type { PipelineBus } from '../../pipeline/bus.js';
import { storeInbound } from '../inbound.store.js';
import type { SandboxMedia } from '../media.js';
import { devChatPage } from './dev-chat.page.js';

const messageBody = z
  .object({
    from: z.string().trim().min(1).max(64),
    text: z.string().min(1).max(4000).optional(),
    /** A file, as 微信客服 carries one: its name and its bytes in base64. */
    file: z.object({ name: z.string().trim().min(1).max(200), data: z.base64() }).optional(),
    /** Optional client message id: a resend with the same id is the same message (as WeCom's MsgId). */
    id: z.string().min(1).max(64).optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.file === undefined));

const WAIT_MS = 10_000;

/** Waits until the message is processed and its replies have left the outbox (or the deadline passes). */
async function waitForReplies(inbound: InboundStore, bus: PipelineBus, inboundId: number, deadline: number) {
  for (;;) {
    const progress = await inbound.progress(inboundId);
    if (!progress) throw new Error(`inbound message ${inboundId} not found`);
    const { status, replies } = progress;
    const finished = status === 'done' || status === 'parked';
    if (finished && replies.every((r) => r.status !== 'pending' && r.status !== 'sending'))
      return { done: true, replies };
    const left = deadline - Date.now();
    if (left <= 0) return { done: false, replies };
    await new Promise<void>((resolve) => {
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

/**
 * The sandbox channel (DESIGN.md "Contracts"): the same inbound table, worker and outbox as WeCom. `guard` (the admin
 * token check, next to a configured WeCom where the data is real) runs before every /sandbox route; the dev chat page
 * holds no data.
 */
export async function sandboxRoutes(
  app: FastifyInstance,
  opts: {
    stores: PipelineStores;
    bus: PipelineBus;
    guard?: onRequestHookHandler;
    /** Where files sent to the sandbox are kept (fetched like 微信客服 media), and the largest one that is read. */
    media?: { store: SandboxMedia; maxBytes: number };
  },
) {
  const { stores, bus } = opts;
  await app.register(async (sandbox) => {
    if (opts.guard) sandbox.addHook('onRequest', opts.guard);

    // A file in base64 is 4/3 of its size: room for one somewhat over the limit, so the chat can say it is too large.
    const bodyLimit = opts.media ? Math.max(1 << 20, opts.media.maxBytes * 2) : undefined;
    sandbox.post('/sandbox/messages', { ...(bodyLimit ? { bodyLimit } : {}) }, async (req, reply) => {
      const parsed = messageBody.safeParse(req.body);
      if (!parsed.success || (parsed.data.file && !opts.media)) {
        return reply.code(400).send({
          error: 'bad_request',
          message: 'expected {"from": "<code>", "text": "..."} or {"from": "<code>", "file": {"name", "data": base64}}',
        });
      }
      const { from, text, file, id } = parsed.data;
      const message = file
        ? {
            msgType: 'file',
            content: null,
            payload: {
              mediaId: await opts.media!.store.put({ name: file.name, bytes: Buffer.from(file.data, 'base64') }),
              fileName: file.name,
            },
          }
        : { msgType: 'text', content: text! };
      const stored = await storeInbound(stores.inbound, {
        channel: 'sandbox',
        dedupeKey: id ?? randomUUID(),
        externalId: from,
        ...message,
      });
      if (!stored.duplicate) bus.inboundStored(stored.message ? [stored.message] : []);
      const result = await waitForReplies(stores.inbound, bus, stored.id, Date.now() + WAIT_MS);
      if (!result.done) {
        return reply.code(504).send({
          error: 'timeout',
          message: 'the message is stored and will be processed',
          replies: result.replies.map((r) => r.body),
        });
      }
      return { replies: result.replies.map((r) => r.body) };
    });

    sandbox.get('/sandbox/outbox', async (req) => {
      const to = z.object({ to: z.string().min(1).max(64).optional() }).parse(req.query).to;
      const rows = await stores.outbox.latest(200, to);
      return {
        messages: rows.map((r) => ({
          id: r.id,
          to: r.recipient,
          address: r.address,
          route: r.route,
          kind: r.kind,
          format: r.format,
          body: r.body,
          status: r.status,
          createdAt: r.createdAt,
          sentAt: r.sentAt,
          error: r.lastError,
        })),
      };
    });

    /** People the dev chat can act as: managers and dealers (the first 2,000 of each: scale 10 has 6,000 dealers). */
    sandbox.get('/sandbox/people', async () => {
      const { managers, dealers } = await stores.recipients.people(2000);
      return {
        managers,
        dealers: dealers.map((d) => ({ code: d.code, name: d.name, tier: d.tier, manager_code: d.managerCode })),
      };
    });
  });

  app.get('/dev/chat', async (_req, reply) => reply.type('text/html; charset=utf-8').send(devChatPage));
}
