import { parseShanghaiInstant } from '../common/time.js';
import { type ImportReason, reasons } from './messages.js';
import type { RowProblem } from './types.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Kingdee and Excel write local (Shanghai) times without an offset; ISO with an offset is accepted as well.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const INTEGER = /^[+-]?\d+$/;
const YUAN = /^([+-]?)(\d+)(?:\.(\d*))?$/;
const TRUE = new Set(['1', 'true', 'yes', 'y', '是', 'TRUE', 'True']);
const FALSE = new Set(['0', 'false', 'no', 'n', '否', 'FALSE', 'False']);

/** A calendar date that exists, 'YYYY-MM-DD'. */
export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** 'YYYY-MM-DD HH:mm[:ss]' (Shanghai) or ISO with an offset → ISO UTC string; null when malformed. */
export function parseDateTime(s: string): string | null {
  const m = DATE_TIME.exec(s);
  if (!m || !isDate(m[1]!)) return null;
  // Milliseconds are kept (an export writes them), finer digits dropped: JavaScript instants are milliseconds.
  const [, day, hh, mm, ss = '00', fraction = '', zone] = m;
  const ms = fraction === '' ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const time = `${hh}:${mm}:${ss}${ms}`;
  if (zone === undefined) return parseShanghaiInstant(day!, time)?.toISOString() ?? null;
  const offset = zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = new Date(`${day}T${time}${offset}`);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** Yuan with at most 2 decimals → integer fen, exactly (no floating point): '12.5' → 1250. */
export function yuanToFen(s: string): { fen: number } | { reason: ImportReason } {
  const m = YUAN.exec(s.replace(/,/g, ''));
  if (!m) return { reason: reasons.notAmount };
  const [, sign, whole, frac = ''] = m;
  if (frac.length > 2) return { reason: reasons.amountDecimals };
  const fen = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return { reason: reasons.notAmount };
  return { fen: sign === '-' ? -fen : fen };
}

/**
 * Reads the cells of one record, collecting every problem instead of stopping at the first, so a report names
 * all of a row's bad cells at once. Each accessor returns undefined for an empty optional cell and for a bad one.
 *
 * @example
 * const r = new RowReader(7, { sku: 'KW-N60', qty: '-3' });
 * r.int('qty', { min: 0 }); // undefined, r.errors = [{ line: 7, column: 'qty', value: '-3', reason: { code: 'negative' } }]
 */
export class RowReader {
  readonly errors: RowProblem[] = [];

  constructor(
    readonly line: number,
    private readonly record: Readonly<Record<string, string>>,
  ) {}

  /** The trimmed cell ('' when absent). */
  raw(column: string): string {
    return (this.record[column] ?? '').trim();
  }

  /** Whether the file has this column at all (absent optional columns keep what is stored). */
  has(column: string): boolean {
    return Object.hasOwn(this.record, column);
  }

  fail(column: string, reason: ImportReason, value = this.raw(column)): undefined {
    this.errors.push({ line: this.line, column, value, reason });
    return undefined;
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  /** A required cell's text; fails when empty. */
  text(column: string, max = 200): string | undefined {
    const v = this.raw(column);
    if (v === '') return this.fail(column, reasons.required);
    if (v.length > max) return this.fail(column, reasons.tooLong(max));
    return v;
  }

  /** An optional cell's text: null when empty, undefined when the column is absent (keep the stored value). */
  optionalText(column: string, max = 200): string | null | undefined {
    if (!this.has(column)) return undefined;
    const v = this.raw(column);
    if (v === '') return null;
    if (v.length > max) return this.fail(column, reasons.tooLong(max));
    return v;
  }

  code(column: string, pattern: RegExp, example: string): string | undefined {
    const v = this.text(column);
    if (v === undefined) return undefined;
    return pattern.test(v) ? v : this.fail(column, reasons.badCode(example));
  }

  oneOf<T extends string>(column: string, values: readonly T[], optional = false): T | undefined {
    const v = this.raw(column);
    if (v === '' && optional) return undefined;
    if (v === '') return this.fail(column, reasons.required);
    return (values as readonly string[]).includes(v) ? (v as T) : this.fail(column, reasons.oneOf(values));
  }

  /** An integer ≥ min; empty is an error unless optional (then undefined). */
  int(column: string, opts: { min?: number; optional?: boolean } = {}): number | undefined {
    const v = this.raw(column);
    if (v === '') return opts.optional ? undefined : this.fail(column, reasons.required);
    if (!INTEGER.test(v) || !Number.isSafeInteger(Number(v))) return this.fail(column, reasons.notInteger);
    const n = Number(v);
    const min = opts.min ?? 0;
    if (n < min) return this.fail(column, min > 0 ? reasons.notPositive : reasons.negative);
    return n;
  }

  /** An amount in yuan (≤ 2 decimals) as fen, ≥ 0 (or > 0 with positive). */
  fen(column: string, opts: { positive?: boolean; optional?: boolean } = {}): number | undefined {
    const v = this.raw(column);
    if (v === '') return opts.optional ? undefined : this.fail(column, reasons.required);
    const r = yuanToFen(v);
    if ('reason' in r) return this.fail(column, r.reason);
    if (r.fen < 0) return this.fail(column, reasons.amountNegative);
    if (opts.positive && r.fen === 0) return this.fail(column, reasons.notPositive);
    return r.fen;
  }

  date(column: string): string | undefined {
    const v = this.text(column);
    if (v === undefined) return undefined;
    return isDate(v) ? v : this.fail(column, reasons.badDate);
  }

  /** An optional date: null when empty, undefined when the column is absent. */
  optionalDate(column: string): string | null | undefined {
    if (!this.has(column)) return undefined;
    const v = this.raw(column);
    if (v === '') return null;
    return isDate(v) ? v : this.fail(column, reasons.badDate);
  }

  /** A date or a date-time as an ISO instant (a bare date is its Shanghai midnight). */
  instant(column: string): string | undefined {
    const v = this.text(column);
    if (v === undefined) return undefined;
    const iso = isDate(v) ? parseDateTime(`${v} 00:00:00`) : parseDateTime(v);
    return iso ?? this.fail(column, reasons.badDateTime);
  }

  /** The source's modified time; undefined (keep the stored one) when the file has no such column or cell. */
  modifiedAt(column = 'modified_at'): string | undefined {
    if (this.raw(column) === '') return undefined;
    return this.instant(column);
  }

  bool(column: string): boolean | undefined {
    const v = this.raw(column);
    if (v === '') return undefined;
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    return this.fail(column, reasons.badBool);
  }

  /** A '|'-separated list (aliases, tags); undefined when the column is absent. */
  list(column: string): string[] | undefined {
    if (!this.has(column)) return undefined;
    const v = this.raw(column);
    return v === ''
      ? []
      : v
          .split(/[|｜]/)
          .map((s) => s.trim())
          .filter(Boolean);
  }
}
