import type { DeliveryLog, Push, PushQueue } from '../care/ports.js';
import { type CarePlan, sendOnce } from '../care/send-once.js';
import { addDays, shanghaiDate } from '../common/time.js';
import { InsightError } from './insights.errors.js';
import type { MarketLevel, TrendScope } from './insights.types.js';
import type { RegionalTrendStore, TrendManager } from './ports.js';
import {
  type DealerGroupAmount,
  type DealerPosition,
  dealerPosition,
  type GroupKey,
  groupKey,
  type GroupTrend,
  MIN_SCOPE_DEALERS,
  type RegionalDealer,
  regionalTable,
  rowsByDealer,
  type ScopeTrend,
  scopeTrend,
  type TrendWindows,
  trendWindows,
} from './regional.js';

/** Township (乡镇) stores are supplied by county-level dealers: a question about 乡镇 is answered from 县城 dealers. */
export const SUPPLYING_LEVEL: Partial<Record<MarketLevel, MarketLevel>> = { 乡镇: '县城' };
/** A dealer is under-weight in a rising group below this fraction of the scope's average share. */
export const UNDERWEIGHT_RATIO = 0.5;
/** Dealers named per scope in a manager's summary. */
export const SUMMARY_DEALERS_MAX = 5;

/** 'asked': the group the dealer asked about (chat). */
export type FocusKind = 'rising' | 'falling' | 'largest' | 'asked';

export interface DealerTrendInsight {
  dealer: { code: string; name: string };
  trend: ScopeTrend;
  windows: TrendWindows;
  /** What the insight is about: the rising group, else the falling one, else the scope's largest. */
  focus: { kind: FocusKind; position: DealerPosition } | null;
  /** The dealer's position in every group of the scope, largest group first. */
  positions: DealerPosition[];
  /** The market level asked about when it is served by another (乡镇 → 县城). */
  askedLevel: MarketLevel | null;
}

export interface RegionSummaryScope {
  trend: ScopeTrend;
  /** The manager's dealers of the scope buying the rising group well below the scope's average share. */
  underweight: Array<{ code: string; name: string; share: number }>;
  underweightCount: number;
}

export interface RegionTrendSummary {
  manager: { code: string; name: string };
  windows: TrendWindows;
  /** The manager's scopes, most purchases first. */
  scopes: RegionSummaryScope[];
}

/** The words of the trend pushes (bot/replies implements them: core holds no Chinese text). */
export interface TrendTexts {
  dealerInsight(i: DealerTrendInsight): string;
  regionSummary(s: RegionTrendSummary): string;
}

export interface TrendInsightPorts {
  store: RegionalTrendStore;
  deliveries: DeliveryLog;
  queue: PushQueue;
  texts: TrendTexts;
}

export const DEALER_INSIGHT_KIND = 'insight.trend';
export const REGION_SUMMARY_KIND = 'insight.trend.summary';

/** The last day of the month before `date`'s: monthly insights cover three whole months. */
const endOfPreviousMonth = (date: string) => addDays(`${date.slice(0, 7)}-01`, -1);

interface Table {
  dealers: RegionalDealer[];
  windows: TrendWindows;
  current: DealerGroupAmount[];
  /** The current window's rows per dealer. */
  own: Map<string, DealerGroupAmount[]>;
  previous: DealerGroupAmount[];
  lastYear: DealerGroupAmount[];
  byDealer: Map<string, ScopeTrend>;
  scopes: ScopeTrend[];
}

/** The dealer's positions in the scope's groups and the one the insight is about. */
function insightOf(
  dealer: RegionalDealer,
  trend: ScopeTrend,
  t: Table,
  askedLevel: MarketLevel | null,
): DealerTrendInsight {
  const own = t.own.get(dealer.code) ?? [];
  const positions = trend.groups.map((g) => dealerPosition(g, own));
  const pick = (kind: FocusKind, g: GroupTrend | null | undefined) =>
    g ? { kind, position: positions.find((p) => p.group === g)! } : null;
  return {
    dealer: { code: dealer.code, name: dealer.name },
    trend,
    windows: t.windows,
    focus: pick('rising', trend.rising) ?? pick('falling', trend.falling) ?? pick('largest', trend.groups[0]),
    positions,
    askedLevel,
  };
}

/** The same insight about the group the dealer asked for (chat: "铝合金门窗卖得怎么样"). */
export function focusOn(insight: DealerTrendInsight, group: GroupKey): DealerTrendInsight {
  const position = insight.positions.find((p) => groupKey(p.group) === groupKey(group));
  return position ? { ...insight, focus: { kind: 'asked', position } } : insight;
}

/**
 * Regional trends told to people: each dealer's monthly insight with their own position ("县城铝合金窗 +40%，您的占比
 * 12%，同区域平均 30%"), each manager's monthly region summary, and the same views on demand in chat. The monthly
 * pushes go once per dealer (manager) and month: the delivery log, not the outbox, remembers them.
 *
 * @example
 * await insights.runDealerInsights(new Date('2026-12-01T09:30:00+08:00')); // Sep–Nov against Jun–Aug and Sep–Nov 2025
 */
export class TrendInsightService {
  constructor(private readonly ports: TrendInsightPorts) {}

  private async table(end: string): Promise<Table> {
    const { store } = this.ports;
    const windows = trendWindows(end);
    const dealers = await store.regionalDealers();
    const current = await store.groupPurchases(windows.current.start, windows.current.end);
    const previous = await store.groupPurchases(windows.previous.start, windows.previous.end);
    const lastYear = await store.groupPurchases(windows.lastYear.start, windows.lastYear.end);
    const { scopes, byDealer } = regionalTable(dealers, { current, previous, lastYear });
    return { dealers, windows, current, own: rowsByDealer(current), previous, lastYear, byDealer, scopes };
  }

  /** The insight of every active dealer (anything bought in the last 3 whole months) for the month of `now`. */
  async planDealerInsights(now: Date): Promise<CarePlan> {
    const month = shanghaiDate(now).slice(0, 7);
    const t = await this.table(endOfPreviousMonth(shanghaiDate(now)));
    const buying = new Set(t.current.filter((r) => r.fen > 0).map((r) => r.dealerCode));
    const pushes: Push[] = [];
    for (const d of t.dealers) {
      if (!buying.has(d.code)) continue;
      const insight = insightOf(d, t.byDealer.get(d.code)!, t, null);
      pushes.push({
        to: 'dealer',
        code: d.code,
        message: { kind: 'worded', body: this.ports.texts.dealerInsight(insight) },
        kind: DEALER_INSIGHT_KIND,
        dedupeKey: `${DEALER_INSIGHT_KIND}:${d.code}:${month}`,
        delivery: { kind: DEALER_INSIGHT_KIND, subject: d.code, key: month },
      });
    }
    const rising = t.scopes.filter((s) => s.rising).length;
    return { pushes, counts: { dealers: pushes.length, scopes: t.scopes.length, scopesRising: rising } };
  }

  /** Each manager's summary of the scopes of their dealers (a regional manager: of their provinces). */
  async planRegionSummaries(now: Date): Promise<CarePlan> {
    const month = shanghaiDate(now).slice(0, 7);
    const t = await this.table(endOfPreviousMonth(shanghaiDate(now)));
    const pushes: Push[] = [];
    for (const m of await this.ports.store.trendManagers()) {
      const summary = this.summaryOf(m, t);
      if (summary.scopes.length === 0) continue;
      pushes.push({
        to: 'manager',
        code: m.code,
        message: { kind: 'worded', body: this.ports.texts.regionSummary(summary) },
        kind: REGION_SUMMARY_KIND,
        dedupeKey: `${REGION_SUMMARY_KIND}:${m.code}:${month}`,
        delivery: { kind: REGION_SUMMARY_KIND, subject: m.code, key: month },
      });
    }
    return { pushes, counts: { managers: pushes.length } };
  }

  async runDealerInsights(now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const plan = await this.planDealerInsights(now);
    return { ...plan.counts, queued: await sendOnce(this.ports, plan.pushes, sendFrom > now ? sendFrom : now) };
  }

  async runRegionSummaries(now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const plan = await this.planRegionSummaries(now);
    return { ...plan.counts, queued: await sendOnce(this.ports, plan.pushes, sendFrom > now ? sendFrom : now) };
  }

  private summaryOf(m: TrendManager, t: Table): RegionTrendSummary {
    const mine = t.dealers.filter((d) =>
      m.role === 'account' ? d.managerCode === m.code : m.provinces.includes(d.province),
    );
    const byScope = new Map<ScopeTrend, RegionalDealer[]>();
    for (const d of mine) {
      const s = t.byDealer.get(d.code)!;
      byScope.set(s, [...(byScope.get(s) ?? []), d]);
    }
    const scopes = [...byScope.entries()]
      .map(([trend, ds]): RegionSummaryScope => {
        const under = trend.rising
          ? ds
              .map((d) => ({ d, p: dealerPosition(trend.rising!, t.own.get(d.code) ?? []) }))
              .filter(({ p }) => p.dealerShare < trend.rising!.averageShare * UNDERWEIGHT_RATIO)
              .sort((a, b) => a.p.dealerShare - b.p.dealerShare || a.d.code.localeCompare(b.d.code))
          : [];
        return {
          trend,
          underweight: under.slice(0, SUMMARY_DEALERS_MAX).map(({ d, p }) => ({
            code: d.code,
            name: d.name,
            share: p.dealerShare,
          })),
          underweightCount: under.length,
        };
      })
      .sort((a, b) => b.trend.totalFen - a.trend.totalFen);
    return { manager: { code: m.code, name: m.name }, windows: t.windows, scopes };
  }

  /** A manager asking in chat: their region's summary over the last 3 months to today. */
  async regionSummary(managerCode: string, now: Date): Promise<RegionTrendSummary | null> {
    const m = await this.ports.store.trendManager(managerCode);
    if (!m) return null;
    return this.summaryOf(m, await this.table(shanghaiDate(now)));
  }

  /**
   * A dealer asking in chat: their scope (or the named market level in their province) over the last 3 months to
   * today, with their own position in the group that moves most.
   */
  async dealerView(input: { dealerCode: string; now: Date; marketLevel?: MarketLevel }): Promise<DealerTrendInsight> {
    const t = await this.table(shanghaiDate(input.now));
    const dealer = t.dealers.find((d) => d.code === input.dealerCode);
    if (!dealer) throw new InsightError('INSIGHT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const asked = input.marketLevel ?? null;
    let trend = t.byDealer.get(dealer.code)!;
    let askedLevel: MarketLevel | null = null;
    if (asked && asked !== trend.scope.marketLevel) {
      const level = t.dealers.some((d) => d.marketLevel === asked) ? asked : (SUPPLYING_LEVEL[asked] ?? asked);
      if (level !== asked) askedLevel = asked;
      const inProvince = t.dealers.filter((d) => d.marketLevel === level && d.province === dealer.province);
      const widened = inProvince.length < MIN_SCOPE_DEALERS;
      const scope: TrendScope = { province: widened ? null : dealer.province, marketLevel: level };
      const codes = (widened ? t.dealers.filter((d) => d.marketLevel === level) : inProvince).map((d) => d.code);
      trend = scopeTrend({ ...scope, widened }, codes, t);
    }
    return insightOf(dealer, trend, t, askedLevel);
  }
}
