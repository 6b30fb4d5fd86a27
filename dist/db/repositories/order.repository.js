import { sql } from 'kysely';
import { addDays, shanghaiMidnight } from '../../core/common/time.js';
import { PolicyRepository } from './policies.repository.js';
import { hqStock, pricedProducts } from './stock.repository.js';
/** OrderStore on Kysely; `db` is the caller's transaction (PGlite: never the outer handle inside it). */
export class KyselyOrderStore {
    db;
    constructor(db) {
        this.db = db;
    }
    dealerQuery(code) {
        return this.db
            .selectFrom('dealers')
            .select(['code', 'name', 'tier', 'tags', 'manager_code', 'credit_limit_fen'])
            .where('code', '=', code);
    }
    async dealer(code) {
        return toAccount(await this.dealerQuery(code).executeTakeFirst());
    }
    async lockDealer(code) {
        return toAccount(await this.dealerQuery(code).forUpdate().executeTakeFirst());
    }
    pricedProducts(skus, tier) {
        return pricedProducts(this.db, skus, tier);
    }
    hqStock(skus) {
        return hqStock(this.db, skus);
    }
    async creditFacts(dealerCode, today, overdueDays) {
        const limit = await this.db
            .selectFrom('dealers')
            .select('credit_limit_fen')
            .where('code', '=', dealerCode)
            .executeTakeFirst();
        const open = await this.db
            .selectFrom('receivables')
            .select([
            sql `coalesce(sum(amount_fen - paid_fen), 0)`.as('open'),
            sql `coalesce(sum(amount_fen - paid_fen) filter (where due_date < ${addDays(today, -overdueDays)}::date), 0)`.as('overdue'),
            sql `min(due_date) filter (where due_date < ${addDays(today, -overdueDays)}::date)`.as('oldest'),
        ])
            .where('dealer_code', '=', dealerCode)
            .whereRef('paid_fen', '<', 'amount_fen')
            .executeTakeFirstOrThrow();
        // Placed-but-unpaid orders not invoiced yet (a receivable comes at shipping): counted once.
        const unpaid = await this.db
            .selectFrom('orders as o')
            .select(sql `coalesce(sum(o.total_fen), 0)`.as('fen'))
            .where('o.dealer_code', '=', dealerCode)
            .where('o.status', '=', 'placed')
            .where('o.paid_at', 'is', null)
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('receivables as r').select('r.id').whereRef('r.order_no', '=', 'o.order_no'))))
            .executeTakeFirstOrThrow();
        const oldest = open.oldest ? String(open.oldest).slice(0, 10) : null;
        return {
            limitFen: limit?.credit_limit_fen ?? 0,
            openReceivablesFen: Number(open.open),
            unpaidPlacedFen: Number(unpaid.fen),
            overdueFen: Number(open.overdue),
            maxOverdueDays: oldest ? Math.round((Date.parse(today) - Date.parse(oldest)) / 86_400_000) : 0,
        };
    }
    policyRecords() {
        return new PolicyRepository(this.db).listPolicies({ skipInvalid: true });
    }
    async policyLines(dealerCode, period) {
        const rows = await this.db
            .selectFrom('order_lines as l')
            .innerJoin('orders as o', 'o.order_no', 'l.order_no')
            .select(['l.amount_fen', 'l.discount_fen', 'l.category', 'o.status', 'o.placed_at'])
            .where('o.dealer_code', '=', dealerCode)
            .where('o.placed_at', '>=', shanghaiMidnight(period.start))
            .where('o.placed_at', '<', shanghaiMidnight(addDays(period.end, 1)))
            .execute();
        return rows.map((r) => ({
            amountFen: r.amount_fen,
            discountFen: r.discount_fen,
            category: r.category,
            orderStatus: r.status,
            placedAt: r.placed_at,
        }));
    }
    async insertDraft(d, now) {
        await this.db
            .insertInto('order_drafts')
            .values({
            id: d.id,
            dealer_code: d.dealerCode,
            items: JSON.stringify(d.items),
            delivery_date: d.deliveryDate,
            status: d.status,
            expires_at: d.expiresAt,
            order_no: d.orderNo,
            created_at: now,
            updated_at: now,
        })
            .execute();
    }
    async draft(id, dealerCode) {
        if (!isUuid(id))
            return null;
        const r = await this.db
            .selectFrom('order_drafts')
            .selectAll()
            .where('id', '=', id)
            .where('dealer_code', '=', dealerCode)
            .executeTakeFirst();
        return r ? toStoredDraft(r) : null;
    }
    async updateDraft(id, dealerCode, items, deliveryDate, expiresAt, now) {
        const r = await this.db
            .updateTable('order_drafts')
            .set({ items: JSON.stringify(items), delivery_date: deliveryDate, expires_at: expiresAt, updated_at: now })
            .where('id', '=', id)
            .where('dealer_code', '=', dealerCode)
            .where('status', '=', 'open')
            .executeTakeFirst();
        return Number(r.numUpdatedRows) === 1;
    }
    async claimDraft(id, dealerCode, now) {
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
    async closeDraft(id, dealerCode, status, now) {
        if (!isUuid(id))
            return false;
        const r = await this.db
            .updateTable('order_drafts')
            .set({ status, updated_at: now })
            .where('id', '=', id)
            .where('dealer_code', '=', dealerCode)
            .where('status', '=', 'open')
            .executeTakeFirst();
        return Number(r.numUpdatedRows) === 1;
    }
    async setDraftOrder(id, orderNo) {
        await this.db.updateTable('order_drafts').set({ order_no: orderNo }).where('id', '=', id).execute();
    }
    async nextOrderSeq(day) {
        const r = await this.db
            .insertInto('order_sequences')
            .values({ day, last_seq: 1 })
            .onConflict((oc) => oc.column('day').doUpdateSet({ last_seq: sql `order_sequences.last_seq + 1` }))
            .returning('last_seq')
            .executeTakeFirstOrThrow();
        return r.last_seq;
    }
    async insertOrder(o) {
        await this.db
            .insertInto('orders')
            .values({
            order_no: o.orderNo,
            dealer_code: o.dealerCode,
            status: 'placed',
            total_fen: o.totalFen,
            discount_fen: o.discountFen,
            delivery_date: o.deliveryDate,
            placed_at: o.placedAt,
            source: 'chat',
            draft_id: o.draftId,
        })
            .execute();
        await this.db
            .insertInto('order_lines')
            .values(o.lines.map((l) => ({
            order_no: o.orderNo,
            line_no: l.lineNo,
            sku: l.sku,
            category: l.category,
            qty: l.qty,
            unit_price_fen: l.unitPriceFen,
            amount_fen: l.amountFen,
            discount_fen: l.discountFen,
        })))
            .execute();
    }
    async adjustReserved(items, sign, now) {
        for (const it of items) {
            const delta = sign * it.qty;
            await this.db
                .insertInto('hq_stock')
                .values({ sku: it.sku, on_hand: 0, reserved: Math.max(0, delta), updated_at: now })
                .onConflict((oc) => oc.column('sku').doUpdateSet({ reserved: sql `greatest(0, hq_stock.reserved + ${delta})`, updated_at: now }))
                .execute();
        }
    }
    async withLines(rows) {
        if (rows.length === 0)
            return [];
        const lines = await this.db
            .selectFrom('order_lines as l')
            .innerJoin('products as p', 'p.sku', 'l.sku')
            .select([
            'l.order_no',
            'l.line_no',
            'l.sku',
            'p.name',
            'p.unit',
            'l.category',
            'l.qty',
            'l.unit_price_fen',
            'l.amount_fen',
            'l.discount_fen',
        ])
            .where('l.order_no', 'in', rows.map((r) => r.orderNo))
            .orderBy('l.order_no')
            .orderBy('l.line_no')
            .execute();
        return rows.map((o) => ({
            ...o,
            lines: lines
                .filter((l) => l.order_no === o.orderNo)
                .map((l) => ({
                lineNo: l.line_no,
                sku: l.sku,
                name: l.name,
                unit: l.unit,
                category: l.category,
                qty: l.qty,
                unitPriceFen: l.unit_price_fen,
                amountFen: l.amount_fen,
                discountFen: l.discount_fen,
            })),
        }));
    }
    orders() {
        return this.db
            .selectFrom('orders')
            .select([
            'order_no',
            'dealer_code',
            'status',
            'total_fen',
            'discount_fen',
            'delivery_date',
            'placed_at',
            'shipped_at',
            'cancelled_at',
        ]);
    }
    static map(r) {
        return {
            orderNo: r.order_no,
            dealerCode: r.dealer_code,
            status: r.status,
            totalFen: r.total_fen,
            discountFen: r.discount_fen,
            deliveryDate: r.delivery_date,
            placedAt: r.placed_at,
            shippedAt: r.shipped_at,
            cancelledAt: r.cancelled_at,
        };
    }
    async order(orderNo, dealerCode) {
        const r = await this.orders()
            .where('order_no', '=', orderNo)
            .where('dealer_code', '=', dealerCode)
            .executeTakeFirst();
        return r ? ((await this.withLines([KyselyOrderStore.map(r)]))[0] ?? null) : null;
    }
    async recentOrders(dealerCode, limit) {
        const rows = await this.orders()
            .where('dealer_code', '=', dealerCode)
            .orderBy('placed_at', 'desc')
            .orderBy('order_no', 'desc')
            .limit(limit)
            .execute();
        return this.withLines(rows.map(KyselyOrderStore.map));
    }
    async lastOrder(dealerCode) {
        const r = await this.orders()
            .where('dealer_code', '=', dealerCode)
            .where('status', '!=', 'cancelled')
            .orderBy('placed_at', 'desc')
            .orderBy('order_no', 'desc')
            .executeTakeFirst();
        return r ? ((await this.withLines([KyselyOrderStore.map(r)]))[0] ?? null) : null;
    }
    async cancelOrder(orderNo, dealerCode, now) {
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
function toAccount(r) {
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
const isUuid = (s) => UUID_RE.test(s);
function toStoredDraft(r) {
    const items = (typeof r.items === 'string' ? JSON.parse(r.items) : r.items);
    return {
        id: r.id,
        dealerCode: r.dealer_code,
        items,
        deliveryDate: r.delivery_date,
        status: r.status,
        expiresAt: r.expires_at,
        orderNo: r.order_no,
    };
}
//# sourceMappingURL=order.repository.js.map