import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import { handlers } from '../handlers/index.js';
import { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { DEFAULT_CATALOG_PATH } from '../nlu/nlu.eval.js';
import type { Identity } from '../pipeline/identity.js';
import { commonReplies } from '../replies/common.replies.js';
import { needReplies } from '../replies/needs.replies.js';
import { ordersReplies } from '../replies/orders.replies.js';
import { policyReplies } from '../replies/policies.replies.js';
import type { Services } from '../services.js';
import { createConversationStep } from './engine.js';

const catalog = new CatalogMatcher(parseCatalogCsv(readFileSync(DEFAULT_CATALOG_PATH, 'utf8')));
const now = new Date('2026-11-26T02:00:00Z');

/**
 * Services where only the conversation store (its turn read brings the rating owed) answers: any other call means a
 * handler ran past the guard, and fails the test.
 */
function guardedServices(state?: object): { services: Services; touched: string[] } {
  const touched: string[] = [];
  const trap = (name: string, allowed: Record<string, unknown> = {}) =>
    new Proxy(allowed, {
      get: (target, prop) => {
        if (typeof prop === 'string' && prop in target) return target[prop];
        touched.push(`${name}.${String(prop)}`);
        throw new Error(`${name}.${String(prop)} reached past the guard`);
      },
    });
  const services = {
    conversation: {
      loadTurn: async () => ({
        saved: state ? { state, expiresAt: new Date(now.getTime() + 60_000) } : undefined,
        ratingNeedId: undefined,
      }),
      save: async () => {},
      clear: async () => {},
    },
    needs: trap('needs'),
    orders: trap('orders'),
    stock: trap('stock'),
    policies: trap('policies'),
    directory: trap('directory'),
    content: trap('content'),
    // A manager command from a dealer is a message not understood: kept for HQ like any other.
    nluMisses: trap('nluMisses', { add: async () => 1 }),
  } as unknown as Services;
  return { services, touched };
}

const notifier: Notifier = {
  toDealer: async () => true,
  toManager: async () => true,
  toManagerChat: async () => true,
};

const dealer: Identity = {
  kind: 'dealer',
  channel: 'sandbox',
  externalId: 'D0001',
  dealerCode: 'D0001',
  dealerName: '测试门窗',
  tier: 'core',
  managerCode: 'M001',
};
const manager: Identity = {
  kind: 'manager',
  channel: 'sandbox',
  externalId: 'M001',
  managerCode: 'M001',
  managerName: '王经理',
  role: 'account',
};

async function say(identity: Identity, text: string, state?: object) {
  const { services, touched } = guardedServices(state);
  const step = createConversationStep({
    catalog: () => catalog,
    handlers,
    kv: new MemoryKeyValueStore(),
  });
  const message: InboundMessage = {
    id: 1,
    channel: identity.channel,
    dedupeKey: 'k1',
    sender: `${identity.channel}:${identity.externalId}`,
    msgType: 'text',
    content: text,
    payload: {},
    receivedAt: now,
    status: 'processing',
    attempts: 0,
  };
  const replies = await step({ services: () => services, message, identity, now, notifier });
  return { replies: replies.map((r) => r.body), touched };
}

describe('the role guard step (declared per intent in the registry)', () => {
  it('answers a manager command from a dealer as words it does not know, without running the command', async () => {
    for (const text of ['认领 N1024', 'N1024 已解决 安排了培训', '转交 N1024 给 M007']) {
      const { replies, touched } = await say(dealer, text);
      expect(replies, text).toEqual([commonReplies.unknown('dealer')]);
      expect(touched, text).toEqual([]);
    }
  });

  it("refuses a manager a dealer's own business with that capability's reply, before any service runs", async () => {
    const cases: Array<[string, string]> = [
      ['N60 30套 下周三', ordersReplies.dealerOnly],
      ['我的订单', ordersReplies.dealerOnly],
      ['KC-L01还有货吗', ordersReplies.dealerOnly],
      ['我该补什么货', ordersReplies.dealerOnly],
      ['阶梯返利怎么算', policyReplies.managerHint],
      ['我还差多少到下一档', policyReplies.managerHint],
    ];
    for (const [text, refusal] of cases) {
      const { replies, touched } = await say(manager, text);
      expect(replies, text).toEqual([refusal]);
      expect(touched, text).toEqual([]);
    }
  });

  it('lets each role through to its own intents', async () => {
    // A dealer's order reaches the order service (the trap records it); a manager's claim reaches the needs service.
    const order = await say(dealer, 'N60 30套 下周三').catch((e: Error) => e.message);
    expect(order).toMatch(/orders\.createDraft reached past the guard/);
    const claim = await say(manager, '认领 N1024').catch((e: Error) => e.message);
    expect(claim).toMatch(/needs\.claim reached past the guard/);
  });

  it("refuses a manager a dealer's rating with the needs capability's reply", async () => {
    const { replies, touched } = await say(manager, '5', { awaiting: 'need_rating', needId: 1024 });
    expect(replies).toEqual([needReplies.dealerOnly]);
    expect(touched).toEqual([]);
  });
});
