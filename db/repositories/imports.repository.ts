import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { formatOptionsSpec, parseOptionsSpec } from '../../core/catalog/options.js';
import { shanghaiDate, shanghaiMidnight } from '../../core/common/time.js';
import type {
  ContactRecord,
  DealerRecord,
  DealerStockRecord,
  EntityRecords,
  HqStockRecord,
  ManagerRecord,
  OrderLineRecord,
  PaymentRecord,
  PosRecord,
  PriceRecord,
  ProductRecord,
  ReceivableRecord,
  RefKind,
  StoreRecord,
} from '../../core/imports/entity.types.js';
import type {
  ImportChanges,
  ImportRunEnd,
  ImportRunStart,
  ImportRunSummary,
  ImportStore,
  ImportWriter,
} from '../../core/imports/ports.js';
import type { ImportEntity, ImportStatus, RowError } from '../../core/imports/types.js';
import { formatOrderNo } from '../../core/orders/order.service.js';
import type { Database } from '../schema.js';

/** Rows per statement: PGlite is ~20× slower row by row, and one array parameter per column parses fastest. */
const BATCH = 1000;

type PgType = 'text' | 'int4' | 'int8' | 'date' | 'timestamptz' | 'bool';
type Column = readonly [name: string, type: PgType];

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/** `unnest($1::text[], $2::int4[] …) as alias(c1, c2 …)`: a batch of rows as one relation. */
function unnest(alias: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  const arrays = columns.map(([, type], c) => sql`${rows.map((r) => r[c] ?? null)}::${sql.raw(type)}[]`);
  return sql`unnest(${sql.join(arrays)}) as ${sql.raw(alias)}(${sql.join(columns.map(([n]) => sql.ref(n)))})`;
}

/**
 * `insert into table (cols) select * from unnest(…) on conflict (keys) do update set …` in batches; updates only
 * the `update` columns (none: do nothing).
 */
async function upsert(
  db: Kysely<Database>,
  table: keyof Database & string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
  conflict: readonly string[],
  update: readonly string[],
): Promise<void> {
  const set =
    update.length === 0
      ? sql`do nothing`
      : sql`do update set ${sql.join(update.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`;
  for (const batch of chunks(rows)) {
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map(([n]) => sql.ref(n)))})
      select * from ${unnest('k', columns, batch)}
      on conflict (${sql.join(conflict.map((c) => sql.ref(c)))}) ${set}`.execute(db);
  }
}

/** Creates the regions rows name (market level as given) so dealers and stores can point at them. */
async function upsertRegions(db: Kysely<Database>, recs: readonly (DealerRecord | StoreRecord)[]): Promise<void> {
  const byKey = new Map(recs.map((r) => [`${r.province}|${r.city}|${r.county}`, r]));
  const rows = [...byKey.values()].map((r) => [r.province, r.city, r.county, r.marketLevel]);
  await upsert(
    db,
    'regions',
    [
      ['province', 'text'],
      ['city', 'text'],
      ['county', 'text'],
      ['market_level', 'text'],
    ],
    rows,
    ['province', 'city', 'county'],
    ['market_level'],
  );
}

// --- stored rows as import records (what an import compares with, and what an export writes) ---------------------

export const toManagerRecord = (m: Selectable<Database['managers']>): ManagerRecord => ({
  code: m.code,
  name: m.name,
  role: m.role,
  regionalCode: m.regional_code,
  province: m.province,
  wecomUserid: m.wecom_userid,
  phone: m.phone,
  alertChatId: m.alert_chat_id,
});

export const dealerRows = (db: Kysely<Database>) =>
  db
    .selectFrom('dealers as d')
    .innerJoin('regions as r', 'r.id', 'd.region_id')
    .select(['d.code', 'd.name', 'd.manager_code', 'r.province', 'r.city', 'r.county', 'r.market_level'])
    .select(['d.partnership_start', 'd.tier', 'd.credit_limit_fen', 'd.payment_terms_days', 'd.tags']);

export const toDealerRecord = (d: Awaited<ReturnType<ReturnType<typeof dealerRows>['execute']>>[number]) =>
  ({
    code: d.code,
    name: d.name,
    managerCode: d.manager_code,
    province: d.province,
    city: d.city,
    county: d.county,
    marketLevel: d.market_level,
    partnershipStart: d.partnership_start,
    tier: d.tier,
    creditLimitFen: d.credit_limit_fen,
    paymentTermsDays: d.payment_terms_days,
    tags: d.tags,
  }) satisfies DealerRecord;

export const storeRows = (db: Kysely<Database>) =>
  db
    .selectFrom('stores as s')
    .innerJoin('regions as r', 'r.id', 's.region_id')
    .select(['s.code', 's.dealer_code', 's.name', 's.type', 'r.province', 'r.city', 'r.county', 'r.market_level'])
    .select(['s.opened_on', 's.active']);

export const toStoreRecord = (s: Awaited<ReturnType<ReturnType<typeof storeRows>['execute']>>[number]) =>
  ({
    code: s.code!,
    dealerCode: s.dealer_code,
    name: s.name,
    type: s.type,
    province: s.province,
    city: s.city,
    county: s.county,
    marketLevel: s.market_level,
    openedOn: s.opened_on,
    active: s.active,
  }) satisfies StoreRecord;

export const toProductRecord = (p: Selectable<Database['products']>): ProductRecord => ({
  sku: p.sku,
  name: p.name,
  category: p.category,
  series: p.series,
  unit: p.unit,
  listPriceFen: p.list_price_fen,
  moq: p.moq,
  orderMultiple: p.order_multiple,
  leadTimeDays: p.lead_time_days,
  aliases: p.aliases,
  tags: p.tags,
  active: p.active,
  options: p.options ? formatOptionsSpec(p.options) : '',
});

/** The options column from the record's spec text (checked by the import): null for a stock item. */
function optionsJson(spec: string | undefined): string | null {
  const parsed = spec ? parseOptionsSpec(spec) : null;
  return parsed && !('error' in parsed) ? JSON.stringify(parsed) : null;
}

export const toHqStockRecord = (
  s: Pick<Selectable<Database['hq_stock']>, 'sku' | 'on_hand' | 'reserved' | 'source_modified_at'>,
): HqStockRecord => ({ sku: s.sku, onHand: s.on_hand, reserved: s.reserved, modifiedAt: iso(s.source_modified_at) });

export const orderLineRows = (db: Kysely<Database>) =>
  db
    .selectFrom('orders as o')
    .innerJoin('order_lines as l', 'l.order_no', 'o.order_no')
    .select(['o.erp_bill_id', 'l.erp_entry_id', 'l.line_no', 'o.erp_bill_no', 'o.order_no', 'o.dealer_code'])
    .select(['o.status', 'o.placed_at', 'o.delivery_date', 'l.sku', 'l.qty', 'l.unit_price_fen'])
    .select('o.source_modified_at');

/** An order line; an order that did not come from the ERP is its own bill (bill id = SO number, entry = line). */
export const toOrderLineRecord = (
  r: Awaited<ReturnType<ReturnType<typeof orderLineRows>['execute']>>[number],
): OrderLineRecord => ({
  billId: r.erp_bill_id ?? r.order_no,
  entryId: r.erp_entry_id ?? String(r.line_no),
  billNo: r.erp_bill_no,
  orderNo: r.order_no,
  dealerCode: r.dealer_code,
  status: r.status,
  placedAt: r.placed_at.toISOString(),
  deliveryDate: r.delivery_date,
  sku: r.sku,
  qty: r.qty,
  unitPriceFen: r.unit_price_fen,
  modifiedAt: iso(r.source_modified_at),
});

export const toReceivableRecord = (
  r: Pick<
    Selectable<Database['receivables']>,
    'bill_no' | 'dealer_code' | 'order_no' | 'amount_fen' | 'due_date' | 'created_at' | 'source_modified_at'
  >,
): ReceivableRecord => ({
  billNo: r.bill_no!,
  dealerCode: r.dealer_code,
  orderNo: r.order_no,
  amountFen: r.amount_fen,
  dueDate: r.due_date,
  billDate: shanghaiDate(r.created_at),
  modifiedAt: iso(r.source_modified_at),
});

export const toPaymentRecord = (p: Selectable<Database['payments']>): PaymentRecord => ({
  paymentNo: p.payment_no,
  dealerCode: p.dealer_code,
  receivableNo: p.receivable_bill_no,
  amountFen: p.amount_fen,
  paidOn: p.paid_on,
  modifiedAt: iso(p.source_modified_at),
});

/** The ImportWriter of one transaction. */
class KyselyImportWriter implements ImportWriter {
  private seenTable = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** The keys live in a temporary table of the import's transaction (gone at commit or rollback), not in memory. */
  async markSeen(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    if (!this.seenTable) {
      await sql`create temp table import_seen_keys (key text primary key) on commit drop`.execute(this.db);
      this.seenTable = true;
    }
    const { rows } = await sql<{ key: string }>`insert into import_seen_keys
      select unnest(${keys}::text[]) on conflict do nothing returning key`.execute(this.db);
    const added = new Set(rows.map((r) => r.key));
    return new Set(keys.filter((k) => !added.has(k)));
  }

  async references(kind: RefKind): Promise<ReadonlyMap<string, string>> {
    const db = this.db;
    const pairs: { k: string; v: string }[] =
      kind === 'dealers'
        ? await db
            .selectFrom('dealers')
            .select(['code as k', sql<string>`''`.as('v')])
            .execute()
        : kind === 'managers'
          ? await db.selectFrom('managers').select(['code as k', 'role as v']).execute()
          : kind === 'skus'
            ? await db
                .selectFrom('products')
                .select(['sku as k', sql<string>`''`.as('v')])
                .execute()
            : kind === 'stores'
              ? await db
                  .selectFrom('stores')
                  .select([sql<string>`code`.as('k'), 'dealer_code as v'])
                  .where('code', 'is not', null)
                  .execute()
              : kind === 'orders'
                ? await db
                    .selectFrom('orders')
                    .select(['order_no as k', sql<string>`dealer_code || '|' || coalesce(erp_bill_id, '')`.as('v')])
                    .execute()
                : await db
                    .selectFrom('receivables')
                    .select([sql<string>`bill_no`.as('k'), 'dealer_code as v'])
                    .where('bill_no', 'is not', null)
                    .execute();
    return new Map(pairs.map((p) => [p.k, p.v]));
  }

  load<E extends ImportEntity>(entity: E, records: readonly EntityRecords[E][]): Promise<EntityRecords[E][]> {
    const loaders: { [K in ImportEntity]: (recs: readonly EntityRecords[K][]) => Promise<EntityRecords[K][]> } = {
      managers: (r) => this.loadManagers(r),
      dealers: (r) => this.loadDealers(r),
      contacts: (r) => this.loadContacts(r),
      stores: (r) => this.loadStores(r),
      products: (r) => this.loadProducts(r),
      prices: (r) => this.loadPrices(r),
      'hq-stock': (r) => this.loadHqStock(r),
      'dealer-stock': (r) => this.loadDealerStock(r),
      pos: (r) => this.loadPos(r),
      orders: (r) => this.loadOrders(r),
      receivables: (r) => this.loadReceivables(r),
      payments: (r) => this.loadPayments(r),
    };
    return (loaders[entity] as (r: readonly EntityRecords[E][]) => Promise<EntityRecords[E][]>)(records);
  }

  async apply<E extends ImportEntity>(
    entity: E,
    changes: ImportChanges<EntityRecords[E]>,
  ): Promise<{ removed: number }> {
    const appliers: { [K in ImportEntity]: (c: ImportChanges<EntityRecords[K]>) => Promise<number | undefined> } = {
      managers: (c) => this.applyManagers(c),
      dealers: (c) => this.applyDealers(c),
      contacts: (c) => this.applyContacts(c),
      stores: (c) => this.applyStores(c),
      products: (c) => this.applyProducts(c),
      prices: (c) => this.applyPrices(c),
      'hq-stock': (c) => this.applyHqStock(c),
      'dealer-stock': (c) => this.applyDealerStock(c),
      pos: (c) => this.applyPos(c),
      orders: (c) => this.applyOrders(c),
      receivables: (c) => this.applyReceivables(c),
      payments: (c) => this.applyPayments(c),
    };
    const removed = await (appliers[entity] as (c: ImportChanges<EntityRecords[E]>) => Promise<number | undefined>)(
      changes,
    );
    return { removed: removed ?? 0 };
  }

  // --- managers ------------------------------------------------------------------------------------------------------

  private async loadManagers(recs: readonly ManagerRecord[]): Promise<ManagerRecord[]> {
    if (recs.length === 0) return [];
    const rows = await this.db
      .selectFrom('managers')
      .selectAll()
      .where(
        'code',
        'in',
        recs.map((r) => r.code),
      )
      .execute();
    return rows.map(toManagerRecord);
  }

  private async applyManagers(c: ImportChanges<ManagerRecord>): Promise<undefined> {
    // Regional managers first: account managers point at them.
    const rows = [...c.inserts, ...c.updates]
      .sort((a, b) => (a.role === b.role ? 0 : a.role === 'regional' ? -1 : 1))
      .map((m) => [m.code, m.name, m.role, m.regionalCode, m.province, m.wecomUserid, m.phone, m.alertChatId]);
    const columns: Column[] = [
      ['code', 'text'],
      ['name', 'text'],
      ['role', 'text'],
      ['regional_code', 'text'],
      ['province', 'text'],
      ['wecom_userid', 'text'],
      ['phone', 'text'],
      ['alert_chat_id', 'text'],
    ];
    for (const role of ['regional', 'account']) {
      const part = rows.filter((r) => r[2] === role);
      await upsert(
        this.db,
        'managers',
        columns,
        part,
        ['code'],
        columns.slice(1).map(([n]) => n),
      );
    }
    return undefined;
  }

  // --- dealers -------------------------------------------------------------------------------------------------------

  private async loadDealers(recs: readonly DealerRecord[]): Promise<DealerRecord[]> {
    if (recs.length === 0) return [];
    const rows = await dealerRows(this.db)
      .where(
        'd.code',
        'in',
        recs.map((r) => r.code),
      )
      .execute();
    return rows.map(toDealerRecord);
  }

  private async applyDealers(c: ImportChanges<DealerRecord>): Promise<undefined> {
    const recs = [...c.inserts, ...c.updates];
    if (recs.length === 0) return undefined;
    await upsertRegions(this.db, recs);
    const columns: Column[] = [
      ['code', 'text'],
      ['name', 'text'],
      ['manager_code', 'text'],
      ['province', 'text'],
      ['city', 'text'],
      ['county', 'text'],
      ['partnership_start', 'date'],
      ['tier', 'text'],
      ['credit_limit_fen', 'int8'],
      ['payment_terms_days', 'int4'],
      // text[] would be flattened by unnest: '|'-joined, as the file writes them.
      ['tags', 'text'],
    ];
    for (const batch of chunks(recs)) {
      const rows = batch.map((d) => [
        d.code,
        d.name,
        d.managerCode,
        d.province,
        d.city,
        d.county,
        d.partnershipStart,
        d.tier,
        d.creditLimitFen,
        d.paymentTermsDays,
        d.tags!.join('|'),
      ]);
      await sql`insert into dealers (code, name, manager_code, region_id, partnership_start, tier, credit_limit_fen,
          payment_terms_days, tags)
        select k.code, k.name, k.manager_code, r.id, k.partnership_start, k.tier, k.credit_limit_fen,
          k.payment_terms_days, coalesce(string_to_array(nullif(k.tags, ''), '|'), '{}')
        from ${unnest('k', columns, rows)}
        join regions r on r.province = k.province and r.city = k.city and r.county = k.county
        on conflict (code) do update set name = excluded.name, manager_code = excluded.manager_code,
          region_id = excluded.region_id, partnership_start = excluded.partnership_start, tier = excluded.tier,
          credit_limit_fen = excluded.credit_limit_fen, payment_terms_days = excluded.payment_terms_days,
          tags = excluded.tags`.execute(this.db);
    }
    return undefined;
  }

  // --- contacts ------------------------------------------------------------------------------------------------------

  private async loadContacts(recs: readonly ContactRecord[]): Promise<ContactRecord[]> {
    if (recs.length === 0) return [];
    const keys = recs.map((r) => [r.dealerCode, r.phone]);
    const { rows } = await sql<{
      dealer_code: string;
      name: string;
      phone: string;
      birthday: string | null;
      is_primary: boolean;
    }>`select c.dealer_code, c.name, c.phone, c.birthday, c.is_primary from dealer_contacts c
      join ${unnest(
        'k',
        [
          ['d', 'text'],
          ['p', 'text'],
        ],
        keys,
      )} on c.dealer_code = k.d and c.phone = k.p`.execute(this.db);
    return rows.map((r) => ({
      dealerCode: r.dealer_code,
      name: r.name,
      phone: r.phone,
      birthday: r.birthday,
      isPrimary: r.is_primary,
    }));
  }

  private async applyContacts(c: ImportChanges<ContactRecord>): Promise<undefined> {
    await upsert(
      this.db,
      'dealer_contacts',
      [
        ['dealer_code', 'text'],
        ['phone', 'text'],
        ['name', 'text'],
        ['birthday', 'date'],
        ['is_primary', 'bool'],
      ],
      [...c.inserts, ...c.updates].map((r) => [r.dealerCode, r.phone, r.name, r.birthday, r.isPrimary]),
      ['dealer_code', 'phone'],
      ['name', 'birthday', 'is_primary'],
    );
    return undefined;
  }

  // --- stores --------------------------------------------------------------------------------------------------------

  private async loadStores(recs: readonly StoreRecord[]): Promise<StoreRecord[]> {
    if (recs.length === 0) return [];
    const rows = await storeRows(this.db)
      .where(
        's.code',
        'in',
        recs.map((r) => r.code),
      )
      .execute();
    return rows.map(toStoreRecord);
  }

  private async applyStores(c: ImportChanges<StoreRecord>): Promise<undefined> {
    const recs = [...c.inserts, ...c.updates];
    if (recs.length === 0) return undefined;
    await upsertRegions(this.db, recs);
    const columns: Column[] = [
      ['code', 'text'],
      ['dealer_code', 'text'],
      ['name', 'text'],
      ['type', 'text'],
      ['province', 'text'],
      ['city', 'text'],
      ['county', 'text'],
      ['opened_on', 'date'],
      ['active', 'bool'],
    ];
    for (const batch of chunks(recs)) {
      const rows = batch.map((s) => [
        s.code,
        s.dealerCode,
        s.name,
        s.type,
        s.province,
        s.city,
        s.county,
        s.openedOn,
        s.active,
      ]);
      await sql`insert into stores (code, dealer_code, name, type, region_id, market_level, opened_on, active)
        select k.code, k.dealer_code, k.name, k.type, r.id, r.market_level, k.opened_on, k.active
        from ${unnest('k', columns, rows)}
        join regions r on r.province = k.province and r.city = k.city and r.county = k.county
        on conflict (code) do update set name = excluded.name, type = excluded.type, region_id = excluded.region_id,
          market_level = excluded.market_level, opened_on = excluded.opened_on, active = excluded.active`.execute(
        this.db,
      );
    }
    return undefined;
  }

  // --- products and prices -------------------------------------------------------------------------------------------

  private async loadProducts(recs: readonly ProductRecord[]): Promise<ProductRecord[]> {
    if (recs.length === 0) return [];
    const rows = await this.db
      .selectFrom('products')
      .selectAll()
      .where(
        'sku',
        'in',
        recs.map((r) => r.sku),
      )
      .execute();
    return rows.map(toProductRecord);
  }

  private async applyProducts(c: ImportChanges<ProductRecord>): Promise<undefined> {
    // text[] columns: multi-row VALUES (unnest would flatten the arrays).
    for (const batch of chunks([...c.inserts, ...c.updates])) {
      await this.db
        .insertInto('products')
        .values(
          batch.map((p) => ({
            sku: p.sku,
            name: p.name,
            category: p.category,
            series: p.series,
            unit: p.unit,
            list_price_fen: p.listPriceFen,
            moq: p.moq,
            order_multiple: p.orderMultiple!,
            lead_time_days: p.leadTimeDays!,
            aliases: p.aliases!,
            tags: p.tags!,
            active: p.active!,
            options: optionsJson(p.options),
          })),
        )
        .onConflict((oc) =>
          oc.column('sku').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            category: eb.ref('excluded.category'),
            series: eb.ref('excluded.series'),
            unit: eb.ref('excluded.unit'),
            list_price_fen: eb.ref('excluded.list_price_fen'),
            moq: eb.ref('excluded.moq'),
            order_multiple: eb.ref('excluded.order_multiple'),
            lead_time_days: eb.ref('excluded.lead_time_days'),
            aliases: eb.ref('excluded.aliases'),
            tags: eb.ref('excluded.tags'),
            active: eb.ref('excluded.active'),
            options: eb.ref('excluded.options'),
          })),
        )
        .execute();
    }
    return undefined;
  }

  private async loadPrices(recs: readonly PriceRecord[]): Promise<PriceRecord[]> {
    if (recs.length === 0) return [];
    const { rows } = await sql<{ sku: string; tier: PriceRecord['tier']; price_fen: number }>`
      select t.sku, t.tier, t.price_fen from tier_prices t
      join ${unnest(
        'k',
        [
          ['s', 'text'],
          ['t', 'text'],
        ],
        recs.map((r) => [r.sku, r.tier]),
      )} on t.sku = k.s and t.tier = k.t`.execute(this.db);
    return rows.map((r) => ({ sku: r.sku, tier: r.tier, priceFen: Number(r.price_fen) }));
  }

  private async applyPrices(c: ImportChanges<PriceRecord>): Promise<undefined> {
    await upsert(
      this.db,
      'tier_prices',
      [
        ['sku', 'text'],
        ['tier', 'text'],
        ['price_fen', 'int8'],
      ],
      [...c.inserts, ...c.updates].map((p) => [p.sku, p.tier, p.priceFen]),
      ['sku', 'tier'],
      ['price_fen'],
    );
    return undefined;
  }

  // --- HQ stock ------------------------------------------------------------------------------------------------------

  private async loadHqStock(recs: readonly HqStockRecord[]): Promise<HqStockRecord[]> {
    if (recs.length === 0) return [];
    const rows = await this.db
      .selectFrom('hq_stock')
      .select(['sku', 'on_hand', 'reserved', 'source_modified_at'])
      .where(
        'sku',
        'in',
        recs.map((r) => r.sku),
      )
      .execute();
    return rows.map(toHqStockRecord);
  }

  private async applyHqStock(c: ImportChanges<HqStockRecord>): Promise<undefined> {
    const columns: Column[] = [
      ['sku', 'text'],
      ['on_hand', 'int4'],
      ['reserved', 'int4'],
      ['source_modified_at', 'timestamptz'],
    ];
    for (const batch of chunks([...c.inserts, ...c.updates])) {
      const rows = batch.map((s) => [s.sku, s.onHand, s.reserved, s.modifiedAt]);
      await sql`insert into hq_stock (sku, on_hand, reserved, source_modified_at, updated_at)
        select k.sku, k.on_hand, k.reserved, k.source_modified_at, now() from ${unnest('k', columns, rows)}
        on conflict (sku) do update set on_hand = excluded.on_hand, reserved = excluded.reserved,
          source_modified_at = excluded.source_modified_at, updated_at = now()`.execute(this.db);
    }
    return undefined;
  }

  // --- dealer stock snapshots ----------------------------------------------------------------------------------------

  private async loadDealerStock(recs: readonly DealerStockRecord[]): Promise<DealerStockRecord[]> {
    if (recs.length === 0) return [];
    const { rows } = await sql<{
      dealer_code: string;
      day: string;
      sku: string;
      qty: number;
      expires_on: string | null;
    }>`
      select s.dealer_code, s.day, s.sku, s.qty, s.expires_on from dealer_stock_snapshots s
      join ${unnest(
        'k',
        [
          ['d', 'text'],
          ['day', 'date'],
          ['s', 'text'],
        ],
        recs.map((r) => [r.dealerCode, r.day, r.sku]),
      )} on s.dealer_code = k.d and s.day = k.day and s.sku = k.s`.execute(this.db);
    return rows.map((r) => ({
      dealerCode: r.dealer_code,
      day: r.day,
      sku: r.sku,
      qty: r.qty,
      expiresOn: r.expires_on,
    }));
  }

  /**
   * A snapshot replaces that dealer's rows of that date; the dealer's current stock (dealer_inventory) becomes
   * its latest snapshot, so an older snapshot arriving late never overwrites a newer one.
   */
  private async applyDealerStock(c: ImportChanges<DealerStockRecord>): Promise<number> {
    const db = this.db;
    const columns: Column[] = [
      ['dealer_code', 'text'],
      ['day', 'date'],
      ['sku', 'text'],
      ['qty', 'int4'],
      ['expires_on', 'date'],
    ];
    await upsert(
      db,
      'dealer_stock_snapshots',
      columns,
      [...c.inserts, ...c.updates].map((s) => [s.dealerCode, s.day, s.sku, s.qty, s.expiresOn ?? null]),
      ['dealer_code', 'day', 'sku'],
      ['qty', 'expires_on'],
    );
    const unitKey = (s: DealerStockRecord) => `${s.dealerCode}|${s.day}`;
    const units = new Map(c.all.map((s) => [unitKey(s), s]));
    const kept = c.all.map((s) => [s.dealerCode, s.day, s.sku]);
    const removedRows = await sql<{ dealer_code: string; day: string }>`
      delete from dealer_stock_snapshots s
      using ${unnest(
        'u',
        [
          ['d', 'text'],
          ['day', 'date'],
        ],
        [...units.values()].map((s) => [s.dealerCode, s.day]),
      )}
      where s.dealer_code = u.d and s.day = u.day
        and (s.dealer_code, s.day, s.sku) not in (select * from ${unnest(
          'a',
          [
            ['d', 'text'],
            ['day', 'date'],
            ['s', 'text'],
          ],
          kept,
        )})
      returning s.dealer_code, s.day`.execute(db);
    const changed = new Set([...c.inserts, ...c.updates].map(unitKey));
    for (const r of removedRows.rows) changed.add(`${r.dealer_code}|${r.day}`);
    if (changed.size > 0) {
      const pairs = [...changed].map((k) => k.split('|'));
      // Only units that are their dealer's latest snapshot reach dealer_inventory.
      await sql`
        with touched as (select * from ${unnest(
          'u',
          [
            ['d', 'text'],
            ['day', 'date'],
          ],
          pairs,
        )}),
        latest as (
          select s.dealer_code, max(s.day) as day from dealer_stock_snapshots s
          where s.dealer_code in (select d from touched) group by s.dealer_code
        ),
        refresh as (
          select l.dealer_code, l.day from latest l join touched t on t.d = l.dealer_code and t.day = l.day
        ),
        cleared as (
          delete from dealer_inventory i using refresh r where i.dealer_code = r.dealer_code returning i.dealer_code
        )
        insert into dealer_inventory (dealer_code, sku, qty, synced_at, snapshot_day, expires_on)
        select s.dealer_code, s.sku, s.qty, now(), s.day, s.expires_on
        from dealer_stock_snapshots s join refresh r on r.dealer_code = s.dealer_code and r.day = s.day
        on conflict (dealer_code, sku) do update set qty = excluded.qty, synced_at = excluded.synced_at,
          snapshot_day = excluded.snapshot_day, expires_on = excluded.expires_on`.execute(db);
    }
    return removedRows.rows.length;
  }

  // --- POS -----------------------------------------------------------------------------------------------------------

  private async loadPos(recs: readonly PosRecord[]): Promise<PosRecord[]> {
    if (recs.length === 0) return [];
    const { rows } = await sql<{
      store_code: string;
      dealer_code: string;
      sku: string;
      day: string;
      qty: number;
      amount_fen: number;
    }>`select s.store_code, k.dealer_code, s.sku, s.day, s.qty, s.amount_fen from ${unnest(
      'k',
      [
        ['st', 'text'],
        ['sk', 'text'],
        ['day', 'date'],
        ['dealer_code', 'text'],
      ],
      recs.map((r) => [r.storeCode, r.sku, r.day, r.dealerCode]),
    )}
      -- One primary-key probe per row: a join would hash the whole (growing) table for every batch; limit 1
      -- keeps the planner from flattening the lateral into one.
      cross join lateral (select * from store_sales x
        where x.store_code = k.st and x.sku = k.sk and x.day = k.day limit 1) s`.execute(this.db);
    return rows.map((r) => ({
      storeCode: r.store_code,
      dealerCode: r.dealer_code,
      sku: r.sku,
      day: r.day,
      qty: r.qty,
      amountFen: Number(r.amount_fen),
    }));
  }

  /** Store sales, then the dealer-level sell-through (what cover and anomalies read) of the touched days. */
  private async applyPos(c: ImportChanges<PosRecord>): Promise<undefined> {
    const changed = [...c.inserts, ...c.updates];
    if (changed.length === 0) return undefined;
    await upsert(
      this.db,
      'store_sales',
      [
        ['store_code', 'text'],
        ['dealer_code', 'text'],
        ['sku', 'text'],
        ['day', 'date'],
        ['qty', 'int4'],
        ['amount_fen', 'int8'],
      ],
      changed.map((p) => [p.storeCode, p.dealerCode, p.sku, p.day, p.qty, p.amountFen]),
      ['store_code', 'sku', 'day'],
      ['qty', 'amount_fen'],
    );
    const touched = new Map(changed.map((p) => [`${p.dealerCode}|${p.sku}|${p.day}`, [p.dealerCode, p.sku, p.day]]));
    for (const batch of chunks([...touched.values()])) {
      await sql`insert into sell_through (dealer_code, sku, day, qty)
        select t.d, t.s, t.day, coalesce(sum(ss.qty), 0)
        from ${unnest(
          't',
          [
            ['d', 'text'],
            ['s', 'text'],
            ['day', 'date'],
          ],
          batch,
        )}
        join store_sales ss on ss.dealer_code = t.d and ss.sku = t.s and ss.day = t.day
        group by t.d, t.s, t.day
        on conflict (dealer_code, sku, day) do update set qty = excluded.qty`.execute(this.db);
    }
    return undefined;
  }

  // --- ERP orders ----------------------------------------------------------------------------------------------------

  private async loadOrders(recs: readonly OrderLineRecord[]): Promise<OrderLineRecord[]> {
    if (recs.length === 0) return [];
    const out: OrderLineRecord[] = [];
    for (const batch of chunks([...new Set(recs.map((r) => r.billId))])) {
      const rows = await orderLineRows(this.db)
        .where('o.erp_bill_id', 'in', batch)
        .where('l.erp_entry_id', 'is not', null)
        .execute();
      out.push(...rows.map(toOrderLineRecord));
    }
    return out;
  }

  /**
   * A changed bill is written whole: its header (a new bill gets the next SO number of its day unless the file
   * names one), its lines by ERP entry id (lines the bill no longer has are removed), its total.
   */
  private async applyOrders(c: ImportChanges<OrderLineRecord>): Promise<number> {
    const db = this.db;
    const changedBills = new Set([...c.inserts, ...c.updates].map((l) => l.billId));
    if (changedBills.size === 0) return 0;
    const bills = new Map<string, { head: OrderLineRecord; lines: OrderLineRecord[] }>();
    const merged = new Map([...c.inserts, ...c.updates].map((l) => [`${l.billId}|${l.entryId}`, l]));
    for (const line of c.all) {
      if (!changedBills.has(line.billId)) continue;
      const full = merged.get(`${line.billId}|${line.entryId}`) ?? line;
      const bill = bills.get(line.billId) ?? { head: full, lines: [] };
      bill.lines.push(full);
      bills.set(line.billId, bill);
    }
    // Which SO number each bill has or gets.
    const ids = [...bills.keys()];
    const givenNos = [...bills.values()].map((b) => b.head.orderNo).filter((n): n is string => !!n);
    const existing = await db
      .selectFrom('orders')
      .select(['order_no', 'erp_bill_id'])
      .where((eb) =>
        eb.or([eb('erp_bill_id', 'in', ids), ...(givenNos.length > 0 ? [eb('order_no', 'in', givenNos)] : [])]),
      )
      .execute();
    const byBill = new Map(existing.filter((o) => o.erp_bill_id).map((o) => [o.erp_bill_id!, o.order_no]));
    const orderNoOf = new Map<string, string>();
    const toNumber = new Map<string, string[]>(); // day → bills needing a new number
    for (const [id, { head }] of bills) {
      const no = byBill.get(id) ?? head.orderNo ?? undefined;
      if (no) orderNoOf.set(id, no);
      else {
        const day = shanghaiDate(head.placedAt);
        toNumber.set(day, [...(toNumber.get(day) ?? []), id]);
      }
    }
    for (const [day, dayBills] of toNumber) {
      const { last_seq } = await db
        .insertInto('order_sequences')
        .values({ day, last_seq: dayBills.length })
        .onConflict((oc) =>
          oc.column('day').doUpdateSet({ last_seq: sql`order_sequences.last_seq + ${dayBills.length}` }),
        )
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      const first = last_seq - dayBills.length + 1;
      for (const [i, id] of dayBills.entries()) orderNoOf.set(id, formatOrderNo(day, first + i));
    }
    // A number the file names (a chat order the ERP took over, an export restored) is taken: its day's sequence
    // moves past it, so the next chat order of that day never collides with it.
    const taken = [...orderNoOf.values()].map((no) => [
      `${no.slice(2, 6)}-${no.slice(6, 8)}-${no.slice(8, 10)}`,
      Number(no.slice(10)),
    ]);
    for (const batch of chunks(taken)) {
      await sql`insert into order_sequences (day, last_seq)
        select k.day, max(k.seq) from ${unnest(
          'k',
          [
            ['day', 'date'],
            ['seq', 'int4'],
          ],
          batch,
        )} group by k.day
        on conflict (day) do update set last_seq = greatest(order_sequences.last_seq, excluded.last_seq)`.execute(db);
    }
    // Headers; a status reached for the first time is stamped with the source's modified time.
    const headers = [...bills.entries()].map(([id, { head }]) => [
      orderNoOf.get(id)!,
      head.dealerCode,
      head.status,
      head.deliveryDate ?? null,
      head.placedAt,
      head.modifiedAt,
      id,
      head.billNo ?? null,
    ]);
    for (const batch of chunks(headers)) {
      await sql`insert into orders (order_no, dealer_code, status, total_fen, delivery_date, placed_at, shipped_at,
          cancelled_at, source, erp_bill_id, erp_bill_no, source_modified_at)
        select k.order_no, k.dealer_code, k.status, 0, k.delivery_date, k.placed_at,
          case when k.status in ('shipped', 'delivered') then coalesce(k.modified_at, now()) end,
          case when k.status = 'cancelled' then coalesce(k.modified_at, now()) end,
          'erp', k.bill_id, k.bill_no, k.modified_at
        from ${unnest(
          'k',
          [
            ['order_no', 'text'],
            ['dealer_code', 'text'],
            ['status', 'text'],
            ['delivery_date', 'date'],
            ['placed_at', 'timestamptz'],
            ['modified_at', 'timestamptz'],
            ['bill_id', 'text'],
            ['bill_no', 'text'],
          ],
          batch,
        )}
        on conflict (order_no) do update set dealer_code = excluded.dealer_code, status = excluded.status,
          delivery_date = excluded.delivery_date, placed_at = excluded.placed_at,
          shipped_at = case when excluded.status in ('shipped', 'delivered')
            then coalesce(orders.shipped_at, excluded.shipped_at) end,
          cancelled_at = case when excluded.status = 'cancelled'
            then coalesce(orders.cancelled_at, excluded.cancelled_at) end,
          erp_bill_id = excluded.erp_bill_id, erp_bill_no = excluded.erp_bill_no,
          source_modified_at = excluded.source_modified_at`.execute(db);
    }
    // Lines: drop what the bill no longer has (and a linked chat order's own lines), keep line numbers by entry id.
    const entries = [...bills.entries()].flatMap(([id, b]) => b.lines.map((l) => [orderNoOf.get(id)!, l.entryId]));
    const orderNos = [...orderNoOf.values()];
    let removed = 0;
    for (const batch of chunks(orderNos)) {
      const r = await sql`delete from order_lines l where l.order_no = any(${batch}::text[])
        and (l.erp_entry_id is null or (l.order_no, l.erp_entry_id) not in (select * from ${unnest(
          'e',
          [
            ['o', 'text'],
            ['e', 'text'],
          ],
          entries,
        )}))`.execute(db);
      removed += Number(r.numAffectedRows ?? 0);
    }
    const lineNos = new Map<string, number>();
    const maxNo = new Map<string, number>();
    for (const batch of chunks(orderNos)) {
      const rows = await db
        .selectFrom('order_lines')
        .select(['order_no', 'line_no', 'erp_entry_id'])
        .where('order_no', 'in', batch)
        .execute();
      for (const r of rows) {
        lineNos.set(`${r.order_no}|${r.erp_entry_id}`, r.line_no);
        maxNo.set(r.order_no, Math.max(maxNo.get(r.order_no) ?? 0, r.line_no));
      }
    }
    const lines: unknown[][] = [];
    for (const [id, b] of bills) {
      const no = orderNoOf.get(id)!;
      for (const l of b.lines) {
        let lineNo = lineNos.get(`${no}|${l.entryId}`);
        if (lineNo === undefined) {
          lineNo = (maxNo.get(no) ?? 0) + 1;
          maxNo.set(no, lineNo);
        }
        lines.push([no, lineNo, l.sku, l.qty, l.unitPriceFen, l.qty * l.unitPriceFen, l.entryId]);
      }
    }
    for (const batch of chunks(lines)) {
      await sql`insert into order_lines (order_no, line_no, sku, category, qty, unit_price_fen, amount_fen, erp_entry_id)
        select k.order_no, k.line_no, k.sku, p.category, k.qty, k.unit_price_fen, k.amount_fen, k.erp_entry_id
        from ${unnest(
          'k',
          [
            ['order_no', 'text'],
            ['line_no', 'int4'],
            ['sku', 'text'],
            ['qty', 'int4'],
            ['unit_price_fen', 'int8'],
            ['amount_fen', 'int8'],
            ['erp_entry_id', 'text'],
          ],
          batch,
        )}
        join products p on p.sku = k.sku
        on conflict (order_no, line_no) do update set sku = excluded.sku, category = excluded.category,
          qty = excluded.qty, unit_price_fen = excluded.unit_price_fen, amount_fen = excluded.amount_fen,
          discount_fen = least(order_lines.discount_fen, excluded.amount_fen), erp_entry_id = excluded.erp_entry_id`.execute(
        db,
      );
    }
    for (const batch of chunks(orderNos)) {
      await sql`update orders o set total_fen = greatest(0,
          coalesce((select sum(l.amount_fen) from order_lines l where l.order_no = o.order_no), 0) - o.discount_fen)
        where o.order_no = any(${batch}::text[])`.execute(db);
    }
    return removed;
  }

  // --- receivables and payments --------------------------------------------------------------------------------------

  private async loadReceivables(recs: readonly ReceivableRecord[]): Promise<ReceivableRecord[]> {
    if (recs.length === 0) return [];
    const rows = await this.db
      .selectFrom('receivables')
      .select(['bill_no', 'dealer_code', 'order_no', 'amount_fen', 'due_date', 'created_at', 'source_modified_at'])
      .where(
        'bill_no',
        'in',
        recs.map((r) => r.billNo),
      )
      .execute();
    return rows.map(toReceivableRecord);
  }

  private async applyReceivables(c: ImportChanges<ReceivableRecord>): Promise<undefined> {
    const columns: Column[] = [
      ['bill_no', 'text'],
      ['dealer_code', 'text'],
      ['order_no', 'text'],
      ['amount_fen', 'int8'],
      ['due_date', 'date'],
      ['created_at', 'timestamptz'],
      ['source_modified_at', 'timestamptz'],
    ];
    for (const batch of chunks([...c.inserts, ...c.updates])) {
      const rows = batch.map((r) => [
        r.billNo,
        r.dealerCode,
        r.orderNo ?? null,
        r.amountFen,
        r.dueDate,
        r.billDate ? shanghaiMidnight(r.billDate).toISOString() : null,
        r.modifiedAt,
      ]);
      await sql`insert into receivables (bill_no, dealer_code, order_no, amount_fen, due_date, created_at, source_modified_at)
        select k.bill_no, k.dealer_code, k.order_no, k.amount_fen, k.due_date, coalesce(k.created_at, now()),
          k.source_modified_at
        from ${unnest('k', columns, rows)}
        on conflict (bill_no) do update set dealer_code = excluded.dealer_code, order_no = excluded.order_no,
          amount_fen = excluded.amount_fen, due_date = excluded.due_date, created_at = excluded.created_at,
          source_modified_at = excluded.source_modified_at`.execute(this.db);
    }
    return undefined;
  }

  private async loadPayments(recs: readonly PaymentRecord[]): Promise<PaymentRecord[]> {
    if (recs.length === 0) return [];
    const rows = await this.db
      .selectFrom('payments')
      .selectAll()
      .where(
        'payment_no',
        'in',
        recs.map((r) => r.paymentNo),
      )
      .execute();
    return rows.map(toPaymentRecord);
  }

  /** Payments, then paid_fen of every receivable a payment was or now is applied to. */
  private async applyPayments(c: ImportChanges<PaymentRecord>): Promise<undefined> {
    const changed = [...c.inserts, ...c.updates];
    if (changed.length === 0) return undefined;
    const before = await this.db
      .selectFrom('payments')
      .select('receivable_bill_no')
      .where('payment_no', 'in', c.updates.map((p) => p.paymentNo).concat(['']))
      .execute();
    await upsert(
      this.db,
      'payments',
      [
        ['payment_no', 'text'],
        ['dealer_code', 'text'],
        ['receivable_bill_no', 'text'],
        ['amount_fen', 'int8'],
        ['paid_on', 'date'],
        ['source_modified_at', 'timestamptz'],
      ],
      changed.map((p) => [p.paymentNo, p.dealerCode, p.receivableNo, p.amountFen, p.paidOn, p.modifiedAt]),
      ['payment_no'],
      ['dealer_code', 'receivable_bill_no', 'amount_fen', 'paid_on', 'source_modified_at'],
    );
    const touched = new Set(
      [...before.map((b) => b.receivable_bill_no), ...changed.map((p) => p.receivableNo)].filter(
        (n): n is string => !!n,
      ),
    );
    for (const batch of chunks([...touched])) {
      await sql`update receivables r set paid_fen = coalesce(
          (select sum(p.amount_fen) from payments p where p.receivable_bill_no = r.bill_no), 0)
        where r.bill_no = any(${batch}::text[])`.execute(this.db);
    }
    return undefined;
  }
}

/** The ImportStore on Kysely: runs in `import_runs`, writes through one transaction per import. */
export class KyselyImportStore implements ImportStore {
  constructor(private readonly db: Kysely<Database>) {}

  transaction<T>(fn: (writer: ImportWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new KyselyImportWriter(trx)));
  }

  async startRun(run: ImportRunStart): Promise<number> {
    const r = await this.db
      .insertInto('import_runs')
      .values({
        entity: run.entity,
        source: run.source,
        file_sha256: run.sha256,
        who: run.who,
        mode: run.mode,
        status: 'running',
        started_at: run.startedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async finishRun(id: number, end: ImportRunEnd): Promise<void> {
    await this.db
      .updateTable('import_runs')
      .set({
        status: end.status,
        finished_at: end.finishedAt,
        counts: JSON.stringify(end.counts),
        error_count: end.errorCount,
        errors: JSON.stringify(end.errors),
      })
      .where('id', '=', id)
      .execute();
  }

  async listRuns(limit: number, beforeId?: number): Promise<ImportRunSummary[]> {
    const rows = await this.db
      .selectFrom('import_runs')
      .select(['id', 'entity', 'source', 'file_sha256', 'who', 'mode', 'status', 'started_at', 'finished_at'])
      .select(['counts', 'error_count'])
      .$if(beforeId !== undefined, (q) => q.where('id', '<', beforeId!))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      entity: r.entity as ImportEntity,
      source: r.source,
      sha256: r.file_sha256,
      who: r.who,
      mode: r.mode,
      status: r.status as ImportStatus | 'running',
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      counts: r.counts,
      errorCount: r.error_count,
    }));
  }

  async runErrors(id: number): Promise<RowError[] | null> {
    const r = await this.db.selectFrom('import_runs').select('errors').where('id', '=', id).executeTakeFirst();
    return r ? (r.errors as RowError[]) : null;
  }
}
