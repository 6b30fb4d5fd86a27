import { addDays, quarterStart } from '../common/time.js';
import { type CreditFacts, checkCredit, OVERDUE_BLOCK_DAYS } from '../orders/credit.rules.js';
import { AccountError } from './accounts.errors.js';
import type {
  PurchaseLine,
  Purchases,
  DueSoonItem,
  OverdueItem,
  PeriodOrder,
  ReceivableItem,
  Statement,
  StatementDealer,
  SettledRebate,
  StatementPeriod,
} from './accounts.types.js';

/** Receivables falling due within this many days are listed as due soon. */
export const DUE_SOON_DAYS = 7;

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (ISO dates). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

const pad2 = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(y: number, m: number): string {
  return `${y}-${pad2(m)}-${pad2(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
}

function clip(kind: StatementPeriod['kind'], label: string, start: string, end: string, today: string) {
  if (start > today) throw new AccountError('ACCOUNT.FUTURE_PERIOD', 'period has not started', { period: label });
  const running = end >= today;
  return { kind, label, start, end: running ? today : end, running };
}

/**
 * The statement period a request names, against today's Shanghai date: nothing or 'month' is the running month,
 * 'quarter' the running quarter, 'YYYY-MM' a month, 'YYYY-Qn' a quarter. A running period ends today.
 *
 * @example statementPeriod('2026-10', '2026-11-26') // { kind: 'month', label: '2026-10', start: '2026-10-01', end: '2026-10-31', running: false }
 */
export function statementPeriod(spec: string | undefined, today: string): StatementPeriod {
  const s = (spec ?? 'month').trim().toUpperCase();
  const y0 = Number(today.slice(0, 4));
  const m0 = Number(today.slice(5, 7));
  if (s === 'MONTH') return statementPeriod(`${y0}-${pad2(m0)}`, today);
  if (s === 'QUARTER') return statementPeriod(`${y0}-Q${Math.floor((m0 - 1) / 3) + 1}`, today);
  let m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12) return clip('month', s, `${m[1]}-${m[2]}-01`, lastDayOfMonth(y, mo), today);
  }
  m = /^(\d{4})-Q([1-4])$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const first = (Number(m[2]) - 1) * 3 + 1;
    const start = quarterStart(`${y}-${pad2(first)}-01`);
    return clip('quarter', s, start, lastDayOfMonth(y, first + 2), today);
  }
  throw new AccountError('ACCOUNT.BAD_PERIOD', 'period must be YYYY-MM or YYYY-Qn', { period: spec });
}

/** Open receivables past their due date, oldest first, each with its days overdue. */
export function overdueItems(open: readonly ReceivableItem[], today: string): OverdueItem[] {
  return open
    .filter((r) => r.paidFen < r.amountFen && r.dueDate < today)
    .map((r) => {
      const daysOverdue = daysBetween(r.dueDate, today);
      return {
        orderNo: r.orderNo,
        dueDate: r.dueDate,
        openFen: r.amountFen - r.paidFen,
        daysOverdue,
        blocking: daysOverdue > OVERDUE_BLOCK_DAYS,
      };
    })
    .sort((a, b) => b.daysOverdue - a.daysOverdue || (a.orderNo ?? '').localeCompare(b.orderNo ?? ''));
}

/** Open receivables due today or within `withinDays`, soonest first. */
export function dueSoonItems(
  open: readonly ReceivableItem[],
  today: string,
  withinDays = DUE_SOON_DAYS,
): DueSoonItem[] {
  const last = addDays(today, withinDays);
  return open
    .filter((r) => r.paidFen < r.amountFen && r.dueDate >= today && r.dueDate <= last)
    .map((r) => ({
      orderNo: r.orderNo,
      dueDate: r.dueDate,
      openFen: r.amountFen - r.paidFen,
      daysLeft: daysBetween(today, r.dueDate),
    }))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || (a.orderNo ?? '').localeCompare(b.orderNo ?? ''));
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

export interface StatementFacts {
  dealer: StatementDealer;
  period: StatementPeriod;
  today: string;
  /** Orders placed in the period, any status. */
  orders: readonly PeriodOrder[];
  /** Orders whose full payment is dated in the period. */
  paidOrders: readonly PeriodOrder[];
  /** Receivables invoiced in the period. */
  billed: readonly ReceivableItem[];
  /** Every receivable not fully paid, whenever invoiced. */
  open: readonly ReceivableItem[];
  /** The ordering credit facts (same query as the order draft's credit check). */
  credit: CreditFacts;
  /** Rebate settlements recorded in the period. */
  rebates?: readonly SettledRebate[];
}

/** Puts a statement together; balances and credit use core/orders' credit rule, so chat and ordering agree. */
export function buildStatement(f: StatementFacts): Statement {
  const live = f.orders.filter((o) => o.status !== 'cancelled');
  const cancelled = f.orders.filter((o) => o.status === 'cancelled');
  const overdue = overdueItems(f.open, f.today);
  const dueSoon = dueSoonItems(f.open, f.today);
  const check = checkCredit(f.credit, 0);
  return {
    dealer: { code: f.dealer.code, name: f.dealer.name, tier: f.dealer.tier },
    period: f.period,
    asOf: f.today,
    orders: {
      items: [...live].sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime()),
      count: live.length,
      totalFen: sum(live, (o) => o.totalFen),
      cancelledCount: cancelled.length,
      cancelledFen: sum(cancelled, (o) => o.totalFen),
    },
    payments: { count: f.paidOrders.length, totalFen: sum(f.paidOrders, (o) => o.totalFen) },
    rebates: {
      items: [...(f.rebates ?? [])],
      count: f.rebates?.length ?? 0,
      totalFen: sum(f.rebates ?? [], (r) => r.paidFen),
    },
    billed: {
      count: f.billed.length,
      amountFen: sum(f.billed, (r) => r.amountFen),
      paidFen: sum(f.billed, (r) => r.paidFen),
      openFen: sum(f.billed, (r) => r.amountFen - r.paidFen),
    },
    balance: {
      openReceivablesFen: f.credit.openReceivablesFen,
      unpaidPlacedFen: f.credit.unpaidPlacedFen,
      totalFen: check.exposureFen,
    },
    overdue: {
      items: overdue,
      totalFen: sum(overdue, (o) => o.openFen),
      blockingFen: check.overdueFen,
      maxDays: overdue[0]?.daysOverdue ?? 0,
    },
    dueSoon: { items: dueSoon, totalFen: sum(dueSoon, (d) => d.openFen), withinDays: DUE_SOON_DAYS },
    credit: {
      limitFen: f.credit.limitFen,
      usedFen: check.exposureFen,
      leftFen: check.headroomFen,
      canOrder: check.ok,
      settleFen: check.settleFen,
    },
  };
}

/**
 * What was bought over a period (订/买/进货): the orders not cancelled and their lines per product, the largest
 * amount first. Without products asked, the total is the orders' own totals (the figure the managers' lists show);
 * with products, the count and total are those of the lines of those products.
 *
 * @example summarisePurchases({ label: '2026-11', start: '2026-11-01', end: '2026-11-30', running: false }, orders, lines, ['KW-N60'])
 */
export function summarisePurchases(
  period: Pick<Purchases, 'label' | 'start' | 'end' | 'running'>,
  orders: readonly PeriodOrder[],
  lines: readonly PurchaseLine[],
  skus: readonly string[],
): Purchases {
  const wanted = skus.length ? lines.filter((l) => skus.includes(l.sku)) : lines;
  const bySku = new Map<string, Purchases['products'][number]>();
  for (const l of wanted) {
    const p = bySku.get(l.sku) ?? { sku: l.sku, name: l.name, unit: l.unit, qty: 0, amountFen: 0 };
    p.qty += l.qty;
    p.amountFen += l.amountFen;
    bySku.set(l.sku, p);
  }
  const placed = orders.filter((o) => o.status !== 'cancelled');
  const products = [...bySku.values()].sort((a, b) => b.amountFen - a.amountFen || a.sku.localeCompare(b.sku));
  return {
    ...period,
    skus: [...skus],
    orderCount: skus.length ? new Set(wanted.map((l) => l.orderNo)).size : placed.length,
    totalFen: skus.length ? products.reduce((t, p) => t + p.amountFen, 0) : placed.reduce((t, o) => t + o.totalFen, 0),
    products,
  };
}
