import type { DealerMetrics } from '../dealers/metrics.js';
import type { DealerScoreStore, DealerTierRow, ScoreWrite } from '../dealers/ports.js';
import type { Tier } from '../dealers/tiers.js';

/** DealerScoreStore in memory: metrics are taken as given (whatever `asOf`); scores are kept per month. */
export class MemoryDealerScoreStore implements DealerScoreStore {
  metricRows: DealerMetrics[] = [];
  dealers: DealerTierRow[] = [];
  managers = new Map<string, string>();
  /** month ('YYYY-MM-01') → dealer → write */
  readonly scores = new Map<string, Map<string, ScoreWrite>>();

  async metrics(_asOf: Date) {
    return this.metricRows;
  }
  async dealerTiers() {
    return this.dealers.map((d) => ({ ...d }));
  }
  async managerNames() {
    return this.managers;
  }
  async latestScoredMonth() {
    return [...this.scores.keys()].sort().at(-1) ?? null;
  }
  async tiersBeforeMonth(month: string) {
    return new Map([...(this.scores.get(month) ?? new Map()).values()].map((s) => [s.dealerCode, s.tierBefore]));
  }
  async tiersScoredBefore(month: string) {
    const out = new Map<string, Tier>();
    for (const m of [...this.scores.keys()].filter((k) => k < month).sort())
      for (const s of this.scores.get(m)!.values()) out.set(s.dealerCode, s.tier);
    return out;
  }
  async saveScores(month: string, scores: readonly ScoreWrite[]) {
    const m = this.scores.get(month) ?? new Map<string, ScoreWrite>();
    // A re-run keeps the first run's tier_before, like the upsert.
    for (const s of scores) m.set(s.dealerCode, { ...s, tierBefore: m.get(s.dealerCode)?.tierBefore ?? s.tierBefore });
    this.scores.set(month, m);
  }
  async applyTiers(scores: readonly ScoreWrite[]) {
    for (const s of scores) {
      const d = this.dealers.find((x) => x.code === s.dealerCode);
      if (d) d.tier = s.tier;
    }
  }
}
