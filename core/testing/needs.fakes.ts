import type { OpenNeedRow } from '../needs/need-list.js';
import {
  type DealerRef,
  isOpenStatus,
  type ManagerRef,
  managesDealer,
  type Need,
  type NeedAttachment,
  type NeedEvent,
  type NeedStatus,
  type OrderSummary,
} from '../needs/needs.types.js';
import type { DealerProfile, FiredCheckpoint, NeedNotices, NeedPatch, NeedStore, NewNeed } from '../needs/ports.js';
import { checkpointKey, type SlaClock, SLA_STAGES, stageAt } from '../needs/sla.js';
import type { PolicyOrderLine, PolicyRecord } from '../policies/index.js';

/** The fields of a need nobody has answered yet (open, no response, resolution, rating or attachment). */
export const unanswered = () => ({
  status: 'open' as const,
  firstResponseAt: null,
  resolvedAt: null,
  closedAt: null,
  resolution: null,
  rating: null,
  ratingComment: null,
  attachments: [],
});

type StoredEvent = NeedEvent & { dedupeKey?: string };

/**
 * NeedStore in memory: needs, their timeline (dedupe keys kept once, as the unique index does) and the SLA clock
 * computed like the repository's statement (first-response clock while open and unanswered; resolution clock from
 * the latest reopening, a new cycle in its key).
 */
export class MemoryNeedStore implements NeedStore {
  dealers = new Map<string, DealerRef>();
  managers = new Map<string, ManagerRef>();
  needs = new Map<number, Need>();
  timeline: StoredEvent[] = [];
  orders = new Map<string, OrderSummary[]>();
  profiles = new Map<string, DealerProfile>();
  orderLines = new Map<string, Array<PolicyOrderLine & { placedAt: Date }>>();
  policies: PolicyRecord[] = [];
  private nextId = 1;

  constructor(init: { dealers?: DealerRef[]; managers?: ManagerRef[] } = {}) {
    for (const d of init.dealers ?? []) this.dealers.set(d.code, d);
    for (const m of init.managers ?? []) this.managers.set(m.code, m);
  }

  async dealer(code: string) {
    return this.dealers.get(code) ?? null;
  }
  async manager(code: string) {
    return this.managers.get(code) ?? null;
  }
  async insert(n: NewNeed): Promise<Need> {
    const need: Need = { id: this.nextId++, ...n, ...unanswered() };
    this.needs.set(need.id, need);
    return { ...need };
  }
  async get(id: number) {
    const n = this.needs.get(id);
    return n ? { ...n } : null;
  }
  getForUpdate(id: number) {
    return this.get(id);
  }
  async update(id: number, patch: NeedPatch, from: readonly NeedStatus[]) {
    const n = this.needs.get(id);
    if (!n || !from.includes(n.status)) return null;
    Object.assign(n, patch);
    return { ...n };
  }
  async addAttachment(id: number, a: NeedAttachment) {
    this.needs.get(id)?.attachments.push(a);
  }
  async addEvent(e: Parameters<NeedStore['addEvent']>[0]) {
    if (e.dedupeKey && this.timeline.some((t) => t.dedupeKey === e.dedupeKey)) return false;
    this.timeline.push({
      needId: e.needId,
      kind: e.kind,
      actor: e.actor,
      body: e.body ?? null,
      at: e.at,
      dedupeKey: e.dedupeKey,
    });
    return true;
  }
  async events(needId: number): Promise<NeedEvent[]> {
    return this.timeline.filter((e) => e.needId === needId).map(({ dedupeKey: _, ...e }) => e);
  }
  private newestFirst(filter: (n: Need) => boolean): Need[] {
    return [...this.needs.values()]
      .filter(filter)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
      .map((n) => ({ ...n }));
  }
  async activeOfDealer(dealerCode: string, limit: number) {
    return this.newestFirst((n) => n.dealerCode === dealerCode && n.status !== 'closed').slice(0, limit);
  }
  async awaitingRating(dealerCode: string, resolvedAfter: Date) {
    const waiting = this.newestFirst(
      (n) =>
        n.dealerCode === dealerCode && n.status === 'resolved' && n.resolvedAt !== null && n.resolvedAt > resolvedAfter,
    ).sort((a, b) => b.resolvedAt!.getTime() - a.resolvedAt!.getTime());
    return waiting[0]?.id;
  }
  async latestOpenSince(dealerCode: string, since: Date) {
    return (
      this.newestFirst((n) => n.dealerCode === dealerCode && isOpenStatus(n.status) && n.createdAt >= since)[0] ?? null
    );
  }
  async recentOrders(dealerCode: string, limit: number) {
    return (this.orders.get(dealerCode) ?? []).slice(0, limit);
  }
  async recordDueCheckpoints(now: Date): Promise<FiredCheckpoint[]> {
    const fired: FiredCheckpoint[] = [];
    for (const need of [...this.needs.values()].sort((a, b) => a.id - b.id)) {
      const clocks: Array<{ clock: SlaClock; start: Date; due: Date; cycle: number }> = [];
      if (need.status === 'open' && need.firstResponseAt === null)
        clocks.push({ clock: 'first', start: need.createdAt, due: need.firstResponseDue, cycle: 0 });
      if (isOpenStatus(need.status)) {
        const reopens = this.timeline.filter((e) => e.needId === need.id && e.kind === 'reopened');
        const start = new Date(Math.max(need.createdAt.getTime(), ...reopens.map((e) => e.at.getTime())));
        clocks.push({ clock: 'resolution', start, due: need.resolutionDue, cycle: reopens.length });
      }
      for (const c of clocks) {
        for (const stage of SLA_STAGES) {
          if (now < stageAt(c.start, c.due, stage)) continue;
          const recorded = await this.addEvent({
            needId: need.id,
            kind: stage === 100 ? 'escalated' : 'warned',
            actor: 'system',
            body: `${c.clock}:${stage}`,
            dedupeKey: checkpointKey(stage, c.clock, need.id, c.cycle),
            at: now,
          });
          if (!recorded) continue;
          const owner = this.managers.get(need.ownerCode);
          fired.push({
            need: { ...need },
            clock: c.clock,
            stage,
            dealerName: this.dealers.get(need.dealerCode)?.name ?? need.dealerCode,
            ownerName: owner?.name ?? need.ownerCode,
            regionalCode: owner?.role === 'regional' ? owner.code : (owner?.regionalCode ?? need.ownerCode),
          });
        }
      }
    }
    return fired;
  }
  async dealerProfile(code: string) {
    return this.profiles.get(code) ?? null;
  }
  async orderLinesSince(dealerCode: string, since: Date) {
    return (this.orderLines.get(dealerCode) ?? []).filter((l) => l.placedAt >= since);
  }
  async policyRecords() {
    return this.policies;
  }
  async openNeedsForManager(manager: ManagerRef): Promise<OpenNeedRow[]> {
    return this.newestFirst((n) => {
      if (!isOpenStatus(n.status)) return false;
      const dealer = this.dealers.get(n.dealerCode);
      return n.ownerCode === manager.code || (dealer !== undefined && managesDealer(manager, dealer));
    }).map((need) => ({ need, dealerName: this.dealers.get(need.dealerCode)?.name ?? need.dealerCode }));
  }
}

/** NeedNotices that name what they were given (the wording is bot/replies' business): `kind need dealer/manager`. */
export const plainNeedNotices: NeedNotices = {
  managerAlert: ({ need, dealer, orders }) => `alert N${need.id} ${dealer.code} orders=${orders.length}`,
  dealerClaimed: ({ need, manager }) => `claimed N${need.id} ${manager.code}`,
  dealerResolved: ({ need, manager }) => `resolved N${need.id} ${manager.code}`,
  transferred: ({ need, from }) => `transferred N${need.id} from ${from.code} to ${need.ownerCode}`,
  warning: (c) => `warning N${c.need.id} ${c.clock}:${c.stage}`,
  escalation: (c) => `escalation N${c.need.id} ${c.clock} to ${c.regionalCode}`,
  lowRating: ({ need, rating }) => `low rating N${need.id} ${rating}`,
  withdrawn: ({ need }) => `withdrawn N${need.id}`,
};
