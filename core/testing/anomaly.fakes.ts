import type {
  Anomaly,
  AnomalyDetails,
  AnomalyFinding,
  AnomalyInputs,
  AnomalyScope,
  AnomalyStore,
} from '../care/anomaly.types.js';
import type { CareDealer } from '../care/ports.js';

/**
 * AnomalyStore in memory: the inputs are taken as given whatever the date (set `inputs`), filtered to the scope;
 * opening honours the one-open-row-per-(dealer, kind, subject) rule as the SQL's unique index does.
 */
export class MemoryAnomalyStore implements AnomalyStore {
  inputsGiven: AnomalyInputs = {
    positions: new Map(),
    trends: new Map(),
    overdueBills: new Map(),
    datedStock: new Map(),
  };
  rows: Anomaly[] = [];
  private nextId = 1;

  constructor(readonly dealerList: CareDealer[] = []) {}

  async inputs(_date: string, scope: AnomalyScope): Promise<AnomalyInputs> {
    const keep = <V>(m: Map<string, V>) => new Map([...m].filter(([code]) => scope === 'all' || scope.includes(code)));
    const g = this.inputsGiven;
    return {
      positions: keep(g.positions),
      trends: keep(g.trends),
      overdueBills: keep(g.overdueBills),
      datedStock: keep(g.datedStock),
    };
  }

  async openAnomalies(scope: AnomalyScope): Promise<Anomaly[]> {
    return this.rows
      .filter((a) => a.closedAt === null && (scope === 'all' || scope.includes(a.dealerCode)))
      .map((a) => ({ ...a }));
  }

  async open(findings: readonly AnomalyFinding[], at: Date): Promise<Anomaly[]> {
    const out: Anomaly[] = [];
    for (const f of findings) {
      const already = this.rows.some(
        (a) => a.closedAt === null && a.dealerCode === f.dealerCode && a.kind === f.kind && a.subject === f.subject,
      );
      if (already) continue;
      const row = { ...f, id: this.nextId++, openedAt: at, lastSeenAt: at, closedAt: null } as Anomaly;
      this.rows.push(row);
      out.push({ ...row });
    }
    return out;
  }

  async seen(updates: ReadonlyArray<{ id: number; details: AnomalyDetails }>, at: Date): Promise<void> {
    for (const u of updates) {
      const row = this.rows.find((a) => a.id === u.id);
      if (row) Object.assign(row, { details: u.details, lastSeenAt: at });
    }
  }

  async close(ids: readonly number[], at: Date): Promise<void> {
    for (const row of this.rows) if (ids.includes(row.id) && row.closedAt === null) row.closedAt = at;
  }

  async dealers(codes: readonly string[]): Promise<CareDealer[]> {
    return this.dealerList.filter((d) => codes.includes(d.code)).sort((a, b) => a.code.localeCompare(b.code));
  }
}
