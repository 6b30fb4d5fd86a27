import { describe, expect, it } from 'vitest';
import {
  type ImportOffer,
  ImportOfferDesk,
  type ImportOfferStore,
  type ManagerScope,
  type NewOffer,
  type OfferFile,
} from './offer.service.js';
import type { FileSummary } from './offers.js';

/** Staging only: the desk never reads back, lists or decides. */
class StagedOffers implements Pick<ImportOfferStore, 'stage'> {
  readonly staged: NewOffer[] = [];
  async stage(o: NewOffer): Promise<ImportOffer> {
    this.staged.push(o);
    return {
      id: this.staged.length,
      managerCode: o.managerCode,
      channel: o.channel,
      fileName: o.file.name,
      format: o.file.format,
      sizeBytes: o.file.bytes.byteLength,
      entity: o.summary.entity,
      rows: o.summary.rows,
      dealerCodes: o.summary.dealerCodes,
      status: 'pending',
      createdAt: o.createdAt,
      expiresAt: o.expiresAt,
      decidedAt: null,
      decidedBy: null,
      reason: null,
      last: null,
    };
  }
}

/** M001 answers for D0001 and D0002. */
const scope: ManagerScope = {
  dealersOutside: async (manager, codes) =>
    codes.filter((c) => manager !== 'M001' || !['D0001', 'D0002'].includes(c)).sort(),
};

const file: OfferFile = { name: 'pos.csv', format: 'csv', encoding: 'utf-8', sha256: 'x', bytes: new Uint8Array(3) };
const now = new Date('2026-11-30T02:00:00Z');
const summary = (s: Partial<FileSummary>): FileSummary => ({
  entity: 'pos',
  rows: 2,
  dealerCodes: ['D0001'],
  rowsWithoutDealer: 0,
  ...s,
});

describe('ImportOfferDesk.stage', () => {
  const stage = async (s: Partial<FileSummary>, managerCode = 'M001') => {
    const offers = new StagedOffers();
    const desk = new ImportOfferDesk(offers, scope);
    const out = await desk.stage({ inboundId: 7, managerCode, channel: 'kf', file, summary: summary(s), now });
    return { out, staged: offers.staged };
  };

  it("stages a manager's own dealers' data for 7 days", async () => {
    const { out, staged } = await stage({ dealerCodes: ['D0001', 'D0002'] });
    expect(out).toMatchObject({ kind: 'staged', offer: { id: 1, entity: 'pos', rows: 2 } });
    expect(staged[0]!.expiresAt.toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });

  it('refuses what only HQ imports, empty files, and rows about other dealers or none', async () => {
    expect((await stage({ entity: 'prices' })).out).toEqual({ kind: 'hq_only', entity: 'prices' });
    expect((await stage({ entity: 'receivables' })).out).toEqual({ kind: 'hq_only', entity: 'receivables' });
    expect((await stage({ rows: 0, dealerCodes: [] })).out).toEqual({ kind: 'empty', entity: 'pos' });
    expect((await stage({ dealerCodes: ['D0001', 'D0009'] })).out).toEqual({
      kind: 'outside_scope',
      entity: 'pos',
      dealers: ['D0009'],
      rowsWithoutDealer: 0,
    });
    const none = await stage({ rowsWithoutDealer: 1 });
    expect(none.out).toMatchObject({ kind: 'outside_scope', dealers: [], rowsWithoutDealer: 1 });
    expect(none.staged).toHaveLength(0);
  });
});
