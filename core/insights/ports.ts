import type {
  CategoryAmounts,
  CategoryUnits,
  ProductAmount,
  SkuSales,
  StoreSkuSales,
  TrendDealer,
  TrendScope,
} from './insights.types.js';
import type { DealerGroupAmount, RegionalDealer } from './regional.js';

/** What the dealer's sell-through answer reads; db/repositories/insights.repository.ts implements it. */
export interface SalesStore {
  salesDealer(code: string): Promise<{ code: string; name: string; activeStores: number } | null>;
  /** Units sold per product in [start, end] (inclusive dates), only `skus` when given. */
  sellThroughBySku(dealerCode: string, start: string, end: string, skus: readonly string[] | null): Promise<SkuSales[]>;
  lastSellThroughDay(dealerCode: string): Promise<string | null>;
  /** The dealer's active stores that have a POS code (a store that sold nothing is still one of them). */
  activeStores(dealerCode: string): Promise<Array<{ code: string; name: string }>>;
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

/** An account or regional manager and the provinces whose dealers they look after. */
export interface TrendManager {
  code: string;
  name: string;
  role: 'account' | 'regional';
  provinces: string[];
}

/** Set-based reads of the regional trend table (all dealers at once: the monthly jobs and the managers' view). */
export interface RegionalTrendStore {
  /** Every dealer with its region's province and market level, by code. */
  regionalDealers(): Promise<RegionalDealer[]>;
  /** Per dealer and product group (category + series): net purchases placed on Shanghai dates [start, end]. */
  groupPurchases(start: string, end: string): Promise<DealerGroupAmount[]>;
  trendManager(code: string): Promise<TrendManager | null>;
  trendManagers(): Promise<TrendManager[]>;
}

/** Purchases per dealer, product group and Shanghai month, for the need prediction. */
export interface MonthlyGroupAmount extends DealerGroupAmount {
  /** 'YYYY-MM'. */
  month: string;
}

/** What the need prediction reads besides the trend table. */
export interface NeedSignalStore extends RegionalTrendStore {
  /** Net purchases per dealer, group and month for the months [fromMonth, toMonth] ('YYYY-MM'). */
  monthlyGroupPurchases(fromMonth: string, toMonth: string): Promise<MonthlyGroupAmount[]>;
}

/** The resources a predicted need is answered with (HQ's content and the running promotions). */
export interface NeedResources {
  /** Courses starting at or after `from`, soonest first. */
  upcomingCourses(from: Date, limit: number): Promise<Array<{ title: string; startsAt: Date }>>;
  successCases(): Promise<Array<{ title: string }>>;
  activePromotions(): Promise<Array<{ code: string; name: string }>>;
}
