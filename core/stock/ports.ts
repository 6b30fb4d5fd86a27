import type { Tier } from '../catalog/pricing.js';
import type { PricedProduct, StockLevel } from '../orders/ports.js';

export interface DealerStock {
  qty: number;
  /** When the dealer's stock figure was last synced. */
  syncedAt: Date;
}

/** Storage the stock capability needs. */
export interface StockStore {
  pricedProducts(skus: readonly string[] | 'all', tier: Tier): Promise<Map<string, PricedProduct>>;
  hqStock(skus: readonly string[]): Promise<Map<string, StockLevel>>;
  /** The dealer's own stock (all products when `skus` is omitted). */
  dealerInventory(dealerCode: string, skus?: readonly string[]): Promise<Map<string, DealerStock>>;
  /** Units the dealer sold per product on Shanghai dates `[fromDay, beforeDay)` (see sellThroughWindow). */
  sellThrough(
    dealerCode: string,
    fromDay: string,
    beforeDay: string,
    skus?: readonly string[],
  ): Promise<Map<string, number>>;
}
