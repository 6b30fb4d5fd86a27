import { shanghaiDate } from '../common/time.js';
import { availability, daysOfCover, replenishmentAdvice, sellThroughWindow, } from './stock.rules.js';
/** Stock answers for a dealer: HQ availability, their own stock and its cover, and what to restock. */
export class StockService {
    store;
    constructor(store) {
        this.store = store;
    }
    async report(dealer, skus, now) {
        const today = shanghaiDate(now);
        const { from, before } = sellThroughWindow(today);
        const [products, hq, own, sold] = await Promise.all([
            this.store.pricedProducts(skus, dealer.tier),
            this.store.hqStock(skus),
            this.store.dealerInventory(dealer.code, skus),
            this.store.sellThrough(dealer.code, from, before, skus),
        ]);
        const out = [];
        for (const sku of skus) {
            const product = products.get(sku);
            if (!product)
                continue;
            const level = hq.get(sku) ?? { onHand: 0, reserved: 0 };
            const mine = own.get(sku) ?? null;
            const sold30 = sold.get(sku) ?? 0;
            out.push({
                product,
                // A shortfall against one MOQ tells whether a normal order ships now.
                hq: { ...availability(product.moq, level.onHand, level.reserved, product.leadTimeDays, today), ...level },
                dealer: mine,
                sold30,
                daysOfCover: mine ? daysOfCover(mine.qty, sold30) : null,
            });
        }
        return out;
    }
    /** Products whose cover is below lead time + safety days, with suggested quantities (most urgent first). */
    async replenishment(dealer, now) {
        const { from, before } = sellThroughWindow(shanghaiDate(now));
        const [products, own, sold] = await Promise.all([
            this.store.pricedProducts('all', dealer.tier),
            this.store.dealerInventory(dealer.code),
            this.store.sellThrough(dealer.code, from, before),
        ]);
        const inputs = [...sold.entries()].flatMap(([sku, sold30]) => {
            const p = products.get(sku);
            if (!p)
                return [];
            return [
                {
                    sku,
                    leadTimeDays: p.leadTimeDays,
                    moq: p.moq,
                    orderMultiple: p.orderMultiple,
                    stockQty: own.get(sku)?.qty ?? 0,
                    sold30,
                },
            ];
        });
        return replenishmentAdvice(inputs).map((s) => ({
            ...s,
            product: products.get(s.sku),
            stockQty: own.get(s.sku)?.qty ?? 0,
            sold30: sold.get(s.sku) ?? 0,
        }));
    }
}
//# sourceMappingURL=stock.service.js.map