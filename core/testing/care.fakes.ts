import type { PastOrder } from '../care/activation.js';
import { sameDayOfYear } from '../care/calendar.js';
import type {
  CareDealer,
  CareStore,
  Delivery,
  DeliveryLog,
  PeerPurchase,
  Push,
  PushQueue,
  SilentRow,
} from '../care/ports.js';
import type { StockPosition } from '../care/replenishment.js';
import type { SuccessCase } from '../care/success-case.js';
import { addDays } from '../common/time.js';
import type { Policy } from '../policies/policy.types.js';
import type { PolicyOrderLine } from '../policies/qualifying.js';

/** A dealer of the in-memory care store: its contacts' birthdays and its last order date ride along. */
export interface FakeCareDealer extends CareDealer {
  contacts?: Array<{ name: string; birthday: string }>;
  lastOrderDate?: string | null;
}

/**
 * CareStore in memory. Birthdays, anniversaries and silence are computed from the dealers (same day-of-year rule as
 * the SQL); stock, trends, receivables and peer purchases are taken as given, whatever the date.
 */
export class MemoryCareStore implements CareStore {
  dealerList: FakeCareDealer[] = [];
  policies: Policy[] = [];
  positions = new Map<string, StockPosition[]>();
  orderLines = new Map<string, Array<PolicyOrderLine & { placedAt: Date }>>();
  pastOrders = new Map<string, PastOrder[]>();
  peers: PeerPurchase[] = [];
  cases: SuccessCase[] = [];

  constructor(init: Partial<Pick<MemoryCareStore, 'dealerList' | 'policies' | 'cases'>> = {}) {
    Object.assign(this, init);
  }

  private plain(d: FakeCareDealer): CareDealer {
    const { contacts: _c, lastOrderDate: _l, ...rest } = d;
    return rest;
  }
  private sorted() {
    return [...this.dealerList].sort((a, b) => a.code.localeCompare(b.code));
  }

  async dealers(codes?: readonly string[]) {
    return this.sorted()
      .filter((d) => !codes || codes.includes(d.code))
      .map((d) => this.plain(d));
  }
  async birthdaysOn(date: string) {
    return this.sorted().flatMap((d) => {
      const contacts = (d.contacts ?? []).filter((c) => sameDayOfYear(c.birthday, date)).map((c) => c.name);
      return contacts.length ? [{ ...this.plain(d), contacts }] : [];
    });
  }
  async anniversariesOn(date: string) {
    return this.sorted()
      .filter((d) => d.partnershipStart.slice(0, 4) < date.slice(0, 4) && sameDayOfYear(d.partnershipStart, date))
      .map((d) => this.plain(d));
  }
  async dealersStartedBetween(from: string, to: string) {
    return this.sorted()
      .filter((d) => d.partnershipStart >= from && d.partnershipStart <= to)
      .map((d) => this.plain(d));
  }
  async orderLinesBetween(codes: readonly string[], from: Date, before: Date) {
    const out = new Map<string, PolicyOrderLine[]>();
    for (const code of codes) {
      const lines = (this.orderLines.get(code) ?? []).filter((l) => l.placedAt >= from && l.placedAt < before);
      if (lines.length) out.set(code, lines);
    }
    return out;
  }
  async activePolicies() {
    return this.policies;
  }
  async stockPositions(_date: string) {
    return this.positions;
  }
  async silentDealers(date: string, days = 90): Promise<SilentRow[]> {
    const limit = addDays(date, -days);
    return this.sorted()
      .filter((d) => (d.lastOrderDate ? d.lastOrderDate <= limit : d.partnershipStart <= limit))
      .map((d) => ({
        ...this.plain(d),
        lastOrderDate: d.lastOrderDate ?? null,
        daysSinceLastOrder: d.lastOrderDate
          ? Math.round((Date.parse(date) - Date.parse(d.lastOrderDate)) / 86_400_000)
          : null,
      }));
  }
  async lastOrders(codes: readonly string[], n = 3) {
    return new Map(codes.map((c) => [c, (this.pastOrders.get(c) ?? []).slice(0, n)]));
  }
  async peerPurchases(_date: string) {
    return this.peers;
  }
  async successCases() {
    return [...this.cases].sort((a, b) => a.id - b.id);
  }
}

/** DeliveryLog in memory. */
export class MemoryDeliveryLog implements DeliveryLog {
  readonly rows: Array<Delivery & { sentAt: Date }> = [];

  async sentKeys(kind: string, subjects: readonly string[] | 'all', keys?: readonly string[]) {
    const out = new Map<string, Set<string>>();
    for (const r of this.rows) {
      if (r.kind !== kind || (subjects !== 'all' && !subjects.includes(r.subject))) continue;
      if (keys && !keys.includes(r.key)) continue;
      out.set(r.subject, (out.get(r.subject) ?? new Set()).add(r.key));
    }
    return out;
  }

  async record(deliveries: readonly Delivery[], at: Date) {
    let added = 0;
    for (const d of deliveries) {
      if (this.rows.some((r) => r.kind === d.kind && r.subject === d.subject && r.key === d.key)) continue;
      this.rows.push({ ...d, sentAt: at });
      added++;
    }
    return added;
  }
}

/** PushQueue in memory, deduplicating on dedupeKey like the outbox; `prune()` empties it like the retention job. */
export class MemoryPushQueue implements PushQueue {
  readonly queued: Push[] = [];

  async enqueue(pushes: readonly Push[]) {
    let added = 0;
    for (const p of pushes) {
      if (this.queued.some((q) => q.dedupeKey === p.dedupeKey)) continue;
      this.queued.push(p);
      added++;
    }
    return added;
  }

  prune(): void {
    this.queued.length = 0;
  }

  of(kind: string): Push[] {
    return this.queued.filter((p) => p.kind === kind);
  }
}

/** The words of a push its service worded through a texts port (a test failure for a push carrying values). */
export function bodyOf(p: Push): string {
  if (p.message.kind !== 'worded') throw new Error(`push ${p.kind} to ${p.code} carries a ${p.message.kind} value`);
  return p.message.body;
}
