import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  PeriodOrder,
  PurchaseLine,
  ReceivableItem,
  ScoreRecord,
  StatementDealer,
  TierFacts,
} from '../../core/accounts/accounts.types.js';
import type { StatementStore, TierStore } from '../../core/accounts/ports.js';
import type { SettledRebate } from '../../core/accounts/accounts.types.js';
import { dealerInScope } from './dealer-search.repository.js';
import { SettlementRepository } from './settlements.repository.js';
import type { CreditFacts } from '../../core/orders/credit.rules.js';
import type { Database, DealerScoresTable } from '../schema.js';
import { KyselyOrderStore } from './order.repository.js';

const toScore = (r: Selectable<DealerScoresTable>): ScoreRecord => ({
  month: String(r.month).slice(0, 7),
  dimensions: {
    purchaseScale: Number(r.purchase_scale),
    categoryExpertise: Number(r.category_expertise),
    storeCoverage: Number(r.store_coverage),
    growthPotential: Number(r.growth_potential),
    collaboration: Number(r.collaboration),
  },
  total: Number(r.total),
  tierBefore: r.tier_before,
  tierAfter: r.tier_after,
  reasons: r.reasons,
});

const toOrder = (r: {
  order_no: string;
  placed_at: Date;
  status: PeriodOrder['status'];
  total_fen: number;
  paid_at: Date | null;
}): PeriodOrder => ({
  orderNo: r.order_no,
  placedAt: new Date(r.placed_at),
  status: r.status,
  totalFen: Number(r.total_fen),
  paidAt: r.paid_at ? new Date(r.paid_at) : null,
});

const toReceivable = (r: {
  order_no: string | null;
  amount_fen: number;
  paid_fen: number;
  due_date: string;
  created_at: Date;
}): ReceivableItem => ({
  orderNo: r.order_no,
  amountFen: Number(r.amount_fen),
  paidFen: Number(r.paid_fen),
  dueDate: String(r.due_date).slice(0, 10),
  createdAt: new Date(r.created_at),
});

const ORDER_COLUMNS = ['order_no', 'placed_at', 'status', 'total_fen', 'paid_at'] as const;
const RECEIVABLE_COLUMNS = ['order_no', 'amount_fen', 'paid_fen', 'due_date', 'created_at'] as const;

/** core/accounts' StatementStore and TierStore on Kysely; give it the turn's transaction. */
export class AccountsRepository implements StatementStore, TierStore {
  constructor(private readonly db: Kysely<Database>) {}

  async statementDealer(code: string): Promise<StatementDealer | null> {
    const r = await this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'credit_limit_fen', 'payment_terms_days'])
      .where('code', '=', code)
      .executeTakeFirst();
    return r
      ? {
          code: r.code,
          name: r.name,
          tier: r.tier,
          creditLimitFen: Number(r.credit_limit_fen),
          paymentTermsDays: r.payment_terms_days,
        }
      : null;
  }

  async ordersPlaced(dealerCode: string, from: Date, to: Date): Promise<PeriodOrder[]> {
    const rows = await this.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('dealer_code', '=', dealerCode)
      .where('placed_at', '>=', from)
      .where('placed_at', '<', to)
      .orderBy('placed_at', 'desc')
      .execute();
    return rows.map(toOrder);
  }

  async purchaseLines(dealerCode: string, from: Date, to: Date): Promise<PurchaseLine[]> {
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .innerJoin('products as p', 'p.sku', 'l.sku')
      .select(['l.order_no', 'l.sku', 'p.name', 'p.unit', 'l.qty', 'l.amount_fen', 'l.discount_fen'])
      .where('o.dealer_code', '=', dealerCode)
      .where('o.status', '<>', 'cancelled')
      .where('o.placed_at', '>=', from)
      .where('o.placed_at', '<', to)
      .orderBy('o.placed_at', 'desc')
      .orderBy('l.line_no')
      .execute();
    return rows.map((r) => ({
      orderNo: r.order_no,
      sku: r.sku,
      name: r.name,
      unit: r.unit,
      qty: Number(r.qty),
      amountFen: Number(r.amount_fen) - Number(r.discount_fen),
    }));
  }

  async ordersPaid(dealerCode: string, from: Date, to: Date): Promise<PeriodOrder[]> {
    const rows = await this.db
      .selectFrom('orders')
      .select(ORDER_COLUMNS)
      .where('dealer_code', '=', dealerCode)
      .where('status', '<>', 'cancelled')
      .where('paid_at', '>=', from)
      .where('paid_at', '<', to)
      .orderBy('paid_at', 'desc')
      .execute();
    return rows.map(toOrder);
  }

  async receivablesBilled(dealerCode: string, from: Date, to: Date): Promise<ReceivableItem[]> {
    const rows = await this.db
      .selectFrom('receivables')
      .select(RECEIVABLE_COLUMNS)
      .where('dealer_code', '=', dealerCode)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toReceivable);
  }

  async openReceivables(dealerCode: string): Promise<ReceivableItem[]> {
    const rows = await this.db
      .selectFrom('receivables')
      .select(RECEIVABLE_COLUMNS)
      .where('dealer_code', '=', dealerCode)
      .whereRef('paid_fen', '<', 'amount_fen')
      .orderBy('due_date')
      .orderBy('id')
      .execute();
    return rows.map(toReceivable);
  }

  async managerSees(managerCode: string, dealerCode: string): Promise<boolean> {
    const manager = await this.db
      .selectFrom('managers')
      .select(['code', 'role'])
      .where('code', '=', managerCode)
      .executeTakeFirst();
    if (!manager) return false;
    const row = await this.db
      .selectFrom('dealers as d')
      .select('d.code')
      .where('d.code', '=', dealerCode)
      .where(dealerInScope(manager))
      .executeTakeFirst();
    return row !== undefined;
  }

  async rebatesSettled(dealerCode: string, from: Date, to: Date): Promise<SettledRebate[]> {
    const rows = await new SettlementRepository(this.db).settledBetween(dealerCode, from, to);
    return rows.map((r) => ({ policyCode: r.policyCode, seq: r.seq, paidFen: r.paidFen, settledAt: r.settledAt }));
  }

  creditFacts(dealerCode: string, today: string, overdueDays: number): Promise<CreditFacts> {
    // The order draft's own query: the statement's credit left is exactly what ordering will check.
    return new KyselyOrderStore(this.db).creditFacts(dealerCode, today, overdueDays);
  }

  async tierFacts(dealerCode: string): Promise<TierFacts | null> {
    const d = await this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'tier_reasons'])
      .where('code', '=', dealerCode)
      .executeTakeFirst();
    if (!d) return null;
    const latest = await this.db
      .selectFrom('dealer_scores')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .orderBy('month', 'desc')
      .limit(1)
      .executeTakeFirst();
    const change = await this.db
      .selectFrom('dealer_scores')
      .selectAll()
      .where('dealer_code', '=', dealerCode)
      .where(sql<boolean>`tier_before <> tier_after`)
      .orderBy('month', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      dealer: { code: d.code, name: d.name, tier: d.tier, tierReasons: d.tier_reasons },
      latest: latest ? toScore(latest) : null,
      lastChange: change ? toScore(change) : null,
    };
  }
}
