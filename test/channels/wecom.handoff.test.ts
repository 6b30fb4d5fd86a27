/**
 * Issue 14, the inbound fast path at the route: a stored WeCom callback is handed to the worker in memory as the
 * stored message (after its commit); a WeCom retry of the same message (a duplicate) hands nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wecomRoutes } from '../../bot/channels/wecom/wecom.routes.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { buildServer } from '../../bot/server.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { openTestDatabase } from '../helpers/db.js';
import { signedCallback, textXml, wecomConfig } from './wecom.harness.js';

let database: DatabaseHandle;
let server: Awaited<ReturnType<typeof buildServer>>;
const bus = new PipelineBus();
const handed: InboundMessage[][] = [];
bus.on('inbound', (messages: InboundMessage[]) => handed.push(messages));

beforeAll(async () => {
  database = await openTestDatabase();
  const config = wecomConfig();
  server = await buildServer({
    config,
    ready: async () => true,
    plugins: [wecomRoutes({ pipeline: pipelineUnitOfWork(database.db), bus, config: config.wecom! })],
  });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

it('hands the stored message to the worker after the ack, and nothing for a retry of it', async () => {
  const cb = signedCallback(textXml({ from: 'handoff-user', content: '你好', msgId: '7300000000000000001' }));
  const post = () => server.inject({ method: 'POST', url: cb.url, payload: Buffer.from(cb.body) });
  expect((await post()).statusCode).toBe(200);
  const row = await database.db
    .selectFrom('inbound_messages')
    .selectAll()
    .where('dedupe_key', '=', 'msg:7300000000000000001')
    .executeTakeFirstOrThrow();
  expect(handed).toEqual([
    [
      {
        id: row.id,
        channel: 'wecom',
        dedupeKey: 'msg:7300000000000000001',
        sender: 'wecom:handoff-user',
        msgType: 'text',
        content: '你好',
        payload: row.payload,
        receivedAt: row.received_at,
        status: 'pending',
        attempts: 0,
      },
    ],
  ]);
  expect((await post()).statusCode).toBe(200);
  expect(handed).toHaveLength(1);
});
