import type { RowReader } from './fields.js';
import type { ImportEntity, RowProblem } from './types.js';

export type Tier = 'core' | 'key' | 'regular' | 'silent';
export const TIERS: readonly Tier[] = ['core', 'key', 'regular', 'silent'];
export type MarketLevel = '一线' | '二线' | '三四线' | '县城' | '乡镇';
export const MARKET_LEVELS: readonly MarketLevel[] = ['一线', '二线', '三四线', '县城', '乡镇'];
export type StoreType = 'retail' | 'engineering' | 'home_improvement';
export const STORE_TYPES: readonly StoreType[] = ['retail', 'engineering', 'home_improvement'];
export type OrderStatus = 'placed' | 'shipped' | 'delivered' | 'cancelled';
export const ORDER_STATUSES: readonly OrderStatus[] = ['placed', 'shipped', 'delivered', 'cancelled'];

/**
 * One record per entity, as a file row means it. A field left `undefined` (its optional column is absent, or
 * its cell empty where the column has a default) keeps the stored value on update and takes the default on insert.
 */
export interface ManagerRecord {
  code: string;
  name: string;
  role: 'account' | 'regional';
  regionalCode?: string | null;
  province?: string | null;
  wecomUserid?: string | null;
  phone?: string | null;
  alertChatId?: string | null;
}

/** A dealer; its region (province, city, county, market level) is created when new. */
export interface DealerRecord {
  code: string;
  name: string;
  managerCode: string;
  province: string;
  city: string;
  county: string;
  marketLevel: MarketLevel;
  partnershipStart: string;
  tier?: Tier;
  creditLimitFen?: number;
  paymentTermsDays?: number;
  /** The segment tags (门窗专长 …): re-tiering derives them monthly; a file may carry them (an export does). */
  tags?: string[];
}

export interface ContactRecord {
  dealerCode: string;
  name: string;
  phone: string;
  birthday?: string | null;
  isPrimary?: boolean;
}

export interface StoreRecord {
  code: string;
  dealerCode: string;
  name: string;
  type: StoreType;
  province: string;
  city: string;
  county: string;
  marketLevel: MarketLevel;
  openedOn: string;
  active?: boolean;
}

export interface ProductRecord {
  sku: string;
  name: string;
  category: string;
  series: string;
  unit: string;
  listPriceFen: number;
  moq: number;
  orderMultiple?: number;
  leadTimeDays?: number;
  aliases?: string[];
  tags?: string[];
  active?: boolean;
  /**
   * Made-to-size options as the spec text (core/catalog/options.ts `formatOptionsSpec`, canonical so a re-import
   * compares equal); '' for a stock item, undefined to keep what is stored.
   */
  options?: string;
}

export interface PriceRecord {
  sku: string;
  tier: Tier;
  priceFen: number;
}

export interface HqStockRecord {
  sku: string;
  onHand: number;
  /** Units the chat orders reserve: an ERP file leaves it out (kept); an export carries it so a restore is exact. */
  reserved?: number;
  /** The source's modified time (ISO); undefined when the row has none. */
  modifiedAt?: string | null;
}

/** One line of a dealer's stock snapshot on a date. */
export interface DealerStockRecord {
  dealerCode: string;
  day: string;
  sku: string;
  qty: number;
  /** The earliest expiry of this stock (optional column `expires_on`); undefined when the file has no such column. */
  expiresOn?: string | null;
}

/** A store's POS sales of one SKU on one day. */
export interface PosRecord {
  storeCode: string;
  dealerCode: string;
  sku: string;
  day: string;
  qty: number;
  amountFen: number;
}

/** One line of an ERP sales order, carrying its bill's header (identical on every line of the bill). */
export interface OrderLineRecord {
  billId: string;
  entryId: string;
  billNo?: string | null;
  /** Our SO number: given to link a chat order to its ERP bill; allocated for a new bill when absent. */
  orderNo?: string | null;
  dealerCode: string;
  status: OrderStatus;
  placedAt: string;
  deliveryDate?: string | null;
  sku: string;
  qty: number;
  unitPriceFen: number;
  /** The source's modified time (ISO); undefined when the row has none. */
  modifiedAt?: string | null;
}

export interface ReceivableRecord {
  billNo: string;
  dealerCode: string;
  orderNo?: string | null;
  amountFen: number;
  dueDate: string;
  /** The bill's date; defaults to the import time on insert. */
  billDate?: string;
  /** The source's modified time (ISO); undefined when the row has none. */
  modifiedAt?: string | null;
}

export interface PaymentRecord {
  paymentNo: string;
  dealerCode: string;
  receivableNo: string | null;
  amountFen: number;
  paidOn: string;
  /** The source's modified time (ISO); undefined when the row has none. */
  modifiedAt?: string | null;
}

export interface EntityRecords {
  managers: ManagerRecord;
  dealers: DealerRecord;
  contacts: ContactRecord;
  stores: StoreRecord;
  products: ProductRecord;
  prices: PriceRecord;
  'hq-stock': HqStockRecord;
  'dealer-stock': DealerStockRecord;
  pos: PosRecord;
  orders: OrderLineRecord;
  receivables: ReceivableRecord;
  payments: PaymentRecord;
}

export type RecordOf<E extends ImportEntity> = EntityRecords[E];

/**
 * Keys the database already knows, by kind, each with one attribute a rule needs: a manager's role, a store's
 * dealer, an order's `dealer|ERP bill id` (by SO number; the bill id '' for orders not from the ERP), a
 * receivable's dealer (by bill number).
 * `dealers`, `skus` map to ''.
 */
export type RefKind = 'dealers' | 'managers' | 'skus' | 'stores' | 'orders' | 'receivables';
export type Refs = Readonly<Record<RefKind, ReadonlyMap<string, string>>>;
export const SPECS_REF_KINDS: readonly RefKind[] = ['dealers', 'managers', 'skus', 'stores', 'orders', 'receivables'];

export interface EntitySpec<R extends object> {
  entity: ImportEntity;
  /** Columns in the documented order; required ones must be in the header. */
  columns: readonly { name: string; required: boolean }[];
  refs: readonly RefKind[];
  /**
   * Whole-file entities are planned after the last row: their rows form units (an ERP bill's lines, a dealer's
   * snapshot of a date) or refer to each other (account → regional manager). The others stream in batches.
   */
  whole: boolean;
  /** The record when the row is valid (reader.errors empty), else undefined. */
  parse(r: RowReader, refs: Refs): R | undefined;
  /** The natural key, unique within a file. */
  key(rec: R): string;
  /** The column a duplicate key is reported on. */
  keyColumn: string;
  /** Fields that must equal the stored record for the row to be unchanged. */
  compare: readonly (keyof R)[];
  /** What an insert takes for fields the file left undefined. */
  defaults: Partial<R>;
  /** The source's modified time, when the entity has one: an older row never overwrites a newer stored one. */
  modifiedAt?(rec: R): string | null;
  /** Rules across rows of a whole-file entity; every row named in an error is dropped. */
  checkAll?(rows: readonly { line: number; rec: R }[], refs: Refs): RowProblem[];
}

export type Specs = { [E in ImportEntity]: EntitySpec<EntityRecords[E]> };
