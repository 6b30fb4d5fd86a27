import { normalize } from '../nlu/normalize.js';
import { OrderService } from '../../core/orders/order.service.js';
import { StockService } from '../../core/stock/stock.service.js';
import { KyselyOrderStore } from '../../db/repositories/order.repository.js';
import { KyselyStockStore } from '../../db/repositories/stock.repository.js';
import { ordersReplies } from '../replies/orders.replies.js';
/** The turn's order service: its store and notifier share the turn's transaction. */
export function orderService(ctx) {
    return new OrderService(new KyselyOrderStore(ctx.db), {
        notifier: ctx.notifier,
        placedNotice: ordersReplies.managerNotice,
        cancelledNotice: ordersReplies.managerCancelNotice,
    });
}
export function stockService(ctx) {
    return new StockService(new KyselyStockStore(ctx.db));
}
/** A model code in the message that the catalog does not have ("XYZ99"), to name it back to the dealer. */
export function unknownModelCode(ctx) {
    const code = normalize(ctx.text).match(/(?<![a-z])[a-z]{1,3}-?\d{2,4}(?!\d)/i)?.[0];
    return code && !ctx.catalog.isModelCode(code) ? code.toUpperCase() : undefined;
}
//# sourceMappingURL=orders.services.js.map