/** The import entities an ERP feeds. */
export type ErpEntity = 'orders' | 'receivables' | 'hq-stock';

/** One form (table) of the ERP the sync reads, and the import entity its rows become. */
export interface ErpFeed {
  /** The source's name of the form (Kingdee FormId, e.g. SAL_SaleOrder). */
  form: string;
  entity: ErpEntity;
  /** Read by modified time from a watermark; false: read whole on every sync (stock on hand has no bill date). */
  incremental: boolean;
  /** Bills that can be deleted at the source: reconciled by id over a window of bill dates. */
  reconcile: boolean;
}

/** One source row, already mapped to import columns, with the source ids the sync tracks. */
export interface ErpRow {
  /** Import columns (adapters/imports/README.md) → cell text. */
  record: Readonly<Record<string, string>>;
  /** The source bill's id (Kingdee FID); '' for rows that are not bills. */
  billId: string;
  /** Unique per source row (bill id + entry id): a row read twice in one sync is imported once. */
  rowKey: string;
  /** The bill's natural key in our data (orders: the bill id; receivables: the bill number). */
  billKey: string;
  /** The bill's date (YYYY-MM-DD), what reconciliation windows on. */
  billDate: string | null;
  /** The source's modified time (ISO instant), what the watermark follows. */
  modifiedAt: string | null;
}

/**
 * An ERP behind the sync (Kingdee K/3 Cloud today; see adapters/erp/README.md for what U8 needs). Pages are read
 * lazily: a failure mid-way throws out of the iteration, and the sync's import is rolled back whole.
 */
export interface ErpConnector {
  /** A short name recorded with watermarks and runs ('kingdee'). */
  readonly source: string;
  readonly feeds: readonly ErpFeed[];
  /** Rows of a form modified at or after `since` (every row when null), in the source's modified order. */
  rows(form: string, since: Date | null): AsyncIterable<ErpRow[]>;
  /** Rows of the given bills. */
  rowsOfBills(form: string, billIds: readonly string[]): AsyncIterable<ErpRow[]>;
  /** Ids of the bills dated from `from` up to and including `to` (YYYY-MM-DD) that exist at the source now. */
  billIds(form: string, from: string, to: string): Promise<Set<string>>;
}

/** A bill the sync has imported, remembered for reconciliation. */
export interface ErpBillRef {
  billId: string;
  billKey: string;
  billDate: string | null;
}

/** What bills deleted at the source did here. */
export interface ErpRemoval {
  /** Orders marked cancelled. */
  cancelled: number;
  /** Receivables deleted. */
  deleted: number;
  /** Receivables kept because payments refer to them (they stay listed for a person to settle). */
  kept: number;
}

/** The sync's own state: per-form watermarks and the bills it imported. */
export interface ErpSyncStore {
  /** The newest source modified time imported for a form, or null before the first sync. */
  watermark(source: string, form: string): Promise<Date | null>;
  saveWatermark(source: string, form: string, through: Date, at: Date): Promise<void>;
  rememberBills(source: string, form: string, bills: readonly ErpBillRef[]): Promise<void>;
  /** Bills imported from a form dated from `from` to `to` inclusive: bill id → bill key. */
  knownBills(source: string, form: string, from: string, to: string): Promise<Map<string, string>>;
  /**
   * Bills gone at the source: orders become cancelled, receivables are deleted unless payments refer to them.
   * Forgets them (except the kept ones) in one transaction.
   */
  removeBills(
    source: string,
    form: string,
    entity: ErpEntity,
    bills: readonly { billId: string; billKey: string }[],
    at: Date,
  ): Promise<ErpRemoval>;
}
