import type { DeliveryLog, Push, PushQueue } from '../care/ports.js';
import { notYetDelivered, sendOnce } from '../care/send-once.js';
import { addDays, shanghaiDate } from '../common/time.js';
import { type GroupHistory, type NeedKind, type PredictedNeed, predictNeeds } from './need-prediction.js';
import type { NeedResources, NeedSignalStore } from './ports.js';
import { type GroupKey, groupKey, regionalTable, type RegionalDealer, trendChange, trendWindows } from './regional.js';
import { shiftMonth } from './windows.js';

/** What a predicted need is answered with; null when HQ has nothing fitting (the text then points to the manager). */
export type NeedResource =
  | { kind: 'course'; title: string; startsAt: Date }
  | { kind: 'case'; title: string }
  | { kind: 'promotion'; title: string }
  | { kind: 'replenishment' }
  | null;

export interface NeedPush {
  dealer: { code: string; name: string };
  need: PredictedNeed;
  resource: NeedResource;
  /** The month predicted from ('YYYY-MM', the last whole month). */
  month: string;
}

/** The words of the need pushes (bot/replies implements them). */
export interface NeedTexts {
  dealerNeed(n: NeedPush): string;
  managerHeadsUp(managerCode: string, needs: readonly NeedPush[]): string;
}

export interface NeedPredictionPorts {
  store: NeedSignalStore;
  resources: NeedResources;
  deliveries: DeliveryLog;
  queue: PushQueue;
  texts: NeedTexts;
}

export const NEED_PUSH_KIND = 'insight.need';
export const NEED_HEADS_UP_KIND = 'insight.need.manager';
/** Months of history the rules read: M−14 … M. */
const HISTORY_MONTHS = 15;

/** The resource matching a need: a course or case naming the product line, the running promotion, the restock advice. */
export async function resourceFor(
  need: NeedKind,
  group: GroupKey,
  resources: NeedResources,
  now: Date,
): Promise<NeedResource> {
  switch (need) {
    case 'training': {
      const c = (await resources.upcomingCourses(now, 20)).find((x) => x.title.includes(group.series));
      return c ? { kind: 'course', title: c.title, startsAt: c.startsAt } : null;
    }
    case 'display': {
      const cases = await resources.successCases();
      const c = cases.find((x) => x.title.includes(group.series)) ?? cases.find((x) => x.title.includes('陈列'));
      return c ? { kind: 'case', title: c.title } : null;
    }
    case 'promotion': {
      const [p] = await resources.activePromotions();
      return p ? { kind: 'promotion', title: p.name } : null;
    }
    case 'restock':
      return { kind: 'replenishment' };
  }
}

/**
 * Predicts each dealer's needs from its orders up to the last whole month (core/insights/need-prediction.ts) and
 * pushes the matching resource to the dealer, with one heads-up per manager listing their dealers' new needs. A
 * dealer hears about a need at most once per need and month (the delivery log: `insight.need`, key `<month>:<need>`).
 *
 * @example
 * await predictions.run(new Date('2026-12-01T09:35:00+08:00')); // from orders up to November
 */
export class NeedPredictionService {
  constructor(private readonly ports: NeedPredictionPorts) {}

  /** The predictions at the end of month M (also what the back-test checks). */
  async predict(M: string): Promise<{ dealers: RegionalDealer[]; needs: PredictedNeed[] }> {
    const { store } = this.ports;
    const dealers = await store.regionalDealers();
    const from = shiftMonth(M, -(HISTORY_MONTHS - 1));
    const rows = await store.monthlyGroupPurchases(from, M);
    const byKey = new Map<string, GroupHistory>();
    for (const r of rows) {
      const k = `${r.dealerCode}\u0000${groupKey(r)}`;
      const h = byKey.get(k) ?? {
        dealerCode: r.dealerCode,
        category: r.category,
        series: r.series,
        months: Array<number>(HISTORY_MONTHS).fill(0),
      };
      const i = HISTORY_MONTHS - 1 - monthsBetween(r.month, M);
      if (i >= 0 && i < HISTORY_MONTHS) h.months[i]! += r.fen;
      byKey.set(k, h);
    }
    const w = trendWindows(addDays(`${shiftMonth(M, 1)}-01`, -1));
    const table = regionalTable(dealers, {
      current: await store.groupPurchases(w.current.start, w.current.end),
      previous: await store.groupPurchases(w.previous.start, w.previous.end),
      lastYear: await store.groupPurchases(w.lastYear.start, w.lastYear.end),
    });
    const scopeChange = (dealer: string, group: GroupKey) => {
      const g = table.byDealer.get(dealer)?.groups.find((x) => groupKey(x) === groupKey(group));
      return g ? trendChange(g) : null;
    };
    return { dealers, needs: predictNeeds([...byKey.values()], scopeChange) };
  }

  /** Predicts from the last whole month before `now` and queues what was not sent this month. */
  async run(now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const month = shanghaiDate(now).slice(0, 7);
    const M = shiftMonth(month, -1);
    const { dealers, needs } = await this.predict(M);
    const dealerOf = new Map(dealers.map((d) => [d.code, d]));
    const pushes: Push[] = [];
    const items = new Map<string, NeedPush>();
    for (const n of needs) {
      const d = dealerOf.get(n.dealerCode)!;
      const item: NeedPush = {
        dealer: { code: d.code, name: d.name },
        need: n,
        resource: await resourceFor(n.need, n.group, this.ports.resources, now),
        month: M,
      };
      const key = `${month}:${n.need}`;
      items.set(`${d.code}\u0000${key}`, item);
      pushes.push({
        to: 'dealer',
        code: d.code,
        message: { kind: 'worded', body: this.ports.texts.dealerNeed(item) },
        kind: NEED_PUSH_KIND,
        dedupeKey: `${NEED_PUSH_KIND}:${d.code}:${key}`,
        delivery: { kind: NEED_PUSH_KIND, subject: d.code, key },
      });
    }
    // The managers hear once a month about the needs their dealers are told (not those already told this month).
    const fresh = await notYetDelivered(this.ports.deliveries, pushes);
    const byManager = new Map<string, NeedPush[]>();
    for (const p of fresh) {
      const item = items.get(`${p.code}\u0000${p.delivery.key}`)!;
      const m = dealerOf.get(p.code)!.managerCode;
      byManager.set(m, [...(byManager.get(m) ?? []), item]);
    }
    const headsUp: Push[] = [...byManager.entries()].map(([m, list]) => ({
      to: 'manager',
      code: m,
      message: { kind: 'worded', body: this.ports.texts.managerHeadsUp(m, list) },
      kind: NEED_HEADS_UP_KIND,
      dedupeKey: `${NEED_HEADS_UP_KIND}:${m}:${month}`,
      delivery: { kind: NEED_HEADS_UP_KIND, subject: m, key: month },
    }));
    const queued = await sendOnce(this.ports, [...fresh, ...headsUp], sendFrom > now ? sendFrom : now);
    const count = (k: NeedKind) => needs.filter((n) => n.need === k).length;
    return {
      predicted: needs.length,
      training: count('training'),
      display: count('display'),
      restock: count('restock'),
      promotion: count('promotion'),
      dealersTold: fresh.length,
      managers: headsUp.length,
      queued,
    };
  }
}

/** Whole months from `a` to `b` ('YYYY-MM'). */
function monthsBetween(a: string, b: string): number {
  return Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7)) - (Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7)));
}
