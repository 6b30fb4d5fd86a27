import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeedsService } from '../../core/needs/needs.service.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import { needNotices } from '../../bot/replies/needs.replies.js';
import { NEEDS_FIXTURE as F, insertNeedsFixture } from '../../test/helpers/needs-fixture.js';
import { openTestDatabase } from '../../test/helpers/db.js';
import type { DatabaseHandle } from '../connect.js';
import { NeedsRepository } from './needs.repository.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const H = 3_600_000;
const at = (h: number) => new Date(NOW.getTime() + h * H);

describe("a manager's open needs (am.need.list)", () => {
  let h: DatabaseHandle;
  // Need ids start where migration 0002 puts them: `n(k)` is the k-th need inserted below.
  let ids: number[] = [];
  const n = (k: number) => ids[k - 1];
  // Listing sends nothing: every send is recorded and checked empty.
  const sent: string[] = [];
  const record = async (to: string) => {
    sent.push(to);
    return true;
  };
  const silent: Notifier = { toDealer: record, toManager: record, toManagerChat: record };
  const list = (managerCode: string, filter?: 'all' | 'today' | 'overdue') =>
    new NeedsService({ store: new NeedsRepository(h.db), notifier: silent, notices: needNotices }).listForManager({
      managerCode,
      filter,
      now: NOW,
    });

  beforeAll(async () => {
    h = await openTestDatabase({ seeded: false });
    await insertNeedsFixture(h.db, NOW);
    const need = (
      dealer: string,
      owner: string,
      status: 'open' | 'claimed' | 'resolved',
      created: number,
      due: number,
    ) => ({
      dealer_code: dealer,
      category: 'training',
      text: `${dealer} 的需求`,
      status,
      owner_code: owner,
      tier: 'key' as const,
      first_response_due: at(due),
      resolution_due: at(due + 24),
      first_response_at: status === 'open' ? null : at(created + 1),
      created_at: at(created),
    });
    const rows = await h.db
      .insertInto('needs')
      .values([
        need(F.coreDealer, F.accountA, 'open', -2, 10), // 1: today, 10 h left
        need(F.regularDealer, F.accountA, 'open', -30, -6), // 2: first response 6 h overdue
        need(F.silentDealer, F.accountA, 'claimed', -20, -40), // 3: resolution (due -16 h) overdue
        need(F.coreDealer, F.accountA, 'resolved', -5, 5), // 4: resolved, awaiting a rating: not the manager's work
        need(F.keyDealerB, F.accountB, 'open', -1, 20), // 5: another region
        need(F.keyDealerB, F.accountA, 'claimed', -3, 20), // 6: transferred to M102 from the other region
      ])
      .returning('id')
      .execute();
    ids = rows.map((r) => Number(r.id));
  });
  afterAll(async () => {
    await h?.close();
  });

  it("an account manager sees their dealers' open and claimed needs and those transferred to them, overdue first", async () => {
    const l = await list(F.accountA);
    expect(l.items.map((i) => i.need.id)).toEqual([n(3), n(2), n(1), n(6)]);
    expect(l.items.map((i) => i.dealerName)).toEqual([
      '嘉兴旧时光门业',
      '湖州良匠家居',
      '杭州恒远门窗',
      '宁波安居建材',
    ]);
    expect(l.counts).toEqual({ all: 4, today: 2, overdue: 2 });
    expect((await list(F.accountA, 'overdue')).items.map((i) => i.need.id)).toEqual([n(3), n(2)]);
    expect((await list(F.accountA, 'today')).items.map((i) => i.need.id)).toEqual([n(1), n(6)]);
  });

  it("a regional manager sees their region's needs; the other region sees its own", async () => {
    expect((await list(F.regionalA)).items.map((i) => i.need.id)).toEqual([n(3), n(2), n(1)]);
    // Need 6 was transferred to M102 but its dealer is still M103's: both see it.
    expect((await list(F.accountB)).items.map((i) => i.need.id)).toEqual([n(5), n(6)]);
    expect((await list(F.regionalB)).items.map((i) => i.need.id)).toEqual([n(5), n(6)]);
  });

  it('a dealer code is not a manager', async () => {
    await expect(list(F.coreDealer)).rejects.toMatchObject({ code: 'NEED.MANAGER_NOT_FOUND' });
    expect(sent).toEqual([]);
  });
});
