import type {
  CategoryAmounts,
  CategoryUnits,
  ProductAmount,
  SkuSales,
  StoreSkuSales,
  TrendDealer,
  TrendScope,
} from './insights.types.js';

/** What the dealer's sell-through answer reads; db/repositories/insights.repository.ts implements it. */
export interface SalesStore {
  salesDealer(code: string): Promise<{ code: string; name: string; activeStores: number } | null>;
  /** Units sold per product in [start, end] (inclusive dates), only `skus` when given. */
  sellThroughBySku(dealerCode: string, start: string, end: string, skus: readonly string[] | null): Promise<SkuSales[]>;
  lastSellThroughDay(dealerCode: string): Promise<string | null>;
  /** The dealer's own store with this code; null for another dealer's store or no such store. */
  dealerStore(dealerCode: string, storeCode: string): Promise<{ code: string; name: string } | null>;
  /** POS units per store and product in [start, end] (store_sales), only `skus` / one store when given. */
  storeSellThrough(
    dealerCode: string,
    start: string,
    end: string,
    skus: readonly string[] | null,
    storeCode: string | null,
  ): Promise<StoreSkuSales[]>;
}

/** What the regional trend reads (orders net of discounts, cancelled excluded; sell-through in units). */
export interface TrendStore {
  trendDealer(code: string): Promise<TrendDealer | null>;
  /** Number of dealers in the scope (the dealer included). */
  scopeDealerCount(scope: TrendScope): Promise<number>;
  /** Per category: the scope's and the dealer's purchases placed in [start, end] (inclusive dates). */
  categoryPurchases(scope: TrendScope, dealerCode: string, start: string, end: string): Promise<CategoryAmounts[]>;
  /** Per category: units sold through the scope's and the dealer's stores in [start, end]. */
  categorySellThrough(scope: TrendScope, dealerCode: string, start: string, end: string): Promise<CategoryUnits[]>;
  /** Per product: the scope's purchases in [start, end]. */
  productPurchases(scope: TrendScope, start: string, end: string): Promise<ProductAmount[]>;
  /** The earliest sell-through day stored (data before it does not exist, rather than being zero). */
  firstSellThroughDay(): Promise<string | null>;
}
