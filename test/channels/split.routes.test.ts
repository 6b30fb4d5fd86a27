/**
 * A long reply on every route: a 9,000-byte explanation is split on line boundaries within the route's limit
 * (2,048 bytes; 4,096 for robot markdown), each part numbered (1/n … n/n), and delivered in order to the fake
 * WeChat/WeCom API. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../bot/pipeline/outbox.js';
import { openMpWindow } from '../../bot/pipeline/transports.js';
import type { MessageFormat, OutboxRoute } from '../../core/messaging/types.js';
import { pipelineStores } from '../../db/repositories/pipeline.stores.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { MP, mpEnv } from './miniprogram.harness.js';
import { startConfiguredApp, type WecomTestApp, wecomEnv } from './wecom.harness.js';

const explanation = Array.from(
  { length: 130 },
  (_, i) => `· 第${i + 1}项：季度累计提货满 ${(i + 1) * 10} 万元，返利 ${(1 + (i % 5) * 0.5).toFixed(1)}%，按季结算`,
).join('\n');

const LABEL_RE = /^（(\d+)\/(\d+)）\n/;

interface Case {
  route: OutboxRoute;
  address: string;
  format?: MessageFormat;
  /** The fake API method that delivers it; null for the sandbox. */
  method: string | null;
  limit: number;
}

const CASES: Case[] = [
  { route: 'wecom_app', address: 'u-split', method: 'message/send', limit: 2048 },
  { route: 'wecom_appchat', address: 'chat-split', method: 'appchat/send', limit: 2048 },
  { route: 'wecom_webhook', address: 'robot-text', method: 'webhook/send', limit: 2048 },
  { route: 'wecom_webhook', address: 'robot-md', format: 'markdown', method: 'webhook/send', limit: 4096 },
  { route: 'kf', address: 'wm-split', method: 'kf/send_msg', limit: 2048 },
  { route: 'mp', address: 'o-split', method: 'message/custom/send', limit: 2048 },
  { route: 'sandbox', address: 'D0001', method: null, limit: 2048 },
];

/** The text a fake API call carried. */
function contentOf(body: unknown): string {
  const b = body as { text?: { content: string }; markdown?: { content: string } };
  return b.text?.content ?? b.markdown?.content ?? '';
}

describe('a 9,000-byte reply on every route', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;

  beforeAll(async () => {
    fake = await startFakeWecom({ mpApps: { [MP.appId]: MP.appSecret } });
    t = await startConfiguredApp(
      { ...wecomEnv(fake.baseUrl), ...mpEnv(fake.baseUrl, 'safe') },
      { startPipeline: false },
    );
    const stores = pipelineStores(t.db);
    // KF and the mini-program only answer inside the window the customer's message opened (5 replies each).
    await stores.kf.openWindow('wm-split', 'wkSplit', new Date());
    await openMpWindow(stores.mp, 'o-split', 'message', new Date());
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('is split within each route limit, numbered, and delivered in order', async () => {
    expect(Buffer.byteLength(explanation)).toBeGreaterThan(9000);
    const stores = pipelineStores(t.db);
    for (const c of CASES) {
      await enqueue(stores.outbox, [
        {
          recipient: c.address,
          address: c.address,
          route: c.route,
          body: explanation,
          ...(c.format ? { format: c.format } : {}),
          kind: 'test',
          dedupeKey: `split:${c.address}`,
        },
      ]);
    }
    for (let i = 0; i < 20 && (await t.app.dispatcher.runOnce()) > 0; i++) {}

    for (const c of CASES) {
      const rows = await t.db
        .selectFrom('outbox')
        .select(['body', 'status'])
        .where('dedupe_key', 'like', `split:${c.address}%`)
        .orderBy('id')
        .execute();
      expect(rows.length, c.address).toBeGreaterThan(1);
      expect(
        rows.every((r) => r.status === 'sent'),
        c.address,
      ).toBe(true);
      rows.forEach((r, i) => {
        expect(Buffer.byteLength(r.body), c.address).toBeLessThanOrEqual(c.limit);
        expect(r.body.match(LABEL_RE)?.slice(1), c.address).toEqual([String(i + 1), String(rows.length)]);
      });
      // Nothing lost or reordered: the parts without their labels are the rendered text, cut between lines.
      const text = rows.map((r) => r.body.replace(LABEL_RE, '')).join('\n');
      expect(text.replaceAll('**', ''), c.address).toBe(explanation);
      if (!c.method) continue;
      const sent = fake
        .callsOf(c.method)
        .filter((call) => {
          const b = call.body as Record<string, unknown>;
          return [b['touser'], b['chatid'], call.query['key']].includes(c.address);
        })
        .map((call) => contentOf(call.body));
      expect(sent, c.address).toEqual(rows.map((r) => r.body));
    }
    // The robot's markdown takes 4,096-byte parts: fewer of them than its text.
    const parts = async (address: string) =>
      (await t.db.selectFrom('outbox').select('id').where('dedupe_key', 'like', `split:${address}%`).execute()).length;
    expect(await parts('robot-md')).toBeLessThan(await parts('robot-text'));
  });
});
