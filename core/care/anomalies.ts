import { daysBetween } from '../insights/windows.js';
import type { Anomaly, AnomalyDetails, AnomalyFinding, AnomalyInputs } from './anomaly.types.js';
import { overstockOf } from './replenishment.js';

/** The anomaly rules: sell-through drop, and the lifecycle's findings (overstock's rule is in replenishment.ts, beside cover). */

export const DROP_RATIO = 0.3;
/** Below this many units in the previous 4 weeks a drop is noise, not a signal. */
export const DROP_MIN_UNITS = 10;

export interface SellThroughTrend {
  last28: number;
  prev28: number;
}

/** The drop as a fraction (0.45 = −45%) when last 4 weeks fell ≥ 30% against the 4 before, else null. */
export function sellThroughDrop(t: SellThroughTrend): number | null {
  if (t.prev28 < DROP_MIN_UNITS) return null;
  const drop = 1 - t.last28 / t.prev28;
  return drop >= DROP_RATIO - 1e-9 ? drop : null;
}

export interface Overdue {
  /** Outstanding past the due date, fen. */
  amountFen: number;
  /** Days since the oldest unpaid due date. */
  maxDaysOverdue: number;
  count: number;
}

// --- the lifecycle's rules (dealer_anomalies): what is anomalous on a date, and what changed since last time -----

/** Stock whose expiry is this close (or past) is an expiring batch. */
export const EXPIRY_WARN_DAYS = 30;

/**
 * Every anomaly of the given inputs on `date`: overstock per SKU (> 90 days of cover, or an MOQ unsold in 30 days),
 * a sell-through drop per dealer (≥ 30%, 4 weeks on 4 weeks), an overdue payment per receivable, an expiring batch
 * per SKU (expiry within 30 days, or past).
 */
export function findAnomalies(inputs: AnomalyInputs, date: string): AnomalyFinding[] {
  const out: AnomalyFinding[] = [];
  for (const [dealerCode, list] of inputs.positions) {
    for (const p of list) {
      const o = overstockOf(p);
      if (o)
        out.push({
          dealerCode,
          kind: 'overstock',
          subject: o.sku,
          details: { name: o.name, unit: o.unit, onHand: o.onHand, daysOfCover: o.daysOfCover },
        });
    }
  }
  for (const [dealerCode, t] of inputs.trends) {
    const fraction = sellThroughDrop(t);
    if (fraction !== null)
      out.push({
        dealerCode,
        kind: 'sell_through_drop',
        subject: '',
        details: { fraction: Math.round(fraction * 1000) / 1000, last28: t.last28, prev28: t.prev28 },
      });
  }
  for (const [dealerCode, bills] of inputs.overdueBills) {
    for (const b of bills)
      out.push({
        dealerCode,
        kind: 'overdue_payment',
        subject: b.billNo,
        details: {
          outstandingFen: b.outstandingFen,
          dueDate: b.dueDate,
          daysOverdue: daysBetween(b.dueDate, date),
        },
      });
  }
  for (const [dealerCode, stock] of inputs.datedStock) {
    for (const s of stock) {
      const daysLeft = daysBetween(date, s.expiresOn);
      if (s.qty > 0 && daysLeft <= EXPIRY_WARN_DAYS)
        out.push({
          dealerCode,
          kind: 'expiring_batch',
          subject: s.sku,
          details: { name: s.name, unit: s.unit, qty: s.qty, expiresOn: s.expiresOn, daysLeft },
        });
    }
  }
  return out;
}

const anomalyKey = (a: { dealerCode: string; kind: string; subject: string }) =>
  `${a.dealerCode}\u0000${a.kind}\u0000${a.subject}`;

/**
 * Against what is open: findings not open yet are opened (and told), open ones found again are seen (not told
 * again), open ones not found any more are closed. A closed one found later opens anew.
 */
export function reconcileAnomalies(
  open: readonly Anomaly[],
  findings: readonly AnomalyFinding[],
): { opened: AnomalyFinding[]; seen: Array<{ id: number; details: AnomalyDetails }>; closed: number[] } {
  const openByKey = new Map(open.map((a) => [anomalyKey(a), a]));
  const found = new Set<string>();
  const opened: AnomalyFinding[] = [];
  const seen: Array<{ id: number; details: AnomalyDetails }> = [];
  for (const f of findings) {
    const key = anomalyKey(f);
    if (found.has(key)) continue;
    found.add(key);
    const o = openByKey.get(key);
    if (o) seen.push({ id: o.id, details: f.details });
    else opened.push(f);
  }
  const closed = open.filter((a) => !found.has(anomalyKey(a))).map((a) => a.id);
  return { opened, seen, closed };
}
