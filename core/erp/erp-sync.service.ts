import { createHash } from 'node:crypto';
import { shanghaiDate } from '../common/time.js';
import type { ImportService } from '../imports/import.service.js';
import type { ImportResult, SourceItem } from '../imports/types.js';
import type { ErpBillRef, ErpConnector, ErpFeed, ErpRemoval, ErpRow, ErpSyncStore } from './ports.js';

const DAY_MS = 86_400_000;
const NO_REMOVAL: ErpRemoval = { cancelled: 0, deleted: 0, kept: 0 };
/** Bills fetched by id per request when reconciliation finds some missing here. */
const REFETCH_BATCH = 200;

export interface ErpSyncOptions {
  /** Re-read this much before the watermark: rows committed late at the source with an earlier modified time. */
  overlapMs: number;
  /** Reconciliation compares bill ids over this many days of bill dates, up to today. */
  reconcileDays: number;
  now?: () => Date;
}

/** One form's sync: the import run's counts, and the window it read. */
export interface ErpFormSync {
  form: string;
  entity: ErpFeed['entity'];
  /** Rows modified at or after this were read (null: the whole form). */
  from: string | null;
  /** The form's watermark after the sync. */
  watermark: string | null;
  runId: number | null;
  status: ImportResult['status'] | 'failed';
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: number;
  /** Set when the form could not be synced (nothing of it applied; the next sync reads the same window). */
  error?: string;
}

export interface ErpFormReconcile extends ErpRemoval {
  form: string;
  from: string;
  to: string;
  /** Bills of the window at the source, and here. */
  atSource: number;
  known: number;
  /** Bills at the source the sync had not imported (e.g. skipped by pages shifting mid-sync): imported now. */
  fetched: number;
  error?: string;
}

/**
 * Pulls an ERP's forms into the import service — the same validation, natural keys (ERP bill id + entry id),
 * older-than-stored rule and run records as a file import — incrementally by the source's modified time.
 *
 * Each form is one import run in `partial` mode: a bad row is reported (import_runs) and skipped, the rest applied.
 * A failure while paging rolls that form's run back whole and leaves its watermark where it was, so the next sync
 * reads the same window again: nothing is applied twice or half. The watermark is the newest source modified time
 * read; the next sync starts `overlapMs` before it, and rows read again are `unchanged`.
 *
 * @example
 * const sync = new ErpSyncService(kingdee, erpStore, importStore, { overlapMs: 600_000, reconcileDays: 90 });
 * await sync.sync({ who: 'scheduler' }); // [{ form: 'SAL_SaleOrder', inserted: 12, … }, …]
 */
export class ErpSyncService {
  private readonly now: () => Date;

  constructor(
    private readonly connector: ErpConnector,
    private readonly store: ErpSyncStore,
    private readonly imports: ImportService,
    private readonly opts: ErpSyncOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  get forms(): string[] {
    return this.connector.feeds.map((f) => f.form);
  }

  /** Syncs every form (or one), one after another; a form that fails does not stop the others. */
  async sync(opts: { who: string; form?: string; since?: Date }): Promise<ErpFormSync[]> {
    const feeds = this.feeds(opts.form);
    const out: ErpFormSync[] = [];
    for (const feed of feeds) out.push(await this.syncForm(feed, opts));
    return out;
  }

  /**
   * Weekly: the bill ids of the last `reconcileDays` days at the source against the bills the sync imported.
   * Gone at the source → orders cancelled, receivables deleted (kept when payments refer to them); at the source but
   * never imported → fetched and imported now.
   */
  async reconcile(opts: { who: string; form?: string }): Promise<ErpFormReconcile[]> {
    const to = shanghaiDate(this.now());
    const from = shanghaiDate(new Date(this.now().getTime() - (this.opts.reconcileDays - 1) * DAY_MS));
    const out: ErpFormReconcile[] = [];
    for (const feed of this.feeds(opts.form).filter((f) => f.reconcile)) {
      const report: ErpFormReconcile = { form: feed.form, from, to, atSource: 0, known: 0, fetched: 0, ...NO_REMOVAL };
      try {
        const source = this.connector.source;
        const atSource = await this.connector.billIds(feed.form, from, to);
        const known = await this.store.knownBills(source, feed.form, from, to);
        Object.assign(report, { atSource: atSource.size, known: known.size });
        const gone = [...known].filter(([id]) => !atSource.has(id)).map(([billId, billKey]) => ({ billId, billKey }));
        if (gone.length > 0) {
          Object.assign(report, await this.store.removeBills(source, feed.form, feed.entity, gone, this.now()));
        }
        const missing = [...atSource].filter((id) => !known.has(id));
        for (let i = 0; i < missing.length; i += REFETCH_BATCH) {
          const ids = missing.slice(i, i + REFETCH_BATCH);
          const run = await this.importRows(feed, this.connector.rowsOfBills(feed.form, ids), opts.who, 'ids');
          report.fetched += run.bills.length;
        }
      } catch (e) {
        report.error = (e as Error).message;
      }
      out.push(report);
    }
    return out;
  }

  private feeds(form: string | undefined): readonly ErpFeed[] {
    if (form === undefined) return this.connector.feeds;
    const feed = this.connector.feeds.find((f) => f.form === form);
    if (!feed) throw new RangeError(`unknown ERP form ${form}: ${this.forms.join(', ')}`);
    return [feed];
  }

  private async syncForm(feed: ErpFeed, opts: { who: string; since?: Date }): Promise<ErpFormSync> {
    const source = this.connector.source;
    const stored = feed.incremental ? await this.store.watermark(source, feed.form) : null;
    const from = !feed.incremental
      ? null
      : (opts.since ?? (stored ? new Date(stored.getTime() - this.opts.overlapMs) : null));
    const base = { form: feed.form, entity: feed.entity, from: from?.toISOString() ?? null };
    try {
      const window = from?.toISOString() ?? 'all';
      const run = await this.importRows(feed, this.connector.rows(feed.form, from), opts.who, window);
      let watermark = stored;
      if (feed.incremental && run.newest && (!stored || run.newest > stored)) {
        watermark = run.newest;
        await this.store.saveWatermark(source, feed.form, watermark, this.now());
      }
      const r = run.result;
      return {
        ...base,
        watermark: watermark?.toISOString() ?? null,
        runId: r.runId,
        status: r.status,
        rows: r.rows,
        inserted: r.inserted,
        updated: r.updated,
        unchanged: r.unchanged,
        errors: r.errorCount,
      };
    } catch (e) {
      return {
        ...base,
        watermark: stored?.toISOString() ?? null,
        runId: null,
        status: 'failed',
        rows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        errors: 0,
        error: (e as Error).message,
      };
    }
  }

  /**
   * One import run of the rows of `pages`: each source row once (pages may overlap when the source shifts),
   * lines numbered in read order. Remembers the bills of an applied run for reconciliation.
   */
  private async importRows(feed: ErpFeed, pages: AsyncIterable<ErpRow[]>, who: string, query: string) {
    const seen = new Set<string>();
    const bills = new Map<string, ErpBillRef>();
    let newest: Date | null = null;
    async function* items(): AsyncGenerator<SourceItem> {
      let line = 0;
      for await (const page of pages) {
        for (const row of page) {
          if (seen.has(row.rowKey)) continue;
          seen.add(row.rowKey);
          line++;
          if (row.modifiedAt) {
            const at = new Date(row.modifiedAt);
            if (!newest || at > newest) newest = at;
          }
          if (feed.reconcile && row.billId) {
            bills.set(row.billId, { billId: row.billId, billKey: row.billKey, billDate: row.billDate });
          }
          yield { kind: 'record', line, record: row.record };
        }
      }
    }
    const result = await this.imports.run({
      entity: feed.entity,
      items: items(),
      source: `${this.connector.source}:${feed.form}`,
      // There is no file: the run records the hash of what it asked the source for.
      sha256: createHash('sha256').update(`${this.connector.source}|${feed.form}|${query}`).digest('hex'),
      who,
      mode: 'partial',
    });
    if (bills.size > 0) await this.store.rememberBills(this.connector.source, feed.form, [...bills.values()]);
    return { result, newest: newest as Date | null, bills: [...bills.values()] };
  }
}
