import { DomainError } from '../common/errors.js';
import { pushNotBefore } from '../care/quiet-hours.js';
import { shanghaiDate } from '../common/time.js';
import { yearOnYearChange, yearOnYearWindow } from '../common/year-on-year.js';
import { type AnniversaryStatus, anniversaryBonusFen, anniversaryStatus } from './anniversary.js';
import { monthOf } from './dates.js';
import { type GrowthStatus, growthStatus, previousYearPeriod } from './growth.js';
import { type LadderPosition, ladderPosition, projectDraft } from './ladder.js';
import type {
  AnniversaryBonusPolicy,
  GrowthRewardPolicy,
  LadderRebatePolicy,
  Period,
  Policy,
  PolicyKind,
  PromotionPolicy,
} from './policy.types.js';
import type { DealerOrderLine, PolicyDealer, PolicyRecord, PolicyStore, PolicyUnitOfWork } from './ports.js';
import { isPromotedProduct } from './promotion.js';
import { type QualifyingAmount, qualifyingAmount } from './qualifying.js';
import { type Cohort, isTargeted, pilotSet } from './targeting.js';
import { laddersFor, reachOf } from './current.js';

export { reachOf };

/** The latest order's share of a ladder position ("我这次下单返利加了多少"). */
export interface LatestOrderEffect {
  orderNo: string;
  /** Asia/Shanghai date it was placed. */
  placedOn: string;
  addedFen: number;
  rateBefore: number;
  rateAfter: number;
  bandUp: boolean;
  rebateDeltaFen: number;
}

/**
 * The newest counted order among `lines` within the ladder's period, and the rebate it added: the projection a
 * draft shows (`projectDraft`) with the amount before it and the order's own qualifying amount.
 */
export function latestOrderEffect(
  policy: LadderRebatePolicy,
  lines: readonly DealerOrderLine[],
): LatestOrderEffect | null {
  const basis = { period: policy.period, excludeCategories: policy.excludeCategories };
  const counted = lines.filter((l) => l.orderNo && qualifyingAmount([l], basis).countedLines > 0);
  const at = (l: DealerOrderLine) => new Date(l.placedAt).getTime();
  const latest = counted.reduce<DealerOrderLine | null>((a, l) => (!a || at(l) > at(a) ? l : a), null);
  if (!latest) return null;
  const mine = (l: DealerOrderLine) => l.orderNo === latest.orderNo;
  const added = qualifyingAmount(lines.filter(mine), basis).amountFen;
  const before = qualifyingAmount(
    lines.filter((l) => !mine(l)),
    basis,
  ).amountFen;
  const p = projectDraft(policy, before, added);
  return {
    orderNo: latest.orderNo!,
    placedOn: shanghaiDate(latest.placedAt),
    addedFen: added,
    rateBefore: p.before.rate,
    rateAfter: p.after.rate,
    bandUp: p.bandUp,
    rebateDeltaFen: p.rebateDelta,
  };
}

/** A dealer's live position under one policy, computed from their orders. Money in fen. */
export type DealerPosition =
  | {
      kind: 'ladder_rebate';
      policy: LadderRebatePolicy;
      cohort: Cohort;
      basis: QualifyingAmount;
      position: LadderPosition;
      /** What the latest counted order in the period added: the draft's rebate effect, after the fact. */
      latestOrder: LatestOrderEffect | null;
    }
  | {
      kind: 'growth_reward';
      policy: GrowthRewardPolicy;
      cohort: Cohort;
      basis: QualifyingAmount;
      previous: QualifyingAmount;
      status: GrowthStatus;
      /** To date against the same days last year (core/common/year-on-year.ts): the 同比 shown to people. */
      sameDays: { previousFen: number; change: number | null };
    }
  | {
      kind: 'anniversary_bonus';
      policy: AnniversaryBonusPolicy;
      cohort: Cohort;
      status: AnniversaryStatus;
      /** The anniversary month's qualifying amount and bonus, only while it is this month. */
      month: QualifyingAmount | null;
      bonusFen: number | null;
    }
  | { kind: 'promotion'; policy: PromotionPolicy; cohort: Cohort };

/** Builds the personalised push text from the dealer's position (the wording and explanation live in bot/replies). */
export type PushComposer = (dealer: PolicyDealer, position: DealerPosition) => string;

export interface PushReport {
  policy: string;
  promoted: boolean;
  /** Dealers the policy targets (tier and tags). */
  target: number;
  pilot: number;
  holdout: number;
  /** Targeted dealers the policy may reach now (pilot, or everyone once promoted or without a pilot). */
  eligible: number;
  alreadyDelivered: number;
  /** New pushes written to the outbox by this run. */
  queued: number;
  /** Earliest delivery time of this run's pushes (quiet hours), or null when nothing was queued. */
  notBefore: string | null;
}

export interface ConversionStats {
  /** Dealers measured. */
  n: number;
  converted: number;
  /** converted / n, or null when n = 0. */
  rate: number | null;
}

export interface EffectReport {
  policy: string;
  name: string;
  kind: PolicyKind;
  pilotRatio: number | null;
  promoted: boolean;
  target: number;
  pilot: number;
  holdout: number;
  /** Deliveries written (every cohort). */
  pushed: number;
  /** Deliveries whose outbox row was sent. */
  reached: number;
  /** First push to the pilot (or to everyone without a pilot), ISO; null before any push. */
  pilotPushedAt: string | null;
  windowDays: number;
  /** False while some dealer's 14-day window is still running. */
  windowClosed: boolean;
  conversion: { pilot: ConversionStats; holdout: ConversionStats; lift: number | null };
  /** Pushed dealers who asked about policies within 3 days of the push. */
  feedback: number;
}

export const CONVERSION_WINDOW_DAYS = 14;
export const FEEDBACK_WINDOW_DAYS = 3;
const DAY_MS = 86_400_000;
const PUSH_BATCH = 100;

/** The dedupe key of a policy push: one per policy and dealer, ever. */
export const pushDedupeKey = (policyCode: string, dealerCode: string) => `policy:${policyCode}:${dealerCode}`;

function periodOf(policy: Policy): Period | null {
  return 'period' in policy ? policy.period : null;
}

// Quiet hours and :00/:30 avoidance: the one rule in core/care/quiet-hours.ts (re-exported for callers here).
export { pushNotBefore };

/**
 * The policies capability: which policies apply to a dealer, their live position under each (from their orders:
 * lines in the period, cancelled netted out, excluded categories out), explanations, pushes and their effect.
 */
export class PolicyService {
  constructor(
    private readonly store: PolicyStore,
    private readonly uow?: PolicyUnitOfWork,
  ) {}

  /**
   * The active policies that reach the dealer today (targeting, pilot cohort or promotion, not yet over). Of the
   * rebate ladders only those in force for the dealer (`laddersFor`: stacked ones together, replaced ones out).
   */
  async applicablePolicies(dealer: PolicyDealer, now: Date): Promise<Array<PolicyRecord & { cohort: Cohort }>> {
    const today = shanghaiDate(now);
    const records = await this.store.listPolicies();
    const ladders = new Set(laddersFor(dealer, today, records).map((l) => l.policy.code));
    const out: Array<PolicyRecord & { cohort: Cohort }> = [];
    for (const record of records) {
      const { reaches, cohort } = reachOf(record, dealer);
      if (!reaches || !isCurrent(record.policy, dealer, today)) continue;
      if (record.policy.kind === 'ladder_rebate' && !ladders.has(record.policy.code)) continue;
      out.push({ ...record, cohort });
    }
    return out;
  }

  async findDealer(code: string): Promise<PolicyDealer | null> {
    return this.store.findDealer(code);
  }

  /** The dealer's position under every policy that applies to them, from their orders. */
  async positions(dealer: PolicyDealer, now: Date): Promise<DealerPosition[]> {
    const records = await this.applicablePolicies(dealer, now);
    const range = linesRange(
      records.map((r) => r.policy),
      shanghaiDate(now),
      [dealer],
    );
    const lines = range ? await this.store.orderLines([dealer.code], range.start, range.end) : [];
    return records.map((r) => positionOf(r.policy, r.cohort, dealer, lines, now));
  }

  /** Pushes a policy to the dealers it reaches (pilot first; `promote` opens it to the whole target), once each. */
  async push(code: string, opts: { now: Date; promote?: boolean; compose: PushComposer }): Promise<PushReport> {
    const uow = this.uow;
    if (!uow) throw new Error('PolicyService.push needs a unit of work');
    const record = await this.store.findPolicy(code);
    if (!record) throw new DomainError('POLICY.NOT_FOUND', `policy ${code} not found`, { code });
    if (!record.active) throw new DomainError('POLICY.INVALID', `policy ${code} is not active`, { code });
    const today = shanghaiDate(opts.now);
    const period = periodOf(record.policy);
    if (period && period.end < today) {
      throw new DomainError('POLICY.INVALID', `policy ${code} ended on ${period.end}`, { code, end: period.end });
    }
    if (opts.promote && !record.promoted) {
      await uow.run((store) => store.setPromoted(code, true));
      record.promoted = true;
    }
    const dealers = await this.store.listDealers();
    record.pilot ??= pilotSet(record.policy, dealers) ?? undefined;
    const delivered = new Set((await this.store.deliveries(code)).map((d) => d.dealerCode));
    let target = 0;
    let pilot = 0;
    let holdout = 0;
    let alreadyDelivered = 0;
    const due: Array<{ dealer: PolicyDealer; cohort: Cohort }> = [];
    for (const dealer of dealers) {
      const r = reachOf(record, dealer);
      if (!r.targeted) continue;
      target++;
      if (r.cohort === 'holdout') holdout++;
      else pilot++;
      if (!r.reaches) continue;
      if (delivered.has(dealer.code)) alreadyDelivered++;
      else due.push({ dealer, cohort: r.cohort });
    }
    let queued = 0;
    let earliest: Date | null = null;
    for (let i = 0; i < due.length; i += PUSH_BATCH) {
      const batch = due.slice(i, i + PUSH_BATCH);
      // One transaction per batch: the outbox rows and the delivery records commit together.
      queued += await uow.run(async (store, notifier) => {
        const range = linesRange(
          [record.policy],
          today,
          batch.map((b) => b.dealer),
        );
        const lines = range
          ? await store.orderLines(
              batch.map((b) => b.dealer.code),
              range.start,
              range.end,
            )
          : [];
        let n = 0;
        for (const [j, { dealer, cohort }] of batch.entries()) {
          const own = lines.filter((l) => l.dealerCode === dealer.code);
          const position = positionOf(record.policy, cohort, dealer, own, opts.now);
          const body = opts.compose(dealer, position);
          const dedupeKey = pushDedupeKey(code, dealer.code);
          // The (i + j)-th push of this send: spread over usable minutes like every other bulk push.
          const notBefore = pushNotBefore(opts.now, i + j);
          // Both keyed on (policy, dealer): a concurrent run's push makes both of these no-ops.
          await notifier.toDealer(dealer.code, body, { dedupeKey, kind: 'policy.push', notBefore });
          const recorded = await store.recordDelivery({
            policyCode: code,
            dealerCode: dealer.code,
            cohort,
            dedupeKey,
            pushedAt: opts.now,
          });
          if (!recorded) continue;
          if (!earliest || notBefore < earliest) earliest = notBefore;
          n++;
        }
        return n;
      });
    }
    return {
      policy: code,
      promoted: record.promoted,
      target,
      pilot,
      holdout,
      eligible: due.length + alreadyDelivered,
      alreadyDelivered,
      queued,
      notBefore: earliest ? (earliest as Date).toISOString() : null,
    };
  }

  /** Reach and conversion of a policy's pushes: pilot vs holdout over 14 days, feedback within 3 days. */
  async effect(code: string, now: Date): Promise<EffectReport> {
    const record = await this.store.findPolicy(code);
    if (!record) throw new DomainError('POLICY.NOT_FOUND', `policy ${code} not found`, { code });
    const policy = record.policy;
    const dealers = await this.store.listDealers();
    const deliveries = await this.store.deliveries(code);
    const byDealer = new Map(deliveries.map((d) => [d.dealerCode, d]));
    const targeted = dealers.filter((d) => isTargeted(policy, d));
    const pilot = record.pilot ?? pilotSet(policy, dealers);
    const cohortOf = (d: PolicyDealer): Cohort => (pilot ? (pilot.has(d.code) ? 'pilot' : 'holdout') : 'all');
    const holdoutDealers = targeted.filter((d) => cohortOf(d) === 'holdout');
    const pilotDeliveries = deliveries.filter((d) => d.cohort !== 'holdout');
    const firstPilotPush = pilotDeliveries.reduce<Date | null>(
      (min, d) => (min === null || d.pushedAt < min ? d.pushedAt : min),
      null,
    );
    const windowMs = CONVERSION_WINDOW_DAYS * DAY_MS;

    // Each measured dealer's window: pushed pilots from their own push; the holdout from the pilot's first push,
    // cut short if a promotion reached them later (after that they are no longer a control).
    const windows: Array<{ dealerCode: string; group: 'pilot' | 'holdout'; from: Date; to: Date }> = [];
    for (const d of pilotDeliveries) {
      windows.push({
        dealerCode: d.dealerCode,
        group: 'pilot',
        from: d.pushedAt,
        to: new Date(d.pushedAt.getTime() + windowMs),
      });
    }
    if (firstPilotPush) {
      for (const d of holdoutDealers) {
        const own = byDealer.get(d.code);
        const end = new Date(firstPilotPush.getTime() + windowMs);
        windows.push({
          dealerCode: d.code,
          group: 'holdout',
          from: firstPilotPush,
          to: own && own.pushedAt < end ? own.pushedAt : end,
        });
      }
    }
    const converted = new Set<string>();
    if (windows.length > 0) {
      const from = shanghaiDate(new Date(Math.min(...windows.map((w) => w.from.getTime()))));
      const to = shanghaiDate(new Date(Math.max(...windows.map((w) => w.to.getTime()))));
      const lines = await this.store.orderLines([...new Set(windows.map((w) => w.dealerCode))], from, to);
      const qualifying = lines.filter((l) => lineQualifies(policy, l));
      for (const w of windows) {
        const hit = qualifying.some((l) => {
          if (l.dealerCode !== w.dealerCode) return false;
          const t = new Date(l.placedAt).getTime();
          return t > w.from.getTime() && t <= w.to.getTime();
        });
        if (hit) converted.add(`${w.group}:${w.dealerCode}`);
      }
    }
    const stats = (group: 'pilot' | 'holdout', n: number): ConversionStats => {
      const c = windows.filter((w) => w.group === group && converted.has(`${group}:${w.dealerCode}`)).length;
      return { n, converted: c, rate: n > 0 ? c / n : null };
    };
    const pilotStats = stats('pilot', pilotDeliveries.length);
    const holdoutStats = stats('holdout', firstPilotPush ? holdoutDealers.length : 0);
    const windowClosed = windows.every((w) => w.to.getTime() <= now.getTime());
    return {
      policy: policy.code,
      name: policy.name,
      kind: policy.kind,
      pilotRatio: policy.pilotRatio,
      promoted: record.promoted,
      target: targeted.length,
      pilot: targeted.length - holdoutDealers.length,
      holdout: holdoutDealers.length,
      pushed: deliveries.length,
      reached: deliveries.filter((d) => d.outboxStatus === 'sent').length,
      pilotPushedAt: firstPilotPush ? firstPilotPush.toISOString() : null,
      windowDays: CONVERSION_WINDOW_DAYS,
      windowClosed,
      conversion: {
        pilot: pilotStats,
        holdout: holdoutStats,
        lift: pilotStats.rate !== null && holdoutStats.rate !== null ? pilotStats.rate - holdoutStats.rate : null,
      },
      feedback: deliveries.filter((d) => d.feedback !== null).length,
    };
  }

  /**
   * Records a policy question as feedback on the dealer's pushes of the last 3 days (the first question only).
   * `kind` narrows it to pushes of that kind of policy when the dealer had one.
   */
  async recordFeedback(dealerCode: string, now: Date, feedback: string, kind?: PolicyKind): Promise<number> {
    const since = new Date(now.getTime() - FEEDBACK_WINDOW_DAYS * DAY_MS);
    const recent = await this.store.recentDeliveries(dealerCode, since);
    if (recent.length === 0) return 0;
    const sameKind = kind ? recent.filter((r) => r.kind === kind) : [];
    const codes = (sameKind.length > 0 ? sameKind : recent).map((r) => r.policyCode);
    return this.store.recordFeedback(dealerCode, codes, feedback.slice(0, 500));
  }
}

/** Still relevant today: a period not yet over; an anniversary month not yet past. */
function isCurrent(policy: Policy, dealer: PolicyDealer, today: string): boolean {
  if (policy.kind === 'anniversary_bonus')
    return anniversaryStatus(policy, dealer.partnershipStart, today).monthsAway >= 0;
  return policy.period.end >= today;
}

/** The date range of orders the positions need (periods, last year's for growth, the anniversary month). */
function linesRange(policies: readonly Policy[], today: string, dealers: readonly PolicyDealer[]): Period | null {
  const periods: Period[] = [];
  for (const p of policies) {
    if (p.kind === 'ladder_rebate') periods.push(p.period);
    if (p.kind === 'growth_reward') periods.push(p.period, previousYearPeriod(p.period));
    if (p.kind === 'anniversary_bonus') {
      for (const d of dealers) {
        const s = anniversaryStatus(p, d.partnershipStart, today);
        if (s.isThisMonth) periods.push(s.month);
      }
    }
  }
  if (periods.length === 0) return null;
  return {
    // ISO dates sort as strings.
    start: periods.map((p) => p.start).sort()[0]!,
    end: periods
      .map((p) => p.end)
      .sort()
      .at(-1)!,
  };
}

/** The dealer's position under one policy from their order lines. */
export function positionOf(
  policy: Policy,
  cohort: Cohort,
  dealer: PolicyDealer,
  lines: readonly DealerOrderLine[],
  now: Date,
): DealerPosition {
  switch (policy.kind) {
    case 'ladder_rebate': {
      const basis = qualifyingAmount(lines, policy);
      const position = ladderPosition(policy, basis.amountFen);
      return { kind: policy.kind, policy, cohort, basis, position, latestOrder: latestOrderEffect(policy, lines) };
    }
    case 'growth_reward': {
      const basis = qualifyingAmount(lines, policy);
      // The reward compares whole periods; the 同比 people read compares the same days (the managers' lists too).
      const previous = qualifyingAmount(lines, {
        period: previousYearPeriod(policy.period),
        excludeCategories: policy.excludeCategories,
      });
      const sameDays = qualifyingAmount(lines, {
        period: yearOnYearWindow(policy.period, shanghaiDate(now)).previous,
        excludeCategories: policy.excludeCategories,
      }).amountFen;
      return {
        kind: policy.kind,
        policy,
        cohort,
        basis,
        previous,
        status: growthStatus(policy, basis.amountFen, previous.amountFen),
        sameDays: { previousFen: sameDays, change: yearOnYearChange(basis.amountFen, sameDays) },
      };
    }
    case 'anniversary_bonus': {
      const status = anniversaryStatus(policy, dealer.partnershipStart, shanghaiDate(now));
      if (!status.isThisMonth) return { kind: policy.kind, policy, cohort, status, month: null, bonusFen: null };
      const month = qualifyingAmount(lines, {
        period: monthOf(status.anniversaryDate),
        excludeCategories: policy.excludeCategories,
      });
      return {
        kind: policy.kind,
        policy,
        cohort,
        status,
        month,
        bonusFen: anniversaryBonusFen(policy, month.amountFen),
      };
    }
    case 'promotion':
      return { kind: policy.kind, policy, cohort };
  }
}

/** Whether an order line counts toward a policy (for conversion): promotion products, or a non-excluded category. */
export function lineQualifies(policy: Policy, line: DealerOrderLine): boolean {
  const status = line.orderStatus.toLowerCase();
  if (status === 'cancelled' || status === 'canceled' || status === 'draft') return false;
  const period = periodOf(policy);
  if (period) {
    const day = shanghaiDate(new Date(line.placedAt));
    if (day < period.start || day > period.end) return false;
  }
  if (policy.kind === 'promotion') return isPromotedProduct(policy, line.productTags);
  return !policy.excludeCategories.includes(line.category);
}
