import type { Tier } from '../catalog/pricing.js';
import type {
  DealerAccount,
  DraftFacts,
  DraftFactsQuery,
  DraftItem,
  NewOrder,
  OrderRecord,
  OpenVoucher,
  OrderStore,
  PricedProduct,
  StockLevel,
  StoredDraft,
} from '../orders/ports.js';
import type { CreditFacts } from '../orders/credit.rules.js';
import type { Period, PolicyOrderLine, PolicyRecord } from '../policies/index.js';
import { shanghaiDate } from '../common/time.js';
import type { InMemoryCatalog } from './catalog.js';

export function dealerAccount(code: string, over: Partial<DealerAccount> = {}): DealerAccount {
  return {
    code,
    name: `经销商 ${code}`,
    tier: 'regular',
    tags: [],
    managerCode: 'M001',
    creditLimitFen: 10_000_000,
    ...over,
  };
}

/**
 * OrderStore in memory, with the database's guarantees the service relies on: claimDraft is a compare-and-set
 * (open and unexpired → confirmed, once), order sequences are per Shanghai day, and reservations move HQ stock.
 * Credit: receivables are set by the test; placed orders count as unpaid until the test settles them.
 */
export class InMemoryOrderStore implements OrderStore {
  readonly dealers = new Map<string, DealerAccount>();
  readonly drafts = new Map<string, StoredDraft>();
  readonly orders: OrderRecord[] = [];
  readonly receivables = new Map<string, { openFen: number; overdueFen: number; maxOverdueDays: number }>();
  policies: PolicyRecord[] = [];
  /** Vouchers by id, with the dealer and the order that used them. */
  readonly vouchers = new Map<number, OpenVoucher & { dealerCode: string; validFrom: string; usedBy?: string }>();
  private readonly seq = new Map<string, number>();

  async openVouchers(dealerCode: string, today: string): Promise<OpenVoucher[]> {
    return [...this.vouchers.values()]
      .filter((v) => v.dealerCode === dealerCode && !v.usedBy && v.validFrom <= today && today <= v.validUntil)
      .map(({ id, kind, amountFen, minOrderFen, validUntil }) => ({ id, kind, amountFen, minOrderFen, validUntil }));
  }

  async useVoucher(id: number, dealerCode: string, orderNo: string): Promise<boolean> {
    const v = this.vouchers.get(id);
    if (!v || v.dealerCode !== dealerCode || v.usedBy) return false;
    v.usedBy = orderNo;
    return true;
  }

  constructor(private readonly catalog: InMemoryCatalog) {}

  addDealer(d: DealerAccount): this {
    this.dealers.set(d.code, d);
    return this;
  }

  async dealer(code: string) {
    return this.dealers.get(code) ?? null;
  }

  async lockDealer(code: string) {
    return this.dealers.get(code) ?? null;
  }

  async pricedProducts(skus: readonly string[], tier: Tier): Promise<Map<string, PricedProduct>> {
    return this.catalog.priced(skus, tier);
  }

  async hqStock(skus: readonly string[]): Promise<Map<string, StockLevel>> {
    return this.catalog.hqLevels(skus);
  }

  async creditFacts(dealerCode: string): Promise<CreditFacts> {
    const dealer = this.dealers.get(dealerCode);
    const r = this.receivables.get(dealerCode) ?? { openFen: 0, overdueFen: 0, maxOverdueDays: 0 };
    const unpaidPlacedFen = this.orders
      .filter((o) => o.dealerCode === dealerCode && o.status === 'placed')
      .reduce((sum, o) => sum + o.totalFen, 0);
    return {
      limitFen: dealer?.creditLimitFen ?? 0,
      openReceivablesFen: r.openFen,
      unpaidPlacedFen,
      overdueFen: r.overdueFen,
      maxOverdueDays: r.maxOverdueDays,
    };
  }

  async policyRecords() {
    return this.policies;
  }

  async draftFacts(q: DraftFactsQuery): Promise<DraftFacts> {
    return {
      stock: await this.hqStock(q.skus),
      credit: await this.creditFacts(q.dealerCode),
      vouchers: await this.openVouchers(q.dealerCode, q.today),
      ladderLines: q.ladderPeriod ? await this.policyLines(q.dealerCode, q.ladderPeriod) : null,
    };
  }

  async policyLines(dealerCode: string, period: Period): Promise<PolicyOrderLine[]> {
    return this.orders
      .filter((o) => o.dealerCode === dealerCode)
      .filter((o) => {
        const day = shanghaiDate(o.placedAt);
        return day >= period.start && day <= period.end;
      })
      .flatMap((o) =>
        o.lines.map((l) => ({
          amountFen: l.amountFen,
          discountFen: l.discountFen,
          category: l.category,
          orderStatus: o.status,
          placedAt: o.placedAt,
        })),
      );
  }

  async insertDraft(draft: StoredDraft) {
    this.drafts.set(draft.id, structuredClone(draft));
  }

  async draft(id: string, dealerCode: string) {
    const d = this.drafts.get(id);
    return d && d.dealerCode === dealerCode ? structuredClone(d) : null;
  }

  async updateDraft(
    id: string,
    dealerCode: string,
    items: DraftItem[],
    deliveryDate: string | null,
    expiresAt: Date,
    _now: Date,
    deliveryBy = false,
  ) {
    const d = this.drafts.get(id);
    if (!d || d.dealerCode !== dealerCode || d.status !== 'open') return false;
    Object.assign(d, { items: structuredClone(items), deliveryDate, deliveryBy, expiresAt });
    return true;
  }

  async claimDraft(id: string, dealerCode: string, now: Date) {
    const d = this.drafts.get(id);
    if (!d || d.dealerCode !== dealerCode || d.status !== 'open' || d.expiresAt <= now) return false;
    d.status = 'confirmed';
    return true;
  }

  async closeDraft(id: string, dealerCode: string, status: 'cancelled' | 'expired') {
    const d = this.drafts.get(id);
    if (!d || d.dealerCode !== dealerCode || d.status !== 'open') return false;
    d.status = status;
    return true;
  }

  async setDraftOrder(id: string, orderNo: string) {
    const d = this.drafts.get(id);
    if (d) d.orderNo = orderNo;
  }

  async nextOrderSeq(day: string) {
    const n = (this.seq.get(day) ?? 0) + 1;
    this.seq.set(day, n);
    return n;
  }

  async insertOrder(order: NewOrder) {
    if (this.orders.some((o) => o.orderNo === order.orderNo)) throw new Error(`duplicate order ${order.orderNo}`);
    const priced = this.catalog.priced(
      order.lines.map((l) => l.sku),
      'regular',
    );
    this.orders.push({
      orderNo: order.orderNo,
      dealerCode: order.dealerCode,
      status: 'placed',
      totalFen: order.totalFen,
      discountFen: order.discountFen,
      deliveryDate: order.deliveryDate,
      ...(order.deliveryBy ? { deliveryBy: true } : {}),
      placedAt: order.placedAt,
      shippedAt: null,
      cancelledAt: null,
      lines: order.lines.map((l) => ({
        ...l,
        name: priced.get(l.sku)?.name ?? l.sku,
        unit: priced.get(l.sku)?.unit ?? '',
      })),
    });
  }

  async adjustReserved(items: ReadonlyArray<{ sku: string; qty: number }>, sign: 1 | -1) {
    for (const it of items) {
      const level = this.catalog.hq.get(it.sku) ?? { onHand: 0, reserved: 0 };
      this.catalog.hq.set(it.sku, { ...level, reserved: level.reserved + sign * it.qty });
    }
  }

  async order(orderNo: string, dealerCode: string) {
    return this.orders.find((o) => o.orderNo === orderNo && o.dealerCode === dealerCode) ?? null;
  }

  async recentOrders(dealerCode: string, limit: number) {
    return this.orders
      .filter((o) => o.dealerCode === dealerCode)
      .sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime())
      .slice(0, limit);
  }

  async lastOrder(dealerCode: string) {
    return (await this.recentOrders(dealerCode, Number.MAX_SAFE_INTEGER)).find((o) => o.status !== 'cancelled') ?? null;
  }

  async cancelOrder(orderNo: string, dealerCode: string, now: Date) {
    const o = this.orders.find((x) => x.orderNo === orderNo && x.dealerCode === dealerCode);
    if (o?.status !== 'placed') return false;
    o.status = 'cancelled';
    o.cancelledAt = now;
    return true;
  }
}
