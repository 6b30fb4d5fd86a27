import type { Product } from '../catalog/catalog.types.js';
import { type Tier, tierPriceFen } from '../catalog/pricing.js';
import type { PricedProduct, StockLevel } from '../orders/ports.js';

/** A product with defaults for what a test does not care about. */
export function product(sku: string, over: Partial<Product> = {}): Product {
  return {
    sku,
    name: `产品 ${sku}`,
    category: 'windows',
    series: 'S',
    unit: '套',
    listPriceFen: 100_000,
    moq: 10,
    orderMultiple: 1,
    leadTimeDays: 14,
    tags: [],
    aliases: [],
    ...over,
  } as Product;
}

/** The catalog and HQ stock shared by the order and stock fakes (one warehouse, one price list). */
export class InMemoryCatalog {
  readonly products = new Map<string, Product>();
  readonly hq = new Map<string, StockLevel>();

  constructor(products: readonly Product[] = []) {
    for (const p of products) this.products.set(p.sku, p);
  }

  setHqStock(sku: string, onHand: number, reserved = 0): this {
    this.hq.set(sku, { onHand, reserved });
    return this;
  }

  priced(skus: readonly string[] | 'all', tier: Tier): Map<string, PricedProduct> {
    const wanted = skus === 'all' ? [...this.products.keys()] : skus;
    const out = new Map<string, PricedProduct>();
    for (const sku of wanted) {
      const p = this.products.get(sku);
      if (p) out.set(sku, { ...p, priceFen: tierPriceFen(p.listPriceFen, tier) });
    }
    return out;
  }

  hqLevels(skus: readonly string[]): Map<string, StockLevel> {
    const out = new Map<string, StockLevel>();
    for (const sku of skus) {
      const level = this.hq.get(sku);
      if (level) out.set(sku, { ...level });
    }
    return out;
  }
}
