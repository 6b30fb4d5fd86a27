import type { MonthlyGroupAmount, NeedSignalStore, TrendManager } from '../insights/ports.js';
import type { DealerGroupAmount, RegionalDealer } from '../insights/regional.js';

/** One order line as the fake keeps it: a dealer's net purchase of a product group on a Shanghai date. */
export interface FakePurchase {
  dealerCode: string;
  day: string;
  category: string;
  series: string;
  fen: number;
}

/** NeedSignalStore (the trend table's reads too) in memory: purchases summed as the SQL does. */
export class MemoryRegionalTrendStore implements NeedSignalStore {
  constructor(
    readonly dealers: RegionalDealer[],
    readonly purchases: FakePurchase[],
    readonly managers: TrendManager[] = [],
  ) {}

  async regionalDealers() {
    return [...this.dealers].sort((a, b) => a.code.localeCompare(b.code));
  }

  async groupPurchases(start: string, end: string) {
    const out = new Map<string, DealerGroupAmount>();
    for (const p of this.purchases) {
      if (p.day < start || p.day > end) continue;
      const k = `${p.dealerCode}|${p.category}|${p.series}`;
      const had = out.get(k);
      if (had) had.fen += p.fen;
      else out.set(k, { dealerCode: p.dealerCode, category: p.category, series: p.series, fen: p.fen });
    }
    return [...out.values()];
  }

  async trendManager(code: string) {
    return this.managers.find((m) => m.code === code) ?? null;
  }

  async trendManagers() {
    return [...this.managers].sort((a, b) => a.code.localeCompare(b.code));
  }

  async monthlyGroupPurchases(fromMonth: string, toMonth: string) {
    const out = new Map<string, MonthlyGroupAmount>();
    for (const p of this.purchases) {
      const month = p.day.slice(0, 7);
      if (month < fromMonth || month > toMonth) continue;
      const k = `${p.dealerCode}|${p.category}|${p.series}|${month}`;
      const had = out.get(k);
      if (had) had.fen += p.fen;
      else out.set(k, { dealerCode: p.dealerCode, category: p.category, series: p.series, month, fen: p.fen });
    }
    return [...out.values()];
  }
}
