import { describe, expect, it } from 'vitest';
import { RecordingNotifier } from '../testing/notifier.js';
import { MemoryNeedStore, plainNeedNotices } from '../testing/needs.fakes.js';
import type { DealerRef, ManagerRef } from './needs.types.js';
import { NeedsService } from './needs.service.js';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

const managers: ManagerRef[] = [
  { code: 'M001', name: '王经理', role: 'account', regionalCode: 'M900' },
  { code: 'M002', name: '李经理', role: 'account', regionalCode: 'M900' },
  { code: 'M900', name: '赵区域', role: 'regional', regionalCode: null },
];
const dealer = (code: string, tier: DealerRef['tier'], managerCode = 'M001'): DealerRef => ({
  code,
  name: `${code} 建材`,
  tier,
  tags: [],
  managerCode,
  regionalCode: 'M900',
});

function setup() {
  const store = new MemoryNeedStore({
    dealers: [dealer('D0001', 'core'), dealer('D0002', 'key'), dealer('D0003', 'regular', 'M002')],
    managers,
  });
  const notifier = new RecordingNotifier();
  const needs = new NeedsService({ store, notifier, notices: plainNeedNotices });
  return { store, notifier, needs };
}

describe('NeedsService on in-memory ports', () => {
  it('submits with the tier SLA (core 12/24 h, key 24/48 h, regular 48/72 h) and alerts the owner chat once', async () => {
    const { needs, notifier, store } = setup();
    const core = await needs.submit({ dealerCode: 'D0001', category: 'training', text: ' 想安排一次培训 ', now: NOW });
    const key = await needs.submit({ dealerCode: 'D0002', text: '展架坏了', now: NOW });
    const regular = await needs.submit({ dealerCode: 'D0003', category: 'nonsense', text: '问下政策', now: NOW });
    expect([core.need.firstResponseDue, core.need.resolutionDue]).toEqual([hours(12), hours(24)]);
    expect([key.need.firstResponseDue, key.need.resolutionDue]).toEqual([hours(24), hours(48)]);
    expect([regular.need.firstResponseDue, regular.need.resolutionDue]).toEqual([hours(48), hours(72)]);
    expect([core.need.text, core.need.category, key.need.category, regular.need.category]).toEqual([
      '想安排一次培训',
      'training',
      'other',
      'other',
    ]);
    expect(regular.need.ownerCode).toBe('M002');
    expect(notifier.ofKind('need.alert').map((m) => [m.channel, m.to, m.dedupeKey])).toEqual([
      ['managerChat', 'M001', `need.alert:${core.need.id}`],
      ['managerChat', 'M001', `need.alert:${key.need.id}`],
      ['managerChat', 'M002', `need.alert:${regular.need.id}`],
    ]);
    expect((await store.events(core.need.id)).map((e) => e.kind)).toEqual(['submitted', 'alerted']);
  });

  it('rejects an empty text and an unknown dealer, storing nothing', async () => {
    const { needs, store, notifier } = setup();
    await expect(needs.submit({ dealerCode: 'D0001', text: '  ', now: NOW })).rejects.toMatchObject({
      code: 'NEED.EMPTY_TEXT',
    });
    await expect(needs.submit({ dealerCode: 'D9999', text: '你好', now: NOW })).rejects.toMatchObject({
      code: 'NEED.DEALER_NOT_FOUND',
    });
    expect([store.needs.size, notifier.sent.length]).toEqual([0, 0]);
  });

  it('claim is the first response; a second claim by the owner is "already"; another manager is told it does not exist (no existence leak)', async () => {
    const { needs, notifier } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0001', text: '要培训', now: NOW });
    const first = await needs.claim({ managerCode: 'M001', needId: need.id, now: hours(1) });
    expect([first.already, first.need.status, first.need.firstResponseAt]).toEqual([false, 'claimed', hours(1)]);
    expect((await needs.claim({ managerCode: 'M001', needId: need.id, now: hours(2) })).already).toBe(true);
    await expect(needs.claim({ managerCode: 'M002', needId: need.id, now: hours(2) })).rejects.toMatchObject({
      code: 'NEED.NOT_FOUND',
    });
    await expect(needs.claim({ managerCode: 'M001', needId: 999, now: hours(2) })).rejects.toMatchObject({
      code: 'NEED.NOT_FOUND',
    });
    // The regional manager above the dealer's manager may act on it.
    await expect(needs.resolve({ managerCode: 'M900', needId: need.id, now: hours(3) })).resolves.toBeDefined();
    expect(notifier.ofKind('need.claimed').map((m) => [m.to, m.body])).toEqual([['D0001', `claimed N${need.id} M001`]]);
  });

  it('resolve asks for a rating; a good rating closes, a low one reopens with a fresh window and alerts', async () => {
    const { needs, notifier, store } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0002', text: '展架坏了', now: NOW });
    await needs.resolve({ managerCode: 'M001', needId: need.id, note: '已换新', now: hours(5) });
    expect(await needs.pendingRating('D0002', hours(6))).toBe(need.id);
    expect(await needs.pendingRating('D0002', hours(5 + 73))).toBeUndefined(); // older than 72 h
    const low = await needs.rate({
      dealerCode: 'D0002',
      needId: need.id,
      rating: 2,
      comment: '还是坏的',
      now: hours(6),
    });
    expect([low.reopened, low.need.status, low.need.resolutionDue]).toEqual([true, 'claimed', hours(6 + 48)]);
    expect(notifier.ofKind('need.reopened').map((m) => m.to)).toEqual(['M900', 'M001']);
    expect((await store.events(need.id)).slice(-2).map((e) => [e.kind, e.body])).toEqual([
      ['rated', '2 还是坏的'],
      ['reopened', '2'],
    ]);
    await needs.resolve({ managerCode: 'M001', needId: need.id, now: hours(8) });
    const good = await needs.rate({ dealerCode: 'D0002', needId: need.id, rating: 5, now: hours(9) });
    expect([good.reopened, good.need.status, good.need.closedAt]).toEqual([false, 'closed', hours(9)]);
    await expect(needs.rate({ dealerCode: 'D0002', needId: need.id, rating: 4, now: hours(10) })).rejects.toMatchObject(
      { code: 'NEED.BAD_STATE' },
    );
  });

  it('a rating outside 1–5 or on another dealer’s need changes nothing', async () => {
    const { needs } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0001', text: '要培训', now: NOW });
    await needs.resolve({ managerCode: 'M001', needId: need.id, now: hours(1) });
    for (const rating of [0, 6, 2.5])
      await expect(needs.rate({ dealerCode: 'D0001', needId: need.id, rating, now: hours(2) })).rejects.toThrow();
    await expect(needs.rate({ dealerCode: 'D0002', needId: need.id, rating: 5, now: hours(2) })).rejects.toMatchObject({
      code: 'NEED.NOT_FOUND',
    });
    expect((await needs.statusForDealer({ dealerCode: 'D0001', needId: need.id }))[0]!.status).toBe('resolved');
  });

  it('another dealer’s need is not found, exactly like a missing one', async () => {
    const { needs } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0001', text: '要培训', now: NOW });
    await expect(needs.statusForDealer({ dealerCode: 'D0002', needId: need.id })).rejects.toMatchObject({
      code: 'NEED.NOT_FOUND',
    });
    await expect(needs.statusForDealer({ dealerCode: 'D0002', needId: 12345 })).rejects.toMatchObject({
      code: 'NEED.NOT_FOUND',
    });
    expect((await needs.statusForDealer({ dealerCode: 'D0001' })).map((n) => n.id)).toEqual([need.id]);
  });

  it('the SLA clock warns the owner at 50% and 80%, escalates to the regional manager at 100%, each once', async () => {
    const { needs, notifier } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0001', text: '急', now: NOW }); // core: first response in 12 h
    expect(await needs.checkSla(hours(5))).toEqual({ recorded: 0, warned: 0, escalated: 0 });
    expect(await needs.checkSla(hours(6))).toEqual({ recorded: 1, warned: 1, escalated: 0 }); // first 50%
    expect(await needs.checkSla(hours(6))).toEqual({ recorded: 0, warned: 0, escalated: 0 });
    // 12 h: first response 100% (escalated) and 80% at once (only the highest is told); resolution 50% (24 h).
    expect(await needs.checkSla(hours(12))).toEqual({ recorded: 3, warned: 1, escalated: 1 });
    expect(notifier.ofKind('need.escalation').map((m) => [m.to, m.body])).toEqual([
      ['M900', `escalation N${need.id} first to M900`],
    ]);
    expect(notifier.ofKind('need.warning').map((m) => [m.to, m.body])).toEqual([
      ['M001', `warning N${need.id} first:50`],
      ['M001', `warning N${need.id} resolution:50`],
    ]);
  });

  it('transfers to another manager (alerting their chat), not to the current owner', async () => {
    const { needs, notifier } = setup();
    const { need } = await needs.submit({ dealerCode: 'D0001', text: '要培训', now: NOW });
    const moved = await needs.transfer({ managerCode: 'M001', needId: need.id, toCode: 'm002', now: hours(1) });
    expect(moved.need.ownerCode).toBe('M002');
    expect(notifier.ofKind('need.transfer').map((m) => m.to)).toEqual(['M002']);
    await expect(
      needs.transfer({ managerCode: 'M900', needId: need.id, toCode: 'M002', now: hours(2) }),
    ).rejects.toMatchObject({ code: 'NEED.BAD_STATE' });
    await expect(
      needs.transfer({ managerCode: 'M001', needId: need.id, toCode: 'M404', now: hours(2) }),
    ).rejects.toMatchObject({ code: 'NEED.MANAGER_NOT_FOUND' });
  });
});
