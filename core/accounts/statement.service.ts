import { addDays, shanghaiDate, shanghaiMidnight } from '../common/time.js';
import { OVERDUE_BLOCK_DAYS } from '../orders/credit.rules.js';
import { AccountError } from './accounts.errors.js';
import type { Purchases, Statement } from './accounts.types.js';
import type { StatementStore } from './ports.js';
import { yearToDateWindow } from '../common/year-on-year.js';
import { buildStatement, statementPeriod, summarisePurchases } from './statement.rules.js';

/**
 * The dealer's statement of account (`account.statement`): the period's orders, payments and invoices, and today's
 * balance, overdue items and credit left.
 *
 * @example
 * const s = await new StatementService(new AccountsRepository(trx)).statement({ dealerCode: 'D0012', now });
 * s.credit.leftFen; // credit left today, in fen
 */
export class StatementService {
  constructor(private readonly store: StatementStore) {}

  /**
   * A dealer's statement for their account manager (or regional manager). Another manager's dealer, or a code
   * that does not exist, is the same not-found: a manager cannot probe which codes exist.
   */
  async forManager(input: { managerCode: string; dealerCode: string; period?: string; now: Date }): Promise<Statement> {
    if (!(await this.store.managerSees(input.managerCode, input.dealerCode)))
      throw new AccountError('ACCOUNT.DEALER_NOT_FOUND', "not this manager's dealer", { dealerCode: input.dealerCode });
    return this.statement(input);
  }

  /** `period`: 'YYYY-MM', 'YYYY-Qn', 'quarter' or nothing (the running month). */
  async statement(input: { dealerCode: string; period?: string; now: Date }): Promise<Statement> {
    const today = shanghaiDate(input.now);
    const period = statementPeriod(input.period, today);
    const dealer = await this.store.statementDealer(input.dealerCode);
    if (!dealer) throw new AccountError('ACCOUNT.DEALER_NOT_FOUND', 'unknown dealer', { dealerCode: input.dealerCode });
    const from = shanghaiMidnight(period.start);
    const to = shanghaiMidnight(addDays(period.end, 1));
    // Sequential on purpose: the store may be a single-connection transaction.
    const orders = await this.store.ordersPlaced(dealer.code, from, to);
    const paidOrders = await this.store.ordersPaid(dealer.code, from, to);
    const billed = await this.store.receivablesBilled(dealer.code, from, to);
    const open = await this.store.openReceivables(dealer.code);
    const credit = await this.store.creditFacts(dealer.code, today, OVERDUE_BLOCK_DAYS);
    const rebates = await this.store.rebatesSettled(dealer.code, from, to);
    return buildStatement({ dealer, period, today, orders, paidOrders, billed, open, credit, rebates });
  }

  /**
   * What the dealer bought (订/买/进货): `period` a month ('YYYY-MM', the running month without it) or 'year' (this
   * year to date, the 同比 window's current part — the managers' "今年进货"); `skus` narrows it to products.
   */
  async purchases(input: { dealerCode: string; period?: string; skus?: string[]; now: Date }): Promise<Purchases> {
    const today = shanghaiDate(input.now);
    const range =
      input.period === 'year'
        ? { label: 'year', ...yearToDateWindow(today).current, running: true }
        : statementPeriod(input.period, today);
    const from = shanghaiMidnight(range.start);
    const to = shanghaiMidnight(addDays(range.end, 1));
    const orders = await this.store.ordersPlaced(input.dealerCode, from, to);
    const lines = await this.store.purchaseLines(input.dealerCode, from, to);
    const period = { label: range.label, start: range.start, end: range.end, running: range.running };
    return summarisePurchases(period, orders, lines, input.skus ?? []);
  }
}
