import { type Kysely, sql } from 'kysely';
import type {
  Anomaly,
  AnomalyDetails,
  AnomalyFinding,
  AnomalyInputs,
  AnomalyScope,
  AnomalyStore,
  DatedStock,
  OverdueBill,
} from '../../core/care/anomaly.types.js';
import type { CareDealer } from '../../core/care/ports.js';
import type { Database } from '../schema.js';
import { loadCareDealers, sellThroughTrends, stockPositions } from './care.repository.js';

const codesOf = (scope: AnomalyScope) => (scope === 'all' ? undefined : scope);
const dealerFilter = (column: string, scope: AnomalyScope) =>
  scope === 'all' ? sql`` : sql`and ${sql.ref(column)} = any(${scope as string[]})`;

function group<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

type AnomalyRow = {
  id: number | string;
  dealer_code: string;
  kind: Anomaly['kind'];
  subject: string;
  opened_at: Date;
  last_seen_at: Date;
  closed_at: Date | null;
  details: AnomalyDetails;
};
const toAnomaly = (r: AnomalyRow): Anomaly =>
  ({
    id: Number(r.id),
    dealerCode: r.dealer_code,
    kind: r.kind,
    subject: r.subject,
    details: r.details,
    openedAt: new Date(r.opened_at),
    lastSeenAt: new Date(r.last_seen_at),
    closedAt: r.closed_at === null ? null : new Date(r.closed_at),
  }) as Anomaly;

/** core/care's AnomalyStore on Kysely: the rules' inputs for some dealers (or all), and dealer_anomalies. */
export class AnomalyRepository implements AnomalyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async inputs(date: string, scope: AnomalyScope): Promise<AnomalyInputs> {
    if (scope !== 'all' && scope.length === 0)
      return { positions: new Map(), trends: new Map(), overdueBills: new Map(), datedStock: new Map() };
    const codes = codesOf(scope);
    const [positions, trends, overdue, dated] = await Promise.all([
      stockPositions(this.db, date, codes),
      sellThroughTrends(this.db, date, codes),
      sql<{ dealer_code: string; bill_no: string; outstanding: number | string; due_date: string }>`
        select dealer_code, coalesce(bill_no, 'AR#' || id) as bill_no, amount_fen - paid_fen as outstanding,
          to_char(due_date, 'YYYY-MM-DD') as due_date
        from receivables
        where due_date < ${date}::date and paid_fen < amount_fen ${dealerFilter('dealer_code', scope)}
        order by dealer_code, due_date, bill_no`.execute(this.db),
      sql<{ dealer_code: string; sku: string; name: string; unit: string; qty: number; expires_on: string }>`
        select i.dealer_code, i.sku, p.name, p.unit, i.qty, to_char(i.expires_on, 'YYYY-MM-DD') as expires_on
        from dealer_inventory i join products p on p.sku = i.sku
        where i.expires_on is not null and i.qty > 0 ${dealerFilter('i.dealer_code', scope)}
        order by i.dealer_code, i.expires_on, i.sku`.execute(this.db),
    ]);
    const overdueBills = new Map(
      [...group(overdue.rows, (r) => r.dealer_code)].map(([code, rows]) => [
        code,
        rows.map(
          (r): OverdueBill => ({ billNo: r.bill_no, outstandingFen: Number(r.outstanding), dueDate: r.due_date }),
        ),
      ]),
    );
    const datedStock = new Map(
      [...group(dated.rows, (r) => r.dealer_code)].map(([code, rows]) => [
        code,
        rows.map((r): DatedStock => ({ sku: r.sku, name: r.name, unit: r.unit, qty: r.qty, expiresOn: r.expires_on })),
      ]),
    );
    return { positions, trends, overdueBills, datedStock };
  }

  async openAnomalies(scope: AnomalyScope): Promise<Anomaly[]> {
    if (scope !== 'all' && scope.length === 0) return [];
    const { rows } = await sql<AnomalyRow>`
      select * from dealer_anomalies where closed_at is null ${dealerFilter('dealer_code', scope)}
      order by dealer_code, id`.execute(this.db);
    return rows.map(toAnomaly);
  }

  async open(findings: readonly AnomalyFinding[], at: Date): Promise<Anomaly[]> {
    const out: Anomaly[] = [];
    for (let i = 0; i < findings.length; i += 1000) {
      const batch = findings.slice(i, i + 1000);
      // The partial unique index keeps one open row per (dealer, kind, subject): a racing refresh inserts nothing.
      const { rows } = await sql<AnomalyRow>`
        insert into dealer_anomalies (dealer_code, kind, subject, opened_at, last_seen_at, details)
        select f.d, f.k, f.s, ${at}, ${at}, f.details::jsonb
        from unnest(${batch.map((f) => f.dealerCode)}::text[], ${batch.map((f) => f.kind)}::text[],
          ${batch.map((f) => f.subject)}::text[], ${batch.map((f) => JSON.stringify(f.details))}::text[])
          as f(d, k, s, details)
        on conflict (dealer_code, kind, subject) where closed_at is null do nothing
        returning *`.execute(this.db);
      out.push(...rows.map(toAnomaly));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  async seen(updates: ReadonlyArray<{ id: number; details: AnomalyDetails }>, at: Date): Promise<void> {
    for (let i = 0; i < updates.length; i += 1000) {
      const batch = updates.slice(i, i + 1000);
      await sql`
        update dealer_anomalies a set last_seen_at = ${at}, details = u.details::jsonb
        from unnest(${batch.map((u) => u.id)}::bigint[], ${batch.map((u) => JSON.stringify(u.details))}::text[])
          as u(id, details)
        where a.id = u.id and a.closed_at is null`.execute(this.db);
    }
  }

  async close(ids: readonly number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await sql`update dealer_anomalies set closed_at = ${at}
      where id = any(${ids as number[]}::bigint[]) and closed_at is null`.execute(this.db);
  }

  dealers(codes: readonly string[]): Promise<CareDealer[]> {
    return loadCareDealers(this.db, codes);
  }
}
