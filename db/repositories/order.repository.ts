import { type Kysely, type Selectable, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { ItemConfig } from '../../core/catalog/options.js';
import type { Tier } from '../../core/catalog/pricing.js';
import type { CreditFacts } from '../../core/orders/credit.rules.js';
import type {
  DealerAccount,
  DraftFacts,
  DraftFactsQuery,
  DraftItem,
  NewOrder,
  OpenVoucher,
  OrderLineRecord,
  OrderRecord,
  OrderStore,
  StoredDraft,
} from '../../core/orders/ports.js';
import type { Period, PolicyOrderLine, PolicyRecord } from '../../core/policies/index.js';
import { addDays, shanghaiMidnight } from '../../core/common/time.js';
import { compiledOnce } from '../compiled.js';
import type { Database, OrderDraftsTable } from '../schema.js';
import { PolicyRepository } from './policies.repository.js';
import { hqStock, pricedProducts } from './stock.repository.js';

/** What a write changes among the reads `KyselyOrderStore` remembers within a transaction. */
type Remembered = 'dealer' | 'products' | 'stock' | 'credit' | 'policies' | 'lines' | 'vouchers' | 'draft';

/**
 * OrderStore on Kysely; `db` is the caller's transaction (PGlite: never the outer handle inside it).
 *
 * Inside a transaction (a conversation turn builds one store per turn) reads are remembered until this store writes
 * what they read: a draft is priced before and after a change in one turn, and the second pricing reads nothing
 * that did not change (policies with their pilot sets read every dealer). Outside a transaction nothing is kept.
 */
export class KyselyOrderStore implements OrderStore {
  private readonly remembered: Map<string, Promise<unknown>> | null;

  constructor(private readonly db: Kysely<Database>) {
    this.remembered = db.isTransaction ? new Map() : null;
  }

  /** `load()` once per key while the transaction lasts (and until a write forgets its kind). */
  private remember<T>(kind: Remembered, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.remembered) return load();
    const k = `${kind}\u0000${key}`;
    let p = this.remembered.get(k) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.remembered.set(k, p);
    }
    return p;
  }

  private forget(...kinds: Remembered[]): void {
    if (!this.remembered) return;
    for (const k of [...this.remembered.keys()])
      if (kinds.some((kind) => k.startsWith(`${kind}\u0000`))) this.remembered.delete(k);
  }

  private dealerQuery(code: string) {
    return this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'tags', 'manager_code', 'credit_limit_fen'])
      .where('code', '=', code);
  }

  dealer(code: string): Promise<DealerAccount | null> {
    return this.remember('dealer', code, async () => toAccount(await this.dealerQuery(code).executeTakeFirst()));
  }

  async lockDealer(code: string): Promise<DealerAccount | null> {
    const row = await this.dealerQuery(code).forUpdate().executeTakeFirst();
    // What was read before the lock may predate another account's order committed meanwhile (its credit use, its
    // voucher, its ladder lines, HQ stock): read again, as the lock's waiter must (a draft shown, then confirmed).
    this.forget('dealer', 'credit', 'vouchers', 'lines', 'stock', 'draft');
    return toAccount(row);
  }

  pricedProducts(skus: readonly string[], tier: Tier) {
    return this.remember('products', `${tier}:${skus.join(',')}`, () => pricedProducts(this.db, skus, tier));
  }

  hqStock(skus: readonly string[]) {
    return this.remember('stock', skus.join(','), () => hqStock(this.db, skus));
  }

  creditFacts(dealerCode: string, today: string, overdueDays: number): Promise<CreditFacts> {
    return this.remember('credit', `${dealerCode}:${today}:${overdueDays}`, () =>
      this.readCreditFacts(dealerCode, today, overdueDays),
    );
  }

  /** The three facts in one statement (one round trip): the limit, open receivables, placed orders not invoiced. */
  private async readCreditFacts(dealerCode: string, today: string, overdueDays: number): Promise<CreditFacts> {
    return toCreditFacts(await this.creditQuery(dealerCode, today, overdueDays).executeTakeFirstOrThrow(), today);
  }

  private creditQuery(dealerCode: string, today: string, overdueDays: number) {
    const overdueBefore = addDays(today, -overdueDays);
    // A subquery, built without the handle's plugins: they transform the whole statement once.
    const receivables = this.db
      .withoutPlugins()
      .selectFrom('receivables')
      .select([
        sql<number>`coalesce(sum(amount_fen - paid_fen), 0)`.as('open'),
        sql<number>`coalesce(sum(amount_fen - paid_fen) filter (where due_date < ${overdueBefore}::date), 0)`.as(
          'overdue',
        ),
        sql<string | null>`min(due_date) filter (where due_date < ${overdueBefore}::date)`.as('oldest'),
      ])
      .where('dealer_code', '=', dealerCode)
      .whereRef('paid_fen', '<', 'amount_fen');
    return this.db
      .selectFrom(receivables.as('rc'))
      .select(['rc.open', 'rc.overdue', 'rc.oldest'])
      .select((eb) => [
        eb.selectFrom('dealers').select('credit_limit_fen').where('code', '=', dealerCode).as('limit'),
        // Placed-but-unpaid orders not invoiced yet (a receivable comes at shipping): counted once.
        eb
          .selectFrom('orders as o')
          .select(sql<number>`coalesce(sum(o.total_fen), 0)`.as('fen'))
          .where('o.dealer_code', '=', dealerCode)
          .where('o.status', '=', 'placed')
          .where('o.paid_at', 'is', null)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('receivables as r').select('r.id').whereRef('r.order_no', '=', 'o.order_no'))),
          )
          .as('unpaid'),
      ]);
  }

  /**
   * Stock, credit, vouchers and the ladder period's lines: remembered ones are not read again; otherwise one
   * statement (the credit query with the others as json subqueries) reads them all, and each is remembered.
   */
  async draftFacts(q: DraftFactsQuery): Promise<DraftFacts> {
    const { skus, dealerCode, today, overdueDays, ladderPeriod } = q;
    const keys = {
      stock: skus.join(','),
      credit: `${dealerCode}:${today}:${overdueDays}`,
      vouchers: `${dealerCode}:${today}`,
      lines: ladderPeriod ? `${dealerCode}:${ladderPeriod.start}:${ladderPeriod.end}` : null,
    };
    const kept = (kind: Remembered, key: string) => this.remembered?.has(`${kind}\u0000${key}`) ?? false;
    const allKept =
      kept('stock', keys.stock) &&
      kept('credit', keys.credit) &&
      kept('vouchers', keys.vouchers) &&
      (keys.lines === null || kept('lines', keys.lines));
    if (!allKept) {
      const facts = await this.readDraftFacts(q);
      if (this.remembered) {
        this.remembered.set(`stock\u0000${keys.stock}`, Promise.resolve(facts.stock));
        this.remembered.set(`credit\u0000${keys.credit}`, Promise.resolve(facts.credit));
        this.remembered.set(`vouchers\u0000${keys.vouchers}`, Promise.resolve(facts.vouchers));
        if (keys.lines !== null) this.remembered.set(`lines\u0000${keys.lines}`, Promise.resolve(facts.ladderLines));
      }
      return facts;
    }
    return {
      stock: await this.hqStock(skus),
      credit: await this.creditFacts(dealerCode, today, overdueDays),
      vouchers: await this.openVouchers(dealerCode, today),
      ladderLines: ladderPeriod ? await this.policyLines(dealerCode, ladderPeriod) : null,
    };
  }

  private async readDraftFacts(q: DraftFactsQuery): Promise<DraftFacts> {
    const { dealerCode, today, ladderPeriod } = q;
    const skus = [...new Set(q.skus)];
    // Subqueries built without the handle's plugins: they transform the whole statement once, subqueries included.
    const sub = this.db.withoutPlugins();
    const stock = sub.selectFrom('hq_stock').select(['sku', 'on_hand', 'reserved']);
    const r = await this.creditQuery(dealerCode, today, q.overdueDays)
      .select([
        jsonArrayFrom(skus.length > 0 ? stock.where('sku', 'in', skus) : stock.where(sql<boolean>`false`)).as('stock'),
        jsonArrayFrom(this.vouchersQuery(sub, dealerCode, today)).as('vouchers'),
        ladderPeriod
          ? jsonArrayFrom(this.policyLinesQuery(sub, dealerCode, ladderPeriod)).as('ladder_lines')
          : sql<null>`null`.as('ladder_lines'),
      ])
      .executeTakeFirstOrThrow();
    return {
      stock: new Map(r.stock.map((s) => [s.sku, { onHand: Number(s.on_hand), reserved: Number(s.reserved) }])),
      credit: toCreditFacts(r, today),
      vouchers: r.vouchers.map(toVoucher),
      ladderLines: r.ladder_lines ? r.ladder_lines.map(toPolicyLine) : null,
    };
  }

  policyRecords(): Promise<PolicyRecord[]> {
    return this.remember('policies', '', () => new PolicyRepository(this.db).listPolicies({ skipInvalid: true }));
  }

  policyLines(dealerCode: string, period: Period): Promise<PolicyOrderLine[]> {
    return this.remember('lines', `${dealerCode}:${period.start}:${period.end}`, () =>
      this.readPolicyLines(dealerCode, period),
    );
  }

  private async readPolicyLines(dealerCode: string, period: Period): Promise<PolicyOrderLine[]> {
    return (await this.policyLinesQuery(this.db, dealerCode, period).execute()).map(toPolicyLine);
  }

  private policyLinesQuery(qc: Pick<Kysely<Database>, 'selectFrom'>, dealerCode: string, period: Period) {
    return qc
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .select(['l.amount_fen', 'l.discount_fen', 'l.category', 'o.status', 'o.placed_at'])
      .where('o.dealer_code', '=', dealerCode)
      .where('o.placed_at', '>=', shanghaiMidnight(period.start))
      .where('o.placed_at', '<', shanghaiMidnight(addDays(period.end, 1)));
  }

  async insertDraft(d: StoredDraft, now: Date): Promise<void> {
    this.forget('draft');
    await this.db
      .insertInto('order_drafts')
      .values({
        id: d.id,
        dealer_code: d.dealerCode,
        items: JSON.stringify(d.items),
        delivery_date: d.deliveryDate,
        delivery_by: d.deliveryBy ?? false,
        status: d.status,
        expires_at: d.expiresAt,
        order_no: d.orderNo,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  draft(id: string, dealerCode: string): Promise<StoredDraft | null> {
    return this.remember('draft', `${id}:${dealerCode}`, () => this.readDraft(id, dealerCode));
  }

  private async readDraft(id: string, dealerCode: string): Promise<StoredDraft | null> {
    if (!isUuid(id)) return null;
    const r = await this.db
      .selectFrom('order_drafts')
      .selectAll()
      .where('id', '=', id)
      .where('dealer_code', '=', dealerCode)
      .executeTakeFirst();
    return r ? toStoredDraft(r) : null;
  }

  async updateDraft(
    id: string,
    dealerCode: string,
    items: DraftItem[],
    deliveryDate: string | null,
    expiresAt: Date,
    now: Date,
    deliveryBy = false,
  ): Promise<boolean> {
    this.forget('draft');
    const r = await this.db
      .updateTable('order_drafts')
      .set({
        items: JSON.stringify(items),
        delivery_date: deliveryDate,
        delivery_by: deliveryBy,
        expires_at: expiresAt,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('dealer_code', '=', dealerCode)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async claimDraft(id: string, dealerCode: string, now: Date): Promise<boolean> {
    this.forget('draft');
    const r = await this.db
      .updateTable('order_drafts')
      .set({ status: 'confirmed', updated_at: now })
      .where('id', '=', id)
      .where('dealer_code', '=', dealerCode)
      .where('status', '=', 'open')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async closeDraft(id: string, dealerCode: string, status: 'cancelled' | 'expired', now: Date): Promise<boolean> {
    this.forget('draft');
    if (!isUuid(id)) return false;
    const r = await this.db
      .updateTable('order_drafts')
      .set({ status, updated_at: now })
      .where('id', '=', id)
      .where('dealer_code', '=', dealerCode)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setDraftOrder(id: string, orderNo: string): Promise<void> {
    this.forget('draft');
    await this.db.updateTable('order_drafts').set({ order_no: orderNo }).where('id', '=', id).execute();
  }

  async nextOrderSeq(day: string): Promise<number> {
    const r = await this.db
      .insertInto('order_sequences')
      .values({ day, last_seq: 1 })
      .onConflict((oc) => oc.column('day').doUpdateSet({ last_seq: sql`order_sequences.last_seq + 1` }))
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    return r.last_seq;
  }

  openVouchers(dealerCode: string, today: string): Promise<OpenVoucher[]> {
    return this.remember('vouchers', `${dealerCode}:${today}`, () => this.readOpenVouchers(dealerCode, today));
  }

  private async readOpenVouchers(dealerCode: string, today: string): Promise<OpenVoucher[]> {
    return (await this.vouchersQuery(this.db, dealerCode, today).execute()).map(toVoucher);
  }

  private vouchersQuery(qc: Pick<Kysely<Database>, 'selectFrom'>, dealerCode: string, today: string) {
    return qc
      .selectFrom('care_vouchers')
      .select(['id', 'kind', 'amount_fen', 'min_order_fen', 'valid_until'])
      .where('dealer_code', '=', dealerCode)
      .where('used_order_no', 'is', null)
      .where('valid_from', '<=', today)
      .where('valid_until', '>=', today)
      .orderBy('id');
  }

  async useVoucher(id: number, dealerCode: string, orderNo: string, now: Date): Promise<boolean> {
    this.forget('vouchers');
    const r = await this.db
      .updateTable('care_vouchers')
      .set({ used_order_no: orderNo, used_at: now })
      .where('id', '=', id)
      .where('dealer_code', '=', dealerCode)
      .where('used_order_no', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertOrder(o: NewOrder): Promise<void> {
    this.forget('credit', 'lines');
    await this.db
      .insertInto('orders')
      .values({
        order_no: o.orderNo,
        dealer_code: o.dealerCode,
        status: 'placed',
        total_fen: o.totalFen,
        discount_fen: o.discountFen,
        delivery_date: o.deliveryDate,
        delivery_by: o.deliveryBy ?? false,
        placed_at: o.placedAt,
        source: 'chat',
        draft_id: o.draftId,
      })
      .execute();
    await this.db
      .insertInto('order_lines')
      .values(
        o.lines.map((l) => ({
          order_no: o.orderNo,
          line_no: l.lineNo,
          sku: l.sku,
          category: l.category,
          qty: l.qty,
          unit_price_fen: l.unitPriceFen,
          amount_fen: l.amountFen,
          discount_fen: l.discountFen,
          config: l.config ? JSON.stringify(l.config) : null,
        })),
      )
      .execute();
  }

  async adjustReserved(items: ReadonlyArray<{ sku: string; qty: number }>, sign: 1 | -1, now: Date): Promise<void> {
    this.forget('stock');
    for (const it of items) {
      const delta = sign * it.qty;
      await this.db
        .insertInto('hq_stock')
        .values({ sku: it.sku, on_hand: 0, reserved: Math.max(0, delta), updated_at: now })
        .onConflict((oc) =>
          oc.column('sku').doUpdateSet({ reserved: sql`greatest(0, hq_stock.reserved + ${delta})`, updated_at: now }),
        )
        .execute();
    }
  }

  /** Orders with their lines (each line with its product's name and unit, in line order) as one statement. */
  private static line(l: {
    line_no: number;
    sku: string;
    name: string;
    unit: string;
    category: string;
    qty: number;
    unit_price_fen: number;
    amount_fen: number;
    discount_fen: number;
    config: ItemConfig | string | null;
  }): OrderLineRecord {
    return {
      lineNo: Number(l.line_no),
      sku: l.sku,
      name: l.name,
      unit: l.unit,
      category: l.category,
      qty: Number(l.qty),
      unitPriceFen: Number(l.unit_price_fen),
      amountFen: Number(l.amount_fen),
      discountFen: Number(l.discount_fen),
      ...(l.config ? { config: (typeof l.config === 'string' ? JSON.parse(l.config) : l.config) as ItemConfig } : {}),
    };
  }

  private static map(r: {
    order_no: string;
    dealer_code: string;
    status: OrderRecord['status'];
    total_fen: number;
    discount_fen: number;
    delivery_date: string | null;
    delivery_by: boolean;
    placed_at: Date;
    shipped_at: Date | null;
    cancelled_at: Date | null;
    lines: Array<Parameters<typeof KyselyOrderStore.line>[0]>;
  }): OrderRecord {
    return {
      orderNo: r.order_no,
      dealerCode: r.dealer_code,
      status: r.status,
      totalFen: r.total_fen,
      discountFen: r.discount_fen,
      deliveryDate: r.delivery_date,
      ...(r.delivery_by ? { deliveryBy: true } : {}),
      placedAt: r.placed_at,
      shippedAt: r.shipped_at,
      cancelledAt: r.cancelled_at,
      // json_agg keeps the subquery's order; sorted again so the line order never rests on it.
      lines: r.lines.map(KyselyOrderStore.line).sort((x, y) => x.lineNo - y.lineNo),
    };
  }

  async order(orderNo: string, dealerCode: string): Promise<OrderRecord | null> {
    const [r] = await orderByNo(this.db, orderNo, dealerCode);
    return r ? KyselyOrderStore.map(r) : null;
  }

  async recentOrders(dealerCode: string, limit: number): Promise<OrderRecord[]> {
    const rows = await recentOrdersOf(this.db, dealerCode, limit);
    return rows.map(KyselyOrderStore.map);
  }

  async lastOrder(dealerCode: string): Promise<OrderRecord | null> {
    const [r] = await lastOrderOf(this.db, dealerCode);
    return r ? KyselyOrderStore.map(r) : null;
  }

  async cancelOrder(orderNo: string, dealerCode: string, now: Date): Promise<boolean> {
    this.forget('credit', 'lines');
    const r = await this.db
      .updateTable('orders')
      .set({ status: 'cancelled', cancelled_at: now })
      .where('order_no', '=', orderNo)
      .where('dealer_code', '=', dealerCode)
      .where('status', '=', 'placed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

function toAccount(
  r:
    | {
        code: string;
        name: string;
        tier: Tier;
        tags: string[];
        manager_code: string;
        credit_limit_fen: number;
      }
    | undefined,
): DealerAccount | null {
  return r
    ? {
        code: r.code,
        name: r.name,
        tier: r.tier,
        tags: r.tags,
        managerCode: r.manager_code,
        creditLimitFen: r.credit_limit_fen,
      }
    : null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string) => UUID_RE.test(s);

function toStoredDraft(r: Selectable<OrderDraftsTable>): StoredDraft {
  const items = (typeof r.items === 'string' ? JSON.parse(r.items) : r.items) as DraftItem[];
  return {
    id: r.id,
    dealerCode: r.dealer_code,
    items,
    deliveryDate: r.delivery_date,
    ...(r.delivery_by ? { deliveryBy: true } : {}),
    status: r.status,
    expiresAt: r.expires_at,
    orderNo: r.order_no,
  };
}

function toCreditFacts(
  r: { open: number; overdue: number; oldest: string | null; limit: number | null; unpaid: number | null },
  today: string,
): CreditFacts {
  const oldest = r.oldest ? String(r.oldest).slice(0, 10) : null;
  return {
    limitFen: r.limit ?? 0,
    openReceivablesFen: Number(r.open),
    unpaidPlacedFen: Number(r.unpaid),
    overdueFen: Number(r.overdue),
    maxOverdueDays: oldest ? Math.round((Date.parse(today) - Date.parse(oldest)) / 86_400_000) : 0,
  };
}

/** A voucher row, from a query or a json subquery (numbers and the date as text either way). */
function toVoucher(r: {
  id: number;
  kind: OpenVoucher['kind'];
  amount_fen: number;
  min_order_fen: number;
  valid_until: string | Date;
}): OpenVoucher {
  return {
    id: Number(r.id),
    kind: r.kind,
    amountFen: Number(r.amount_fen),
    minOrderFen: Number(r.min_order_fen),
    validUntil: String(r.valid_until).slice(0, 10),
  };
}

/** An order line with its order's status and time, from a query or a json subquery (the time as text there). */
function toPolicyLine(r: {
  amount_fen: number;
  discount_fen: number;
  category: string;
  status: PolicyOrderLine['orderStatus'];
  placed_at: Date | string;
}): PolicyOrderLine {
  return {
    amountFen: Number(r.amount_fen),
    discountFen: Number(r.discount_fen),
    category: r.category,
    orderStatus: r.status,
    placedAt: new Date(r.placed_at),
  };
}

/** An order with its lines (`json_agg`, in line order): the statements below, each built and compiled once. */
function ordersWithLines(db: Kysely<Database>) {
  return db
    .selectFrom('orders as o')
    .select([
      'o.order_no',
      'o.dealer_code',
      'o.status',
      'o.total_fen',
      'o.discount_fen',
      'o.delivery_date',
      'o.delivery_by',
      'o.placed_at',
      'o.shipped_at',
      'o.cancelled_at',
    ])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('order_lines as l')
          .innerJoin('products as p', 'p.sku', 'l.sku')
          .select([
            'l.line_no',
            'l.sku',
            'p.name',
            'p.unit',
            'l.category',
            'l.qty',
            'l.unit_price_fen',
            'l.amount_fen',
            'l.discount_fen',
            'l.config',
          ])
          .whereRef('l.order_no', '=', 'o.order_no')
          .orderBy('l.line_no'),
      ).as('lines'),
    );
}

const orderByNo = compiledOnce((db, orderNo: string, dealerCode: string) =>
  ordersWithLines(db).where('o.order_no', '=', orderNo).where('o.dealer_code', '=', dealerCode),
);

const recentOrdersOf = compiledOnce((db, dealerCode: string, limit: number) =>
  ordersWithLines(db)
    .where('o.dealer_code', '=', dealerCode)
    .orderBy('o.placed_at', 'desc')
    .orderBy('o.order_no', 'desc')
    .limit(limit),
);

const lastOrderOf = compiledOnce((db, dealerCode: string) =>
  ordersWithLines(db)
    .where('o.dealer_code', '=', dealerCode)
    .where('o.status', '!=', 'cancelled')
    .orderBy('o.placed_at', 'desc')
    .orderBy('o.order_no', 'desc')
    .limit(1),
);
