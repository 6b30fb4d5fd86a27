import type { Notifier } from '../common/notifier.port.js';
import type { UnitOfWork } from '../messaging/ports.js';
import type { ImportService } from './import.service.js';
import { type FileSummary, MANAGER_OFFERABLE, OFFER_TTL_DAYS } from './offers.js';
import type { ImportEntity, ImportResult, ImportStatus, SourceItem } from './types.js';

/**
 * A file an account manager sent in chat, staged for HQ: HQ previews it (a dry run), applies it through the one
 * ImportService, or rejects it; the sender is told either way. Nothing is imported without HQ.
 */

/** `expired`: still pending past its expiry (derived when read). `applying`: HQ's apply is running. */
export type OfferStatus = 'pending' | 'applying' | 'applied' | 'rejected' | 'expired';
export const OFFER_STATUSES: readonly OfferStatus[] = ['pending', 'applying', 'applied', 'rejected', 'expired'];

/** The staged file itself. */
export interface OfferFile {
  name: string;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gbk';
  sha256: string;
  bytes: Uint8Array;
}

/** What an import run of the offer came to (the last preview or apply). */
export interface OfferOutcome {
  runId: number;
  status: ImportStatus;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errorCount: number;
}

export interface ImportOffer {
  id: number;
  managerCode: string;
  /** The channel the file came on (kf, sandbox …). */
  channel: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  sizeBytes: number;
  entity: ImportEntity;
  rows: number;
  dealerCodes: string[];
  status: OfferStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: string | null;
  /** The last run (preview or apply). */
  last: OfferOutcome | null;
}

export interface NewOffer {
  /** The chat message that carried the file: an offer is staged once per message (a redelivery finds it). */
  inboundId: number;
  managerCode: string;
  channel: string;
  file: OfferFile;
  summary: FileSummary;
  createdAt: Date;
  expiresAt: Date;
}

/** Where offers are kept. Reads derive `expired` from `now`. */
export interface ImportOfferStore {
  /**
   * Stages the offer, or answers the one already staged for its message. The files of offers that have expired by
   * then are dropped (their rows stay, as history).
   */
  stage(offer: NewOffer): Promise<ImportOffer>;
  get(id: number, now: Date): Promise<ImportOffer | null>;
  /** Newest first. */
  list(q: { status?: OfferStatus; limit: number }, now: Date): Promise<ImportOffer[]>;
  /** The staged file; null once the offer is decided or its file was dropped after expiry. */
  file(id: number): Promise<OfferFile | null>;
  /** pending and unexpired → applying (or a claim left `since` before `staleBefore` by a crashed apply); true when taken. */
  claim(id: number, now: Date, staleBefore: Date): Promise<boolean>;
  /**
   * Records a run of the offer; `status` moves it (applying → pending after a rejected apply, → applied; an applied
   * offer's file is dropped).
   */
  record(
    id: number,
    outcome: OfferOutcome,
    change?: { status: 'pending' | 'applied'; at: Date; by: string },
  ): Promise<void>;
  /** pending (or expired) → rejected, its file dropped; false when it was no longer pending. */
  reject(id: number, d: { at: Date; by: string; reason: string | null }): Promise<boolean>;
}

/** Which dealers are a manager's (an account manager's own, a regional manager's region). */
export interface ManagerScope {
  /** The codes among `dealerCodes` that are not the manager's dealers (unknown codes included), sorted. */
  dealersOutside(managerCode: string, dealerCodes: readonly string[]): Promise<string[]>;
}

export type StageOutcome =
  | { kind: 'staged'; offer: ImportOffer }
  /** Data only HQ or the ERP imports. */
  | { kind: 'hq_only'; entity: ImportEntity }
  | { kind: 'empty'; entity: ImportEntity }
  /** Rows about dealers that are not the manager's (or about no dealer): nothing staged. */
  | { kind: 'outside_scope'; entity: ImportEntity; dealers: string[]; rowsWithoutDealer: number };

const DAY_MS = 86_400_000;
/** An apply that has not finished after this long is taken to have died with its process. */
const STALE_APPLY_MS = 15 * 60_000;

/** The turn's side: a manager's file becomes an offer when it is theirs to offer. */
export class ImportOfferDesk {
  constructor(
    private readonly store: Pick<ImportOfferStore, 'stage'>,
    private readonly scope: ManagerScope,
  ) {}

  /**
   * @example
   * await desk.stage({ inboundId: 42, managerCode: 'M001', channel: 'kf', file, summary, now })
   * // { kind: 'staged', offer: { id: 1, entity: 'pos', rows: 1204, status: 'pending' … } }
   */
  async stage(input: {
    inboundId: number;
    managerCode: string;
    channel: string;
    file: OfferFile;
    summary: FileSummary;
    now: Date;
  }): Promise<StageOutcome> {
    const { summary } = input;
    if (!MANAGER_OFFERABLE.has(summary.entity)) return { kind: 'hq_only', entity: summary.entity };
    if (summary.rows === 0) return { kind: 'empty', entity: summary.entity };
    const outside = await this.scope.dealersOutside(input.managerCode, summary.dealerCodes);
    if (outside.length > 0 || summary.rowsWithoutDealer > 0) {
      return {
        kind: 'outside_scope',
        entity: summary.entity,
        dealers: outside,
        rowsWithoutDealer: summary.rowsWithoutDealer,
      };
    }
    const offer = await this.store.stage({
      inboundId: input.inboundId,
      managerCode: input.managerCode,
      channel: input.channel,
      file: input.file,
      summary,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + OFFER_TTL_DAYS * DAY_MS),
    });
    return { kind: 'staged', offer };
  }
}

/** What the sender is told when HQ decides (bot/replies words it). */
export interface OfferNotices {
  applied(offer: ImportOffer, result: ImportResult): string;
  rejected(offer: ImportOffer, reason: string | null): string;
}

/** One transaction's offers, the managers' scope and the outbox. */
export interface OfferReviewScope {
  offers: ImportOfferStore;
  scope: ManagerScope;
  notifier: Notifier;
}

export type ReviewOutcome =
  | { kind: 'not_found' }
  /** Already applied or rejected, or being applied. */
  | { kind: 'closed'; offer: ImportOffer }
  | { kind: 'expired'; offer: ImportOffer }
  /** The manager's dealers changed since: rows are no longer theirs. */
  | { kind: 'outside_scope'; offer: ImportOffer; dealers: string[] }
  | { kind: 'done'; offer: ImportOffer; result?: ImportResult };

/** HQ's side: list, preview, apply, reject. */
export class ImportOfferReview {
  constructor(
    private readonly deps: {
      uow: UnitOfWork<OfferReviewScope>;
      importer: ImportService;
      /** The staged file's header and rows. */
      read: (file: OfferFile) => AsyncIterable<SourceItem>;
      notices: OfferNotices;
      now: () => Date;
    },
  ) {}

  list(q: { status?: OfferStatus; limit: number }): Promise<ImportOffer[]> {
    return this.deps.uow.root.offers.list(q, this.deps.now());
  }

  get(id: number): Promise<ImportOffer | null> {
    return this.deps.uow.root.offers.get(id, this.deps.now());
  }

  /** A dry run of the staged file: counts and problems, nothing kept; the offer stays pending. */
  async preview(id: number, by: string): Promise<ReviewOutcome> {
    const open = await this.openOffer(id);
    if (open.kind !== 'done') return open;
    const result = await this.run(open.offer, 'dry_run', by);
    await this.deps.uow.root.offers.record(id, outcomeOf(result));
    return { kind: 'done', offer: (await this.get(id))!, result };
  }

  /**
   * Imports the staged file (all or nothing, or its good rows with `partial`). A file the import rejects stays
   * pending with its errors; once applied, the sender is told with the counts.
   */
  async apply(id: number, opts: { by: string; partial?: boolean }): Promise<ReviewOutcome> {
    const open = await this.openOffer(id);
    if (open.kind !== 'done') return open;
    const now = this.deps.now();
    if (!(await this.deps.uow.root.offers.claim(id, now, new Date(now.getTime() - STALE_APPLY_MS)))) {
      return { kind: 'closed', offer: (await this.get(id))! };
    }
    let result: ImportResult;
    try {
      result = await this.run(open.offer, opts.partial ? 'partial' : 'all', opts.by);
    } catch (e) {
      await this.deps.uow.root.offers.record(id, FAILED_RUN, { status: 'pending', at: now, by: opts.by });
      throw e;
    }
    const applied = result.status === 'applied' || result.status === 'partial';
    await this.deps.uow.transaction(async ({ offers, notifier }) => {
      const at = this.deps.now();
      await offers.record(id, outcomeOf(result), { status: applied ? 'applied' : 'pending', at, by: opts.by });
      if (!applied) return;
      await notifier.toManager(open.offer.managerCode, this.deps.notices.applied(open.offer, result), {
        dedupeKey: `import-offer:${id}:applied`,
        kind: 'import.offer',
      });
    });
    return { kind: 'done', offer: (await this.get(id))!, result };
  }

  /** Closes a pending (or expired) offer without importing it; the sender is told why. */
  async reject(id: number, opts: { by: string; reason?: string }): Promise<ReviewOutcome> {
    const reason = opts.reason?.trim() || null;
    return this.deps.uow.transaction(async ({ offers, notifier }) => {
      const now = this.deps.now();
      const offer = await offers.get(id, now);
      if (!offer) return { kind: 'not_found' } as const;
      if (!(await offers.reject(id, { at: now, by: opts.by, reason }))) return { kind: 'closed', offer } as const;
      await notifier.toManager(offer.managerCode, this.deps.notices.rejected(offer, reason), {
        dedupeKey: `import-offer:${id}:rejected`,
        kind: 'import.offer',
      });
      return { kind: 'done', offer: (await offers.get(id, now))! } as const;
    });
  }

  /** The offer when it can still be previewed or applied: pending, unexpired, every row still the sender's. */
  private async openOffer(id: number): Promise<ReviewOutcome> {
    const { offers, scope } = this.deps.uow.root;
    const offer = await offers.get(id, this.deps.now());
    if (!offer) return { kind: 'not_found' };
    if (offer.status === 'expired') return { kind: 'expired', offer };
    if (offer.status !== 'pending') return { kind: 'closed', offer };
    const outside = await scope.dealersOutside(offer.managerCode, offer.dealerCodes);
    if (outside.length > 0) return { kind: 'outside_scope', offer, dealers: outside };
    return { kind: 'done', offer };
  }

  private async run(offer: ImportOffer, mode: 'dry_run' | 'all' | 'partial', by: string): Promise<ImportResult> {
    const file = await this.deps.uow.root.offers.file(offer.id);
    if (!file) throw new Error(`import offer ${offer.id} has no stored file`);
    return this.deps.importer.run({
      entity: offer.entity,
      items: this.deps.read(file),
      source: file.name,
      sha256: file.sha256,
      who: `${by} (offer ${offer.id} from ${offer.managerCode})`,
      mode,
    });
  }
}

const FAILED_RUN: OfferOutcome = {
  runId: 0,
  status: 'failed',
  rows: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  errorCount: 0,
};

function outcomeOf(r: ImportResult): OfferOutcome {
  return {
    runId: r.runId,
    status: r.status,
    rows: r.rows,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    errorCount: r.errorCount,
  };
}
