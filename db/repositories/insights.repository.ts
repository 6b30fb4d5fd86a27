import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type {
  CategoryAmounts,
  CategoryUnits,
  ProductAmount,
  SkuSales,
  StoreSkuSales,
  TrendDealer,
  TrendScope,
} from '../../core/insights/insights.types.js';
import type {
  MonthlyGroupAmount,
  NeedSignalStore,
  SalesStore,
  TrendManager,
  TrendStore,
} from '../../core/insights/ports.js';
import type { DealerGroupAmount, RegionalDealer } from '../../core/insights/regional.js';
import { addDays, shanghaiMidnight } from '../../core/common/time.js';
import { shiftMonth } from '../../core/insights/windows.js';
import type { Database } from '../schema.js';

/** The scope as a condition on a regions alias. */
function regionInScope(scope: TrendScope, alias = 'r'): Expression<SqlBool> {
  const level = sql<SqlBool>`${sql.ref(`${alias}.market_level`)} = ${scope.marketLevel}`;
  return scope.province === null
    ? level
    : sql<SqlBool>`${level} and ${sql.ref(`${alias}.province`)} = ${scope.province}`;
}

/** Orders placed on Shanghai dates [start, end], as instants. */
const placedBetween = (start: string, end: string) => ({
  from: shanghaiMidnight(start),
  to: shanghaiMidnight(addDays(end, 1)),
});

const managerOf = (r: { code: string; name: string; role: 'account' | 'regional'; province: string | null }) => ({
  code: r.code,
  name: r.name,
  role: r.role,
  provinces: (r.province ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean),
});

/** core/insights' SalesStore, TrendStore and NeedSignalStore (the regional table and monthly purchases) on Kysely. */
export class InsightsRepository implements SalesStore, TrendStore, NeedSignalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async salesDealer(code: string): Promise<{ code: string; name: string; activeStores: number } | null> {
    const r = await this.db
      .selectFrom('dealers as d')
      .select([
        'd.code',
        'd.name',
        (eb) =>
          eb
            .selectFrom('stores as s')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('s.dealer_code', '=', 'd.code')
            .where('s.active', '=', true)
            .as('stores'),
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
    return r ? { code: r.code, name: r.name, activeStores: Number(r.stores ?? 0) } : null;
  }

  async sellThroughBySku(
    dealerCode: string,
    start: string,
    end: string,
    skus: readonly string[] | null,
  ): Promise<SkuSales[]> {
    if (skus && skus.length === 0) return [];
    let q = this.db
      .selectFrom('sell_through as s')
      .innerJoin('products as p', 'p.sku', 's.sku')
      .select(['s.sku', 'p.name', 'p.unit', 'p.category', (eb) => eb.fn.sum<number>('s.qty').as('qty')])
      .where('s.dealer_code', '=', dealerCode)
      .where('s.day', '>=', start)
      .where('s.day', '<=', end)
      .groupBy(['s.sku', 'p.name', 'p.unit', 'p.category']);
    if (skus) q = q.where('s.sku', 'in', [...skus]);
    const rows = await q.execute();
    return rows.map((r) => ({ sku: r.sku, name: r.name, unit: r.unit, category: r.category, qty: Number(r.qty) }));
  }

  async lastSellThroughDay(dealerCode: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('sell_through')
      .select((eb) => eb.fn.max('day').as('day'))
      .where('dealer_code', '=', dealerCode)
      .executeTakeFirst();
    return r?.day ? String(r.day).slice(0, 10) : null;
  }

  async activeStores(dealerCode: string): Promise<Array<{ code: string; name: string }>> {
    const rows = await this.db
      .selectFrom('stores')
      .select(['code', 'name'])
      .where('dealer_code', '=', dealerCode)
      .where('active', '=', true)
      .where('code', 'is not', null)
      .orderBy('code')
      .execute();
    return rows.map((r) => ({ code: r.code!, name: r.name }));
  }

  async dealerStore(dealerCode: string, storeCode: string): Promise<{ code: string; name: string } | null> {
    const r = await this.db
      .selectFrom('stores')
      .select(['code', 'name'])
      .where('code', '=', storeCode)
      .where('dealer_code', '=', dealerCode)
      .executeTakeFirst();
    return r?.code ? { code: r.code, name: r.name } : null;
  }

  async storeSellThrough(
    dealerCode: string,
    start: string,
    end: string,
    skus: readonly string[] | null,
    storeCode: string | null,
  ): Promise<StoreSkuSales[]> {
    if (skus && skus.length === 0) return [];
    let q = this.db
      .selectFrom('store_sales as s')
      .innerJoin('stores as st', 'st.code', 's.store_code')
      .innerJoin('products as p', 'p.sku', 's.sku')
      .select([
        's.store_code',
        'st.name as store_name',
        's.sku',
        'p.name',
        'p.unit',
        'p.category',
        (eb) => eb.fn.sum<number>('s.qty').as('qty'),
      ])
      .where('s.dealer_code', '=', dealerCode)
      .where('s.day', '>=', start)
      .where('s.day', '<=', end)
      .groupBy(['s.store_code', 'st.name', 's.sku', 'p.name', 'p.unit', 'p.category']);
    if (skus) q = q.where('s.sku', 'in', [...skus]);
    if (storeCode) q = q.where('s.store_code', '=', storeCode);
    const rows = await q.execute();
    return rows.map((r) => ({
      storeCode: r.store_code,
      storeName: r.store_name,
      sku: r.sku,
      name: r.name,
      unit: r.unit,
      category: r.category,
      qty: Number(r.qty),
    }));
  }

  async trendDealer(code: string): Promise<TrendDealer | null> {
    const r = await this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['d.code', 'd.name', 'r.province', 'r.market_level'])
      .where('d.code', '=', code)
      .executeTakeFirst();
    return r ? { code: r.code, name: r.name, province: r.province, marketLevel: r.market_level } : null;
  }

  async scopeDealerCount(scope: TrendScope): Promise<number> {
    const r = await this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(regionInScope(scope))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async categoryPurchases(
    scope: TrendScope,
    dealerCode: string,
    start: string,
    end: string,
  ): Promise<CategoryAmounts[]> {
    const { from, to } = placedBetween(start, end);
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .innerJoin('dealers as d', 'd.code', 'o.dealer_code')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select([
        'l.category',
        sql<number>`sum(l.amount_fen - l.discount_fen)`.as('region_fen'),
        sql<number>`coalesce(sum(l.amount_fen - l.discount_fen) filter (where o.dealer_code = ${dealerCode}), 0)`.as(
          'dealer_fen',
        ),
      ])
      .where('o.status', '<>', 'cancelled')
      .where('o.placed_at', '>=', from)
      .where('o.placed_at', '<', to)
      .where(regionInScope(scope))
      .groupBy('l.category')
      .execute();
    return rows.map((r) => ({
      category: r.category,
      regionFen: Number(r.region_fen),
      dealerFen: Number(r.dealer_fen),
    }));
  }

  async categorySellThrough(
    scope: TrendScope,
    dealerCode: string,
    start: string,
    end: string,
  ): Promise<CategoryUnits[]> {
    const rows = await this.db
      .selectFrom('sell_through as s')
      .innerJoin('products as p', 'p.sku', 's.sku')
      .innerJoin('dealers as d', 'd.code', 's.dealer_code')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select([
        'p.category',
        'p.unit',
        sql<number>`sum(s.qty)`.as('region_qty'),
        sql<number>`coalesce(sum(s.qty) filter (where s.dealer_code = ${dealerCode}), 0)`.as('dealer_qty'),
      ])
      .where('s.day', '>=', start)
      .where('s.day', '<=', end)
      .where(regionInScope(scope))
      .groupBy(['p.category', 'p.unit'])
      .execute();
    return rows.map((r) => ({
      category: r.category,
      unit: r.unit,
      regionQty: Number(r.region_qty),
      dealerQty: Number(r.dealer_qty),
    }));
  }

  async productPurchases(scope: TrendScope, start: string, end: string): Promise<ProductAmount[]> {
    const { from, to } = placedBetween(start, end);
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .innerJoin('products as p', 'p.sku', 'l.sku')
      .innerJoin('dealers as d', 'd.code', 'o.dealer_code')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['l.sku', 'p.name', 'l.category', sql<number>`sum(l.amount_fen - l.discount_fen)`.as('fen')])
      .where('o.status', '<>', 'cancelled')
      .where('o.placed_at', '>=', from)
      .where('o.placed_at', '<', to)
      .where(regionInScope(scope))
      .groupBy(['l.sku', 'p.name', 'l.category'])
      .execute();
    return rows.map((r) => ({ sku: r.sku, name: r.name, category: r.category, fen: Number(r.fen) }));
  }

  async firstSellThroughDay(): Promise<string | null> {
    const r = await this.db
      .selectFrom('sell_through')
      .select((eb) => eb.fn.min('day').as('day'))
      .executeTakeFirst();
    return r?.day ? String(r.day).slice(0, 10) : null;
  }

  async regionalDealers(): Promise<RegionalDealer[]> {
    const rows = await this.db
      .selectFrom('dealers as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['d.code', 'd.name', 'r.province', 'r.market_level', 'd.manager_code', 'd.tier'])
      .orderBy('d.code')
      .execute();
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      province: r.province,
      marketLevel: r.market_level,
      managerCode: r.manager_code,
      tier: r.tier,
    }));
  }

  async groupPurchases(start: string, end: string): Promise<DealerGroupAmount[]> {
    const { from, to } = placedBetween(start, end);
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .innerJoin('products as p', 'p.sku', 'l.sku')
      .select(['o.dealer_code', 'l.category', 'p.series', sql<number>`sum(l.amount_fen - l.discount_fen)`.as('fen')])
      .where('o.status', '<>', 'cancelled')
      .where('o.placed_at', '>=', from)
      .where('o.placed_at', '<', to)
      .groupBy(['o.dealer_code', 'l.category', 'p.series'])
      .execute();
    return rows.map((r) => ({ dealerCode: r.dealer_code, category: r.category, series: r.series, fen: Number(r.fen) }));
  }

  async trendManager(code: string): Promise<TrendManager | null> {
    const r = await this.db
      .selectFrom('managers')
      .select(['code', 'name', 'role', 'province'])
      .where('code', '=', code)
      .executeTakeFirst();
    return r ? managerOf(r) : null;
  }

  async trendManagers(): Promise<TrendManager[]> {
    const rows = await this.db
      .selectFrom('managers')
      .select(['code', 'name', 'role', 'province'])
      .orderBy('code')
      .execute();
    return rows.map(managerOf);
  }

  async monthlyGroupPurchases(fromMonth: string, toMonth: string): Promise<MonthlyGroupAmount[]> {
    const { from, to } = placedBetween(`${fromMonth}-01`, addDays(`${shiftMonth(toMonth, 1)}-01`, -1));
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .innerJoin('products as p', 'p.sku', 'l.sku')
      .select([
        'o.dealer_code',
        'l.category',
        'p.series',
        sql<string>`to_char(o.placed_at at time zone 'Asia/Shanghai', 'YYYY-MM')`.as('month'),
        sql<number>`sum(l.amount_fen - l.discount_fen)`.as('fen'),
      ])
      .where('o.status', '<>', 'cancelled')
      .where('o.placed_at', '>=', from)
      .where('o.placed_at', '<', to)
      .groupBy(['o.dealer_code', 'l.category', 'p.series', 'month'])
      .execute();
    return rows.map((r) => ({
      dealerCode: r.dealer_code,
      category: r.category,
      series: r.series,
      month: r.month,
      fen: Number(r.fen),
    }));
  }
}
