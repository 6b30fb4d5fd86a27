import { afterAll, beforeAll, expect } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { orderFixtures } from '../orders/order.fixtures.js';

/** Chat helpers over one test app: a single reply per message, and the dealer's open draft as stored. */
export function draftChat(app: () => TestApp) {
  const db = () => app().database.db;
  return {
    async one(from: string, text: string): Promise<string> {
      const replies = await app().say(from, text);
      expect(replies).toHaveLength(1);
      return replies[0]!;
    },
    /** The dealer's open draft's lines as stored, configurations included (undefined when none is open). */
    async draftItems(dealer: string) {
      const rows = await db()
        .selectFrom('order_drafts')
        .select('items')
        .where('dealer_code', '=', dealer)
        .where('status', '=', 'open')
        .orderBy('created_at', 'desc')
        .execute();
      return rows[0]?.items;
    },
    /** The dealer's open draft: its lines and delivery date (undefined when none is open). */
    async openDraft(dealer: string) {
      const rows = await db()
        .selectFrom('order_drafts')
        .selectAll()
        .where('dealer_code', '=', dealer)
        .where('status', '=', 'open')
        .orderBy('created_at', 'desc')
        .execute();
      const d = rows[0];
      return d ? { id: d.id, items: d.items.map((i) => [i.sku, i.qty]), date: d.delivery_date } : undefined;
    },
    chatOrders(dealer: string) {
      return db()
        .selectFrom('orders')
        .selectAll()
        .where('dealer_code', '=', dealer)
        .where('source', '=', 'chat')
        .execute();
    },
  };
}

/** One seeded test app (order fixtures, clock at TEST_NOW) for the file, with the chat helpers over it. */
export function useDraftChat() {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp({ seeded: true, prepare: orderFixtures(TEST_NOW), now: () => TEST_NOW });
  });
  afterAll(async () => {
    await app?.close();
  });
  return { ...draftChat(() => app!), app: () => app! };
}
