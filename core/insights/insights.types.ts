/** Sell-through and regional trends: what the dealer's stores sell, and what sells around them. */

export type MarketLevel = '一线' | '二线' | '三四线' | '县城' | '乡镇';

/** Inclusive Shanghai dates. */
export interface DateRange {
  start: string;
  end: string;
}

/** A period and the one it is compared with (same length, just before). */
export interface ComparedWindow {
  kind: 'month' | 'week' | 'days';
  /** 'YYYY-MM' for a month, else the number of days ('30d'), 'week' (this week) 'last_week' or 'week_before_last'. */
  label: string;
  current: DateRange;
  previous: DateRange;
  /** The current period is still running (ends today). */
  running: boolean;
}

/** (current − previous) / previous, null without a previous amount. */
export type Change = number | null;

export interface SkuSales {
  sku: string;
  name: string;
  unit: string;
  category: string;
  qty: number;
}

export interface SalesLine extends SkuSales {
  previousQty: number;
  change: Change;
}

/** One store's POS units of one product over a period (store_sales). */
export interface StoreSkuSales extends SkuSales {
  storeCode: string;
  storeName: string;
}

export type UnitTotals = Array<{ unit: string; qty: number; previousQty: number; change: Change }>;

/** A store's sell-through per unit, against the period before. */
export interface StoreSalesLine {
  code: string;
  name: string;
  totals: UnitTotals;
}

export interface SalesReport {
  dealer: { code: string; name: string };
  /** Active stores of the dealer. */
  activeStores: number;
  /** The one store asked about ("D0012-S01 上个月卖了多少"): lines and totals are that store's POS. */
  store: { code: string; name: string } | null;
  /** Per store (asked "各门店"): from the stores' POS; empty when no store sent any in either period. */
  stores: StoreSalesLine[] | null;
  window: ComparedWindow;
  /** The products asked about, or null for all. */
  skus: string[] | null;
  /** Sold in either period, most sold first. */
  lines: SalesLine[];
  /** Per unit (套, 樘, 米 … do not add up). */
  totals: UnitTotals;
  /** The dealer's latest day with sell-through, any product. */
  lastSaleDay: string | null;
  /** False when the dealer has sent no sell-through for RECENT_DATA_DAYS: the answer is "no data", not "sold 0". */
  hasRecentData: boolean;
}

export interface TrendDealer {
  code: string;
  name: string;
  province: string;
  marketLevel: MarketLevel;
}

/** The dealers compared with: same province and market level, or the market level nationwide when too few. */
export interface TrendScope {
  province: string | null;
  marketLevel: MarketLevel;
}

export interface CategoryAmounts {
  category: string;
  regionFen: number;
  dealerFen: number;
}

/** Units sold per category and unit (套, 米 and 个 do not add up). */
export interface CategoryUnits {
  category: string;
  unit: string;
  regionQty: number;
  dealerQty: number;
}

export interface ProductAmount {
  sku: string;
  name: string;
  category: string;
  fen: number;
}

export interface CategoryTrend {
  category: string;
  /** Net purchases (after promotion discounts) of the scope's dealers in the current / previous window. */
  regionFen: number;
  regionPreviousFen: number;
  change: Change;
  /** regionFen per dealer of the scope. */
  averagePerDealerFen: number;
  dealerFen: number;
  dealerPreviousFen: number;
  /** Share of this category in the dealer's / the scope's purchases (0–1). */
  dealerShare: number;
  regionShare: number;
  /**
   * Units sold through the scope's stores per unit, most first: current window, and the previous one (null when no
   * sell-through data covers it).
   */
  sellThrough: Array<{ unit: string; qty: number; previousQty: number | null }>;
}

export interface TrendReport {
  dealer: { code: string; name: string };
  scope: TrendScope & { dealers: number; widened: boolean };
  window: ComparedWindow;
  categories: CategoryTrend[];
  /** The scope's best-selling products in the current window, with their change. */
  topProducts: Array<{ sku: string; name: string; category: string; fen: number; previousFen: number; change: Change }>;
  dealerTotalFen: number;
  averagePerDealerTotalFen: number;
}
