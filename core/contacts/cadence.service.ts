import type { DeliveryLog } from '../care/ports.js';
import { pushNotBefore } from '../care/quiet-hours.js';
import type { Notifier } from '../common/notifier.port.js';
import { shanghaiDate } from '../common/time.js';
import { byUrgency, type CadenceItem, type CadenceTable, cadenceOf, isOverdue, weekOf } from './cadence.js';
import type { CadenceStore } from './ports.js';

/** The words of cadence pushes (bot/replies implements them). */
export interface CadenceTexts {
  weeklyPlan(week: { monday: string; sunday: string }, items: readonly CadenceItem[]): string;
  overdue(items: readonly CadenceItem[]): string;
}

/** One account manager's dealers by urgency, and how many are due this week and overdue today. */
export interface ManagerCadence {
  managerCode: string;
  managerName: string;
  items: CadenceItem[];
  dueThisWeek: number;
  overdue: number;
}

/**
 * The account managers' contact cadence (核心经销商每周一次一对一，普通经销商每两周一次): who is due this week, who is overdue,
 * a weekly plan pushed on Monday and overdue reminders, each sent once.
 */
export class CadenceService {
  constructor(
    private readonly p: {
      store: CadenceStore;
      table: CadenceTable;
      notifier: Notifier;
      deliveries: DeliveryLog;
      texts: CadenceTexts;
    },
  ) {}

  get table(): CadenceTable {
    return this.p.table;
  }

  /** Every account manager's cadence (or one manager's, or the account managers under a regional manager). */
  async byManager(now: Date, managerCode?: string): Promise<ManagerCadence[]> {
    const today = shanghaiDate(now);
    const { sunday } = weekOf(today);
    const dealers = await this.p.store.cadenceDealers(managerCode);
    const names = await this.p.store.managerNames();
    const groups = new Map<string, CadenceItem[]>();
    for (const d of dealers) {
      const item = cadenceOf(d, this.p.table, today);
      groups.set(d.managerCode, [...(groups.get(d.managerCode) ?? []), item]);
    }
    return [...groups]
      .map(([code, items]) => ({
        managerCode: code,
        managerName: names.get(code) ?? code,
        items: items.sort(byUrgency),
        dueThisWeek: items.filter((i) => i.dueOn <= sunday).length,
        overdue: items.filter(isOverdue).length,
      }))
      .sort((a, b) => a.managerCode.localeCompare(b.managerCode));
  }

  /** The dealer's cadence now (e.g. after a contact is logged: when the next one is due). */
  async forDealer(dealerCode: string, now: Date): Promise<CadenceItem | null> {
    const d = await this.p.store.cadenceDealer(dealerCode);
    return d ? cadenceOf(d, this.p.table, shanghaiDate(now)) : null;
  }

  /** Monday's plan: each account manager gets the dealers due by Sunday, once per week. */
  async sendWeeklyPlans(now: Date): Promise<{ managers: number; due: number }> {
    const week = weekOf(shanghaiDate(now));
    const all = await this.byManager(now);
    const sent = await this.p.deliveries.sentKeys(
      'cadence.plan',
      all.map((m) => m.managerCode),
      [week.monday],
    );
    let managers = 0;
    let due = 0;
    for (const m of all) {
      const items = m.items.filter((i) => i.dueOn <= week.sunday);
      if (!items.length || sent.get(m.managerCode)?.has(week.monday)) continue;
      await this.p.notifier.toManager(m.managerCode, this.p.texts.weeklyPlan(week, items), {
        kind: 'cadence.plan',
        dedupeKey: `cadence.plan:${week.monday}:${m.managerCode}`,
        notBefore: pushNotBefore(now, managers),
      });
      await this.p.deliveries.record([{ kind: 'cadence.plan', subject: m.managerCode, key: week.monday }], now);
      managers++;
      due += items.length;
    }
    return { managers, due };
  }

  /**
   * Daily: reminds each account manager of dealers that became overdue, once per dealer and due day (a dealer
   * never contacted: once per week).
   */
  async remindOverdue(now: Date): Promise<{ managers: number; overdue: number }> {
    const today = shanghaiDate(now);
    const keyOf = (i: CadenceItem) => (i.never ? `never:${weekOf(today).monday}` : i.dueOn);
    const all = await this.byManager(now);
    let managers = 0;
    let overdue = 0;
    for (const m of all) {
      const late = m.items.filter(isOverdue);
      if (!late.length) continue;
      const sent = await this.p.deliveries.sentKeys(
        'cadence.overdue',
        late.map((i) => i.code),
        late.map(keyOf),
      );
      const fresh = late.filter((i) => !sent.get(i.code)?.has(keyOf(i)));
      if (!fresh.length) continue;
      await this.p.notifier.toManager(m.managerCode, this.p.texts.overdue(fresh), {
        kind: 'cadence.overdue',
        dedupeKey: `cadence.overdue:${today}:${m.managerCode}`,
        notBefore: pushNotBefore(now, managers),
      });
      await this.p.deliveries.record(
        fresh.map((i) => ({ kind: 'cadence.overdue', subject: i.code, key: keyOf(i) })),
        now,
      );
      managers++;
      overdue += fresh.length;
    }
    return { managers, overdue };
  }
}
