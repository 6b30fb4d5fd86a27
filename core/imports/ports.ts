import type { EntityRecords, RefKind } from './entity.types.js';
import type { TouchedDealers } from './touched.js';
import type { ImportCounts, ImportEntity, ImportMode, ImportStatus, RowError } from './types.js';

export interface ImportRunStart {
  entity: ImportEntity;
  /** The file name (or 'api'), never its content. */
  source: string;
  sha256: string;
  who: string;
  mode: ImportMode;
  startedAt: Date;
}

export interface ImportRunEnd {
  status: ImportStatus;
  finishedAt: Date;
  counts: ImportCounts;
  errorCount: number;
  /** Already capped by the service. */
  errors: RowError[];
}

export interface ImportRunSummary extends ImportRunStart {
  id: number;
  status: ImportStatus | 'running';
  finishedAt: Date | null;
  counts: Partial<ImportCounts>;
  errorCount: number;
}

/** Changes of one batch (or of a whole-file entity), already decided by the service. */
export interface ImportChanges<R> {
  inserts: R[];
  updates: R[];
  /** Every valid record of the batch, changed or not: what whole-unit replaces (snapshots, bills) keep. */
  all: R[];
}

/** Reads and writes of one import, inside its transaction. */
export interface ImportWriter {
  /** Every stored key of a kind with its attribute (see RefKind). */
  references(kind: RefKind): Promise<ReadonlyMap<string, string>>;
  /** The stored records with the natural keys of `records` (same shape, every field defined). */
  load<E extends ImportEntity>(entity: E, records: readonly EntityRecords[E][]): Promise<EntityRecords[E][]>;
  /**
   * Records natural keys as seen by this import (kept by the store, so memory does not grow with the file) and
   * returns those an earlier batch of the same import already had: duplicates within the file.
   */
  markSeen(keys: readonly string[]): Promise<Set<string>>;
  /** Writes the changes (≤ 1,000 rows per statement); returns how many stored rows a unit replace removed. */
  apply<E extends ImportEntity>(entity: E, changes: ImportChanges<EntityRecords[E]>): Promise<{ removed: number }>;
}

/**
 * Where imports go: the database. Everything an import writes happens in one transaction; runs are recorded
 * outside it, so a rejected or failed run is still listed.
 *
 * @example
 * await store.transaction(async (w) => {
 *   const stored = await w.load('pos', batch);
 *   await w.apply('pos', { inserts, updates, all: batch });
 * });
 */
export interface ImportStore {
  /** Runs fn in one transaction: its writes commit together when it resolves and none do when it throws. */
  transaction<T>(fn: (writer: ImportWriter) => Promise<T>): Promise<T>;
  startRun(run: ImportRunStart): Promise<number>;
  finishRun(id: number, end: ImportRunEnd): Promise<void>;
  /** The newest runs first; with `beforeId`, the page of runs older than that one. */
  listRuns(limit: number, beforeId?: number): Promise<ImportRunSummary[]>;
  /** The stored (capped) errors of a run; null when there is no such run. */
  runErrors(id: number): Promise<RowError[] | null>;
}

/**
 * What an export reads: every stored record of an entity in its import shape (every field defined), streamed in
 * natural-key order a page at a time. Data stored without the entity's natural key (no such rows are created today)
 * is left out.
 */
export interface ExportSource {
  records<E extends ImportEntity>(entity: E): AsyncIterable<EntityRecords[E]>;
  /** Whether any stored record has a value for an optional column beyond the contract's fixed header. */
  usesExtension(entity: ImportEntity, column: string): Promise<boolean>;
}

/** An import that committed rows, with the dealers whose derived answers it changed. */
export interface ImportCommit {
  runId: number;
  entity: ImportEntity;
  dealers: TouchedDealers;
  at: Date;
}

/** Told once per committed run (not for dry runs, rejected files or runs that wrote nothing). */
export type ImportCommitListener = (commit: ImportCommit) => Promise<void>;
