import type { ImportReason } from './messages.js';

/** The entity names of the import contract (DESIGN.md "Imports"), in the order a fresh database loads them. */
export const IMPORT_ENTITIES = [
  'managers',
  'dealers',
  'contacts',
  'stores',
  'products',
  'prices',
  'hq-stock',
  'dealer-stock',
  'pos',
  'orders',
  'receivables',
  'payments',
] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export function isImportEntity(name: string): name is ImportEntity {
  return (IMPORT_ENTITIES as readonly string[]).includes(name);
}

/** One problem a person can act on: where (line, column), what (value) and why (reason, as a value). */
export interface RowProblem {
  line: number;
  column: string;
  /** The cell as read; for a rejected unit, its key (the wording names the unit). */
  value: string;
  reason: ImportReason;
}

/** A RowProblem as worded for HQ operators (bot/replies): the errors of the import contract (DESIGN.md). */
export interface RowError {
  line: number;
  column: string;
  value: string;
  reason: string;
}

/** Words a problem (injected by the composition root: core holds no user text). */
export type DescribeProblem = (problem: RowProblem) => RowError;

/**
 * What a file reader yields, in file order: the header (CSV, XLSX), each data record with its line (CSV/NDJSON
 * line, XLSX row), or a row the reader could not read at all.
 */
export type SourceItem =
  | { kind: 'header'; line: number; columns: string[] }
  | { kind: 'record'; line: number; record: Readonly<Record<string, string>> }
  | { kind: 'error'; error: RowProblem };

export interface ImportCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows older than what is stored (by the source's modified time): ignored, also counted as unchanged. */
  older: number;
  /** Stored rows a whole-unit row set replaced (dealer stock of a dealer and date, lines of an ERP bill). */
  removed: number;
}

export type ImportMode = 'all' | 'partial' | 'dry_run';
export type ImportStatus = 'applied' | 'partial' | 'rejected' | 'dry_run' | 'failed';

export interface ImportResult extends ImportCounts {
  runId: number;
  entity: ImportEntity;
  status: ImportStatus;
  /** The first MAX_REPORTED_ERRORS errors; errorCount has them all. */
  errors: RowError[];
  errorCount: number;
  /** The after-commit follow-up (recomputing the touched dealers), when one ran. */
  afterCommit?: 'done' | 'failed';
}

/** Errors kept in a result and in import_runs; the count is always exact. */
export const MAX_REPORTED_ERRORS = 1000;
