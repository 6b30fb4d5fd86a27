import type { Product } from '../catalog/catalog.types.js';
import { billableAreaMm2, checkConfig, configKey, configuredUnitPriceFen } from '../catalog/options.js';
import { checkQuantity, MAX_LINE_QTY, type Tier, unitAccepted } from '../catalog/pricing.js';
import {
  currentLadderFor,
  currentPromotionsFor,
  type LadderRebatePolicy,
  orderDiscount,
  type PolicyOrderLine,
  periodLabel,
  projectDraft,
  qualifyingAmount,
} from '../policies/index.js';
import type { Notifier } from '../common/notifier.port.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../common/time.js';
import { availability } from '../stock/stock.rules.js';
import { checkCredit, OVERDUE_BLOCK_DAYS } from './credit.rules.js';
import { earliestDelivery, resolveWantedDate } from './delivery.rules.js';
import { OrderError } from './order.errors.js';
import type {
  CancelOutcome,
  ConfirmOutcome,
  DateNote,
  DateRequest,
  DraftChange,
  DraftLineView,
  DraftOutcome,
  DraftView,
  ItemRequest,
  PromotionEffect,
  RebateEffect,
  VoucherEffect,
} from './order.types.js';
import type { DealerAccount, DraftItem, OpenVoucher, OrderRecord, OrderStore, StoredDraft } from './ports.js';

export const DRAFT_TTL_MS = 30 * 60_000;
export const MAX_DRAFT_LINES = 30;
export const RECENT_ORDERS = 5;

export interface OrderServiceDeps {
  notifier: Notifier;
  /** The account manager's notice of a placed order (Chinese text lives at the edge). */
  placedNotice: (order: OrderRecord, dealer: DealerAccount) => string;
  /** The account manager's notice of an order the dealer cancelled. */
  cancelledNotice: (order: OrderRecord, dealer: DealerAccount) => string;
  newId?: () => string;
}

/** SO + yyyymmdd (Asia/Shanghai) + 4-digit daily sequence. */
export function formatOrderNo(day: string, seq: number): string {
  if (seq < 1 || seq > 9999) throw new RangeError('daily order sequence exhausted');
  return `SO${day.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
}

/**
 * Ordering by chat: drafts (priced, checked and projected onto the rebate ladder), changes, confirmation exactly
 * once, status, cancel and reorder. Every call runs inside the caller's transaction (the store and notifier share it).
 */
export class OrderService {
  private readonly newId: () => string;

  constructor(
    private readonly store: OrderStore,
    private readonly deps: OrderServiceDeps,
  ) {
    this.newId = deps.newId ?? (() => globalThis.crypto.randomUUID());
  }

  private async account(dealerCode: string): Promise<DealerAccount> {
    const dealer = await this.store.dealer(dealerCode);
    if (!dealer) throw new OrderError('ORDER.DEALER_NOT_FOUND', `dealer ${dealerCode} not found`);
    return dealer;
  }

  /**
   * Checks the requested lines before anything is written: known products, their own unit (the catalog defines no
   * conversion factors, so another unit is asked back, never converted), sane quantities.
   */
  private validateItems(items: readonly ItemRequest[], known: ReadonlyMap<string, Product>): DraftItem[] {
    if (items.length === 0) throw new OrderError('ORDER.NO_ITEMS', 'no items');
    if (items.length > MAX_DRAFT_LINES)
      throw new OrderError('ORDER.TOO_MANY_LINES', 'too many lines', { max: MAX_DRAFT_LINES });
    const merged = new Map<string, DraftItem>();
    for (const it of items) {
      const product = known.get(it.sku);
      if (!product) throw new OrderError('ORDER.UNKNOWN_PRODUCT', `unknown product ${it.sku}`, { sku: it.sku });
      // A window or door is counted in 樘 (made to size) or 个 as well as in its own 套.
      if (!unitAccepted(product, it.unit)) {
        throw new OrderError('ORDER.UNIT_MISMATCH', `${it.sku} is sold by ${product.unit}, not ${it.unit}`, {
          sku: it.sku,
          qty: it.qty,
          unit: it.unit,
          productUnit: product.unit,
        });
      }
      if (!Number.isInteger(it.qty) || it.qty <= 0 || it.qty > MAX_LINE_QTY) {
        throw new OrderError('ORDER.QTY_INVALID', `invalid quantity ${it.qty}`, {
          sku: it.sku,
          qty: it.qty,
          max: MAX_LINE_QTY,
        });
      }
      const config = it.config ? checkedConfig(product, it.config) : undefined;
      // Lines of one product merge only when made the same way.
      const key = `${it.sku}#${configKey(config)}`;
      const prev = merged.get(key);
      if (prev) prev.qty += it.qty;
      else merged.set(key, { sku: it.sku, qty: it.qty, unit: product.unit, ...(config ? { config } : {}) });
    }
    for (const it of merged.values()) {
      if (it.qty > MAX_LINE_QTY)
        throw new OrderError('ORDER.QTY_INVALID', 'quantity too large', {
          sku: it.sku,
          qty: it.qty,
          max: MAX_LINE_QTY,
        });
    }
    return [...merged.values()];
  }

  /**
   * Prices, checks and projects a draft's items for the dealer as of `now`: the promotions in force for the dealer
   * discount their products, credit is checked on the discounted total, and the ladder projection counts the
   * discounted amounts.
   */
  async evaluate(
    dealer: DealerAccount,
    draft: Pick<StoredDraft, 'id' | 'items' | 'deliveryDate' | 'deliveryBy' | 'expiresAt'>,
    now: Date,
  ): Promise<DraftView> {
    const today = shanghaiDate(now);
    const skus = draft.items.map((i) => i.sku);
    // Sequential on purpose: the store may be a single-connection transaction.
    const products = await this.store.pricedProducts(skus, dealer.tier);
    const records = await this.store.policyRecords();
    const ladder = currentLadderFor(dealer, today, records);
    const facts = await this.store.draftFacts({
      skus,
      dealerCode: dealer.code,
      today,
      overdueDays: OVERDUE_BLOCK_DAYS,
      ladderPeriod: ladder?.period ?? null,
    });
    const { stock, credit: creditFacts } = facts;
    const lines: DraftLineView[] = [];
    const tags: string[][] = [];
    for (const it of draft.items) {
      const p = products.get(it.sku);
      if (!p) continue; // a product withdrawn since the draft was made is dropped
      tags.push(p.tags);
      if (it.config && p.options) {
        // Made to size: produced to order after the lead time, priced by area; stock and the MOQ do not apply.
        const unitPriceFen = configuredUnitPriceFen(p.options, it.config, dealer.tier);
        lines.push({
          sku: p.sku,
          name: p.name,
          unit: p.unit,
          category: p.category,
          qty: it.qty,
          unitPriceFen,
          amountFen: unitPriceFen * it.qty,
          discountFen: 0,
          config: it.config,
          billedAreaMm2: billableAreaMm2(p.options, it.config),
          available: 0,
          shortfall: 0,
          expectedDate: addDays(today, p.leadTimeDays),
        });
        continue;
      }
      const s = stock.get(it.sku) ?? { onHand: 0, reserved: 0 };
      const av = availability(it.qty, s.onHand, s.reserved, p.leadTimeDays, today);
      const q = checkQuantity(it.qty, p);
      lines.push({
        sku: p.sku,
        name: p.name,
        unit: p.unit,
        category: p.category,
        qty: it.qty,
        unitPriceFen: p.priceFen,
        amountFen: p.priceFen * it.qty,
        discountFen: 0,
        available: av.available,
        shortfall: av.shortfall,
        expectedDate: av.expectedDate,
        ...(!q.ok && 'nearest' in q ? { qtyProblem: q } : {}),
      });
    }
    const discount = orderDiscount(
      currentPromotionsFor(dealer, today, records),
      lines.map((l, i) => ({ sku: l.sku, tags: tags[i] ?? [], amountFen: l.amountFen })),
      today,
    );
    lines.forEach((l, i) => {
      l.discountFen = discount.lineDiscountsFen[i] ?? 0;
    });
    // A birthday/anniversary voucher comes off what is left after promotions, shared over the lines like them.
    const voucher = pickVoucher(
      facts.vouchers,
      lines.reduce((s, l) => s + l.amountFen - l.discountFen, 0),
    );
    if (voucher?.applied) {
      const shares = spreadFen(
        voucher.amountFen,
        lines.map((l) => l.amountFen - l.discountFen),
      );
      lines.forEach((l, i) => {
        l.discountFen += shares[i] ?? 0;
      });
    }
    const voucherFen = voucher?.applied ? voucher.amountFen : 0;
    const promotions: PromotionEffect[] = discount.promotions.map(({ policy, result }) => ({
      policyCode: policy.code,
      policyName: policy.name,
      productTags: [...policy.productTagsAny],
      discountRate: policy.discountRate,
      minOrderAmountFen: policy.minOrderAmount,
      eligibleFen: result.eligibleFen,
      reached: result.reached,
      discountFen: result.discountFen,
      gapFen: result.gapFen,
    }));
    const subtotalFen = lines.reduce((s, l) => s + l.amountFen, 0);
    const totalFen = subtotalFen - discount.discountFen - voucherFen;
    const credit = checkCredit(creditFacts, totalFen);
    const rebate = ladder ? rebateEffect(ladder, facts.ladderLines ?? [], lines, today) : null;
    let dateNote: DateNote | undefined;
    const latest = lines
      .map((l) => l.expectedDate)
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1);
    if (draft.deliveryDate && latest && draft.deliveryDate < latest) {
      dateNote = { kind: 'before_stock', date: draft.deliveryDate, expectedDate: latest };
    }
    const earliestDate = earliestDelivery(
      today,
      lines.map((l) => l.expectedDate),
    );
    return {
      id: draft.id,
      lines,
      subtotalFen,
      discountFen: discount.discountFen + voucherFen,
      totalFen,
      promotions,
      ...(voucher ? { voucher } : {}),
      deliveryDate: draft.deliveryDate,
      ...(draft.deliveryBy && draft.deliveryDate ? { deliveryBy: true } : {}),
      earliestDate,
      expiresAt: draft.expiresAt,
      credit,
      rebate,
      ...(dateNote ? { dateNote } : {}),
      canConfirm: lines.length > 0 && credit.ok && lines.every((l) => !l.qtyProblem),
    };
  }

  /** A new draft from parsed items. Throws OrderError for unknown products or impossible quantities (nothing written). */
  async createDraft(
    dealerCode: string,
    items: readonly ItemRequest[],
    date: DateRequest | undefined,
    now: Date,
  ): Promise<DraftView> {
    const dealer = await this.account(dealerCode);
    const known = await this.store.pricedProducts(
      items.map((i) => i.sku),
      dealer.tier,
    );
    const valid = this.validateItems(items, known);
    const { date: deliveryDate, note } = resolveWantedDate(date, shanghaiDate(now));
    const draft: StoredDraft = {
      id: this.newId(),
      dealerCode,
      items: valid,
      deliveryDate,
      ...(deliveryDate !== null && date?.by === true ? { deliveryBy: true } : {}),
      status: 'open',
      expiresAt: new Date(now.getTime() + DRAFT_TTL_MS),
      orderNo: null,
    };
    await this.store.insertDraft(draft, now);
    const view = await this.evaluate(dealer, draft, now);
    return withNote(view, note, deliveryDate !== null && date?.by === true);
  }

  /** The open draft, re-validated; `gone` when it is no longer open (an expired one is marked so). */
  async showDraft(dealerCode: string, draftId: string, now: Date): Promise<DraftOutcome> {
    return this.previewDraft(dealerCode, draftId, [], now);
  }

  /** The open draft as it would be with `extra` lines added, nothing saved: a what-if ("再订二十套N60能到下一档吗"). */
  async previewDraft(dealerCode: string, draftId: string, extra: DraftItem[], now: Date): Promise<DraftOutcome> {
    const dealer = await this.account(dealerCode);
    const draft = await this.openDraft(dealerCode, draftId, now);
    if ('kind' in draft) return draft;
    return { kind: 'draft', view: await this.evaluate(dealer, { ...draft, items: [...draft.items, ...extra] }, now) };
  }

  private async openDraft(
    dealerCode: string,
    draftId: string,
    now: Date,
  ): Promise<StoredDraft | Extract<DraftOutcome, { kind: 'gone' }>> {
    const draft = await this.store.draft(draftId, dealerCode);
    if (!draft) return { kind: 'gone', reason: 'not_found' };
    if (draft.status === 'open' && draft.expiresAt <= now) {
      await this.store.closeDraft(draftId, dealerCode, 'expired', now);
      return { kind: 'gone', reason: 'expired' };
    }
    if (draft.status !== 'open') return { kind: 'gone', reason: draft.status, orderNo: draft.orderNo };
    return draft;
  }

  /** Applies changes to the open draft and re-validates it; the draft's 30 minutes start again. */
  async modifyDraft(
    dealerCode: string,
    draftId: string,
    changes: readonly DraftChange[],
    now: Date,
  ): Promise<DraftOutcome> {
    const dealer = await this.account(dealerCode);
    const draft = await this.openDraft(dealerCode, draftId, now);
    if ('kind' in draft) return draft;
    const items = draft.items.map((i) => ({ ...i }));
    let deliveryDate = draft.deliveryDate;
    let note: DateNote | undefined;
    // A deadline stays one until another date is said.
    let by = draft.deliveryBy ?? false;
    const added: ItemRequest[] = [];
    for (const c of changes) {
      if (c.kind === 'date') {
        const r = resolveWantedDate(c.date, shanghaiDate(now));
        if (r.date) {
          deliveryDate = r.date;
          by = c.date.by === true;
        }
        note = r.note;
        continue;
      }
      if (c.kind === 'configure') {
        // Checked with the rest below: an option the product does not offer changes nothing.
        const line = items.find((i) => i.sku === c.sku && i.config && configKey(i.config) === configKey(c.from));
        if (!line?.config) return { kind: 'no_change', reason: 'not_in_draft', sku: c.sku };
        line.config = { ...line.config, ...c.config };
        continue;
      }
      if (c.kind === 'add' && c.config) {
        added.push({ sku: c.sku, qty: c.qty, ...(c.unit ? { unit: c.unit } : {}), config: c.config });
        continue;
      }
      const from = c.kind === 'add' ? undefined : c.from;
      const line = items.find((i) => i.sku === c.sku && (!from || configKey(i.config) === configKey(from)));
      if (c.kind === 'remove') {
        if (!line) return { kind: 'no_change', reason: 'not_in_draft', sku: c.sku };
        if (items.length + added.length === 1) return { kind: 'no_change', reason: 'last_line', sku: c.sku };
        items.splice(items.indexOf(line), 1);
        continue;
      }
      if (!line) {
        if (c.kind === 'subtract' || from) return { kind: 'no_change', reason: 'not_in_draft', sku: c.sku };
        added.push({ sku: c.sku, qty: c.qty, ...(c.unit ? { unit: c.unit } : {}) });
        continue;
      }
      // 樘 and 个 count a window or door, as when the draft was made ("T80来15樘" → "改成20樘").
      if (c.unit && line.unit && c.unit !== line.unit && !(await this.unitFits(c.sku, c.unit, dealer.tier))) {
        throw new OrderError('ORDER.UNIT_MISMATCH', `${c.sku} is sold by ${line.unit}, not ${c.unit}`, {
          sku: c.sku,
          qty: c.qty,
          unit: c.unit,
          productUnit: line.unit,
        });
      }
      const qty = c.kind === 'set' ? c.qty : c.kind === 'add' ? line.qty + c.qty : line.qty - c.qty;
      if (c.kind === 'subtract' && qty === 0) {
        if (items.length + added.length === 1) return { kind: 'no_change', reason: 'last_line', sku: c.sku };
        items.splice(items.indexOf(line), 1);
        continue;
      }
      line.qty = qty;
    }
    const requested: ItemRequest[] = [...items, ...added];
    const known = await this.store.pricedProducts(
      requested.map((i) => i.sku),
      dealer.tier,
    );
    const valid = this.validateItems(requested, known);
    const expiresAt = new Date(now.getTime() + DRAFT_TTL_MS);
    if (!(await this.store.updateDraft(draftId, dealerCode, valid, deliveryDate, expiresAt, now, by))) {
      return { kind: 'gone', reason: 'not_found' };
    }
    const view = await this.evaluate(
      dealer,
      { id: draftId, items: valid, deliveryDate, deliveryBy: by, expiresAt },
      now,
    );
    return { kind: 'draft', view: withNote(view, note, by) };
  }

  /** Whether a quantity said in `unit` counts in the product's own (unitAccepted). */
  private async unitFits(sku: string, unit: string, tier: Tier): Promise<boolean> {
    const product = (await this.store.pricedProducts([sku], tier)).get(sku);
    return product !== undefined && unitAccepted(product, unit);
  }

  /**
   * What became of a draft the conversation last showed, for a "确认" that arrives when nothing awaits it: placed
   * already, or expired unconfirmed. Null when there is nothing to say about it.
   */
  async draftOutcome(
    dealerCode: string,
    draftId: string,
    now: Date,
  ): Promise<{ kind: 'already'; orderNo: string } | { kind: 'expired' } | null> {
    const draft = await this.store.draft(draftId, dealerCode);
    if (!draft) return null;
    if (draft.status === 'confirmed' && draft.orderNo) return { kind: 'already', orderNo: draft.orderNo };
    if (draft.status === 'expired' || (draft.status === 'open' && draft.expiresAt <= now)) return { kind: 'expired' };
    return null;
  }

  async cancelDraft(dealerCode: string, draftId: string, now: Date): Promise<boolean> {
    return this.store.closeDraft(draftId, dealerCode, 'cancelled', now);
  }

  /**
   * Places the order of a draft exactly once: re-validates, then claims the draft with a conditional
   * UPDATE (open and unexpired → confirmed) — a second confirmation, a retry, another instance or an expiry
   * racing it finds nothing to claim — then numbers the order, writes it with its lines (orders.draft_id is
   * UNIQUE as a second guard), reserves HQ stock and notifies the account manager, all in this transaction.
   */
  async confirmDraft(dealerCode: string, draftId: string, now: Date): Promise<ConfirmOutcome> {
    // First the dealer's row lock: two accounts of one dealer confirming different drafts at once would each pass
    // the credit check against the other's not-yet-committed order. Locked, the second waits, then sees it.
    const dealer = await this.store.lockDealer(dealerCode);
    if (!dealer) throw new OrderError('ORDER.DEALER_NOT_FOUND', `dealer ${dealerCode} not found`);
    const draft = await this.store.draft(draftId, dealerCode);
    if (!draft) return { kind: 'not_found' };
    if (draft.status === 'confirmed' && draft.orderNo) return { kind: 'already', orderNo: draft.orderNo };
    if (draft.status === 'expired' || (draft.status === 'open' && draft.expiresAt <= now)) {
      await this.store.closeDraft(draftId, dealerCode, 'expired', now);
      return { kind: 'expired' };
    }
    if (draft.status !== 'open') return { kind: 'closed' };
    const view = await this.evaluate(dealer, draft, now);
    if (!view.canConfirm) return { kind: 'blocked', view };
    if (!(await this.store.claimDraft(draftId, dealerCode, now))) {
      const again = await this.store.draft(draftId, dealerCode);
      if (again?.status === 'confirmed' && again.orderNo) return { kind: 'already', orderNo: again.orderNo };
      if (again?.status === 'expired' || (again?.status === 'open' && again.expiresAt <= now))
        return { kind: 'expired' };
      return { kind: 'closed' };
    }
    const day = shanghaiDate(now);
    const orderNo = formatOrderNo(day, await this.store.nextOrderSeq(day));
    const lines = view.lines.map((l, i) => ({
      lineNo: i + 1,
      sku: l.sku,
      category: l.category,
      qty: l.qty,
      unitPriceFen: l.unitPriceFen,
      amountFen: l.amountFen,
      discountFen: l.discountFen,
      ...(l.config ? { config: l.config } : {}),
    }));
    await this.store.insertOrder({
      orderNo,
      dealerCode,
      totalFen: view.totalFen,
      discountFen: view.discountFen,
      deliveryDate: view.deliveryDate,
      ...(view.deliveryBy ? { deliveryBy: true } : {}),
      placedAt: now,
      draftId,
      lines,
    });
    await this.store.setDraftOrder(draftId, orderNo);
    // The dealer row is locked: the voucher cannot be taken by another order of theirs meanwhile.
    if (view.voucher?.applied && !(await this.store.useVoucher(view.voucher.id, dealerCode, orderNo, now)))
      throw new Error(`voucher ${view.voucher.id} already used`); // cannot happen under the lock: roll back
    // Made-to-size lines are produced for the order: they reserve no HQ stock.
    await this.store.adjustReserved(
      lines.filter((l) => !l.config),
      1,
      now,
    );
    const order: OrderRecord = {
      orderNo,
      dealerCode,
      status: 'placed',
      totalFen: view.totalFen,
      discountFen: view.discountFen,
      deliveryDate: view.deliveryDate,
      ...(view.deliveryBy ? { deliveryBy: true } : {}),
      placedAt: now,
      shippedAt: null,
      cancelledAt: null,
      lines: view.lines.map((l, i) => ({ ...lines[i]!, name: l.name, unit: l.unit })),
      ...(view.voucher?.applied ? { voucher: { kind: view.voucher.kind, amountFen: view.voucher.amountFen } } : {}),
    };
    await this.deps.notifier.toManagerChat(dealer.managerCode, this.deps.placedNotice(order, dealer), {
      dedupeKey: `order.placed:${orderNo}`,
      kind: 'order.placed',
    });
    return { kind: 'placed', order, view };
  }

  /** An order of this dealer; another dealer's number is indistinguishable from a missing one. */
  async order(dealerCode: string, orderNo: string): Promise<OrderRecord | null> {
    return this.store.order(orderNo, dealerCode);
  }

  async recentOrders(dealerCode: string): Promise<OrderRecord[]> {
    return this.store.recentOrders(dealerCode, RECENT_ORDERS);
  }

  /**
   * Cancels an order that has not shipped yet, releases its HQ reservations and tells the account manager (the
   * notice is written in this transaction: no notice without the cancel, no cancel without the notice).
   */
  async cancelOrder(dealerCode: string, orderNo: string, now: Date): Promise<CancelOutcome> {
    const order = await this.store.order(orderNo, dealerCode);
    if (!order) return { kind: 'not_found' };
    if (order.status === 'cancelled') return { kind: 'already_cancelled', order };
    if (order.status !== 'placed' || !(await this.store.cancelOrder(orderNo, dealerCode, now))) {
      return { kind: 'not_cancellable', order };
    }
    await this.store.adjustReserved(
      order.lines.filter((l) => !l.config),
      -1,
      now,
    );
    const cancelled: OrderRecord = { ...order, status: 'cancelled', cancelledAt: now };
    const dealer = await this.account(dealerCode);
    await this.deps.notifier.toManagerChat(dealer.managerCode, this.deps.cancelledNotice(cancelled, dealer), {
      dedupeKey: `order.cancelled:${orderNo}`,
      kind: 'order.cancelled',
    });
    return { kind: 'cancelled', order: cancelled };
  }

  /** "Same as last time": a new draft with the last order's lines, re-priced and re-validated. */
  async reorder(dealerCode: string, now: Date): Promise<{ last: OrderRecord; view: DraftView } | null> {
    const last = await this.store.lastOrder(dealerCode);
    if (!last) return null;
    const dealer = await this.account(dealerCode);
    const known = await this.store.pricedProducts(
      last.lines.map((l) => l.sku),
      dealer.tier,
    );
    const items = last.lines
      .filter((l) => known.has(l.sku))
      .map((l) => ({ sku: l.sku, qty: l.qty, unit: l.unit, ...(l.config ? { config: l.config } : {}) }));
    if (items.length === 0) return null;
    return { last, view: await this.createDraft(dealerCode, items, undefined, now) };
  }
}

/**
 * The voucher a draft of `payableFen` takes: the largest one whose minimum it reaches (never more than it pays);
 * else the one it is closest to reaching, shown with the gap. Null without vouchers.
 */
export function pickVoucher(vouchers: readonly OpenVoucher[], payableFen: number): VoucherEffect | null {
  const usable = vouchers
    .filter((v) => payableFen >= v.minOrderFen && payableFen > v.amountFen)
    .sort((a, b) => b.amountFen - a.amountFen || a.validUntil.localeCompare(b.validUntil) || a.id - b.id);
  const v = usable[0];
  if (v) return { ...v, applied: true, gapFen: 0 };
  const near = [...vouchers].sort((a, b) => a.minOrderFen - b.minOrderFen || a.id - b.id)[0];
  return near ? { ...near, applied: false, gapFen: Math.max(1, near.minOrderFen - payableFen) } : null;
}

/** `total` fen shared in proportion to `weights`, largest remainders first: the shares add up to `total`. */
export function spreadFen(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

/** The request's configuration checked against the product's options; the reason is a coded error (nothing written). */
function checkedConfig(product: Product, req: NonNullable<ItemRequest['config']>) {
  if (!product.options)
    throw new OrderError('ORDER.NOT_CONFIGURABLE', `${product.sku} is not made to size`, { sku: product.sku });
  const c = checkConfig(product.options, req);
  if (!c.ok)
    throw new OrderError('ORDER.CONFIG_INVALID', `${product.sku}: ${c.reason}`, { sku: product.sku, check: c });
  return c.config;
}

/**
 * The draft's effect on the dealer's ladder in force today (`currentLadderFor`), on discounted amounts, given the
 * dealer's order lines in the ladder's period.
 */
function rebateEffect(
  policy: LadderRebatePolicy,
  periodLines: readonly PolicyOrderLine[],
  lines: readonly DraftLineView[],
  today: string,
): RebateEffect {
  const basis = { period: policy.period, excludeCategories: policy.excludeCategories };
  const before = qualifyingAmount(periodLines, basis).amountFen;
  const draftLines = lines.map((l) => ({
    amountFen: l.amountFen,
    discountFen: l.discountFen,
    category: l.category,
    orderStatus: 'placed',
    placedAt: shanghaiInstant(today, '12:00'),
  }));
  const added = qualifyingAmount(draftLines, basis).amountFen;
  const projection = projectDraft(policy, before, added);
  return {
    policyCode: policy.code,
    policyName: policy.name,
    amountBeforeFen: projection.amountBefore,
    amountAfterFen: projection.amountAfter,
    rateBefore: projection.before.rate,
    rateAfter: projection.after.rate,
    bandUp: projection.bandUp,
    rebateDeltaFen: projection.rebateDelta,
    periodLabel: periodLabel(policy.period),
    next: projection.after.next
      ? { rate: policy.ladder[projection.after.band + 1]!.rate, gapFen: projection.after.next.gap }
      : null,
  };
}

/** A question about the wanted date beats a stock warning; a deadline said in this turn is shown as one. */
function withNote(view: DraftView, note: DateNote | undefined, by = false): DraftView {
  const v = by ? { ...view, deliveryBy: true } : view;
  return note ? { ...v, dateNote: note } : v;
}
