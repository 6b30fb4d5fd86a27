import type { EntityRecords } from './entity.types.js';
import { SPECS } from './entities.js';
import type { ExportSource } from './ports.js';
import type { ImportEntity } from './types.js';

type Cell = string | number | boolean | readonly string[] | null | undefined;

/** Integer fen → yuan with two decimals, exactly (no floating point): 1250 → '12.50'. */
export function fenToYuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An ISO instant → 'YYYY-MM-DD HH:mm:ss' in Shanghai, with '.SSS' when it has milliseconds (read back exactly). */
export function shanghaiDateTime(iso: string): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) throw new RangeError(`invalid instant ${iso}`);
  const local = new Date(t + 8 * 3600_000).toISOString(); // 2026-11-26T02:00:00.000Z shifted to Shanghai
  const ms = local.slice(19, 23);
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${ms === '.000' ? '' : ms}`;
}

function text(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.join('|');
  return String(v);
}

const yuan = (fen: number | undefined) => (fen === undefined ? undefined : fenToYuan(fen));
const time = (iso: string | null | undefined) => (iso ? shanghaiDateTime(iso) : iso);

/**
 * Each entity's record as the cells of its import columns — the inverse of its `parse`, so an exported file
 * imports back to the same records (money in yuan, times in Shanghai, lists '|'-joined, booleans 1/0).
 */
const CELLS: { [E in ImportEntity]: (rec: EntityRecords[E]) => Record<string, Cell> } = {
  managers: (m) => ({
    code: m.code,
    name: m.name,
    role: m.role,
    regional_code: m.regionalCode,
    province: m.province,
    wecom_userid: m.wecomUserid,
    phone: m.phone,
    alert_chat_id: m.alertChatId,
  }),
  dealers: (d) => ({
    code: d.code,
    name: d.name,
    manager_code: d.managerCode,
    province: d.province,
    city: d.city,
    county: d.county,
    market_level: d.marketLevel,
    partnership_start: d.partnershipStart,
    tier: d.tier,
    credit_limit: yuan(d.creditLimitFen),
    payment_terms_days: d.paymentTermsDays,
    tags: d.tags,
  }),
  contacts: (c) => ({
    dealer_code: c.dealerCode,
    name: c.name,
    phone: c.phone,
    birthday: c.birthday,
    is_primary: c.isPrimary,
  }),
  stores: (s) => ({
    code: s.code,
    name: s.name,
    type: s.type,
    province: s.province,
    city: s.city,
    county: s.county,
    market_level: s.marketLevel,
    opened_on: s.openedOn,
    active: s.active,
  }),
  products: (p) => ({
    sku: p.sku,
    name: p.name,
    category: p.category,
    series: p.series,
    unit: p.unit,
    list_price: yuan(p.listPriceFen),
    moq: p.moq,
    order_multiple: p.orderMultiple,
    lead_time_days: p.leadTimeDays,
    aliases: p.aliases,
    tags: p.tags,
    active: p.active,
    options: p.options ?? '',
  }),
  prices: (p) => ({ sku: p.sku, tier: p.tier, price: yuan(p.priceFen) }),
  'hq-stock': (s) => ({ sku: s.sku, on_hand: s.onHand, modified_at: time(s.modifiedAt), reserved: s.reserved }),
  'dealer-stock': (s) => ({ date: s.day, dealer_code: s.dealerCode, sku: s.sku, qty: s.qty }),
  pos: (p) => ({ date: p.day, store_code: p.storeCode, sku: p.sku, qty: p.qty, amount: yuan(p.amountFen) }),
  orders: (o) => ({
    bill_id: o.billId,
    entry_id: o.entryId,
    dealer_code: o.dealerCode,
    status: o.status,
    placed_at: time(o.placedAt),
    sku: o.sku,
    qty: o.qty,
    unit_price: yuan(o.unitPriceFen),
    bill_no: o.billNo,
    order_no: o.orderNo,
    delivery_date: o.deliveryDate,
    modified_at: time(o.modifiedAt),
  }),
  receivables: (r) => ({
    bill_no: r.billNo,
    dealer_code: r.dealerCode,
    amount: yuan(r.amountFen),
    due_date: r.dueDate,
    order_no: r.orderNo,
    bill_date: r.billDate,
    modified_at: time(r.modifiedAt),
  }),
  payments: (p) => ({
    payment_no: p.paymentNo,
    dealer_code: p.dealerCode,
    amount: yuan(p.amountFen),
    paid_on: p.paidOn,
    receivable_no: p.receivableNo,
    modified_at: time(p.modifiedAt),
  }),
};

/** The contract's two fixed CSV headers; their entities may append optional columns only when data needs them. */
const FIXED_HEADERS: Partial<Record<ImportEntity, readonly string[]>> = {
  'dealer-stock': ['date', 'dealer_code', 'sku', 'qty'],
  pos: ['date', 'store_code', 'sku', 'qty', 'amount'],
};

/** An exported table: the entity's documented columns, then each stored record as cells in that order. */
export interface ExportTable {
  entity: ImportEntity;
  columns: string[];
  rows: AsyncIterable<string[]>;
}

/**
 * Writes what is stored in the import format of each entity (DESIGN.md "Imports"), streamed from the store a page
 * at a time, so the files import back — into an empty database or over the same one (then nothing changes).
 *
 * @example
 * const { columns, rows } = await new ExportService(source).table('pos');
 * // columns = ['date', 'store_code', 'sku', 'qty', 'amount']; rows yields ['2026-11-24', 'D0001-S01', 'KW-N60', '3', '4680.00'] …
 */
export class ExportService {
  constructor(private readonly source: ExportSource) {}

  async table(entity: ImportEntity): Promise<ExportTable> {
    const all = SPECS[entity].columns.map((c) => c.name);
    // A fixed header (DESIGN.md) stays byte-exact unless stored data needs one of its optional extension columns.
    const fixed = FIXED_HEADERS[entity];
    const columns = fixed ? [...fixed] : all;
    if (fixed) for (const c of all.slice(fixed.length)) if (await this.source.usesExtension(entity, c)) columns.push(c);
    const cellsOf = CELLS[entity] as (rec: object) => Record<string, Cell>;
    const records = this.source.records(entity) as AsyncIterable<object>;
    async function* rows(): AsyncGenerator<string[]> {
      for await (const rec of records) {
        const cells = cellsOf(rec);
        yield columns.map((c) => text(cells[c]));
      }
    }
    return { entity, columns, rows: rows() };
  }
}
