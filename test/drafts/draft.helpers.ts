import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';

/** Chat helpers over one test app: a single reply per message, and the dealer's open draft as stored. */
export function draftChat(app: () => TestApp) {
  const db = () => app().database.db;
  return {
    async one(from: string, text: string): Promise<string> {
      const replies = await app().say(from, text);
      expect(replies).toHaveLength(1);
      return replies[0]!;
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
