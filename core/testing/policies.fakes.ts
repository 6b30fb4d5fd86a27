import { shanghaiDate } from '../common/time.js';
import type {
  DealerOrderLine,
  PolicyDealer,
  PolicyDelivery,
  PolicyRecord,
  PolicyStore,
  PolicyUnitOfWork,
} from '../policies/ports.js';
import type { LadderRebatePolicy, PromotionPolicy } from '../policies/policy.types.js';
import type { Cohort } from '../policies/targeting.js';
import { RecordingNotifier } from './notifier.js';

/**
 * PolicyStore in memory: policies with their switches, dealers, order lines and deliveries (one per policy and
 * dealer, like the primary key). A delivery's outbox status starts 'pending'; a test marks it 'sent'.
 */
export class MemoryPolicyStore implements PolicyStore {
  records: PolicyRecord[] = [];
  dealers: PolicyDealer[] = [];
  lines: DealerOrderLine[] = [];
  deliveryRows: Array<PolicyDelivery & { dedupeKey: string }> = [];

  constructor(init: Partial<Pick<MemoryPolicyStore, 'records' | 'dealers' | 'lines'>> = {}) {
    Object.assign(this, init);
  }

  async listPolicies() {
    return this.records.map((r) => ({ ...r }));
  }
  async findPolicy(code: string) {
    const r = this.records.find((x) => x.policy.code === code);
    return r ? { ...r } : null;
  }
  async setPromoted(code: string, promoted: boolean) {
    const r = this.records.find((x) => x.policy.code === code);
    if (r) r.promoted = promoted;
  }
  async findDealer(code: string) {
    return this.dealers.find((d) => d.code === code) ?? null;
  }
  async listDealers() {
    return [...this.dealers].sort((a, b) => a.code.localeCompare(b.code));
  }
  async orderLines(dealerCodes: readonly string[], from: string, to: string) {
    return this.lines.filter((l) => {
      const day = shanghaiDate(new Date(l.placedAt));
      return dealerCodes.includes(l.dealerCode) && day >= from && day <= to;
    });
  }
  async deliveries(policyCode: string): Promise<PolicyDelivery[]> {
    return this.deliveryRows.filter((d) => d.policyCode === policyCode).map(({ dedupeKey: _, ...d }) => ({ ...d }));
  }
  async recordDelivery(d: {
    policyCode: string;
    dealerCode: string;
    cohort: Cohort;
    dedupeKey: string;
    pushedAt: Date;
  }) {
    if (this.deliveryRows.some((x) => x.policyCode === d.policyCode && x.dealerCode === d.dealerCode)) return false;
    this.deliveryRows.push({ ...d, outboxStatus: 'pending', feedback: null });
    return true;
  }
  async recentDeliveries(dealerCode: string, since: Date) {
    return this.deliveryRows
      .filter((d) => d.dealerCode === dealerCode && d.pushedAt >= since)
      .map((d) => ({
        policyCode: d.policyCode,
        kind: this.records.find((r) => r.policy.code === d.policyCode)?.policy.kind ?? '',
      }));
  }
  async recordFeedback(dealerCode: string, policyCodes: readonly string[], feedback: string) {
    let n = 0;
    for (const d of this.deliveryRows) {
      if (d.dealerCode !== dealerCode || !policyCodes.includes(d.policyCode) || d.feedback !== null) continue;
      d.feedback = feedback;
      n++;
    }
    return n;
  }
}

/** PolicyUnitOfWork over one MemoryPolicyStore: a failing `run` leaves deliveries, switches and messages as before. */
export class MemoryPolicyUnitOfWork implements PolicyUnitOfWork {
  readonly notifier = new RecordingNotifier();

  constructor(readonly store: MemoryPolicyStore) {}

  async run<T>(fn: (store: PolicyStore, notifier: RecordingNotifier) => Promise<T>): Promise<T> {
    const before = {
      deliveries: this.store.deliveryRows.map((d) => ({ ...d })),
      promoted: this.store.records.map((r) => r.promoted),
      sent: this.notifier.sent.length,
    };
    try {
      return await fn(this.store, this.notifier);
    } catch (e) {
      this.store.deliveryRows = before.deliveries;
      this.store.records.forEach((r, i) => {
        r.promoted = before.promoted[i]!;
      });
      this.notifier.sent.length = before.sent;
      throw e;
    }
  }
}

/** A quarterly retroactive ladder for core and key dealers (accessories excluded), no pilot. */
export const SAMPLE_LADDER: LadderRebatePolicy = {
  code: 'LADDER-T',
  name: '2026年第四季度阶梯返利',
  kind: 'ladder_rebate',
  period: { start: '2026-10-01', end: '2026-12-31' },
  excludeCategories: ['accessories'],
  mode: 'retroactive',
  ladder: [
    { from: 0, rate: 0 },
    { from: 50_000_000, rate: 0.02 },
    { from: 100_000_000, rate: 0.03 },
    { from: 200_000_000, rate: 0.04 },
  ],
  target: { tiers: ['core', 'key'], tagsAny: [] },
  pilotRatio: null,
};

/** A promotion for regular 下沉市场 dealers, piloted on 10%. */
export const SAMPLE_PROMOTION: PromotionPolicy = {
  code: 'PROMO-T',
  name: '满减',
  kind: 'promotion',
  period: { start: '2026-11-01', end: '2026-12-31' },
  discountRate: 0.08,
  minOrderAmount: 2_000_000,
  productTagsAny: ['高性价比'],
  target: { tiers: ['regular'], tagsAny: ['下沉市场'] },
  pilotRatio: 0.1,
};

/** An order line of D0042 (delivered windows, mid-October) with `over` applied. */
export const orderLine = (over: Partial<DealerOrderLine>): DealerOrderLine => ({
  dealerCode: 'D0042',
  sku: 'KW-N60',
  productTags: [],
  category: 'windows',
  orderStatus: 'delivered',
  placedAt: new Date('2026-10-15T10:00:00+08:00'),
  amountFen: 0,
  ...over,
});
