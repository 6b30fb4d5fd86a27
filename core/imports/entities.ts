import { formatOptionsSpec, parseOptionsSpec } from '../catalog/options.js';
import { DEALER_CODE, MANAGER_CODE, ORDER_NO, STORE_CODE, storeDealer } from './codes.js';
import {
  type ContactRecord,
  type DealerRecord,
  type DealerStockRecord,
  type EntitySpec,
  type HqStockRecord,
  MARKET_LEVELS,
  type ManagerRecord,
  ORDER_STATUSES,
  type OrderLineRecord,
  type PaymentRecord,
  type PosRecord,
  type PriceRecord,
  type ProductRecord,
  type ReceivableRecord,
  type Refs,
  STORE_TYPES,
  type Specs,
  type StoreRecord,
  TIERS,
} from './entity.types.js';
import type { RowReader } from './fields.js';
import { type ImportReason, type ImportUnit, reasons } from './messages.js';
import type { RowProblem } from './types.js';

const cols = (required: string[], optional: string[] = []) => [
  ...required.map((name) => ({ name, required: true })),
  ...optional.map((name) => ({ name, required: false })),
];

/** A code that must name a known row of `kind`; fails with `unknown(code)` otherwise. */
function known(
  r: RowReader,
  column: string,
  code: string | undefined,
  map: ReadonlyMap<string, string>,
  unknown: (c: string) => ImportReason,
) {
  if (code !== undefined && !map.has(code)) r.fail(column, unknown(code));
}

/** A well-formed code (`pattern`, shown as `example`) that must name a known row. */
function knownCode(
  r: RowReader,
  column: string,
  [pattern, example]: readonly [RegExp, string],
  map: ReadonlyMap<string, string>,
  unknown: (c: string) => ImportReason,
): string | undefined {
  const code = r.code(column, pattern, example);
  known(r, column, code, map, unknown);
  return code;
}

/** The record when the reader saw no problem. */
const valid = <R>(r: RowReader, rec: R): R | undefined => (r.ok ? rec : undefined);

const managers: EntitySpec<ManagerRecord> = {
  entity: 'managers',
  columns: cols(['code', 'name', 'role'], ['regional_code', 'province', 'wecom_userid', 'phone', 'alert_chat_id']),
  refs: ['managers'],
  whole: true,
  parse(r) {
    const regionalCode = r.optionalText('regional_code');
    if (regionalCode && !MANAGER_CODE.test(regionalCode)) r.fail('regional_code', reasons.badCode('M001'));
    return valid(r, {
      code: r.code('code', MANAGER_CODE, 'M001')!,
      name: r.text('name', 50)!,
      role: r.oneOf('role', ['account', 'regional'] as const)!,
      regionalCode,
      province: r.optionalText('province', 20),
      wecomUserid: r.optionalText('wecom_userid', 64),
      phone: r.optionalText('phone', 20),
      alertChatId: r.optionalText('alert_chat_id', 64),
    });
  },
  key: (m) => m.code,
  keyColumn: 'code',
  compare: ['name', 'role', 'regionalCode', 'province', 'wecomUserid', 'phone', 'alertChatId'],
  defaults: { regionalCode: null, province: null, wecomUserid: null, phone: null, alertChatId: null },
  // An account manager's regional manager may be in the same file.
  checkAll(rows, refs) {
    const roles = new Map(refs.managers);
    for (const { rec } of rows) roles.set(rec.code, rec.role);
    const errors: RowProblem[] = [];
    for (const { line, rec } of rows) {
      if (!rec.regionalCode) continue;
      const role = roles.get(rec.regionalCode);
      if (role !== 'regional') {
        const reason =
          role === undefined ? reasons.unknownManager(rec.regionalCode) : reasons.notRegional(rec.regionalCode);
        errors.push({ line, column: 'regional_code', value: rec.regionalCode, reason });
      }
    }
    return errors;
  },
};

/** Province, city, county and market level: the region a dealer or store is in. */
function region(r: RowReader) {
  return {
    province: r.text('province', 20)!,
    city: r.text('city', 20)!,
    county: r.text('county', 20)!,
    marketLevel: r.oneOf('market_level', MARKET_LEVELS)!,
  };
}
const REGION_COLUMNS = ['province', 'city', 'county', 'market_level'];

const dealers: EntitySpec<DealerRecord> = {
  entity: 'dealers',
  columns: cols(
    ['code', 'name', 'manager_code', ...REGION_COLUMNS, 'partnership_start'],
    ['tier', 'credit_limit', 'payment_terms_days', 'tags'],
  ),
  refs: ['managers'],
  whole: false,
  parse(r, refs) {
    const managerCode = knownCode(r, 'manager_code', [MANAGER_CODE, 'M001'], refs.managers, reasons.unknownManager);
    return valid(r, {
      code: r.code('code', DEALER_CODE, 'D0001')!,
      name: r.text('name', 100)!,
      managerCode: managerCode!,
      ...region(r),
      partnershipStart: r.date('partnership_start')!,
      tier: r.oneOf('tier', TIERS, true),
      creditLimitFen: r.fen('credit_limit', { optional: true }),
      paymentTermsDays: r.int('payment_terms_days', { optional: true }),
      tags: r.list('tags'),
    });
  },
  key: (d) => d.code,
  keyColumn: 'code',
  compare: [
    'name',
    'managerCode',
    'province',
    'city',
    'county',
    'marketLevel',
    'partnershipStart',
    'tier',
    'creditLimitFen',
    'paymentTermsDays',
    'tags',
  ],
  defaults: { tier: 'regular', creditLimitFen: 0, paymentTermsDays: 30, tags: [] },
};

const contacts: EntitySpec<ContactRecord> = {
  entity: 'contacts',
  columns: cols(['dealer_code', 'name', 'phone'], ['birthday', 'is_primary']),
  refs: ['dealers'],
  whole: false,
  parse(r, refs) {
    const dealerCode = dealer(r, refs);
    return valid(r, {
      dealerCode: dealerCode!,
      name: r.text('name', 50)!,
      phone: r.code('phone', /^\+?[\d-]{5,20}$/, '13800138000')!,
      birthday: r.optionalDate('birthday'),
      isPrimary: r.bool('is_primary'),
    });
  },
  key: (c) => `${c.dealerCode}|${c.phone}`,
  keyColumn: 'phone',
  compare: ['name', 'birthday', 'isPrimary'],
  defaults: { birthday: null, isPrimary: false },
};

const stores: EntitySpec<StoreRecord> = {
  entity: 'stores',
  columns: cols(['code', 'name', 'type', ...REGION_COLUMNS, 'opened_on'], ['active']),
  refs: ['dealers'],
  whole: false,
  parse(r, refs) {
    const code = r.code('code', STORE_CODE, 'D0001-S01');
    const dealerCode = code === undefined ? undefined : storeDealer(code)!;
    known(r, 'code', dealerCode, refs.dealers, reasons.unknownDealer);
    return valid(r, {
      code: code!,
      dealerCode: dealerCode!,
      name: r.text('name', 100)!,
      type: r.oneOf('type', STORE_TYPES)!,
      ...region(r),
      openedOn: r.date('opened_on')!,
      active: r.bool('active'),
    });
  },
  key: (s) => s.code,
  keyColumn: 'code',
  compare: ['name', 'type', 'province', 'city', 'county', 'marketLevel', 'openedOn', 'active'],
  defaults: { active: true },
};

const products: EntitySpec<ProductRecord> = {
  entity: 'products',
  columns: cols(
    ['sku', 'name', 'category', 'series', 'unit', 'list_price', 'moq'],
    ['order_multiple', 'lead_time_days', 'aliases', 'tags', 'active', 'options'],
  ),
  refs: [],
  whole: false,
  parse(r) {
    return valid(r, {
      sku: r.code('sku', /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'KW-N60')!,
      name: r.text('name', 100)!,
      category: r.text('category', 40)!,
      series: r.text('series', 40)!,
      unit: r.text('unit', 10)!,
      listPriceFen: r.fen('list_price', { positive: true })!,
      moq: r.int('moq', { min: 1 })!,
      orderMultiple: r.int('order_multiple', { min: 1, optional: true }),
      leadTimeDays: r.int('lead_time_days', { optional: true }),
      aliases: r.list('aliases'),
      tags: r.list('tags'),
      active: r.bool('active'),
      options: productOptions(r),
    });
  },
  key: (p) => p.sku,
  keyColumn: 'sku',
  compare: [
    'name',
    'category',
    'series',
    'unit',
    'listPriceFen',
    'moq',
    'orderMultiple',
    'leadTimeDays',
    'aliases',
    'tags',
    'active',
    'options',
  ],
  defaults: { orderMultiple: 1, leadTimeDays: 14, aliases: [], tags: [], active: true, options: '' },
};

/** The `options` cell, checked and written canonically; absent column: keep what is stored. */
function productOptions(r: RowReader): string | undefined {
  const text = r.optionalText('options', 2000);
  if (text === undefined) return undefined;
  if (text === null) return '';
  const parsed = parseOptionsSpec(text);
  if (parsed === null) return '';
  if ('error' in parsed) return r.fail('options', reasons.badOptions(parsed.error));
  return formatOptionsSpec(parsed);
}

/** A SKU that must be in the catalog. */
function sku(r: RowReader, refs: Refs): string | undefined {
  const v = r.text('sku', 40);
  known(r, 'sku', v, refs.skus, reasons.unknownSku);
  return v;
}

/** A dealer code that must be known. */
function dealer(r: RowReader, refs: Refs, column = 'dealer_code'): string | undefined {
  return knownCode(r, column, [DEALER_CODE, 'D0001'], refs.dealers, reasons.unknownDealer);
}

const prices: EntitySpec<PriceRecord> = {
  entity: 'prices',
  columns: cols(['sku', 'tier', 'price']),
  refs: ['skus'],
  whole: false,
  parse: (r, refs) =>
    valid(r, { sku: sku(r, refs)!, tier: r.oneOf('tier', TIERS)!, priceFen: r.fen('price', { positive: true })! }),
  key: (p) => `${p.sku}|${p.tier}`,
  keyColumn: 'tier',
  compare: ['priceFen'],
  defaults: {},
};

const hqStock: EntitySpec<HqStockRecord> = {
  entity: 'hq-stock',
  columns: cols(['sku', 'on_hand'], ['modified_at', 'reserved']),
  refs: ['skus'],
  whole: false,
  parse: (r, refs) =>
    valid(r, {
      sku: sku(r, refs)!,
      onHand: r.int('on_hand')!,
      modifiedAt: r.modifiedAt(),
      reserved: r.int('reserved', { optional: true }),
    }),
  key: (s) => s.sku,
  keyColumn: 'sku',
  compare: ['onHand', 'modifiedAt', 'reserved'],
  defaults: { modifiedAt: null, reserved: 0 },
  modifiedAt: (s) => s.modifiedAt ?? null,
};

const dealerStock: EntitySpec<DealerStockRecord> = {
  entity: 'dealer-stock',
  // expires_on (optional, after the contract's fixed four): the earliest expiry of that stock, for expiring batches.
  columns: cols(['date', 'dealer_code', 'sku', 'qty'], ['expires_on']),
  refs: ['dealers', 'skus'],
  whole: true,
  parse: (r, refs) =>
    valid(r, {
      day: r.date('date')!,
      dealerCode: dealer(r, refs)!,
      sku: sku(r, refs)!,
      qty: r.int('qty')!,
      expiresOn: r.optionalDate('expires_on'),
    }),
  key: (s) => `${s.dealerCode}|${s.day}|${s.sku}`,
  keyColumn: 'sku',
  compare: ['qty', 'expiresOn'],
  defaults: {},
};

const pos: EntitySpec<PosRecord> = {
  entity: 'pos',
  columns: cols(['date', 'store_code', 'sku', 'qty', 'amount']),
  refs: ['stores', 'skus'],
  whole: false,
  parse(r, refs) {
    const storeCode = knownCode(r, 'store_code', [STORE_CODE, 'D0001-S01'], refs.stores, reasons.unknownStore);
    return valid(r, {
      day: r.date('date')!,
      storeCode: storeCode!,
      dealerCode: refs.stores.get(storeCode!)!,
      sku: sku(r, refs)!,
      qty: r.int('qty')!,
      amountFen: r.fen('amount')!,
    });
  },
  key: (p) => `${p.storeCode}|${p.sku}|${p.day}`,
  keyColumn: 'store_code',
  compare: ['qty', 'amountFen'],
  defaults: {},
};

const ORDER_HEADER = [
  ['billNo', 'bill_no'],
  ['orderNo', 'order_no'],
  ['dealerCode', 'dealer_code'],
  ['status', 'status'],
  ['placedAt', 'placed_at'],
  ['deliveryDate', 'delivery_date'],
  ['modifiedAt', 'modified_at'],
] as const satisfies readonly (readonly [keyof OrderLineRecord, string])[];

const orders: EntitySpec<OrderLineRecord> = {
  entity: 'orders',
  columns: cols(
    ['bill_id', 'entry_id', 'dealer_code', 'status', 'placed_at', 'sku', 'qty', 'unit_price'],
    ['bill_no', 'order_no', 'delivery_date', 'modified_at'],
  ),
  refs: ['dealers', 'skus', 'orders'],
  whole: true,
  parse(r, refs) {
    const billId = r.text('bill_id', 64);
    const dealerCode = dealer(r, refs);
    const orderNo = r.optionalText('order_no', 14);
    if (orderNo) {
      const linked = refs.orders.get(orderNo);
      if (!ORDER_NO.test(orderNo)) r.fail('order_no', reasons.badCode('SO202611260001'));
      else if (linked !== undefined) {
        const [owner, bill] = linked.split('|') as [string, string];
        if (bill !== '' && bill !== billId) r.fail('order_no', reasons.orderTaken(orderNo));
        else if (owner !== dealerCode) r.fail('order_no', reasons.otherDealer(owner));
      }
    }
    return valid(r, {
      billId: billId!,
      entryId: r.text('entry_id', 64)!,
      billNo: r.optionalText('bill_no', 64),
      orderNo,
      dealerCode: dealerCode!,
      status: r.oneOf('status', ORDER_STATUSES)!,
      placedAt: r.instant('placed_at')!,
      deliveryDate: r.optionalDate('delivery_date'),
      sku: sku(r, refs)!,
      qty: r.int('qty', { min: 1 })!,
      unitPriceFen: r.fen('unit_price')!,
      modifiedAt: r.modifiedAt(),
    });
  },
  key: (o) => `${o.billId}|${o.entryId}`,
  keyColumn: 'entry_id',
  // The SO number is ours once allocated: a later file without it (or with it) never renumbers the order.
  compare: ['billNo', 'dealerCode', 'status', 'placedAt', 'deliveryDate', 'sku', 'qty', 'unitPriceFen', 'modifiedAt'],
  defaults: { billNo: null, orderNo: null, deliveryDate: null, modifiedAt: null },
  modifiedAt: (o) => o.modifiedAt ?? null,
  // Every line repeats its bill's header; a line that disagrees with the bill's first line is an error.
  checkAll(rows) {
    const first = new Map<string, OrderLineRecord>();
    const errors: RowProblem[] = [];
    for (const { line, rec } of rows) {
      const head = first.get(rec.billId);
      if (!head) {
        first.set(rec.billId, rec);
        continue;
      }
      for (const [field, column] of ORDER_HEADER) {
        if ((head[field] ?? null) !== (rec[field] ?? null)) {
          errors.push({ line, column, value: String(rec[field] ?? ''), reason: reasons.headerMismatch(column) });
          break;
        }
      }
    }
    return errors;
  },
};

const receivables: EntitySpec<ReceivableRecord> = {
  entity: 'receivables',
  columns: cols(['bill_no', 'dealer_code', 'amount', 'due_date'], ['order_no', 'bill_date', 'modified_at']),
  refs: ['dealers', 'orders'],
  whole: false,
  parse(r, refs) {
    const dealerCode = dealer(r, refs);
    const orderNo = r.optionalText('order_no', 14);
    if (orderNo) {
      const owner = refs.orders.get(orderNo)?.split('|')[0];
      if (owner === undefined) r.fail('order_no', reasons.unknownOrder(orderNo));
      else if (dealerCode !== undefined && owner !== dealerCode) r.fail('order_no', reasons.otherDealer(owner));
    }
    const billDate = r.has('bill_date') && r.raw('bill_date') !== '' ? r.date('bill_date') : undefined;
    return valid(r, {
      billNo: r.text('bill_no', 64)!,
      dealerCode: dealerCode!,
      orderNo,
      amountFen: r.fen('amount', { positive: true })!,
      dueDate: r.date('due_date')!,
      billDate,
      modifiedAt: r.modifiedAt(),
    });
  },
  key: (x) => x.billNo,
  keyColumn: 'bill_no',
  compare: ['dealerCode', 'orderNo', 'amountFen', 'dueDate', 'billDate', 'modifiedAt'],
  defaults: { orderNo: null, modifiedAt: null },
  modifiedAt: (x) => x.modifiedAt ?? null,
};

const payments: EntitySpec<PaymentRecord> = {
  entity: 'payments',
  columns: cols(['payment_no', 'dealer_code', 'amount', 'paid_on'], ['receivable_no', 'modified_at']),
  refs: ['dealers', 'receivables'],
  whole: false,
  parse(r, refs) {
    const dealerCode = dealer(r, refs);
    const receivableNo = r.optionalText('receivable_no', 64) ?? null;
    if (receivableNo) {
      const owner = refs.receivables.get(receivableNo);
      if (owner === undefined) r.fail('receivable_no', reasons.unknownReceivable(receivableNo));
      else if (dealerCode !== undefined && owner !== dealerCode) r.fail('receivable_no', reasons.otherDealer(owner));
    }
    return valid(r, {
      paymentNo: r.text('payment_no', 64)!,
      dealerCode: dealerCode!,
      receivableNo,
      amountFen: r.fen('amount', { positive: true })!,
      paidOn: r.date('paid_on')!,
      modifiedAt: r.modifiedAt(),
    });
  },
  key: (p) => p.paymentNo,
  keyColumn: 'payment_no',
  compare: ['dealerCode', 'receivableNo', 'amountFen', 'paidOn', 'modifiedAt'],
  defaults: { modifiedAt: null },
  modifiedAt: (p) => p.modifiedAt ?? null,
};

/** Every entity's column mapping and rules (documented in adapters/imports/README.md). */
export const SPECS: Specs = {
  managers,
  dealers,
  contacts,
  stores,
  products,
  prices,
  'hq-stock': hqStock,
  'dealer-stock': dealerStock,
  pos,
  orders,
  receivables,
  payments,
};

/**
 * Rows that stand or fall together: an ERP bill's lines, a dealer's stock snapshot of one date. Computed from raw
 * cells, so a row that failed to parse still marks its unit as bad.
 */
export const UNITS: Partial<Record<keyof Specs, { column: string; of(cell: (column: string) => string): ImportUnit }>> =
  {
    orders: { column: 'bill_id', of: (cell) => ({ kind: 'bill', billId: cell('bill_id') }) },
    'dealer-stock': {
      column: 'dealer_code',
      of: (cell) => ({ kind: 'stockSnapshot', dealerCode: cell('dealer_code'), date: cell('date') }),
    },
  };

/** A unit as a Set key. */
export const unitKey = (u: ImportUnit): string => (u.kind === 'bill' ? u.billId : `${u.dealerCode} ${u.date}`);
