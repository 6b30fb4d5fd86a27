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
  /** Tiers waiting for their notice, by dealer. */
  readonly pending = new Map<string, { tier: Tier; at: Date }>();
  async applyTiers(scores: readonly ScoreWrite[], now: Date) {
    for (const s of scores) {
      const d = this.dealers.find((x) => x.code === s.dealerCode);
      if (!d) continue;
      const waiting = this.pending.get(d.code);
      if (s.tierFrom && s.tierFrom > now) this.pending.set(d.code, { tier: s.tier, at: s.tierFrom });
      else if (!(waiting && waiting.tier === s.tier && waiting.at > now)) {
        this.pending.delete(d.code);
        d.tier = s.tier;
      }
    }
  }
  async applyDueTiers(now: Date) {
    let n = 0;
    for (const [code, p] of this.pending) {
      if (p.at > now) continue;
      const d = this.dealers.find((x) => x.code === code);
      if (d) d.tier = p.tier;
      this.pending.delete(code);
      n++;
    }
    return n;
  }
}

/** A dealer with no activity yet (last order 6 days before 2026-11-26): tests set only what they exercise. */
export const BASE_METRICS: DealerMetrics = {
  dealerCode: '',
  marketLevel: '二线',
  partnershipDays: 1000,
  amount12Fen: 0,
  windowDoorFen: 0,
  cabinetFen: 0,
  engineeringProductFen: 0,
  windowDoorSold30: 0,
  windowDoorOnHand: 0,
  cabinetSold30: 0,
  cabinetOnHand: 0,
  activeStores: 0,
  storeRegions: 0,
  retailStores: 0,
  engineeringStores: 0,
  townStores: 0,
  last3Fen: 0,
  prev3Fen: 0,
  last6Fen: 0,
  prev6Fen: 0,
  monthsWithOrders: 0,
  needsRaised: 0,
  needsRated: 0,
  policyDeliveries: 0,
  policyFeedback: 0,
  pushes: 0,
  pushesAnswered: 0,
  lastOrderDate: '2026-11-20',
  daysSinceLastOrder: 6,
};
