/**
 * Manager alerts through a group robot (群机器人) against the fake WeCom API: each alert mentions the owning manager
 * (`<@userid>`), a burst of 100 alerts goes out at most 20 a minute with nothing lost or doubled, and the robot's own
 * rate refusal (130101) waits for the next minute instead of spending an attempt. Alerts reach the group in the order
 * they were written, even while earlier ones wait (a refusal, a failed call), and one robot's backlog holds up
 * neither another robot nor a dealer's reply. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { WecomClient } from '../../adapters/wecom/wecom.client.js';
import { PipelineBus } from '../../bot/pipeline/bus.js';
import { OutboxDispatcher } from '../../bot/pipeline/dispatcher.js';
import { outboxNotifier } from '../../bot/pipeline/outbox.js';
import { wecomTransports } from '../../bot/pipeline/transports.js';
import { pipelineReplies } from '../../bot/replies/pipeline.replies.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { pipelineStores, pipelineUnitOfWork } from '../../db/repositories/pipeline.stores.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { openTestDatabase } from '../helpers/db.js';
import { seedDealer, WECOM } from './wecom.harness.js';

const ROBOT_KEY = 'robot-key-M001';
const OTHER_ROBOT_KEY = 'robot-key-M002';

describe('manager alerts through a group robot', () => {
  let fake: FakeWecom;
  let database: DatabaseHandle;
  let kv: MemoryKeyValueStore;
  // A minute of our own, well after the real now, so rows queued "now" are due.
  let clock = new Date((Math.floor(Date.now() / 60_000) + 2) * 60_000);
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    database = await openTestDatabase();
    await seedDealer(database.db, { manager: 'M001' });
    await database.db.updateTable('managers').set({ webhook_key: ROBOT_KEY }).where('code', '=', 'M001').execute();
    await seedDealer(database.db, { dealer: 'D0002', manager: 'M002' });
    await database.db
      .updateTable('managers')
      .set({ webhook_key: OTHER_ROBOT_KEY })
      .where('code', '=', 'M002')
      .execute();
    await database.db
      .insertInto('channel_identities')
      .values({ channel: 'wecom', external_id: 'u-D0002', dealer_code: 'D0002' })
      .execute();
    kv = new MemoryKeyValueStore();
    const client = new WecomClient(
      { apiBase: fake.baseUrl, corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, timeoutMs: 2000 },
      { kv },
    );
    dispatcher = new OutboxDispatcher(pipelineUnitOfWork(database.db), new PipelineBus(), {
      kv,
      transports: wecomTransports(client),
      kf: null,
      maxAttempts: 3,
      texts: pipelineReplies,
      now: () => clock,
      recordRetryMs: 20,
    });
  });
  afterAll(async () => {
    await kv?.close();
    await database?.close();
    await fake?.close();
  });

  const robotCalls = () => fake.callsOf('webhook/send').filter((c) => c.query['key'] === ROBOT_KEY);
  const contentOf = (c: { body: unknown }) => (c.body as { markdown: { content: string } }).markdown.content;

  it('mentions the owning manager in every alert', async () => {
    const notifier = outboxNotifier(pipelineStores(database.db), undefined, clock);
    await notifier.toManagerChat('M001', '【需求超时】N1024 已超时 2 小时', {
      kind: 'alert',
      dedupeKey: 'alert:first',
    });
    await dispatcher.runOnce();
    const [call] = robotCalls();
    expect((call!.body as { msgtype: string }).msgtype).toBe('markdown');
    expect(contentOf(call!)).toMatch(/N1024 已超时 2 小时\n<@u-M001>$/);
  });

  it('sends a burst of 100 alerts at most 20 a minute, each once', async () => {
    fake.reset();
    clock = new Date(clock.getTime() + 60_000);
    const notifier = outboxNotifier(pipelineStores(database.db), undefined, clock);
    for (let i = 1; i <= 100; i++) {
      await notifier.toManagerChat('M001', `【库存预警】第 ${i} 条`, { kind: 'alert', dedupeKey: `burst:${i}` });
    }
    // The robot refuses once on its own (130101) mid-minute: that alert waits for the next minute, not lost.
    fake.injectErrcode('webhook/send', 130101, 1);
    const perMinute: number[] = [];
    for (let minute = 0; minute < 8 && robotCalls().filter((c) => c.errcode === 0).length < 100; minute++) {
      const before = robotCalls().length;
      for (let i = 0; i < 5 && (await dispatcher.runOnce()) > 0; i++) {}
      perMinute.push(robotCalls().length - before);
      clock = new Date(clock.getTime() + 60_000);
    }
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(20);
    const delivered = robotCalls()
      .filter((c) => c.errcode === 0)
      .map((c) => Number(/第 (\d+) 条/.exec(contentOf(c))?.[1]));
    expect(delivered).toHaveLength(100);
    expect(new Set(delivered).size).toBe(100);
    const rows = await database.db
      .selectFrom('outbox')
      .select(['status', 'attempts'])
      .where('dedupe_key', 'like', 'burst:%')
      .execute();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // The refused one was postponed, not charged an attempt toward dead-lettering.
    expect(Math.max(...rows.map((r) => r.attempts))).toBeLessThanOrEqual(1);
  });

  it('delivers alerts in the order they were written while earlier ones wait (130101, a failed call)', async () => {
    fake.reset();
    clock = new Date(clock.getTime() + 60_000);
    // The first call of the first minute is refused: that alert waits for the next minute with the ones behind it.
    fake.injectErrcode('webhook/send', 130101, 1);
    const delivered = () =>
      robotCalls()
        .filter((c) => c.errcode === 0)
        .map((c) => /顺序 (\d+) 条/.exec(contentOf(c))?.[1])
        .filter((n) => n !== undefined)
        .map(Number);
    const perMinute: number[] = [];
    let written = 0;
    for (let minute = 0; minute < 12 && delivered().length < 100; minute++) {
      // A call fails (HTTP 500) in the third minute: that alert is retried, and nothing written later overtakes it.
      if (minute === 2) fake.injectHttpStatus('webhook/send', 500, 1);
      const before = robotCalls().length;
      // New alerts keep coming in waves during the minute, each followed by the dispatcher's turn.
      for (let wave = 0; wave < 4; wave++) {
        const notifier = outboxNotifier(pipelineStores(database.db), undefined, clock);
        for (let i = 0; i < 7 && written < 100; i++) {
          written++;
          await notifier.toManagerChat('M001', `【库存预警】顺序 ${written} 条`, {
            kind: 'alert',
            dedupeKey: `order:${written}`,
          });
        }
        for (let i = 0; i < 5 && (await dispatcher.runOnce()) > 0; i++) {}
      }
      perMinute.push(robotCalls().length - before);
      clock = new Date(clock.getTime() + 60_000);
    }
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(20);
    expect(delivered()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const rows = await database.db
      .selectFrom('outbox')
      .select('status')
      .where('dedupe_key', 'like', 'order:%')
      .execute();
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(100);
  });

  it("holds up neither another robot nor a dealer's reply behind one robot's backlog", async () => {
    fake.reset();
    clock = new Date(clock.getTime() + 60_000);
    const notifier = outboxNotifier(pipelineStores(database.db), undefined, clock);
    for (let i = 1; i <= 150; i++) {
      await notifier.toManagerChat('M001', `【库存预警】积压 ${i} 条`, { kind: 'alert', dedupeKey: `backlog:${i}` });
    }
    await notifier.toManagerChat('M002', '【需求超时】N2048 已超时 1 小时', { kind: 'alert', dedupeKey: 'other:1' });
    await notifier.toDealer('D0002', '您的订单已发货', { kind: 'reply', dedupeKey: 'dealer:1' });
    // One turn of the dispatcher: it takes no more of the backlog than the robot's minute, so the others go too.
    await dispatcher.runOnce();
    const other = fake.callsOf('webhook/send').filter((c) => c.query['key'] === OTHER_ROBOT_KEY && c.errcode === 0);
    expect(other.map(contentOf)).toEqual([expect.stringContaining('N2048 已超时 1 小时')]);
    const dealerCalls = fake.callsOf('message/send').filter((c) => c.errcode === 0);
    expect(dealerCalls.map((c) => (c.body as { touser: string }).touser)).toEqual(['u-D0002']);
    expect(robotCalls().filter((c) => c.errcode === 0)).toHaveLength(20);
    // The next turn finds the robot's minute used up: the backlog waits for the next minute and, waiting, is not
    // claimed again and again.
    expect(await dispatcher.runOnce()).toBe(20);
    expect(await dispatcher.runOnce()).toBe(0);
    // The backlog goes on in the next minutes, in order.
    for (let minute = 0; minute < 8; minute++) {
      clock = new Date(clock.getTime() + 60_000);
      for (let i = 0; i < 5 && (await dispatcher.runOnce()) > 0; i++) {}
    }
    const backlog = robotCalls()
      .filter((c) => c.errcode === 0)
      .map((c) => Number(/积压 (\d+) 条/.exec(contentOf(c))?.[1]));
    expect(backlog).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });
});
