import { shanghaiDate } from '../common/time.js';
import { InsightError } from './insights.errors.js';
import type {
  CategoryAmounts,
  CategoryTrend,
  CategoryUnits,
  ProductAmount,
  TrendReport,
  TrendScope,
} from './insights.types.js';
import type { TrendStore } from './ports.js';
import { MIN_SCOPE_DEALERS } from './regional.js';
import { change, trendWindow } from './windows.js';

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** Per category, both windows joined; the largest in the scope first. */
export function categoryTrends(input: {
  current: readonly CategoryAmounts[];
  previous: readonly CategoryAmounts[];
  sellThrough: readonly CategoryUnits[];
  /** Null when no sell-through data covers the previous window. */
  sellThroughPrevious: readonly CategoryUnits[] | null;
  dealers: number;
}): CategoryTrend[] {
  const cats = new Set([...input.current, ...input.previous].map((c) => c.category));
  for (const s of input.sellThrough) cats.add(s.category);
  const find = <T extends { category: string }>(xs: readonly T[], c: string) => xs.find((x) => x.category === c);
  const units = (category: string) =>
    input.sellThrough
      .filter((s) => s.category === category)
      .map((s) => ({
        unit: s.unit,
        qty: s.regionQty,
        previousQty:
          input.sellThroughPrevious === null
            ? null
            : (input.sellThroughPrevious.find((p) => p.category === category && p.unit === s.unit)?.regionQty ?? 0),
      }))
      .sort((a, b) => b.qty - a.qty || a.unit.localeCompare(b.unit));
  const regionTotal = input.current.reduce((s, c) => s + c.regionFen, 0);
  const dealerTotal = input.current.reduce((s, c) => s + c.dealerFen, 0);
  return [...cats]
    .map((category) => {
      const cur = find(input.current, category);
      const prev = find(input.previous, category);
      const regionFen = cur?.regionFen ?? 0;
      const regionPreviousFen = prev?.regionFen ?? 0;
      const dealerFen = cur?.dealerFen ?? 0;
      return {
        category,
        regionFen,
        regionPreviousFen,
        change: change(regionFen, regionPreviousFen),
        averagePerDealerFen: input.dealers > 0 ? Math.round(regionFen / input.dealers) : 0,
        dealerFen,
        dealerPreviousFen: prev?.dealerFen ?? 0,
        dealerShare: share(dealerFen, dealerTotal),
        regionShare: share(regionFen, regionTotal),
        sellThrough: units(category),
      };
    })
    .sort((a, b) => b.regionFen - a.regionFen || a.category.localeCompare(b.category));
}

/** The scope's products by current purchases, with the previous window's, best first. */
export function topProducts(
  current: readonly ProductAmount[],
  previous: readonly ProductAmount[],
  limit: number,
): TrendReport['topProducts'] {
  const prev = new Map(previous.map((p) => [p.sku, p.fen]));
  return current
    .filter((p) => p.fen > 0)
    .map((p) => {
      const previousFen = prev.get(p.sku) ?? 0;
      return {
        sku: p.sku,
        name: p.name,
        category: p.category,
        fen: p.fen,
        previousFen,
        change: change(p.fen, previousFen),
      };
    })
    .sort((a, b) => b.fen - a.fen || a.sku.localeCompare(b.sku))
    .slice(0, limit);
}

/**
 * What sells in the dealer's region (`trend.query`): purchases by category of the dealers of the same province and
 * market level over the last 3 months against the 3 before, their sell-through, the best-selling products, and the
 * dealer's own mix against the region's.
 *
 * @example
 * const t = await new TrendsService(new InsightsRepository(trx)).regional({ dealerCode: 'D0012', now });
 * t.categories[0]; // the category the region buys most, with its change and the dealer's share against the region's
 */
export class TrendsService {
  constructor(private readonly store: TrendStore) {}

  async regional(input: { dealerCode: string; now: Date; topProducts?: number }): Promise<TrendReport> {
    const today = shanghaiDate(input.now);
    const window = trendWindow(today);
    const s = this.store;
    const dealer = await s.trendDealer(input.dealerCode);
    if (!dealer) throw new InsightError('INSIGHT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    let scope: TrendScope = { province: dealer.province, marketLevel: dealer.marketLevel };
    let dealers = await s.scopeDealerCount(scope);
    const widened = dealers < MIN_SCOPE_DEALERS;
    if (widened) {
      scope = { province: null, marketLevel: dealer.marketLevel };
      dealers = await s.scopeDealerCount(scope);
    }
    const { current: cur, previous: prev } = window;
    const current = await s.categoryPurchases(scope, dealer.code, cur.start, cur.end);
    const previous = await s.categoryPurchases(scope, dealer.code, prev.start, prev.end);
    const sellThrough = await s.categorySellThrough(scope, dealer.code, cur.start, cur.end);
    const firstDay = await s.firstSellThroughDay();
    const covered = firstDay !== null && firstDay <= prev.start;
    const sellThroughPrevious = covered ? await s.categorySellThrough(scope, dealer.code, prev.start, prev.end) : null;
    const products = await s.productPurchases(scope, cur.start, cur.end);
    const productsBefore = await s.productPurchases(scope, prev.start, prev.end);
    const dealerTotalFen = current.reduce((sum, c) => sum + c.dealerFen, 0);
    const regionTotalFen = current.reduce((sum, c) => sum + c.regionFen, 0);
    return {
      dealer: { code: dealer.code, name: dealer.name },
      scope: { ...scope, dealers, widened },
      window,
      categories: categoryTrends({ current, previous, sellThrough, sellThroughPrevious, dealers }),
      topProducts: topProducts(products, productsBefore, input.topProducts ?? 5),
      dealerTotalFen,
      averagePerDealerTotalFen: dealers > 0 ? Math.round(regionTotalFen / dealers) : 0,
    };
  }
}
