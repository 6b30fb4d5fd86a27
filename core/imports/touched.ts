import type { ImportEntity } from './types.js';

/**
 * Which dealers' derived answers (stock cover, replenishment, rebate progress, anomalies) an import changed:
 * some dealers, every dealer, or none. Only rows that were written count (inserted, updated, or a unit replaced).
 */
export type TouchedDealers = { kind: 'some'; codes: ReadonlySet<string> } | { kind: 'all' };

/**
 * Entities whose rows change no dealer's derived answers: managers (routing only), tier prices and HQ stock (read
 * live by the chat, no anomaly depends on them). Products do (MOQ, lead time: cover and overstock of everyone).
 */
const NO_DEALER: ReadonlySet<ImportEntity> = new Set(['managers', 'prices', 'hq-stock']);
const EVERY_DEALER: ReadonlySet<ImportEntity> = new Set(['products']);

/** The dealer a written record belongs to: `dealerCode`, or `code` for the dealers entity itself. */
function dealerOf(entity: ImportEntity, record: object): string | null {
  const r = record as { dealerCode?: unknown; code?: unknown };
  if (typeof r.dealerCode === 'string') return r.dealerCode;
  return entity === 'dealers' && typeof r.code === 'string' ? r.code : null;
}

/** Collects the dealers an import run wrote for, batch by batch. */
export class TouchedDealerSet {
  private readonly codes = new Set<string>();
  private every = false;

  constructor(private readonly entity: ImportEntity) {}

  add(records: readonly object[]): void {
    if (records.length === 0 || NO_DEALER.has(this.entity)) return;
    if (EVERY_DEALER.has(this.entity)) {
      this.every = true;
      return;
    }
    for (const rec of records) {
      const code = dealerOf(this.entity, rec);
      if (code) this.codes.add(code);
    }
  }

  get value(): TouchedDealers {
    return this.every ? { kind: 'all' } : { kind: 'some', codes: this.codes };
  }

  get empty(): boolean {
    return !this.every && this.codes.size === 0;
  }
}
