import { addDays, shanghaiDate, shanghaiMidnight } from '../common/time.js';
import { anniversaryBonusFen, anniversaryStatus } from '../policies/anniversary.js';
import { addYears, monthOf } from '../policies/dates.js';
import type { AnniversaryBonusPolicy } from '../policies/policy.types.js';
import { qualifyingAmount } from '../policies/qualifying.js';
import { fittingPolicies, peerFavourites, primaryTag } from './activation.js';
import { anniversaryYears, mondayOf } from './calendar.js';
import type { AnniversaryBonus, CareMessage } from './care.messages.js';
import { voucherFor } from './offers.js';
import type { CareDealer, CarePorts, DeliveryLog, Push } from './ports.js';
import { adviseReplenishment, type ReplenishmentAdvice } from './replenishment.js';
import { type CarePlan, notYetDelivered, sendOnce } from './send-once.js';
import { rankSuccessCases, type SuccessCase, successCasesFor } from './success-case.js';

/** A dealer gets replenishment advice at most once in this many days. */
export const REPLENISH_EVERY_DAYS = 3;
const MAX_REPLENISH_LINES = 5;
/** A dealer without an order for this many days gets an activation plan (to their manager), once a month. */
export const SILENT_AFTER_DAYS = 90;

/** The anomalies have their own lifecycle service (anomaly.service.ts). */
export type CareStep = 'birthday' | 'anniversary' | 'replenishment' | 'silent' | 'successCase';

/** One planned push to a dealer, keyed `<kind>:<code>:<key>` in the outbox and (kind, code, key) in the log. */
const toDealer = (kind: string, code: string, key: string, message: CareMessage, prefix = kind): Push => ({
  to: 'dealer',
  code,
  message,
  kind,
  dedupeKey: `${prefix}:${code}:${key}`,
  delivery: { kind, subject: code, key },
});

/** Of some subjects, those with no `kind` delivery keyed one of `keysOf(subject)`. */
async function notSentAny(
  log: DeliveryLog,
  kind: string,
  subjects: readonly string[],
  keysOf: (subject: string) => string[],
): Promise<string[]> {
  if (subjects.length === 0) return [];
  const sent = await log.sentKeys(kind, subjects, [...new Set(subjects.flatMap(keysOf))]);
  return subjects.filter((s) => !keysOf(s).some((k) => sent.get(s)?.has(k)));
}

const lastDays = (date: string, days: number) => Array.from({ length: days }, (_, i) => addDays(date, -i));

/**
 * The care rules: what to send to whom on a business day, each at most once (the delivery log), never in quiet
 * hours. `plan*` decides; `run` decides and queues in the ports' transaction.
 */
export class CareService {
  constructor(private readonly ports: CarePorts) {}

  /** Plans one step for the business day of `now` and queues its pushes from `sendFrom` (default `now`). */
  async run(step: CareStep, now: Date, sendFrom: Date = now): Promise<Record<string, number>> {
    const plan = await this.plan(step, now);
    // The offers the greetings announce exist before the greetings go out (issuing again is a no-op).
    const fresh = this.ports.vouchers ? await notYetDelivered(this.ports.deliveries, plan.pushes) : [];
    const offers = fresh.flatMap((p) =>
      (p.message.kind === 'birthday' || p.message.kind === 'anniversary') && p.message.offer ? [p.message.offer] : [],
    );
    const vouchers = offers.length > 0 && this.ports.vouchers ? await this.ports.vouchers.issue(offers, now) : 0;
    const queued = await sendOnce(this.ports, plan.pushes, sendFrom > now ? sendFrom : now);
    const greets = this.ports.vouchers && (step === 'birthday' || step === 'anniversary');
    return { ...plan.counts, ...(greets ? { vouchers } : {}), queued };
  }

  plan(step: CareStep, now: Date): Promise<CarePlan> {
    const date = shanghaiDate(now);
    switch (step) {
      case 'birthday':
        return this.planBirthdays(date);
      case 'anniversary':
        return this.planAnniversaries(date, now);
      case 'replenishment':
        return this.planReplenishment(date);
      case 'silent':
        return this.planSilent(date);
      case 'successCase':
        return this.planSuccessCases(date);
    }
  }

  /** Birthday greetings: one message per dealer whose contact(s) have a birthday today. */
  async planBirthdays(date: string): Promise<CarePlan> {
    const rows = await this.ports.store.birthdaysOn(date);
    const offer = (code: string) =>
      this.ports.vouchers ? { offer: voucherFor('birthday', code, date, this.ports.offers) } : {};
    const pushes = rows.map((d) =>
      toDealer('care.birthday', d.code, date, { kind: 'birthday', contactNames: d.contacts, ...offer(d.code) }),
    );
    return { pushes, counts: { birthdays: pushes.length } };
  }

  /**
   * Anniversary greetings on the day; for an anniversary-bonus policy (ANNIV-3Y) the bonus is announced once in the
   * anniversary month with the dealer's qualifying amount so far (merged into the greeting when today is the day).
   */
  async planAnniversaries(date: string, now: Date): Promise<CarePlan> {
    const { store, deliveries } = this.ports;
    const today = await store.anniversariesOn(date);
    const bonusPolicies = (await store.activePolicies()).filter(
      (p): p is AnniversaryBonusPolicy => p.kind === 'anniversary_bonus',
    );
    const month = monthOf(date);
    const bonusDealers = new Map<string, { policy: AnniversaryBonusPolicy; dealer: CareDealer }>();
    for (const policy of bonusPolicies) {
      const starters = await store.dealersStartedBetween(
        addYears(month.start, -policy.years),
        addYears(month.end, -policy.years),
      );
      for (const d of starters) {
        if (anniversaryStatus(policy, d.partnershipStart, date).isThisMonth && !bonusDealers.has(d.code))
          bonusDealers.set(d.code, { policy, dealer: d });
      }
    }
    // Announced: by the month's notice, or inside the greeting of the anniversary day itself.
    const codes = [...bonusDealers.keys()];
    const dayOf = (code: string) => {
      const b = bonusDealers.get(code)!;
      return anniversaryStatus(b.policy, b.dealer.partnershipStart, date).anniversaryDate;
    };
    const noNotice = await notSentAny(deliveries, 'care.anniversary.bonus', codes, () => [date.slice(0, 7)]);
    const pendingCodes = new Set(await notSentAny(deliveries, 'care.anniversary', noNotice, (c) => [dayOf(c)]));
    const pending = [...bonusDealers.values()].filter((b) => pendingCodes.has(b.dealer.code));
    const lines = await store.orderLinesBetween([...pendingCodes], shanghaiMidnight(month.start), now);
    const bonusOf = (code: string, policy: AnniversaryBonusPolicy): AnniversaryBonus => {
      const q = qualifyingAmount(lines.get(code) ?? [], {
        period: { start: month.start, end: date },
        excludeCategories: policy.excludeCategories,
      });
      return {
        policyName: policy.name,
        rate: policy.bonusRate,
        month: Number(date.slice(5, 7)),
        amountFen: q.amountFen,
        bonusFen: anniversaryBonusFen(policy, q.amountFen),
        excludedCategories: policy.excludeCategories,
      };
    };
    const pushes: Push[] = [];
    for (const d of today) {
      const years = anniversaryYears(d.partnershipStart, date);
      if (years === null) continue;
      const b = bonusDealers.get(d.code);
      // Today is the day and the bonus is not announced yet: one message carries both.
      const bonus = b && pendingCodes.delete(d.code) ? bonusOf(d.code, b.policy) : null;
      pushes.push(
        toDealer('care.anniversary', d.code, date, {
          kind: 'anniversary',
          dealerName: d.name,
          years,
          since: d.partnershipStart,
          bonus,
          ...(this.ports.vouchers ? { offer: voucherFor('anniversary', d.code, date, this.ports.offers) } : {}),
        }),
      );
    }
    for (const b of pending) {
      if (!pendingCodes.has(b.dealer.code)) continue;
      const message: CareMessage = {
        kind: 'anniversaryBonus',
        dealerName: b.dealer.name,
        anniversaryDate: dayOf(b.dealer.code),
        bonus: bonusOf(b.dealer.code, b.policy),
      };
      pushes.push(toDealer('care.anniversary.bonus', b.dealer.code, date.slice(0, 7), message));
    }
    return { pushes, counts: { anniversaries: today.length, bonusNotices: pending.length } };
  }

  /** Replenishment advice for every dealer with products under lead time + 7 days of cover. */
  async planReplenishment(date: string): Promise<CarePlan> {
    const { store, deliveries } = this.ports;
    const positions = await store.stockPositions(date);
    const advice = new Map<string, ReplenishmentAdvice[]>();
    for (const [code, list] of positions) {
      const a = adviseReplenishment(list);
      if (a.length) advice.set(code, a);
    }
    const recent = lastDays(date, REPLENISH_EVERY_DAYS);
    const due = await notSentAny(deliveries, 'care.replenishment', [...advice.keys()], () => recent);
    const dealers = new Map((await store.dealers(due)).map((d) => [d.code, d]));
    const pushes = due.map((code) =>
      toDealer('care.replenishment', code, date, {
        kind: 'replenishment',
        dealerName: dealers.get(code)!.name,
        advice: advice.get(code)!.slice(0, MAX_REPLENISH_LINES),
      }),
    );
    return {
      pushes,
      counts: {
        dealersLow: advice.size,
        products: [...advice.values()].reduce((s, a) => s + a.length, 0),
        recentlyAdvised: advice.size - due.length,
      },
    };
  }

  /**
   * Silent dealers (no order for 90 days): an activation plan to their account manager — last orders, what similar
   * dealers order, the policies that fit — once per dealer per calendar month.
   */
  async planSilent(date: string): Promise<CarePlan> {
    const { store } = this.ports;
    const silent = await store.silentDealers(date, SILENT_AFTER_DAYS);
    const [orders, peers, policies] = await Promise.all([
      store.lastOrders(silent.map((d) => d.code)),
      store.peerPurchases(date),
      store.activePolicies(),
    ]);
    const favourites = peerFavourites(peers);
    const pushes: Push[] = silent.map((d) => {
      const tag = primaryTag(d.tags);
      const peer = favourites.get(`${d.marketLevel}|${tag}`) ?? favourites.get(`${d.marketLevel}|`) ?? [];
      const month = date.slice(0, 7);
      return {
        to: 'manager',
        code: d.managerCode,
        message: {
          kind: 'silentPlan',
          dealer: { ...d, tags: tag ? [tag] : [] },
          lastOrders: orders.get(d.code) ?? [],
          peers: peer,
          policies: fittingPolicies(policies, { tier: 'silent', tags: d.tags }),
        },
        kind: 'care.silent',
        dedupeKey: `care.silent:${d.code}:${month}`,
        delivery: { kind: 'care.silent', subject: d.code, key: month },
      };
    });
    return { pushes, counts: { silent: silent.length } };
  }

  /**
   * Weekly success case: each dealer gets the case whose tags and tier match theirs best, never one sent before.
   * Recorded as (dealer, `<monday>:<case id>`): the week stops a re-run, the case id records what was sent.
   */
  async planSuccessCases(date: string): Promise<CarePlan> {
    const week = mondayOf(date);
    const [dealers, cases, sentKeys] = await Promise.all([
      this.ports.store.dealers(),
      this.ports.store.successCases(),
      this.ports.deliveries.sentKeys('care.success_case', 'all'),
    ]);
    const sent = new Map<string, Set<number>>();
    const thisWeek = new Set<string>();
    for (const [dealer, keys] of sentKeys) {
      for (const k of keys) {
        const [monday, id] = k.split(':');
        if (monday === week) thisWeek.add(dealer);
        const s = sent.get(dealer) ?? new Set<number>();
        s.add(Number(id));
        sent.set(dealer, s);
      }
    }
    const pushes: Push[] = [];
    let noMatch = 0;
    for (const d of dealers) {
      if (thisWeek.has(d.code)) continue;
      const c = rankSuccessCases(cases, d, sent.get(d.code))[0];
      if (!c) {
        noMatch++;
        continue;
      }
      const message: CareMessage = { kind: 'successCase', dealerName: d.name, case: c };
      pushes.push(toDealer('care.success_case', d.code, `${week}:${c.id}`, message, 'care.case'));
    }
    return { pushes, counts: { dealers: dealers.length, alreadyThisWeek: thisWeek.size, noMatch } };
  }

  /** The cases a dealer asks for in the chat (successCasesFor on the store's cases and dealer). */
  async casesFor(dealerCode: string | null, limit = 2): Promise<SuccessCase[]> {
    const [cases, dealers] = await Promise.all([
      this.ports.store.successCases(),
      dealerCode === null ? Promise.resolve([]) : this.ports.store.dealers([dealerCode]),
    ]);
    return successCasesFor(cases, dealers[0] ?? null, limit);
  }
}
