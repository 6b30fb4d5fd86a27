import type { DeliveryLog, Push, PushQueue } from '../care/ports.js';
import { sendOnce } from '../care/send-once.js';
import { shanghaiDate } from '../common/time.js';
import {
  DEFAULT_HONOUR_RULES,
  type HonourPeriod,
  type HonourRule,
  type HonourWinner,
  honourWinners,
  periodsDue,
} from './honour.rules.js';
import type { Honour, HonourStore } from './ports.js';

export const HONOUR_KIND = 'honour.award';
export const HONOUR_REGION_KIND = 'honour.region';

/** The words of honours (bot/replies implements them: core holds no Chinese text). */
export interface HonourTexts {
  /** The honour's title for a period ("2026年度协同之星", "2026年第3季度终端突破奖"). */
  title(rule: HonourRule, period: HonourPeriod): string;
  /** Why the dealer won, with the numbers ("协同评分均值 92.5"). */
  reason(w: HonourWinner): string;
  toWinner(h: Honour, w: HonourWinner): string;
  /** One message per province and period, listing its winners. */
  toRegion(period: HonourPeriod, winners: ReadonlyArray<{ honour: Honour; winner: HonourWinner }>): string;
}

export interface HonourPorts {
  store: HonourStore;
  deliveries: DeliveryLog;
  queue: PushQueue;
  texts: HonourTexts;
  rules?: readonly HonourRule[];
}

/**
 * Honours by published rules ({@link DEFAULT_HONOUR_RULES}): computed for each finished quarter and year, given
 * once per rule, period and dealer (a unique key), announced to the winner and to their province's dealers and
 * managers once (the delivery log).
 *
 * @example
 * await honours.award(quarterPeriod(2026, 3), now); // { candidates, awarded, queued }
 */
export class HonoursService {
  private readonly rules: readonly HonourRule[];
  constructor(private readonly ports: HonourPorts) {
    this.rules = ports.rules ?? DEFAULT_HONOUR_RULES;
  }

  /** The periods the job awards on `now`'s date. */
  due(now: Date): HonourPeriod[] {
    return periodsDue(shanghaiDate(now));
  }

  /** The winners of a period by every rule (nothing stored). */
  async winners(period: HonourPeriod): Promise<HonourWinner[]> {
    const candidates = await this.ports.store.candidates(period);
    return this.rules.flatMap((r) => honourWinners(r, period, candidates));
  }

  async award(period: HonourPeriod, now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const { store, texts } = this.ports;
    const candidates = await store.candidates(period);
    const winners = this.rules.flatMap((r) => honourWinners(r, period, candidates));
    const awardedOn = shanghaiDate(now);
    const inserted = await store.insertAwards(
      winners.map((w) => ({
        dealerCode: w.candidate.code,
        title: texts.title(w.rule, period),
        awardedOn,
        ruleCode: w.rule.code,
        period: period.label,
        reason: texts.reason(w),
      })),
    );
    // Announce every award of the period (a rerun after a crash finds them stored; the delivery log keeps it once).
    const stored = await store.awardsOf(period.label);
    const pairs = winners.flatMap((w) => {
      const honour = stored.find((h) => h.ruleCode === w.rule.code && h.dealerCode === w.candidate.code);
      return honour ? [{ honour, winner: w }] : [];
    });
    const pushes: Push[] = pairs.map(({ honour, winner }) => ({
      to: 'dealer',
      code: winner.candidate.code,
      message: { kind: 'worded', body: texts.toWinner(honour, winner) },
      kind: HONOUR_KIND,
      dedupeKey: `${HONOUR_KIND}:${honour.id}`,
      delivery: { kind: HONOUR_KIND, subject: winner.candidate.code, key: `${period.label}:${winner.rule.code}` },
    }));
    const provinces = [...new Set(pairs.map((p) => p.winner.candidate.province))].sort();
    let regionMessages = 0;
    for (const province of provinces) {
      const here = pairs.filter((p) => p.winner.candidate.province === province);
      const body = texts.toRegion(period, here);
      const winnersHere = new Set(here.map((p) => p.winner.candidate.code));
      const region = await store.region(province);
      const to = [
        ...region.dealers.filter((d) => !winnersHere.has(d)).map((code) => ({ to: 'dealer' as const, code })),
        ...region.managers.map((code) => ({ to: 'manager' as const, code })),
      ];
      for (const r of to) {
        regionMessages++;
        pushes.push({
          ...r,
          message: { kind: 'worded', body },
          kind: HONOUR_REGION_KIND,
          dedupeKey: `${HONOUR_REGION_KIND}:${period.label}:${province}:${r.code}`,
          delivery: { kind: HONOUR_REGION_KIND, subject: r.code, key: `${period.label}:${province}` },
        });
      }
    }
    const queued = await sendOnce(this.ports, pushes, sendFrom > now ? sendFrom : now);
    return {
      candidates: candidates.length,
      winners: winners.length,
      awarded: inserted.length,
      regionMessages,
      queued,
    };
  }

  /** Every period due on `now` (the scheduled job). */
  async run(now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const total: Record<string, number> = {};
    for (const p of this.due(now)) {
      for (const [k, v] of Object.entries(await this.award(p, now, sendFrom))) total[k] = (total[k] ?? 0) + v;
    }
    return total;
  }
}
