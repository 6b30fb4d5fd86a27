import { type EntitySpec, type RefKind, type Refs, SPECS_REF_KINDS } from './entity.types.js';
import { SPECS, UNITS, unitKey } from './entities.js';
import { RowReader } from './fields.js';
import { type ImportUnit, reasons } from './messages.js';
import { decide } from './plan.js';
import type { ImportCommitListener, ImportStore, ImportWriter } from './ports.js';
import { TouchedDealerSet } from './touched.js';
import {
  type ImportCounts,
  type ImportEntity,
  type ImportMode,
  type ImportResult,
  type ImportStatus,
  type DescribeProblem,
  MAX_REPORTED_ERRORS,
  type RowProblem,
  type SourceItem,
} from './types.js';

/** Rows planned (and written) per round trip: PGlite is ~20× slower row by row. */
export const IMPORT_BATCH = 1000;

export interface ImportRequest {
  entity: ImportEntity;
  items: AsyncIterable<SourceItem>;
  source: string;
  sha256: string;
  who: string;
  /** all: one bad row rejects the file; partial: the good rows are applied; dry_run: counts only, nothing kept. */
  mode: ImportMode;
  /** Called with the number of rows read so far, every IMPORT_BATCH rows and at the end. */
  onProgress?: (rows: number) => void;
}

/** A valid record of a streamed entity with its line, natural key and the raw cell of its key column. */
type Keyed = { line: number; rec: object; key: string; value: string };

/** Thrown inside the transaction to undo it (dry run, rejected file). */
class Rollback extends Error {}

type AnySpec = EntitySpec<object>;
type Writer = {
  load(entity: ImportEntity, records: readonly object[]): Promise<object[]>;
  apply(entity: ImportEntity, c: { inserts: object[]; updates: object[]; all: object[] }): Promise<{ removed: number }>;
};

/** The counts and errors of one run, and what it may still write. */
class Tally {
  readonly counts: ImportCounts = { rows: 0, inserted: 0, updated: 0, unchanged: 0, older: 0, removed: 0 };
  readonly errors: RowProblem[] = [];
  errorCount = 0;
  readonly touched: TouchedDealerSet;

  constructor(
    readonly mode: ImportMode,
    entity: ImportEntity,
  ) {
    this.touched = new TouchedDealerSet(entity);
  }

  add(errors: readonly RowProblem[]): void {
    for (const e of errors) {
      this.errorCount++;
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(e);
    }
  }

  /** A file that is rejected anyway needs no more planning or writing, only its remaining errors. */
  get writing(): boolean {
    return this.mode !== 'all' || this.errorCount === 0;
  }
}

/**
 * Imports one file of one entity: validates every row (line, column, value, reason), decides insert / update /
 * unchanged / older against the stored rows by natural key, and writes in one transaction — all or nothing by
 * default, the good rows with `partial`, nothing with `dry_run`. Every run is recorded.
 *
 * @example
 * const result = await new ImportService(store, importProblemText).run({
 *   entity: 'pos', items: readImportFile('pos.csv'), source: 'pos.csv', sha256, who: 'cli', mode: 'all',
 * });
 * // { status: 'applied', rows: 3, inserted: 3, updated: 0, unchanged: 0, errors: [] … }
 */
export class ImportService {
  constructor(
    private readonly store: ImportStore,
    /** Words each problem for the result and the run record (bot/replies). */
    private readonly describe: DescribeProblem,
    private readonly now: () => Date = () => new Date(),
    /** Told after a commit that wrote rows (composition: recompute the touched dealers' anomalies). */
    private readonly afterCommit?: ImportCommitListener,
  ) {}

  async run(req: ImportRequest): Promise<ImportResult> {
    const spec = SPECS[req.entity] as unknown as AnySpec;
    const runId = await this.store.startRun({
      entity: req.entity,
      source: req.source,
      sha256: req.sha256,
      who: req.who,
      mode: req.mode,
      startedAt: this.now(),
    });
    const tally = new Tally(req.mode, req.entity);
    let status: ImportStatus;
    try {
      await this.store.transaction(async (w) => {
        await this.read(spec, req, w as unknown as Writer & ImportWriter, tally);
        if (req.mode === 'dry_run' || !tally.writing) throw new Rollback();
      });
      status = tally.errorCount > 0 ? 'partial' : 'applied';
    } catch (e) {
      if (!(e instanceof Rollback)) {
        tally.add([{ line: 0, column: '', value: '', reason: reasons.failed }]);
        await this.finish(runId, 'failed', tally);
        throw e;
      }
      status = req.mode === 'dry_run' ? 'dry_run' : 'rejected';
    }
    req.onProgress?.(tally.counts.rows);
    const counts: ImportCounts =
      status === 'rejected'
        ? { rows: tally.counts.rows, inserted: 0, updated: 0, unchanged: 0, older: 0, removed: 0 }
        : tally.counts;
    // File order, and within a line the documented column order.
    const position = new Map(spec.columns.map((c, i) => [c.name, i]));
    const at = (e: RowProblem) => position.get(e.column) ?? spec.columns.length;
    tally.errors.sort((a, b) => a.line - b.line || at(a) - at(b));
    await this.finish(runId, status, tally, counts);
    const result: ImportResult = {
      runId,
      entity: req.entity,
      status,
      ...counts,
      errors: tally.errors.map(this.describe),
      errorCount: tally.errorCount,
    };
    if ((status === 'applied' || status === 'partial') && this.afterCommit && !tally.touched.empty) {
      // The rows are committed whatever happens here; a failed follow-up is reported, and the daily job catches up.
      try {
        await this.afterCommit({ runId, entity: req.entity, dealers: tally.touched.value, at: this.now() });
        result.afterCommit = 'done';
      } catch {
        result.afterCommit = 'failed';
      }
    }
    return result;
  }

  private finish(id: number, status: ImportStatus, tally: Tally, counts = tally.counts) {
    return this.store.finishRun(id, {
      status,
      finishedAt: this.now(),
      counts,
      errorCount: tally.errorCount,
      errors: tally.errors.map(this.describe),
    });
  }

  private async read(spec: AnySpec, req: ImportRequest, w: Writer & ImportWriter, tally: Tally): Promise<void> {
    const refs = await loadRefs(w, spec.refs);
    const unitOf = UNITS[req.entity];
    const badUnits = new Set<string>();
    // Whole-file entities are held in memory anyway; streamed ones check duplicates per batch (flush).
    const seen = spec.whole ? new Set<string>() : null;
    const whole: { line: number; rec: object; unit: string }[] = [];
    const unitOfKey = new Map<string, ImportUnit>();
    let batch: Keyed[] = [];
    for await (const item of req.items) {
      if (item.kind === 'header') {
        const missing = spec.columns.filter((c) => c.required && !item.columns.includes(c.name));
        if (missing.length > 0) {
          tally.add(
            missing.map((c) => ({ line: item.line, column: c.name, value: '', reason: reasons.missingColumn })),
          );
          return; // every row would fail the same way
        }
        continue;
      }
      tally.counts.rows++;
      if (tally.counts.rows % IMPORT_BATCH === 0) req.onProgress?.(tally.counts.rows);
      if (item.kind === 'error') {
        tally.add([item.error]);
        continue;
      }
      const reader = new RowReader(item.line, item.record);
      let unit = '';
      if (unitOf) {
        const u = unitOf.of((c) => reader.raw(c));
        unit = unitKey(u);
        unitOfKey.set(unit, u);
      }
      const rec = spec.parse(reader, refs);
      let key = '';
      if (rec) {
        key = spec.key(rec);
        if (seen?.has(key)) reader.fail(spec.keyColumn, reasons.duplicate);
      }
      if (!rec || !reader.ok) {
        tally.add(reader.errors);
        if (unit) badUnits.add(unit);
        continue;
      }
      seen?.add(key);
      if (spec.whole) whole.push({ line: item.line, rec, unit });
      else {
        batch.push({ line: item.line, rec, key, value: reader.raw(spec.keyColumn) });
        if (batch.length >= IMPORT_BATCH) {
          await this.flush(spec, w, tally, batch);
          batch = [];
        }
      }
    }
    if (!spec.whole) {
      if (batch.length > 0) await this.flush(spec, w, tally, batch);
      return;
    }
    const cross = spec.checkAll?.(whole, refs) ?? [];
    tally.add(cross);
    const dropped = new Set(cross.map((e) => e.line));
    if (unitOf) for (const { line, unit } of whole) if (dropped.has(line)) badUnits.add(unit);
    const kept: object[] = [];
    for (const { line, rec, unit } of whole) {
      if (dropped.has(line)) continue;
      if (badUnits.has(unit)) {
        tally.add([{ line, column: unitOf!.column, value: unit, reason: reasons.unitRejected(unitOfKey.get(unit)!) }]);
        continue;
      }
      kept.push(rec);
    }
    await this.write(spec, w, tally, kept, kept);
  }

  /**
   * Writes one batch of a streamed entity less its duplicates within the file: a key twice in the batch, or a key
   * an earlier batch had (the writer keeps the keys, so memory stays flat for a 1,000,000-row file). The later
   * line is the error, the first one stands.
   */
  private async flush(spec: AnySpec, w: Writer & ImportWriter, tally: Tally, batch: Keyed[]): Promise<void> {
    const inBatch = new Set<string>();
    const duplicate = (b: Keyed): RowProblem => ({
      line: b.line,
      column: spec.keyColumn,
      value: b.value,
      reason: reasons.duplicate,
    });
    const errors: RowProblem[] = [];
    const fresh: Keyed[] = [];
    for (const b of batch) {
      if (inBatch.has(b.key)) errors.push(duplicate(b));
      else {
        inBatch.add(b.key);
        fresh.push(b);
      }
    }
    const earlier = await w.markSeen(fresh.map((b) => b.key));
    const kept: object[] = [];
    for (const b of fresh) {
      if (earlier.has(b.key)) errors.push(duplicate(b));
      else kept.push(b.rec);
    }
    tally.add(errors);
    await this.write(spec, w, tally, kept, kept);
  }

  /** Plans `records` against the stored rows (loaded IMPORT_BATCH keys at a time) and writes the changes. */
  private async write(spec: AnySpec, w: Writer, tally: Tally, records: object[], all: object[]): Promise<void> {
    if (!tally.writing || records.length === 0) return;
    const inserts: object[] = [];
    const updates: object[] = [];
    for (let i = 0; i < records.length; i += IMPORT_BATCH) {
      const chunk = records.slice(i, i + IMPORT_BATCH);
      const stored = new Map((await w.load(spec.entity, chunk)).map((s) => [spec.key(s), s]));
      for (const rec of chunk) {
        const { verdict, record } = decide(spec, rec, stored.get(spec.key(rec)));
        if (verdict === 'insert') {
          tally.counts.inserted++;
          inserts.push(record);
        } else if (verdict === 'update') {
          tally.counts.updated++;
          updates.push(record);
        } else {
          tally.counts.unchanged++;
          if (verdict === 'older') tally.counts.older++;
        }
      }
    }
    const { removed } = await w.apply(spec.entity, { inserts, updates, all });
    tally.counts.removed += removed;
    tally.touched.add(inserts);
    tally.touched.add(updates);
    if (removed > 0) tally.touched.add(all);
  }
}

async function loadRefs(w: ImportWriter, kinds: readonly RefKind[]): Promise<Refs> {
  const refs = {} as Record<RefKind, ReadonlyMap<string, string>>;
  for (const kind of SPECS_REF_KINDS) refs[kind] = kinds.includes(kind) ? await w.references(kind) : new Map();
  return refs;
}
