import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingLookup } from '../../core/needs/needs.service.js';
import type { PolicyOrderLine } from '../../core/policies/index.js';
import { StockService } from '../../core/stock/stock.service.js';
import { openTestDatabase } from '../../test/helpers/db.js';
import { TEST_NOW } from '../../test/helpers/seed-test-data.js';
import type { DatabaseHandle } from '../connect.js';
import type { Database } from '../schema.js';
import { KyselyConversationStore } from './conversation.repository.js';
import { KyselyInboundStore } from './inbound.repository.js';
import { NeedsRepository } from './needs.repository.js';
import { KyselyOrderStore } from './order.repository.js';
import { KyselyStockStore } from './stock.repository.js';

const H = 3_600_000;
const at = (hours: number) => new Date(TEST_NOW.getTime() + hours * H);

/** Counts the statements sent through the handle it is plugged into. */
class Statements implements KyselyPlugin {
  n = 0;
  transformQuery: KyselyPlugin['transformQuery'] = (a) => {
    this.n++;
    return a.node;
  };
  transformResult: KyselyPlugin['transformResult'] = async (a) => a.result;
}

/** What a conversation turn reads at its start and what a dealer's order questions read: one statement each. */
describe("a turn's reads on the seeded demo", () => {
  let h: DatabaseHandle;
  let db: Kysely<Database>;
  const counted = new Statements();
  let dealer: string;
  let other: string;
  let manager: string;

  beforeAll(async () => {
    h = await openTestDatabase({ seeded: true });
    db = h.db.withPlugin(counted);
    const [d, o] = await h.db.selectFrom('dealers').select(['code', 'manager_code']).orderBy('code').limit(2).execute();
    dealer = d!.code;
    other = o!.code;
    manager = d!.manager_code;
    await h.db.deleteFrom('need_events').execute();
    await h.db.deleteFrom('needs').execute();
  });
  afterAll(async () => {
    await h?.close();
  });

  const need = (status: 'open' | 'resolved' | 'closed', resolvedAt: Date | null, createdAt: Date, code = dealer) => ({
    dealer_code: code,
    category: 'training',
    text: '想要一次培训',
    status,
    owner_code: manager,
    tier: 'core' as const,
    first_response_due: at(100),
    resolution_due: at(200),
    resolved_at: resolvedAt,
    created_at: createdAt,
  });

  it("the sender's state and the need awaiting the dealer's rating come in one statement, as load and pendingRating say", async () => {
    const store = new KyselyConversationStore(db);
    const needs = new NeedsRepository(db);
    const lookup = ratingLookup(dealer, TEST_NOW);
    const turn = async (sender: string) => {
      const before = counted.n;
      const start = await store.loadTurn(sender, lookup);
      expect(counted.n - before).toBe(1);
      return start;
    };

    // Nothing stored, nothing resolved.
    expect(await turn('sandbox:x1')).toEqual({ saved: undefined, ratingNeedId: undefined });

    // Open, closed, resolved too long ago, and another dealer's resolved need: none awaits this dealer's rating.
    await h.db
      .insertInto('needs')
      .values([
        need('open', null, at(-2)),
        need('closed', at(-1), at(-3)),
        need('resolved', at(-73), at(-80)),
        need('resolved', at(-1), at(-2), other),
      ])
      .execute();
    expect((await turn('sandbox:x1')).ratingNeedId).toBeUndefined();

    // Two resolved within 72 h: the one resolved last is asked for, whichever was created first.
    const [older, later] = await h.db
      .insertInto('needs')
      .values([need('resolved', at(-5), at(-6)), need('resolved', at(-30), at(-4))])
      .returning('id')
      .execute();
    const expected = Number(older!.id);
    expect(Number(later!.id)).not.toBe(expected);
    expect((await turn('sandbox:x1')).ratingNeedId).toBe(expected);
    expect(await needs.awaitingRating(dealer, lookup.resolvedAfter)).toBe(expected);

    // A stored state comes with it, as `load` has it; without a lookup (a manager) no rating is asked.
    const expiresAt = at(0.5);
    await store.save('sandbox:x1', { awaiting: 'order_confirm', draftId: 'd1' }, TEST_NOW, expiresAt);
    const saved = { state: { awaiting: 'order_confirm', draftId: 'd1' }, expiresAt };
    expect(await turn('sandbox:x1')).toEqual({ saved, ratingNeedId: expected });
    expect(await store.load('sandbox:x1')).toEqual(saved);
    expect(await store.loadTurn('sandbox:x1')).toEqual({ saved, ratingNeedId: undefined });
  });

  it("a transaction's take reads its turns ahead in the same statement: each sender's next loadTurn gets the same values, once", async () => {
    const lookup = ratingLookup(dealer, TEST_NOW);
    const expiresAt = at(0.5);
    await new KyselyConversationStore(h.db).save('sandbox:p1', { awaiting: 'order_confirm' }, TEST_NOW, expiresAt);
    const fresh = new KyselyConversationStore(h.db);
    const expected = {
      p1: await fresh.loadTurn('sandbox:p1', lookup),
      p2: await fresh.loadTurn('sandbox:p2'),
      p3: await fresh.loadTurn('sandbox:p3', ratingLookup(other, TEST_NOW)),
    };
    expect(expected.p1.saved?.state).toEqual({ awaiting: 'order_confirm' });
    // Messages of the three senders, waiting; p1 also has a second one (not its sender's head: not taken).
    const inbound = new KyselyInboundStore(h.db);
    const stored = await inbound.store(
      ['p1', 'p2', 'p3', 'p1'].map((who, i) => ({
        channel: 'sandbox' as const,
        dedupeKey: `turn-reads-${i}`,
        externalId: who,
        msgType: 'text',
        content: '你好',
      })),
    );
    const [m1, m2, m3, m1b] = stored.map((r) => r.id);
    const requests = [
      { sender: 'sandbox:p1', rating: lookup },
      { sender: 'sandbox:p2' },
      { sender: 'sandbox:p3', rating: ratingLookup(other, TEST_NOW) },
    ];
    await db
      .transaction()
      .execute(async (trx) => {
        const before = counted.n;
        // The take and every turn's first read: one statement.
        const taken = await new KyselyInboundStore(trx).take([m1!, m2!, m3!, m1b!], [], TEST_NOW, requests);
        expect([...taken.attempts.keys()].sort()).toEqual([m1, m2, m3].sort());
        // p1's second message is its first one's next (the worker follows the sender there).
        expect(taken.next).toEqual(new Map([[m1, m1b]]));
        expect(counted.n - before).toBe(1);
        // Each turn builds its own store on the transaction: the read ahead is the transaction's.
        const store = new KyselyConversationStore(trx);
        expect(await store.loadTurn('sandbox:p1', lookup)).toEqual(expected.p1);
        expect(await store.loadTurn('sandbox:p2')).toEqual(expected.p2);
        expect(counted.n - before).toBe(1);
        // Served once: the next read is the database's.
        expect(await store.loadTurn('sandbox:p1', lookup)).toEqual(expected.p1);
        expect(counted.n - before).toBe(2);
        // Another lookup than the one read ahead reads again; so does a read after the sender's own write.
        await store.save('sandbox:p3', { awaiting: 'handoff_offer' }, TEST_NOW, expiresAt);
        const p3 = await store.loadTurn('sandbox:p3', ratingLookup(other, TEST_NOW));
        expect(p3.saved?.state).toEqual({ awaiting: 'handoff_offer' });
        expect(p3.ratingNeedId).toBe(expected.p3.ratingNeedId);
        expect(counted.n - before).toBe(4);
        throw new Error('rollback');
      })
      .catch((e: Error) => expect(e.message).toBe('rollback'));

    // Only the senders of messages taken are read ahead: p1's second message waits behind its first.
    await db
      .transaction()
      .execute(async (trx) => {
        const taken = await new KyselyInboundStore(trx).take([m1b!, m2!], [], TEST_NOW, requests);
        expect([...taken.attempts.keys()]).toEqual([m2]);
        const before = counted.n;
        const store = new KyselyConversationStore(trx);
        expect(await store.loadTurn('sandbox:p2')).toEqual(expected.p2);
        expect(counted.n - before).toBe(0);
        expect(await store.loadTurn('sandbox:p1', lookup)).toEqual(expected.p1);
        expect(counted.n - before).toBe(1);
        throw new Error('rollback');
      })
      .catch((e: Error) => expect(e.message).toBe('rollback'));
    // Outside a transaction nothing is read ahead (the take alone).
    const store = new KyselyConversationStore(db);
    expect((await new KyselyInboundStore(db).take([m2!], [], TEST_NOW, requests)).attempts.has(m2!)).toBe(true);
    const before = counted.n;
    expect(await store.loadTurn('sandbox:p2')).toEqual(expected.p2);
    expect(counted.n - before).toBe(1);
  });

  it("an order, a dealer's recent orders and their last one come with their lines in one statement each", async () => {
    const store = new KyselyOrderStore(db);
    const order = await h.db
      .selectFrom('orders')
      .select(['order_no', 'dealer_code'])
      .where('order_no', 'in', h.db.selectFrom('order_lines').select('order_no').where('line_no', '=', 2))
      .orderBy('order_no')
      .limit(1)
      .executeTakeFirstOrThrow();
    const lines = await h.db
      .selectFrom('order_lines as l')
      .innerJoin('products as p', 'p.sku', 'l.sku')
      .select(['l.line_no', 'l.sku', 'p.name', 'p.unit', 'l.qty', 'l.amount_fen'])
      .where('l.order_no', '=', order.order_no)
      .orderBy('l.line_no')
      .execute();
    expect(lines.length).toBeGreaterThan(1);

    let before = counted.n;
    const one = await store.order(order.order_no, order.dealer_code);
    expect(counted.n - before).toBe(1);
    expect(one?.lines.map((l) => [l.lineNo, l.sku, l.name, l.unit, l.qty, l.amountFen])).toEqual(
      lines.map((l) => [l.line_no, l.sku, l.name, l.unit, l.qty, l.amount_fen]),
    );
    expect(typeof one?.lines[0]?.unitPriceFen).toBe('number');
    expect(await store.order(order.order_no, 'D9999')).toBeNull();

    before = counted.n;
    const recent = await store.recentOrders(order.dealer_code, 5);
    const last = await store.lastOrder(order.dealer_code);
    expect(counted.n - before).toBe(2);
    const newest = await h.db
      .selectFrom('orders')
      .select('order_no')
      .where('dealer_code', '=', order.dealer_code)
      .orderBy('placed_at', 'desc')
      .orderBy('order_no', 'desc')
      .limit(5)
      .execute();
    expect(recent.map((o) => o.orderNo)).toEqual(newest.map((o) => o.order_no));
    for (const o of recent) {
      const count = await h.db
        .selectFrom('order_lines')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('order_no', '=', o.orderNo)
        .executeTakeFirstOrThrow();
      expect(o.lines.length).toBe(Number(count.n));
      expect(o.lines.map((l) => l.lineNo)).toEqual([...o.lines.map((l) => l.lineNo)].sort((a, b) => a - b));
    }
    expect(last?.status).not.toBe('cancelled');

    // An order without lines (an ERP header imported alone) has none, not a missing list.
    await h.db
      .insertInto('orders')
      .values({
        order_no: 'SO202611269999',
        dealer_code: order.dealer_code,
        status: 'placed',
        total_fen: 0,
        discount_fen: 0,
        placed_at: at(1),
        source: 'erp',
      })
      .execute();
    expect((await store.order('SO202611269999', order.dealer_code))?.lines).toEqual([]);
  });

  it('pricing a draft reads stock, credit, vouchers and the ladder lines in one statement, as the separate reads have them', async () => {
    // The dealer holding a voucher today with the most receivables open: every part has something to compare.
    const today = '2026-11-26';
    const holder = await h.db
      .selectFrom('care_vouchers')
      .select('dealer_code')
      .where('used_order_no', 'is', null)
      .where('valid_from', '<=', today)
      .where('valid_until', '>=', today)
      .orderBy('dealer_code')
      .executeTakeFirstOrThrow();
    const code = holder.dealer_code;
    const skus = ['KW-N60', 'KW-A70', 'KW-N60', 'NO-SUCH'];
    const period = { start: '2026-01-01', end: '2026-12-31' };
    const q = { skus, dealerCode: code, today, overdueDays: 30, ladderPeriod: period };
    const separate = new KyselyOrderStore(h.db);
    const expected = {
      stock: await separate.hqStock(skus),
      credit: await separate.creditFacts(code, today, 30),
      vouchers: await separate.openVouchers(code, today),
      ladderLines: await separate.policyLines(code, period),
    };
    expect(expected.vouchers.length).toBeGreaterThan(0);
    expect(expected.ladderLines.length).toBeGreaterThan(0);
    expect(expected.stock.size).toBe(2);

    let before = counted.n;
    const outside = await new KyselyOrderStore(db).draftFacts(q);
    expect(counted.n - before).toBe(1);
    const byTime = (a: PolicyOrderLine, b: PolicyOrderLine) =>
      new Date(a.placedAt).getTime() - new Date(b.placedAt).getTime() || a.amountFen - b.amountFen;
    expect({ ...outside, ladderLines: outside.ladderLines?.sort(byTime) }).toEqual({
      ...expected,
      ladderLines: expected.ladderLines.sort(byTime),
    });
    expect((await new KyselyOrderStore(db).draftFacts({ ...q, skus: [], ladderPeriod: null })).ladderLines).toBeNull();

    // Inside a transaction: the second pricing reads nothing, and the separate reads are the ones remembered.
    await h.db.transaction().execute(async (trx) => {
      const store = new KyselyOrderStore(trx.withPlugin(counted));
      before = counted.n;
      const first = await store.draftFacts(q);
      const again = await store.draftFacts(q);
      expect(counted.n - before).toBe(1);
      expect(again.credit).toBe(first.credit);
      expect(await store.creditFacts(code, today, 30)).toBe(first.credit);
      expect(await store.openVouchers(code, today)).toBe(first.vouchers);
      expect(counted.n - before).toBe(1);
    });
  });

  it("the replenishment advice reads every active product with the dealer's stock and sales in one statement", async () => {
    // A dealer with stock of their own and sales in the window.
    const sold = await h.db
      .selectFrom('sell_through as st')
      .innerJoin('dealer_inventory as di', (j) => j.onRef('di.dealer_code', '=', 'st.dealer_code'))
      .select('st.dealer_code')
      .where('st.day', '>=', '2026-10-27')
      .where('st.day', '<', '2026-11-26')
      .orderBy('st.dealer_code')
      .executeTakeFirstOrThrow();
    const dealerRef = { code: sold.dealer_code, tier: 'core' as const };
    const separate = new KyselyStockStore(h.db);
    const products = await separate.pricedProducts('all', dealerRef.tier);
    const active = <V>(m: Map<string, V>) => new Map([...m].filter(([sku]) => products.has(sku)));
    const own = active(await separate.dealerInventory(dealerRef.code));
    const sales = active(await separate.sellThrough(dealerRef.code, '2026-10-27', '2026-11-26'));
    expect(sales.size).toBeGreaterThan(0);
    expect(own.size).toBeGreaterThan(0);

    const before = counted.n;
    const facts = await new KyselyStockStore(db).stockFacts(dealerRef, 'all', '2026-10-27', '2026-11-26');
    expect(counted.n - before).toBe(1);
    expect(facts.products).toEqual(products);
    expect(facts.own).toEqual(own);
    expect(facts.sold).toEqual(sales);
    expect(facts.hq).toEqual(await separate.hqStock([...products.keys()]));

    const advice = await new StockService(new KyselyStockStore(db)).replenishment(dealerRef, TEST_NOW);
    expect(counted.n - before).toBe(2);
    expect(advice.every((a) => products.has(a.sku) && a.sold30 === sales.get(a.sku))).toBe(true);
  });
});
