import type { Tier } from '../catalog/pricing.js';
import type { PricedProduct, StockLevel } from '../orders/ports.js';
import type { DealerStock, StockFacts, StockStore } from '../stock/ports.js';
import type { InMemoryCatalog } from './catalog.js';

interface Sale {
  dealerCode: string;
  sku: string;
  day: string;
  qty: number;
}

/** StockStore over a shared in-memory catalog, dealer inventories and a list of daily sales. */
export class InMemoryStockStore implements StockStore {
  readonly inventory = new Map<string, Map<string, DealerStock>>();
  readonly sales: Sale[] = [];

  constructor(private readonly catalog: InMemoryCatalog) {}

  setDealerStock(dealerCode: string, sku: string, qty: number, syncedAt: Date): this {
    const own = this.inventory.get(dealerCode) ?? new Map<string, DealerStock>();
    own.set(sku, { qty, syncedAt });
    this.inventory.set(dealerCode, own);
    return this;
  }

  sell(dealerCode: string, sku: string, day: string, qty: number): this {
    this.sales.push({ dealerCode, sku, day, qty });
    return this;
  }

  async stockFacts(
    dealer: { code: string; tier: Tier },
    skus: readonly string[] | 'all',
    fromDay: string,
    beforeDay: string,
  ): Promise<StockFacts> {
    const products = await this.pricedProducts(skus, dealer.tier);
    const active = [...products.keys()];
    const only = <V>(m: Map<string, V>) => new Map([...m].filter(([sku]) => products.has(sku)));
    return {
      products,
      hq: await this.hqStock(skus === 'all' ? active : skus),
      own: only(await this.dealerInventory(dealer.code, skus === 'all' ? undefined : skus)),
      sold: only(await this.sellThrough(dealer.code, fromDay, beforeDay, skus === 'all' ? undefined : skus)),
    };
  }

  async pricedProducts(skus: readonly string[] | 'all', tier: Tier): Promise<Map<string, PricedProduct>> {
    return this.catalog.priced(skus, tier);
  }

  async hqStock(skus: readonly string[]): Promise<Map<string, StockLevel>> {
    return this.catalog.hqLevels(skus);
  }

  async dealerInventory(dealerCode: string, skus?: readonly string[]): Promise<Map<string, DealerStock>> {
    const own = this.inventory.get(dealerCode) ?? new Map<string, DealerStock>();
    return new Map([...own].filter(([sku]) => !skus || skus.includes(sku)));
  }

  async sellThrough(
    dealerCode: string,
    fromDay: string,
    beforeDay: string,
    skus?: readonly string[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const s of this.sales) {
      if (s.dealerCode !== dealerCode || s.day < fromDay || s.day >= beforeDay) continue;
      if (skus && !skus.includes(s.sku)) continue;
      out.set(s.sku, (out.get(s.sku) ?? 0) + s.qty);
    }
    return out;
  }
}
