import { shanghaiMidnight } from '../../core/common/time.js';
import { type Kysely, sql } from 'kysely';
import { type Policy, PolicyError, policySchema } from '../../core/policies/policy.types.js';
import type {
  DealerOrderLine,
  PolicyDealer,
  PolicyDelivery,
  PolicyRecord,
  PolicyStore,
  PolicyUnitOfWork,
} from '../../core/policies/ports.js';
import { type Cohort, pilotSet } from '../../core/policies/targeting.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { Database } from '../schema.js';

function toRecord(row: { code: string; spec: unknown; active: boolean; promoted: boolean }): PolicyRecord {
  const parsed = policySchema.safeParse(row.spec);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new PolicyError('POLICY.INVALID_FILE', `stored policy ${row.code} is invalid: ${where}`);
  }
  const policy: Policy = parsed.data;
  return { policy, active: row.active, promoted: row.promoted };
}

/** Start of an Asia/Shanghai date, as an instant (orders are filtered on placed_at). */
const dayStart = shanghaiMidnight;
const nextDayStart = (date: string) => new Date(dayStart(date).getTime() + 86_400_000);

/** Policies, dealers' order lines and policy deliveries in PostgreSQL (implements core's PolicyStore). */
export class PolicyRepository implements PolicyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Every stored policy. A stored spec that fails validation throws — or, with `skipInvalid` (ordering and lookups
   * that must not stop over one broken policy row), is left out.
   */
  async listPolicies(opts: { skipInvalid?: boolean } = {}): Promise<PolicyRecord[]> {
    const rows = await this.db
      .selectFrom('policies')
      .select(['code', 'spec', 'active', 'promoted'])
      .orderBy('code')
      .execute();
    const records = opts.skipInvalid
      ? rows.flatMap((r) => {
          try {
            return [toRecord(r)];
          } catch {
            return [];
          }
        })
      : rows.map(toRecord);
    return this.withPilots(records);
  }

  /** Fills each piloted policy's pilot set from the dealer table (one read, only when a policy has a pilot). */
  private async withPilots(records: PolicyRecord[]): Promise<PolicyRecord[]> {
    if (!records.some((r) => r.policy.pilotRatio !== null)) return records;
    const dealers = (await this.db.selectFrom('dealers').select(['code', 'tier', 'tags']).execute()).map((d) => ({
      code: d.code,
      tier: d.tier,
      tags: d.tags ?? [],
    }));
    for (const r of records) r.pilot = pilotSet(r.policy, dealers) ?? undefined;
    return records;
  }

  async findPolicy(code: string): Promise<PolicyRecord | null> {
    const row = await this.db
      .selectFrom('policies')
      .select(['code', 'spec', 'active', 'promoted'])
      .where('code', '=', code)
      .executeTakeFirst();
    return row ? ((await this.withPilots([toRecord(row)]))[0] ?? null) : null;
  }

  async setPromoted(code: string, promoted: boolean): Promise<void> {
    await this.db.updateTable('policies').set({ promoted }).where('code', '=', code).execute();
  }

  private dealers() {
    return this.db.selectFrom('dealers').select(['code', 'name', 'tier', 'tags', 'partnership_start']);
  }

  async findDealer(code: string): Promise<PolicyDealer | null> {
    const row = await this.dealers().where('code', '=', code).executeTakeFirst();
    return row ? toDealer(row) : null;
  }

  async listDealers(): Promise<PolicyDealer[]> {
    return (await this.dealers().orderBy('code').execute()).map(toDealer);
  }

  async orderLines(dealerCodes: readonly string[], from: string, to: string): Promise<DealerOrderLine[]> {
    if (dealerCodes.length === 0) return [];
    const rows = await this.db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.order_no', 'l.order_no')
      .leftJoin('products as p', 'p.sku', 'l.sku')
      .select([
        'o.dealer_code',
        'o.status',
        'o.placed_at',
        'l.order_no',
        'l.sku',
        'l.category',
        'l.amount_fen',
        'l.discount_fen',
        'p.tags',
      ])
      .where('o.dealer_code', 'in', [...dealerCodes])
      .where('o.placed_at', '>=', dayStart(from))
      .where('o.placed_at', '<', nextDayStart(to))
      .orderBy('o.placed_at')
      .orderBy('l.order_no')
      .orderBy('l.line_no')
      .execute();
    return rows.map((r) => ({
      dealerCode: r.dealer_code,
      orderStatus: r.status,
      placedAt: r.placed_at,
      orderNo: r.order_no,
      sku: r.sku,
      category: r.category,
      amountFen: r.amount_fen,
      discountFen: r.discount_fen,
      productTags: r.tags ?? [],
    }));
  }

  async deliveries(policyCode: string): Promise<PolicyDelivery[]> {
    const rows = await this.db
      .selectFrom('policy_deliveries as d')
      .leftJoin('outbox as o', 'o.id', 'd.outbox_id')
      .select(['d.policy_code', 'd.dealer_code', 'd.cohort', 'd.pushed_at', 'd.feedback', 'o.status'])
      .where('d.policy_code', '=', policyCode)
      .orderBy('d.dealer_code')
      .execute();
    return rows.map((r) => ({
      policyCode: r.policy_code,
      dealerCode: r.dealer_code,
      cohort: r.cohort,
      pushedAt: r.pushed_at,
      outboxStatus: r.status,
      feedback: r.feedback,
    }));
  }

  async recordDelivery(d: {
    policyCode: string;
    dealerCode: string;
    cohort: Cohort;
    dedupeKey: string;
    pushedAt: Date;
  }): Promise<boolean> {
    const rows = await this.db
      .insertInto('policy_deliveries')
      .values({
        policy_code: d.policyCode,
        dealer_code: d.dealerCode,
        cohort: d.cohort,
        // The push's outbox row, written just before in the same transaction.
        outbox_id: sql<number | null>`(select id from outbox where dedupe_key = ${d.dedupeKey})`,
        pushed_at: d.pushedAt,
      })
      .onConflict((oc) => oc.columns(['policy_code', 'dealer_code']).doNothing())
      .returning('dealer_code')
      .execute();
    return rows.length > 0;
  }

  async recentDeliveries(dealerCode: string, since: Date): Promise<Array<{ policyCode: string; kind: string }>> {
    const rows = await this.db
      .selectFrom('policy_deliveries as d')
      .innerJoin('policies as p', 'p.code', 'd.policy_code')
      .select(['d.policy_code', 'p.kind'])
      .where('d.dealer_code', '=', dealerCode)
      .where('d.pushed_at', '>=', since)
      .execute();
    return rows.map((r) => ({ policyCode: r.policy_code, kind: r.kind }));
  }

  async recordFeedback(dealerCode: string, policyCodes: readonly string[], feedback: string): Promise<number> {
    if (policyCodes.length === 0) return 0;
    const res = await this.db
      .updateTable('policy_deliveries')
      .set({ feedback })
      .where('dealer_code', '=', dealerCode)
      .where('policy_code', 'in', [...policyCodes])
      .where('feedback', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}

function toDealer(row: {
  code: string;
  name: string;
  tier: PolicyDealer['tier'];
  tags: string[];
  partnership_start: string;
}): PolicyDealer {
  return { code: row.code, name: row.name, tier: row.tier, tags: row.tags, partnershipStart: row.partnership_start };
}

/**
 * Transactions for the policies capability. `notifierFor` builds the outbox notifier on the transaction
 * (the bot's outboxNotifier: db/ may not import bot/). PGlite: inside, only the transaction's handle is used.
 */
export function policyUnitOfWork(
  db: Kysely<Database>,
  notifierFor: (trx: Kysely<Database>) => Notifier,
): PolicyUnitOfWork {
  return {
    run: (fn) => db.transaction().execute((trx) => fn(new PolicyRepository(trx), notifierFor(trx))),
  };
}
