import type { Tier } from '../catalog/pricing.js';
import type { PricedProduct, StockLevel } from '../orders/ports.js';

export interface DealerStock {
  qty: number;
  /** When the dealer's stock figure was last synced. */
  syncedAt: Date;
}

/** What a stock answer needs about some products for one dealer (see `StockStore.stockFacts`). */
export interface StockFacts {
  /** Active products with the dealer's tier price. */
  products: Map<string, PricedProduct>;
  hq: Map<string, StockLevel>;
  own: Map<string, DealerStock>;
  /** Units sold per product over the window. */
  sold: Map<string, number>;
}

/** Storage the stock capability needs. */
export interface StockStore {
  /**
   * The four reads below for `skus` at once (one round trip where the store can): what an answer to "KC-L01还有货吗"
   * needs, or for every active product (`'all'`: the replenishment advice). Only active products count; the other
   * maps may leave out products that have no row.
   */
  stockFacts(
    dealer: { code: string; tier: Tier },
    skus: readonly string[] | 'all',
    fromDay: string,
    beforeDay: string,
  ): Promise<StockFacts>;
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
