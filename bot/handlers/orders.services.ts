import { OrderService } from '../../core/orders/order.service.js';
import { StockService } from '../../core/stock/stock.service.js';
import { KyselyOrderStore } from '../../db/repositories/order.repository.js';
import { KyselyStockStore } from '../../db/repositories/stock.repository.js';
import type { TurnContext } from '../dialog/turn.js';
import { ordersReplies } from '../replies/orders.replies.js';

/** The turn's order service: its store and notifier share the turn's transaction. */
export function orderService(ctx: TurnContext): OrderService {
  return new OrderService(new KyselyOrderStore(ctx.db), {
    notifier: ctx.notifier,
    placedNotice: ordersReplies.managerNotice,
  });
}

export function stockService(ctx: TurnContext): StockService {
  return new StockService(new KyselyStockStore(ctx.db));
}
