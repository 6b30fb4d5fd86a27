import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OrderService } from '../../core/orders/order.service.js';
import type { DraftFactsQuery, OrderRecord } from '../../core/orders/ports.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import { NeedsService } from '../../core/needs/needs.service.js';
import type { NeedNotices } from '../../core/needs/ports.js';
import { PolicyService } from '../../core/policies/policy.service.js';
import { StockService } from '../../core/stock/stock.service.js';
import type { DatabaseHandle } from '../../db/connect.js';
import { NeedsRepository } from '../../db/repositories/needs.repository.js';
import { KyselyOrderStore } from '../../db/repositories/order.repository.js';
import { PolicyRepository } from '../../db/repositories/policies.repository.js';
import { KyselyStockStore } from '../../db/repositories/stock.repository.js';
import type { Database } from '../../db/schema.js';
import { openTestDatabase } from '../helpers/db.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, fixtureOrders, installOrderFixtures } from './order.fixtures.js';

const MIN = 60_000;
let handle: DatabaseHandle;
let db: Kysely<Database>;
let sent: Array<{ to: string; body: string; key: string }>;

const notifier = (): Notifier => {
  const push = async (to: string, body: string, o: { dedupeKey: string }) => {
    sent.push({ to, body, key: o.dedupeKey });
    return true;
  };
  return { toDealer: push, toManager: push, toManagerChat: push };
};
const service = (trx: Kysely<Database> = db, store: KyselyOrderStore = new KyselyOrderStore(trx)) =>
  new OrderService(store, {
    notifier: notifier(),
    placedNotice: (o: OrderRecord) => `new ${o.orderNo}`,
    cancelledNotice: (o: OrderRecord) => `cancelled ${o.orderNo}`,
  });
const reserved = async (sku: string) =>
  (await db.selectFrom('hq_stock').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved;

beforeAll(async () => {
  handle = await openTestDatabase({ seeded: false });
  db = handle.db;
  await installOrderFixtures(db, TEST_NOW);
});
afterAll(async () => {
  await handle?.close();
});
beforeEach(() => {
  sent = [];
});

describe('drafts', () => {
  it('prices at the tier, projects the draft onto LADDER-2026Q4 and checks HQ stock', async () => {
    const v = await service().createDraft(
      FX.core,
      [
        { sku: 'KW-N60', qty: 30 },
        { sku: 'KW-N75', qty: 20 },
        { sku: 'KA-H01', qty: 50 },
      ],
      { date: '2026-12-02' },
      TEST_NOW,
    );
    expect(v.lines.map((l) => [l.sku, l.unitPriceFen, l.amountFen])).toEqual([
      ['KW-N60', 121_600, 3_648_000],
      ['KW-N75', 138_700, 2_774_000],
      ['KA-H01', 6_460, 323_000],
    ]);
    expect(v.totalFen).toBe(6_745_000);
    // Accessories do not count for the ladder: ¥493,050 + ¥36,480 + ¥27,740.
    expect(v.rebate).toMatchObject({
      policyCode: 'LADDER-2026Q4',
      amountBeforeFen: 49_305_000,
      amountAfterFen: 55_727_000,
      rateBefore: 0,
      rateAfter: 0.02,
      bandUp: true,
      rebateDeltaFen: 1_114_540,
      periodLabel: '本季度',
    });
    expect(v.lines[1]).toMatchObject({ available: 10, shortfall: 10, expectedDate: '2026-12-10' });
    expect(v.deliveryDate).toBe('2026-12-02');
    expect(v.dateNote).toEqual({ kind: 'before_stock', date: '2026-12-02', expectedDate: '2026-12-10' });
    expect(v.canConfirm).toBe(true);
  });

  it('never stores impossible quantities or unknown products', async () => {
    const count = async () => (await db.selectFrom('order_drafts').select('id').execute()).length;
    const before = await count();
    for (const qty of [0, -5, 2.5, 10_001]) {
      await expect(service().createDraft(FX.core, [{ sku: 'KW-N60', qty }], undefined, TEST_NOW)).rejects.toMatchObject(
        { code: 'ORDER.QTY_INVALID' },
      );
    }
    await expect(
      service().createDraft(FX.core, [{ sku: 'KW-XXX', qty: 10 }], undefined, TEST_NOW),
    ).rejects.toMatchObject({ code: 'ORDER.UNKNOWN_PRODUCT' });
    await expect(service().createDraft(FX.core, [], undefined, TEST_NOW)).rejects.toMatchObject({
      code: 'ORDER.NO_ITEMS',
    });
    expect(await count()).toBe(before);
  });

  it('keeps MOQ problems on the draft with the nearest valid quantities and blocks confirmation', async () => {
    const v = await service().createDraft(FX.core, [{ sku: FX.moq20, qty: 25 }], undefined, TEST_NOW);
    expect(v.lines[0]!.qtyProblem).toEqual({ ok: false, reason: 'not_multiple', nearest: [20, 40] });
    expect(v.lines[0]!.qty).toBe(25);
    expect(v.canConfirm).toBe(false);
    expect(await service().confirmDraft(FX.core, v.id, TEST_NOW)).toMatchObject({ kind: 'blocked' });
    const fixed = await service().modifyDraft(FX.core, v.id, [{ kind: 'set', sku: FX.moq20, qty: 40 }], TEST_NOW);
    expect(fixed.kind === 'draft' && fixed.view.canConfirm).toBe(true);
  });

  it('questions a past or rolled-forward date instead of accepting it', async () => {
    const past = await service().createDraft(FX.core, [{ sku: 'KW-N60', qty: 10 }], { date: '2026-11-20' }, TEST_NOW);
    expect(past.deliveryDate).toBeNull();
    expect(past.dateNote).toEqual({ kind: 'past', date: '2026-11-20' });
    const rolled = await service().createDraft(
      FX.core,
      [{ sku: 'KW-N60', qty: 10 }],
      { date: '2027-11-20', rolledForward: true },
      TEST_NOW,
    );
    expect(rolled.deliveryDate).toBeNull();
    expect(rolled.dateNote?.kind).toBe('rolled');
  });

  it('applies set, add, subtract and remove; refuses to drop the last line', async () => {
    const v = await service().createDraft(
      FX.core,
      [
        { sku: 'KW-N60', qty: 30 },
        { sku: 'KC-Q05', qty: 6 },
      ],
      undefined,
      TEST_NOW,
    );
    const later = new Date(TEST_NOW.getTime() + 10 * MIN);
    const r = await service().modifyDraft(
      FX.core,
      v.id,
      [
        { kind: 'set', sku: 'KW-N60', qty: 40 },
        { kind: 'add', sku: 'KW-N60', qty: 10 },
        { kind: 'subtract', sku: 'KW-N60', qty: 20 },
        { kind: 'add', sku: 'KA-H01', qty: 50 },
        { kind: 'remove', sku: 'KC-Q05' },
        { kind: 'date', date: { date: '2026-12-05' } },
      ],
      later,
    );
    expect(r.kind).toBe('draft');
    if (r.kind !== 'draft') return;
    expect(r.view.lines.map((l) => [l.sku, l.qty])).toEqual([
      ['KW-N60', 30],
      ['KA-H01', 50],
    ]);
    expect(r.view.deliveryDate).toBe('2026-12-05');
    expect(r.view.expiresAt).toEqual(new Date(later.getTime() + 30 * MIN));
    expect(await service().modifyDraft(FX.core, v.id, [{ kind: 'remove', sku: 'KC-L01' }], later)).toEqual({
      kind: 'no_change',
      reason: 'not_in_draft',
      sku: 'KC-L01',
    });
    await service().modifyDraft(FX.core, v.id, [{ kind: 'remove', sku: 'KA-H01' }], later);
    expect(await service().modifyDraft(FX.core, v.id, [{ kind: 'remove', sku: 'KW-N60' }], later)).toMatchObject({
      kind: 'no_change',
      reason: 'last_line',
    });
  });

  it("another dealer's draft and order are invisible", async () => {
    const v = await service().createDraft(FX.core, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
    expect(await service().confirmDraft(FX.other, v.id, TEST_NOW)).toEqual({ kind: 'not_found' });
    expect(await service().showDraft(FX.other, v.id, TEST_NOW)).toEqual({ kind: 'gone', reason: 'not_found' });
    const { otherOrder } = fixtureOrders(TEST_NOW);
    expect(await service().order(FX.core, otherOrder)).toBeNull();
    expect(await service().cancelOrder(FX.core, otherOrder, TEST_NOW)).toEqual({ kind: 'not_found' });
    expect(await service().order(FX.other, otherOrder)).not.toBeNull();
  });
});

describe('credit', () => {
  it('counts placed-but-unpaid orders once and blocks over the limit with the amount to settle', async () => {
    // D0902: limit ¥500,000; its placed, unpaid ¥30,400 order has no receivable yet.
    const v = await service().createDraft(FX.other, [{ sku: 'KW-N60', qty: 360 }], undefined, TEST_NOW);
    expect(v.totalFen).toBe(46_080_000);
    expect(v.credit).toMatchObject({ ok: true, exposureFen: 3_040_000 });
    const over = await service().createDraft(FX.other, [{ sku: 'KW-N60', qty: 380 }], undefined, TEST_NOW);
    expect(over.credit).toMatchObject({
      ok: false,
      overLimitFen: 3_040_000 + 48_640_000 - 50_000_000,
      settleFen: 1_680_000,
    });
    // Once invoiced, the order counts through its receivable only.
    const { otherOrder } = fixtureOrders(TEST_NOW);
    await db
      .insertInto('receivables')
      .values({
        dealer_code: FX.other,
        order_no: otherOrder,
        amount_fen: 3_040_000,
        paid_fen: 1_000_000,
        due_date: '2026-12-20',
      })
      .execute();
    const again = await service().createDraft(FX.other, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
    expect(again.credit.exposureFen).toBe(2_040_000);
    await db.deleteFrom('receivables').where('order_no', '=', otherOrder).execute();
  });

  it('blocks on a receivable overdue more than 30 days', async () => {
    const v = await service().createDraft(FX.overdue, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
    expect(v.credit).toMatchObject({ ok: false, overdueFen: 2_000_000, maxOverdueDays: 56, settleFen: 2_000_000 });
    expect(await service().confirmDraft(FX.overdue, v.id, TEST_NOW)).toMatchObject({ kind: 'blocked' });
  });
});

describe('confirmation', () => {
  it('places exactly once across concurrent transactions, numbers the order and reserves stock', async () => {
    const v = await service().createDraft(FX.core, [{ sku: 'KW-A70', qty: 20 }], undefined, TEST_NOW);
    const before = await reserved('KW-A70');
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() => db.transaction().execute((trx) => service(trx).confirmDraft(FX.core, v.id, TEST_NOW))),
    );
    const placed = outcomes.filter((o) => o.kind === 'placed');
    expect(placed).toHaveLength(1);
    const orderNo = placed[0]!.kind === 'placed' ? placed[0]!.order.orderNo : '';
    expect(outcomes.filter((o) => o.kind === 'already')).toEqual([
      { kind: 'already', orderNo },
      { kind: 'already', orderNo },
      { kind: 'already', orderNo },
    ]);
    expect(orderNo).toMatch(/^SO20261126\d{4}$/);
    expect(await db.selectFrom('orders').select('order_no').where('draft_id', '=', v.id).execute()).toHaveLength(1);
    expect(await reserved('KW-A70')).toBe(before + 20);
    expect(sent).toEqual([{ to: FX.manager, body: `new ${orderNo}`, key: `order.placed:${orderNo}` }]);
    const lines = await db.selectFrom('order_lines').selectAll().where('order_no', '=', orderNo).execute();
    expect(lines).toMatchObject([
      { line_no: 1, sku: 'KW-A70', category: 'windows', qty: 20, unit_price_fen: 77_900, amount_fen: 1_558_000 },
    ]);
  });

  it('two accounts of one dealer confirming different drafts at once cannot pass the credit limit together', async () => {
    // D0905: limit ¥50,000; each draft is ¥37,248, both together ¥74,496.
    const a = await service().createDraft(FX.shared, [{ sku: 'KW-N60', qty: 30 }], undefined, TEST_NOW);
    const b = await service().createDraft(FX.shared, [{ sku: 'KW-N60', qty: 30 }], undefined, TEST_NOW);
    expect([a.canConfirm, b.canConfirm]).toEqual([true, true]);
    // Both confirmations read the credit facts at the same moment unless something makes them take turns:
    // each waits (up to 300 ms) for the other to get there before going on.
    let arrived = 0;
    const bothThere = () =>
      new Promise<void>((resolve) => {
        arrived++;
        const t0 = Date.now();
        const tick = () => (arrived >= 2 || Date.now() - t0 > 300 ? resolve() : setTimeout(tick, 5));
        tick();
      });
    class RacingStore extends KyselyOrderStore {
      override async draftFacts(q: DraftFactsQuery) {
        const facts = await super.draftFacts(q);
        await bothThere();
        return facts;
      }
    }
    const outcomes = await Promise.all(
      [a, b].map((d) =>
        db.transaction().execute((trx) => service(trx, new RacingStore(trx)).confirmDraft(FX.shared, d.id, TEST_NOW)),
      ),
    );
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['blocked', 'placed']);
    const refused = outcomes.find((o) => o.kind === 'blocked');
    expect(refused?.kind === 'blocked' && refused.view.credit).toMatchObject({
      ok: false,
      exposureFen: 3_724_800,
      overLimitFen: 2_449_600,
    });
    expect(
      await db.selectFrom('orders').select('order_no').where('dealer_code', '=', FX.shared).execute(),
    ).toHaveLength(1);
  });

  it('continues the day sequence atomically', async () => {
    await db.insertInto('order_sequences').values({ day: '2026-11-27', last_seq: 41 }).execute();
    const at = new Date('2026-11-27T09:00:00+08:00');
    const a = await service().createDraft(FX.core, [{ sku: 'KW-A70', qty: 20 }], undefined, at);
    const b = await service().createDraft(FX.core, [{ sku: 'KW-A70', qty: 20 }], undefined, at);
    const ra = await service().confirmDraft(FX.core, a.id, at);
    const rb = await service().confirmDraft(FX.core, b.id, at);
    expect(ra.kind === 'placed' && ra.order.orderNo).toBe('SO202611270042');
    expect(rb.kind === 'placed' && rb.order.orderNo).toBe('SO202611270043');
  });

  it('an expired draft is refused, also when confirmation races the expiry', async () => {
    const v = await service().createDraft(FX.core, [{ sku: 'KW-A70', qty: 20 }], undefined, TEST_NOW);
    const atExpiry = new Date(TEST_NOW.getTime() + 30 * MIN);
    expect(await service().confirmDraft(FX.core, v.id, atExpiry)).toEqual({ kind: 'expired' });
    expect(await service().confirmDraft(FX.core, v.id, TEST_NOW)).toEqual({ kind: 'expired' });
    expect(await db.selectFrom('orders').select('order_no').where('draft_id', '=', v.id).execute()).toHaveLength(0);
    expect(
      (await db.selectFrom('order_drafts').select('status').where('id', '=', v.id).executeTakeFirstOrThrow()).status,
    ).toBe('expired');
  });

  it('a cancelled draft cannot be confirmed', async () => {
    const v = await service().createDraft(FX.core, [{ sku: 'KW-A70', qty: 20 }], undefined, TEST_NOW);
    expect(await service().cancelDraft(FX.core, v.id, TEST_NOW)).toBe(true);
    expect(await service().confirmDraft(FX.core, v.id, TEST_NOW)).toEqual({ kind: 'closed' });
  });
});

describe('cancel and reorder', () => {
  it('cancels while not shipped and releases the reservation; a shipped order stays', async () => {
    const v = await service().createDraft(FX.core, [{ sku: 'KD-J01', qty: 3 }], undefined, TEST_NOW);
    const before = await reserved('KD-J01');
    const placed = await service().confirmDraft(FX.core, v.id, TEST_NOW);
    const orderNo = placed.kind === 'placed' ? placed.order.orderNo : '';
    expect(await reserved('KD-J01')).toBe(before + 3);
    const later = new Date(TEST_NOW.getTime() + 5 * MIN);
    sent = [];
    expect(await service().cancelOrder(FX.core, orderNo, later)).toMatchObject({ kind: 'cancelled' });
    expect(await reserved('KD-J01')).toBe(before);
    // The account manager hears of it, once per order.
    expect(sent).toEqual([{ to: FX.manager, body: `cancelled ${orderNo}`, key: `order.cancelled:${orderNo}` }]);
    expect(
      await db
        .selectFrom('orders')
        .select(['status', 'cancelled_at'])
        .where('order_no', '=', orderNo)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'cancelled', cancelled_at: later });
    expect(await service().cancelOrder(FX.core, orderNo, later)).toMatchObject({ kind: 'already_cancelled' });
    expect(sent).toHaveLength(1);

    const w = await service().createDraft(FX.core, [{ sku: 'KD-J01', qty: 3 }], undefined, TEST_NOW);
    const p2 = await service().confirmDraft(FX.core, w.id, TEST_NOW);
    const shippedNo = p2.kind === 'placed' ? p2.order.orderNo : '';
    await db
      .updateTable('orders')
      .set({ status: 'shipped', shipped_at: later })
      .where('order_no', '=', shippedNo)
      .execute();
    expect(await service().cancelOrder(FX.core, shippedNo, later)).toMatchObject({ kind: 'not_cancellable' });
  });

  it('reorders the last order that was not cancelled, re-priced', async () => {
    const r = await service().reorder(FX.other, TEST_NOW);
    expect(r?.view.lines.map((l) => [l.sku, l.qty, l.unitPriceFen])).toEqual([['KW-A50', 40, 76_000]]);
  });
});

describe('promotions', () => {
  const town = [
    { sku: 'KW-S30', qty: 30 }, // 高性价比: ¥12,600
    { sku: 'KD-B45', qty: 10 }, // 高性价比: ¥8,900
    { sku: 'KW-N60', qty: 10 }, // not promoted: ¥12,800
  ];

  it('tells how much more of the promoted products earns the 满减 while below the minimum', async () => {
    const v = await service().createDraft(
      FX.town,
      [
        { sku: 'KW-S30', qty: 30 },
        { sku: 'KW-N60', qty: 10 },
      ],
      undefined,
      TEST_NOW,
    );
    expect(v.promotions).toEqual([
      {
        policyCode: 'TOWN-VALUE-2026Q4',
        policyName: '下沉市场高性价比产品满减',
        productTags: ['高性价比'],
        discountRate: 0.08,
        minOrderAmountFen: 2_000_000,
        eligibleFen: 1_260_000,
        reached: false,
        discountFen: 0,
        gapFen: 740_000,
      },
    ]);
    expect(v).toMatchObject({ subtotalFen: 2_540_000, discountFen: 0, totalFen: 2_540_000 });
  });

  it('discounts the promoted products of a pilot dealer, stores the discount and counts the net for the ladder', async () => {
    const v = await service().createDraft(FX.town, town, undefined, TEST_NOW);
    // 8% of ¥21,500 = ¥1,720, split S30 ¥1,008 / B45 ¥712; N60 is not promoted.
    expect(v.lines.map((l) => [l.sku, l.amountFen, l.discountFen])).toEqual([
      ['KW-S30', 1_260_000, 100_800],
      ['KD-B45', 890_000, 71_200],
      ['KW-N60', 1_280_000, 0],
    ]);
    expect(v).toMatchObject({ subtotalFen: 3_430_000, discountFen: 172_000, totalFen: 3_258_000 });
    expect(v.promotions[0]).toMatchObject({ reached: true, eligibleFen: 2_150_000, discountFen: 172_000, gapFen: 0 });
    // Rebates are earned on what is paid: the ladder projection adds the discounted amount.
    expect(v.rebate).toMatchObject({ policyCode: 'LADDER-2026Q4', amountBeforeFen: 0, amountAfterFen: 3_258_000 });

    const placed = await service().confirmDraft(FX.town, v.id, TEST_NOW);
    if (placed.kind !== 'placed') throw new Error(`not placed: ${placed.kind}`);
    expect(placed.order).toMatchObject({ totalFen: 3_258_000, discountFen: 172_000 });
    const orderNo = placed.order.orderNo;
    const row = await db
      .selectFrom('orders')
      .select(['total_fen', 'discount_fen'])
      .where('order_no', '=', orderNo)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ total_fen: 3_258_000, discount_fen: 172_000 });
    const lines = await db
      .selectFrom('order_lines')
      .select(['sku', 'amount_fen', 'discount_fen'])
      .where('order_no', '=', orderNo)
      .orderBy('line_no')
      .execute();
    expect(lines.reduce((s, l) => s + l.amount_fen - l.discount_fen, 0)).toBe(row.total_fen);
    expect((await service().order(FX.town, orderNo))?.lines.map((l) => l.discountFen)).toEqual([100_800, 71_200, 0]);

    // The policy chat and the next draft count the same net amount.
    const policies = new PolicyService(new PolicyRepository(db));
    const dealer = (await policies.findDealer(FX.town))!;
    const ladder = (await policies.positions(dealer, TEST_NOW)).find((p) => p.kind === 'ladder_rebate');
    expect(ladder?.kind === 'ladder_rebate' && ladder.basis.amountFen).toBe(3_258_000);
    const next = await service().createDraft(FX.town, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
    expect(next.rebate).toMatchObject({ amountBeforeFen: 3_258_000 });
  });

  it('follows the policy chat’s applicability: a holdout dealer and a date outside the period get no discount', async () => {
    const held = await service().createDraft(FX.townHoldout, town, undefined, TEST_NOW);
    expect(held).toMatchObject({ promotions: [], discountFen: 0, totalFen: 3_430_000 });
    const october = new Date('2026-10-30T10:00:00+08:00');
    const early = await service().createDraft(FX.town, town, undefined, october);
    expect(early).toMatchObject({ promotions: [], discountFen: 0, totalFen: 3_430_000 });
    // Promoted to the whole target, the holdout gets it too.
    await db.updateTable('policies').set({ promoted: true }).where('code', '=', 'TOWN-VALUE-2026Q4').execute();
    try {
      const now = await service().createDraft(FX.townHoldout, town, undefined, TEST_NOW);
      expect(now).toMatchObject({ discountFen: 172_000, totalFen: 3_258_000 });
    } finally {
      await db.updateTable('policies').set({ promoted: false }).where('code', '=', 'TOWN-VALUE-2026Q4').execute();
    }
  });
});

describe('one rebate ladder per dealer', () => {
  it('drafts, the policy chat and the manager lookup pick the same ladder', async () => {
    const needs = new NeedsService({
      store: new NeedsRepository(db),
      notifier: notifier(),
      notices: {} as NeedNotices,
    });
    const policies = new PolicyService(new PolicyRepository(db));
    // An engineering-channel dealer earns LADDER-ENG on top of the general ladder (policies.json `combines`): the
    // draft's band projection and the lookup show the base ladder, the policy chat lists both.
    for (const [code, expected, all] of [
      [FX.eng, 'LADDER-2026Q4', ['LADDER-2026Q4', 'LADDER-ENG-2026Q4']],
      [FX.core, 'LADDER-2026Q4', ['LADDER-2026Q4']],
    ] as const) {
      const draft = await service().createDraft(code, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
      expect(draft.rebate?.policyCode, code).toBe(expected);
      const dealer = (await policies.findDealer(code))!;
      const ladders = (await policies.applicablePolicies(dealer, TEST_NOW)).filter(
        (r) => r.policy.kind === 'ladder_rebate',
      );
      expect(
        ladders.map((r) => r.policy.code),
        code,
      ).toEqual(all);
      const lookup = await needs.lookupDealer({ managerCode: FX.manager, dealerCode: code, now: TEST_NOW });
      expect(lookup.rebate?.policyCode, code).toBe(expected);
      await service().cancelDraft(code, draft.id, TEST_NOW);
    }
  });
});

describe('stock', () => {
  const stock = () => new StockService(new KyselyStockStore(db));
  it('reports HQ availability, own stock, cover and price', async () => {
    const [r] = await stock().report({ code: FX.core, tier: 'core' }, ['KC-L01'], TEST_NOW);
    expect(r).toMatchObject({
      hq: { available: 5000, shortfall: 0 },
      dealer: { qty: 4 },
      sold30: 12,
      product: { priceFen: 836_000 },
    });
    expect(r!.daysOfCover).toBeCloseTo(10);
    const [n75] = await stock().report({ code: FX.core, tier: 'core' }, [FX.scarce], TEST_NOW);
    expect(n75).toMatchObject({ hq: { available: 10, shortfall: 0 }, dealer: null, daysOfCover: null });
  });

  it('advises restocking below lead time + 7 days with 30 days of sell-through rounded to valid quantities', async () => {
    const advice = await stock().replenishment({ code: FX.core, tier: 'core' }, TEST_NOW);
    expect(advice.map((a) => [a.sku, a.qty, a.thresholdDays])).toEqual([
      ['KA-H01', 60, 21],
      ['KC-L01', 12, 28],
    ]);
  });
});

describe("a turn's reads (KyselyOrderStore inside a transaction)", () => {
  /** Runs `work` in a transaction that is rolled back, so the fixtures stay as they were. */
  const rolledBack = async (work: (trx: Kysely<Database>) => Promise<void>) => {
    const undo = new Error('roll back');
    await expect(
      db.transaction().execute(async (trx) => {
        await work(trx);
        throw undo;
      }),
    ).rejects.toBe(undo);
  };

  it('reads policies, the dealer and prices once per transaction; outside one, every call reads', async () => {
    await rolledBack(async (trx) => {
      const store = new KyselyOrderStore(trx);
      expect(await store.policyRecords()).toBe(await store.policyRecords());
      expect(await store.dealer(FX.core)).toBe(await store.dealer(FX.core));
      expect(await store.pricedProducts(['KW-N60'], 'core')).toBe(await store.pricedProducts(['KW-N60'], 'core'));
    });
    const outside = new KyselyOrderStore(db);
    expect(await outside.policyRecords()).not.toBe(await outside.policyRecords());
    expect(await outside.dealer(FX.core)).not.toBe(await outside.dealer(FX.core));
  });

  it("what the store writes is read anew: the changed draft, the placed order's credit and reservation", async () => {
    await rolledBack(async (trx) => {
      const store = new KyselyOrderStore(trx);
      const orders = service(trx, store);
      const today = '2026-11-26';
      const draft = await orders.createDraft(FX.other, [{ sku: 'KW-N60', qty: 10 }], undefined, TEST_NOW);
      const creditBefore = await store.creditFacts(FX.other, today, 30);
      const stockBefore = (await store.hqStock(['KW-N60'])).get('KW-N60')!;
      const changed = await orders.modifyDraft(FX.other, draft.id, [{ kind: 'set', sku: 'KW-N60', qty: 20 }], TEST_NOW);
      expect(changed).toMatchObject({ kind: 'draft', view: { lines: [{ qty: 20 }] } });
      expect(await orders.showDraft(FX.other, draft.id, TEST_NOW)).toMatchObject({ view: { lines: [{ qty: 20 }] } });
      const placed = await orders.confirmDraft(FX.other, draft.id, TEST_NOW);
      if (placed.kind !== 'placed') throw new Error(`not placed: ${placed.kind}`);
      const creditAfter = await store.creditFacts(FX.other, today, 30);
      expect(creditAfter.unpaidPlacedFen - creditBefore.unpaidPlacedFen).toBe(placed.order.totalFen);
      expect((await store.hqStock(['KW-N60'])).get('KW-N60')!.reserved).toBe(stockBefore.reserved + 20);
      expect(await store.draft(draft.id, FX.other)).toMatchObject({
        status: 'confirmed',
        orderNo: placed.order.orderNo,
      });
      expect(await orders.confirmDraft(FX.other, draft.id, TEST_NOW)).toEqual({
        kind: 'already',
        orderNo: placed.order.orderNo,
      });
    });
  });
});
