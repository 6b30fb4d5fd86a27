import { beforeEach, describe, expect, it } from 'vitest';
import {
  dealerAccount,
  FakeClock,
  InMemoryCatalog,
  InMemoryOrderStore,
  MINUTE,
  product,
  RecordingNotifier,
} from '../testing/index.js';
import { type ProductOptions, parseOptionsSpec } from '../catalog/options.js';
import { OrderService } from './order.service.js';

// Specified on in-memory fakes (core/testing): no database. test/orders covers the same service on PGlite.
const NOW = '2026-11-26T10:00:00+08:00';
let catalog: InMemoryCatalog;
let store: InMemoryOrderStore;
let notifier: RecordingNotifier;
let clock: FakeClock;
let service: OrderService;
let ids: number;

beforeEach(() => {
  catalog = new InMemoryCatalog([
    product('KW-N60', { listPriceFen: 128_000, moq: 10 }),
    product('KD-A1', { category: 'doors', listPriceFen: 50_000, moq: 2, orderMultiple: 2 }),
  ])
    .setHqStock('KW-N60', 100, 20)
    .setHqStock('KD-A1', 0);
  store = new InMemoryOrderStore(catalog).addDealer(
    dealerAccount('D001', { tier: 'core', creditLimitFen: 50_000_000 }),
  );
  notifier = new RecordingNotifier();
  clock = new FakeClock(NOW);
  ids = 0;
  service = new OrderService(store, {
    notifier,
    placedNotice: (o) => `placed ${o.orderNo}`,
    cancelledNotice: (o) => `cancelled ${o.orderNo}`,
    newId: () => `draft-${++ids}`,
  });
});

describe('OrderService (unit, in-memory fakes)', () => {
  it('prices a draft at the dealer tier and reports HQ availability and shortfall', async () => {
    const view = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 90 }], undefined, clock.now());
    const [line] = view.lines;
    // core tier: 5 % off 1,280.00 yuan = 1,216.00; 100 on hand − 20 reserved leaves 80 of the 90.
    expect(line).toMatchObject({ unitPriceFen: 121_600, amountFen: 90 * 121_600, available: 80, shortfall: 10 });
    expect(line!.expectedDate).toBe('2026-12-10');
    expect(view.totalFen).toBe(90 * 121_600);
    expect(view.canConfirm).toBe(true);
  });

  it('blocks a quantity under the MOQ or off the order multiple, with the nearest valid quantities', async () => {
    const view = await service.createDraft(
      'D001',
      [
        { sku: 'KW-N60', qty: 5 },
        { sku: 'KD-A1', qty: 3 },
      ],
      undefined,
      clock.now(),
    );
    expect(view.lines.map((l) => l.qtyProblem?.reason)).toEqual(['below_moq', 'not_multiple']);
    expect(view.lines[0]!.qtyProblem!.nearest).toContain(10);
    expect(view.lines[1]!.qtyProblem!.nearest).toEqual(expect.arrayContaining([2, 4]));
    expect(view.canConfirm).toBe(false);
    expect(await service.confirmDraft('D001', view.id, clock.now())).toMatchObject({ kind: 'blocked' });
    expect(store.orders).toHaveLength(0);
  });

  it('confirms exactly once: one order, one reservation, one notice; a repeat answers with the same number', async () => {
    const view = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 30 }], undefined, clock.now());
    const first = await service.confirmDraft('D001', view.id, clock.now());
    const again = await service.confirmDraft('D001', view.id, clock.advance(MINUTE));
    expect(first).toMatchObject({ kind: 'placed', order: { orderNo: 'SO202611260001', totalFen: 30 * 121_600 } });
    expect(again).toEqual({ kind: 'already', orderNo: 'SO202611260001' });
    expect(store.orders).toHaveLength(1);
    expect(catalog.hq.get('KW-N60')).toEqual({ onHand: 100, reserved: 50 });
    expect(notifier.ofKind('order.placed')).toEqual([
      expect.objectContaining({ channel: 'managerChat', to: 'M001', body: 'placed SO202611260001' }),
    ]);
  });

  it('numbers orders per Shanghai day', async () => {
    const a = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    await service.confirmDraft('D001', a.id, clock.now());
    // 2026-11-26T16:30Z is already 11-27 in Shanghai.
    clock = new FakeClock('2026-11-26T16:30:00Z');
    const b = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    expect(await service.confirmDraft('D001', b.id, clock.now())).toMatchObject({
      order: { orderNo: 'SO202611270001' },
    });
  });

  it('checks credit on the total: over the limit or overdue blocks, with the amounts', async () => {
    store.addDealer(dealerAccount('D002', { tier: 'regular', creditLimitFen: 2_000_000 }));
    store.receivables.set('D002', { openFen: 1_000_000, overdueFen: 0, maxOverdueDays: 0 });
    const view = await service.createDraft('D002', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    // 10 × 1,280.00 = 12,800.00 on top of 10,000.00 open against a 20,000.00 limit: 2,800.00 over.
    expect(view.credit).toMatchObject({ ok: false, exposureFen: 1_000_000, overLimitFen: 280_000 });
    expect(view.canConfirm).toBe(false);

    store.receivables.set('D002', { openFen: 0, overdueFen: 50_000, maxOverdueDays: 45 });
    const overdue = await service.createDraft('D002', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    expect(overdue.credit).toMatchObject({ ok: false, overLimitFen: 0, overdueFen: 50_000 });
  });

  it('counts placed orders against credit, so a second draft sees the first', async () => {
    store.addDealer(dealerAccount('D003', { creditLimitFen: 2_000_000 }));
    const a = await service.createDraft('D003', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    const b = await service.createDraft('D003', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    expect(await service.confirmDraft('D003', a.id, clock.now())).toMatchObject({ kind: 'placed' });
    expect(await service.confirmDraft('D003', b.id, clock.now())).toMatchObject({
      kind: 'blocked',
      view: { credit: { ok: false, exposureFen: 1_280_000 } },
    });
  });

  it('expires a draft after its TTL and never confirms it', async () => {
    const view = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    expect(await service.confirmDraft('D001', view.id, clock.advance(31 * MINUTE))).toEqual({ kind: 'expired' });
    expect(store.drafts.get(view.id)!.status).toBe('expired');
    expect(store.orders).toHaveLength(0);
  });

  it("does not show or confirm another dealer's draft", async () => {
    store.addDealer(dealerAccount('D009'));
    const view = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    expect(await service.confirmDraft('D009', view.id, clock.now())).toEqual({ kind: 'not_found' });
  });

  it('cancels a placed order once, releasing its reservation', async () => {
    const view = await service.createDraft('D001', [{ sku: 'KW-N60', qty: 10 }], undefined, clock.now());
    await service.confirmDraft('D001', view.id, clock.now());
    expect(await service.cancelOrder('D001', 'SO202611260001', clock.now())).toMatchObject({ kind: 'cancelled' });
    expect(catalog.hq.get('KW-N60')).toEqual({ onHand: 100, reserved: 20 });
    expect(await service.cancelOrder('D001', 'SO202611260001', clock.now())).not.toMatchObject({ kind: 'cancelled' });
  });
});

describe('OrderService: several made-to-size lines of one product', () => {
  const options = parseOptionsSpec(
    'w=600-2400;h=600-2400;glass=double:0;open=inward|outward;color=深灰:0;m2=980;min=1.0',
  ) as ProductOptions;
  const small = { widthMm: 1200, heightMm: 1500, glass: 'double' as const, opening: 'inward' as const, color: '深灰' };
  const large = { ...small, widthMm: 1500, heightMm: 1800 };

  async function twoLines() {
    catalog = new InMemoryCatalog([product('KW-N60', { listPriceFen: 128_000, moq: 10, options })]);
    store = new InMemoryOrderStore(catalog).addDealer(dealerAccount('D001', { tier: 'regular' }));
    service = new OrderService(store, {
      notifier,
      placedNotice: (o) => `placed ${o.orderNo}`,
      cancelledNotice: (o) => `cancelled ${o.orderNo}`,
      newId: () => `draft-${++ids}`,
    });
    const view = await service.createDraft(
      'D001',
      [
        { sku: 'KW-N60', qty: 5, config: small },
        { sku: 'KW-N60', qty: 3, config: large },
      ],
      undefined,
      clock.now(),
    );
    return view.id;
  }
  async function lines(id: string) {
    const out = await service.showDraft('D001', id, clock.now());
    return out.kind === 'draft' ? out.view.lines.map((l) => [l.qty, l.config]) : [];
  }

  it('a quantity change or a removal with `from` is that line’s; a `from` no line has changes nothing', async () => {
    const id = await twoLines();
    await service.modifyDraft('D001', id, [{ kind: 'set', sku: 'KW-N60', qty: 8, from: large }], clock.now());
    expect(await lines(id)).toEqual([
      [5, small],
      [8, large],
    ]);
    const none = await service.modifyDraft(
      'D001',
      id,
      [{ kind: 'set', sku: 'KW-N60', qty: 8, from: { ...small, widthMm: 2000 } }],
      clock.now(),
    );
    expect(none).toEqual({ kind: 'no_change', reason: 'not_in_draft', sku: 'KW-N60' });
    await service.modifyDraft('D001', id, [{ kind: 'remove', sku: 'KW-N60', from: small }], clock.now());
    expect(await lines(id)).toEqual([[8, large]]);
  });

  it('a new size re-prices the line by area; one out of range is refused and the draft stays', async () => {
    const id = await twoLines();
    const out = await service.modifyDraft(
      'D001',
      id,
      [{ kind: 'configure', sku: 'KW-N60', from: large, config: { widthMm: 1500, heightMm: 1500 } }],
      clock.now(),
    );
    // regular tier: 980 元/㎡ × 2.25 ㎡.
    expect(out.kind === 'draft' && out.view.lines[1]).toMatchObject({ unitPriceFen: 220_500, qty: 3 });
    await expect(
      service.modifyDraft(
        'D001',
        id,
        [{ kind: 'configure', sku: 'KW-N60', from: small, config: { widthMm: 3000 } }],
        clock.now(),
      ),
    ).rejects.toMatchObject({ code: 'ORDER.CONFIG_INVALID' });
    expect(await lines(id)).toEqual([
      [5, small],
      [3, { ...large, heightMm: 1500 }],
    ]);
  });
});
