import type { ErpConnector, ErpFeed, ErpRow } from '../../../core/erp/ports.js';
import type { KingdeeClient } from './kingdee.client.js';
import type { KingdeeFormMapping, KingdeeMapping } from './kingdee.mapping.js';

const SHANGHAI_OFFSET = '+08:00';
const DAY_MS = 86_400_000;
/** K/3 Cloud's date-times: local (Asia/Shanghai) time without an offset, optionally with fractions. */
const KD_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/;

/** A K/3 Cloud date-time as an ISO instant (null when empty or not a date-time). */
export function kingdeeInstant(text: string): string | null {
  const m = KD_DATE_TIME.exec(text);
  if (!m) return null;
  const ms = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  return new Date(`${m[1]}T${m[2]}.${ms}${SHANGHAI_OFFSET}`).toISOString();
}

/** An instant as a K/3 Cloud filter literal: Shanghai local time, to the second. */
export function kingdeeTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A cell as the import's text: dates at midnight as YYYY-MM-DD, other date-times as 'YYYY-MM-DD HH:mm:ss'. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const text = String(v);
  const m = KD_DATE_TIME.exec(text);
  if (!m) return text;
  return m[2] === '00:00:00' ? m[1]! : `${m[1]} ${m[2]}`;
}

/** A filter literal: ids are numbers in K/3 Cloud; anything else is quoted. */
const literal = (v: string) => (/^\d+$/.test(v) ? v : `'${v.replaceAll("'", "''")}'`);
const and = (...parts: (string | null | undefined)[]) =>
  parts
    .filter((p): p is string => !!p)
    .map((p) => `(${p})`)
    .join(' AND ');

/** A form's query plan: the field keys asked for (each once) and where each lands. */
class FormPlan {
  readonly fields: string[];
  private readonly index: Map<string, number>;

  constructor(readonly m: KingdeeFormMapping) {
    const wanted = [
      ...Object.values(m.columns),
      ...Object.values(m.values).flatMap((v) => v.when.map((w) => w.field)),
      m.billId,
      m.entryId,
      m.billKey,
      m.date,
      m.modified,
    ].filter((f): f is string => !!f);
    this.fields = [...new Set(wanted)];
    this.index = new Map(this.fields.map((f, i) => [f, i]));
  }

  private cell(values: readonly unknown[], field: string | undefined): string {
    return field === undefined ? '' : cellText(values[this.index.get(field)!]);
  }

  row(values: readonly unknown[]): ErpRow {
    const m = this.m;
    const record: Record<string, string> = {};
    for (const [column, field] of Object.entries(m.columns)) record[column] = this.cell(values, field);
    for (const [column, rule] of Object.entries(m.values)) {
      record[column] = rule.when.find((w) => this.cell(values, w.field) === w.equals)?.value ?? rule.default;
    }
    const billId = this.cell(values, m.billId);
    const modified = m.modified ? String(values[this.index.get(m.modified)!] ?? '') : '';
    return {
      record,
      billId,
      rowKey: `${billId}|${this.cell(values, m.entryId)}`,
      billKey: m.billKey ? this.cell(values, m.billKey) : billId,
      billDate: m.date ? this.cell(values, m.date).slice(0, 10) || null : null,
      modifiedAt: kingdeeInstant(modified),
    };
  }
}

/**
 * The ERP port on K/3 Cloud: ExecuteBillQuery paged by StartRow/Limit, ordered by modified time then ids, filtered
 * on the form's modified field from the watermark; summed forms (stock) read whole and summed per key.
 */
export class KingdeeConnector implements ErpConnector {
  readonly source = 'kingdee';
  readonly feeds: readonly ErpFeed[];
  private readonly plans: Map<string, FormPlan>;

  constructor(
    private readonly client: KingdeeClient,
    mapping: KingdeeMapping,
    private readonly pageSize = 2000,
  ) {
    this.plans = new Map(mapping.forms.map((m) => [m.form, new FormPlan(m)]));
    this.feeds = mapping.forms.map((m) => ({
      form: m.form,
      entity: m.entity,
      incremental: !!m.modified,
      reconcile: !!(m.billId && m.date) && m.entity !== 'hq-stock',
    }));
  }

  async *rows(form: string, since: Date | null): AsyncIterable<ErpRow[]> {
    const plan = this.plan(form);
    const m = plan.m;
    const filter = and(m.filter, since && m.modified ? `${m.modified} >= '${kingdeeTime(since)}'` : null);
    if (m.sumBy) {
      yield await this.summed(plan, filter);
      return;
    }
    yield* this.pages(plan, plan.fields, filter);
  }

  async *rowsOfBills(form: string, billIds: readonly string[]): AsyncIterable<ErpRow[]> {
    const plan = this.plan(form);
    if (billIds.length === 0 || !plan.m.billId) return;
    yield* this.pages(plan, plan.fields, and(plan.m.filter, `${plan.m.billId} IN (${billIds.map(literal).join(',')})`));
  }

  async billIds(form: string, from: string, to: string): Promise<Set<string>> {
    const { m } = this.plan(form);
    if (!m.billId || !m.date) return new Set();
    const next = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    const filter = and(m.filter, `${m.date} >= '${from}' AND ${m.date} < '${next}'`);
    const ids = new Set<string>();
    for (let start = 0; ; start += this.pageSize) {
      const page = await this.query(m, [m.billId], filter, [m.billId], start);
      for (const r of page) ids.add(cellText(r[0]));
      if (page.length < this.pageSize) return ids;
    }
  }

  private plan(form: string): FormPlan {
    const plan = this.plans.get(form);
    if (!plan) throw new RangeError(`form ${form} is not in the Kingdee mapping`);
    return plan;
  }

  private async *pages(plan: FormPlan, fields: string[], filter: string): AsyncIterable<ErpRow[]> {
    const m = plan.m;
    // A stable order, so StartRow pages do not overlap or skip while nothing changes at the source.
    const order = [m.modified, m.billId, m.entryId].filter((f): f is string => !!f);
    for (let start = 0; ; start += this.pageSize) {
      const page = await this.query(m, fields, filter, order, start);
      yield page.map((values) => plan.row(values));
      if (page.length < this.pageSize) return;
    }
  }

  private async summed(plan: FormPlan, filter: string): Promise<ErpRow[]> {
    const { key, sum } = plan.m.sumBy!;
    const totals = new Map<string, ErpRow>();
    for await (const page of this.pages(plan, plan.fields, filter)) {
      for (const row of page) {
        const id = row.record[key] ?? '';
        const seen = totals.get(id);
        if (!seen) {
          totals.set(id, { ...row, billId: '', billKey: id, rowKey: id });
          continue;
        }
        const record = { ...seen.record };
        // Decimal quantities are summed in thousandths, so 0.1 + 0.2 stays 0.3.
        for (const c of sum)
          record[c] = String((Math.round(Number(record[c]) * 1000) + Math.round(Number(row.record[c]) * 1000)) / 1000);
        totals.set(id, { ...seen, record });
      }
    }
    return [...totals.values()];
  }

  private query(m: KingdeeFormMapping, fields: string[], filter: string, order: string[], start: number) {
    return this.client.billQuery({
      FormId: m.form,
      FieldKeys: fields.join(','),
      FilterString: filter,
      OrderString: order.map((f) => `${f} ASC`).join(','),
      StartRow: start,
      Limit: this.pageSize,
    });
  }
}
