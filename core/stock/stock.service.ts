import type { Tier } from '../catalog/pricing.js';
import type { PricedProduct } from '../orders/ports.js';
import { shanghaiDate } from '../common/time.js';
import type { StockStore } from './ports.js';
import {
  type Availability,
  availability,
  daysOfCover,
  type ReplenishSuggestion,
  replenishmentAdvice,
  sellThroughWindow,
} from './stock.rules.js';

export interface StockReport {
  product: PricedProduct;
  hq: Availability & { onHand: number; reserved: number };
  /** Null when the dealer has no synced stock of the product. */
  dealer: { qty: number; syncedAt: Date } | null;
  sold30: number;
  daysOfCover: number | null;
}

export interface ReplenishLine extends ReplenishSuggestion {
  product: PricedProduct;
  stockQty: number;
  sold30: number;
}

/** The advice and what it could rest on: without synced stock or recent sales "nothing to restock" is not known. */
export interface ReplenishAdvice {
  lines: ReplenishLine[];
  /** The dealer has synced stock of at least one product. */
  hasStockData: boolean;
  /** Something sold in the sell-through window. */
  hasRecentSales: boolean;
}

export interface DealerRef {
  code: string;
  tier: Tier;
}

/** Stock answers for a dealer: HQ availability, their own stock and its cover, and what to restock. */
export class StockService {
  constructor(private readonly store: StockStore) {}

  async report(dealer: DealerRef, skus: readonly string[], now: Date): Promise<StockReport[]> {
    const today = shanghaiDate(now);
    const { from, before } = sellThroughWindow(today);
    const { products, hq, own, sold } = await this.store.stockFacts(dealer, skus, from, before);
    const out: StockReport[] = [];
    for (const sku of skus) {
      const product = products.get(sku);
      if (!product) continue;
      const level = hq.get(sku) ?? { onHand: 0, reserved: 0 };
      const mine = own.get(sku) ?? null;
      const sold30 = sold.get(sku) ?? 0;
      out.push({
        product,
        // A shortfall against one MOQ tells whether a normal order ships now.
        hq: { ...availability(product.moq, level.onHand, level.reserved, product.leadTimeDays, today), ...level },
        dealer: mine,
        sold30,
        daysOfCover: mine ? daysOfCover(mine.qty, sold30) : null,
      });
    }
    return out;
  }

  /** Products whose cover is below lead time + safety days, with suggested quantities (most urgent first). */
  async replenishment(dealer: DealerRef, now: Date): Promise<ReplenishLine[]> {
    return (await this.replenishmentAdvice(dealer, now)).lines;
  }

  /** `replenishment` with what it rests on, for an answer that must not read missing data as enough stock. */
  async replenishmentAdvice(dealer: DealerRef, now: Date): Promise<ReplenishAdvice> {
    const { from, before } = sellThroughWindow(shanghaiDate(now));
    const { products, own, sold } = await this.store.stockFacts(dealer, 'all', from, before);
    const inputs = [...sold.entries()].flatMap(([sku, sold30]) => {
      const p = products.get(sku);
      if (!p) return [];
      return [
        {
          sku,
          leadTimeDays: p.leadTimeDays,
          moq: p.moq,
          orderMultiple: p.orderMultiple,
          stockQty: own.get(sku)?.qty ?? 0,
          sold30,
        },
      ];
    });
    const lines = replenishmentAdvice(inputs).map((s) => ({
      ...s,
      product: products.get(s.sku)!,
      stockQty: own.get(s.sku)?.qty ?? 0,
      sold30: sold.get(s.sku) ?? 0,
    }));
    const hasRecentSales = [...sold.values()].some((q) => q > 0);
    return { lines, hasStockData: own.size > 0, hasRecentSales };
  }
}
