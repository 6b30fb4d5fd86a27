import type { Kysely, Selectable } from 'kysely';
import type {
  ImportOffer,
  ImportOfferStore,
  ManagerScope,
  NewOffer,
  OfferFile,
  OfferOutcome,
  OfferStatus,
} from '../../core/imports/offer.service.js';
import type { ImportEntity } from '../../core/imports/types.js';
import type { Database, ImportOffersTable } from '../schema.js';
import { dealerInScope } from './dealer-search.repository.js';

type OfferRow = Omit<Selectable<ImportOffersTable>, 'content'>;

const COLUMNS = [
  'id',
  'inbound_id',
  'manager_code',
  'channel',
  'file_name',
  'format',
  'encoding',
  'sha256',
  'size_bytes',
  'entity',
  'rows',
  'dealer_codes',
  'status',
  'created_at',
  'expires_at',
  'claimed_at',
  'decided_at',
  'decided_by',
  'reason',
  'last_run',
] as const;

function toOffer(r: OfferRow, now: Date): ImportOffer {
  const expired = r.status === 'pending' && new Date(r.expires_at).getTime() <= now.getTime();
  return {
    id: r.id,
    managerCode: r.manager_code,
    channel: r.channel,
    fileName: r.file_name,
    format: r.format,
    sizeBytes: r.size_bytes,
    entity: r.entity as ImportEntity,
    rows: r.rows,
    dealerCodes: r.dealer_codes,
    status: expired ? 'expired' : r.status,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    decidedBy: r.decided_by,
    reason: r.reason,
    last: (r.last_run as OfferOutcome | null) ?? null,
  };
}

/** core/imports' offer store and the managers' dealer scope on Kysely. */
export class ImportOffersRepository implements ImportOfferStore, ManagerScope {
  constructor(private readonly db: Kysely<Database>) {}

  async stage(o: NewOffer): Promise<ImportOffer> {
    // Files of offers that expired are no longer needed: each new offer drops them (few, and indexed by status).
    await this.db
      .updateTable('import_offers')
      .set({ content: null })
      .where('status', '=', 'pending')
      .where('expires_at', '<=', o.createdAt)
      .where('content', 'is not', null)
      .execute();
    await this.db
      .insertInto('import_offers')
      .values({
        inbound_id: o.inboundId,
        manager_code: o.managerCode,
        channel: o.channel,
        file_name: o.file.name,
        format: o.file.format,
        encoding: o.file.encoding,
        sha256: o.file.sha256,
        size_bytes: o.file.bytes.byteLength,
        content: o.file.bytes,
        entity: o.summary.entity,
        rows: o.summary.rows,
        dealer_codes: o.summary.dealerCodes,
        created_at: o.createdAt,
        expires_at: o.expiresAt,
      })
      .onConflict((oc) => oc.column('inbound_id').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('import_offers')
      .select(COLUMNS)
      .where('inbound_id', '=', String(o.inboundId))
      .executeTakeFirstOrThrow();
    return toOffer(row, o.createdAt);
  }

  async get(id: number, now: Date): Promise<ImportOffer | null> {
    const row = await this.db.selectFrom('import_offers').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toOffer(row, now) : null;
  }

  async list(q: { status?: OfferStatus; limit: number }, now: Date): Promise<ImportOffer[]> {
    let query = this.db.selectFrom('import_offers').select(COLUMNS).orderBy('id', 'desc').limit(q.limit);
    if (q.status === 'expired') query = query.where('status', '=', 'pending').where('expires_at', '<=', now);
    else if (q.status === 'pending') query = query.where('status', '=', 'pending').where('expires_at', '>', now);
    else if (q.status) query = query.where('status', '=', q.status);
    return (await query.execute()).map((r) => toOffer(r, now));
  }

  async file(id: number): Promise<OfferFile | null> {
    const r = await this.db
      .selectFrom('import_offers')
      .select(['file_name', 'format', 'encoding', 'sha256', 'content'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r?.content) return null;
    return { name: r.file_name, format: r.format, encoding: r.encoding, sha256: r.sha256, bytes: r.content };
  }

  async claim(id: number, now: Date, staleBefore: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('import_offers')
      .set({ status: 'applying', claimed_at: now })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)]),
          eb.and([eb('status', '=', 'applying'), eb('claimed_at', '<', staleBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async record(
    id: number,
    outcome: OfferOutcome,
    change?: { status: 'pending' | 'applied'; at: Date; by: string },
  ): Promise<void> {
    let q = this.db.updateTable('import_offers').set({ last_run: JSON.stringify(outcome) });
    // Once applied the file is no longer needed (the import run keeps its SHA-256).
    if (change?.status === 'applied') {
      q = q.set({ status: 'applied', decided_at: change.at, decided_by: change.by, content: null });
    } else if (change) q = q.set({ status: 'pending', claimed_at: null });
    await q.where('id', '=', id).execute();
  }

  async reject(id: number, d: { at: Date; by: string; reason: string | null }): Promise<boolean> {
    const r = await this.db
      .updateTable('import_offers')
      .set({ status: 'rejected', decided_at: d.at, decided_by: d.by, reason: d.reason, content: null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async dealersOutside(managerCode: string, dealerCodes: readonly string[]): Promise<string[]> {
    if (dealerCodes.length === 0) return [];
    const manager = await this.db
      .selectFrom('managers')
      .select(['code', 'role'])
      .where('code', '=', managerCode)
      .executeTakeFirst();
    if (!manager) return [...dealerCodes].sort();
    const inScope = new Set<string>();
    // A file names a few hundred dealers at most; chunks keep the parameter list bounded.
    for (let i = 0; i < dealerCodes.length; i += 1000) {
      const chunk = dealerCodes.slice(i, i + 1000);
      const rows = await this.db
        .selectFrom('dealers as d')
        .select('d.code')
        .where('d.code', 'in', chunk)
        .where(dealerInScope(manager))
        .execute();
      for (const r of rows) inScope.add(r.code);
    }
    return dealerCodes.filter((c) => !inScope.has(c)).sort();
  }
}
