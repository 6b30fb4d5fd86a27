import { describe, expect, it } from 'vitest';
import { DEFAULT_CADENCE } from './cadence.js';
import {
  contactReasons,
  filterPortfolio,
  type PlanSignals,
  planContacts,
  type PortfolioDealer,
  purchaseChange,
  tierCounts,
} from './portfolio.js';

const TODAY = '2026-11-26';
const dealer = (code: string, over: Partial<PortfolioDealer> = {}): PortfolioDealer => ({
  code,
  name: `经销商${code}`,
  tier: 'regular',
  tierPending: null,
  province: '浙江',
  city: '杭州市',
  county: '西湖区',
  partnershipStart: '2020-03-15',
  lastOrderDate: '2026-11-20',
  ytdFen: 50_000_000,
  lastYtdFen: 50_000_000,
  // Contacted yesterday: nothing due by the cadence.
  lastContactAt: new Date('2026-11-25T10:00:00+08:00'),
  openNeeds: 0,
  overdueNeeds: 0,
  anomalies: [],
  ...over,
});
const signals = (over: Partial<PlanSignals> = {}): PlanSignals => ({
  today: TODAY,
  cadence: DEFAULT_CADENCE,
  birthdays: [],
  positions: new Map(),
  ...over,
});
const kinds = (d: PortfolioDealer, s = signals()) => contactReasons(d, s).map((r) => r.kind);

describe("a manager's portfolio", () => {
  it('compares this year with the same span a year before, only from ¥10,000 up', () => {
    expect(purchaseChange({ ytdFen: 1_200_000, lastYtdFen: 1_000_000 })).toBeCloseTo(0.2);
    expect(purchaseChange({ ytdFen: 1_200_000, lastYtdFen: 999_999 })).toBeNull();
    expect(purchaseChange({ ytdFen: 0, lastYtdFen: 2_000_000 })).toBe(-1);
  });

  it('orders by tier, then purchases, then code; narrows by tier and by a place the words name', () => {
    const all = [
      dealer('D0003', { ytdFen: 9 }),
      dealer('D0002', { tier: 'core', ytdFen: 1 }),
      dealer('D0001', { ytdFen: 9, city: '绍兴市', county: '越城区' }),
      dealer('D0004', { tier: 'silent', ytdFen: 100 }),
    ];
    expect(filterPortfolio(all, {}).dealers.map((d) => d.code)).toEqual(['D0002', 'D0001', 'D0003', 'D0004']);
    expect(filterPortfolio(all, { tier: 'silent' }).dealers.map((d) => d.code)).toEqual(['D0004']);
    // "绍兴" names 绍兴市; "越城" the county.
    expect(filterPortfolio(all, { words: '我在绍兴的客户' })).toMatchObject({
      place: '绍兴市',
      dealers: [{ code: 'D0001' }],
    });
    expect(filterPortfolio(all, { words: '越城那几家' }).dealers.map((d) => d.code)).toEqual(['D0001']);
    expect(filterPortfolio(all, { words: '我名下的经销商' }).place).toBeUndefined();
    expect(tierCounts(all)).toEqual({ core: 1, key: 0, regular: 2, silent: 1 });
  });
});

describe('whom to contact this week', () => {
  it('finds each reason in the project’s own signals', () => {
    expect(kinds(dealer('D1'))).toEqual([]);
    expect(kinds(dealer('D1', { openNeeds: 3, overdueNeeds: 1 }))).toEqual(['need_overdue', 'need_open']);
    // Birthdays and anniversaries from today to 6 days ahead (12-02 is in, 12-03 is not; yesterday is gone).
    const birthdays = [
      { dealerCode: 'D1', name: '王伟', birthday: '1980-12-02' },
      { dealerCode: 'D1', name: '李娜', birthday: '1982-12-03' },
      { dealerCode: 'D1', name: '张强', birthday: '1982-11-25' },
      { dealerCode: 'D2', name: '陈静', birthday: '1990-11-27' },
    ];
    expect(contactReasons(dealer('D1'), signals({ birthdays }))).toEqual([
      { kind: 'birthday', date: '2026-12-02', contact: '王伟' },
    ]);
    expect(contactReasons(dealer('D1', { partnershipStart: '2023-11-30' }), signals())).toEqual([
      { kind: 'anniversary', date: '2026-11-30', years: 3 },
    ]);
    // Started this week of this year: no anniversary yet.
    expect(kinds(dealer('D1', { partnershipStart: '2026-11-30' }))).toEqual([]);
    expect(contactReasons(dealer('D1', { tierPending: 'regular', tier: 'key' }), signals())).toEqual([
      { kind: 'tier_down', to: 'regular' },
    ]);
    // A pending upgrade is good news, not a reason to worry.
    expect(kinds(dealer('D1', { tierPending: 'core' }))).toEqual([]);
    expect(kinds(dealer('D1', { anomalies: ['overdue_payment', 'overstock'] }))).toEqual([
      'overdue_payment',
      'stock_issue',
    ]);
    expect(kinds(dealer('D1', { ytdFen: 30_000_000 }))).toEqual(['purchases_down']);
    expect(kinds(dealer('D1', { ytdFen: 40_000_000 }))).toEqual([]);
  });

  it('says silence once: no "falling purchases" beside the days without an order', () => {
    const quiet = dealer('D1', { lastOrderDate: '2026-09-20', ytdFen: 10_000_000 });
    expect(contactReasons(quiet, signals())).toEqual([{ kind: 'going_silent', days: 67 }]);
    const silent = dealer('D1', { tier: 'silent', lastOrderDate: null, ytdFen: 0 });
    expect(contactReasons(silent, signals())).toEqual([{ kind: 'silent', days: null }]);
  });

  it('reads the cadence: never contacted, overdue, due within the week', () => {
    expect(contactReasons(dealer('D1', { lastContactAt: null }), signals())).toEqual([
      { kind: 'contact_overdue', never: true, days: 0 },
    ]);
    // Regular: every 14 days. Last on 11-02 → due 11-16 → 10 days late.
    const late = dealer('D1', { lastContactAt: new Date('2026-11-02T10:00:00+08:00') });
    expect(contactReasons(late, signals())).toEqual([{ kind: 'contact_overdue', never: false, days: 10 }]);
    // Core: every 7 days. Last on 11-21 → due 11-28, inside the week.
    const core = dealer('D1', { tier: 'core', lastContactAt: new Date('2026-11-21T10:00:00+08:00') });
    expect(contactReasons(core, signals())).toEqual([{ kind: 'contact_due', dueOn: '2026-11-28' }]);
  });

  it('counts the products the replenishment advice would restock', () => {
    const position = (sku: string, onHand: number) => ({
      sku,
      name: sku,
      unit: '套',
      onHand,
      sold30: 30,
      leadTimeDays: 7,
      moq: 1,
      orderMultiple: 1,
    });
    const positions = new Map([['D1', [position('A', 0), position('B', 2), position('C', 500)]]]);
    expect(contactReasons(dealer('D1'), signals({ positions }))).toEqual([{ kind: 'replenish', skus: 2 }]);
  });

  it('ranks by the weight of the reasons plus the tier, leaves out dealers with none, and names at most 8', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      dealer(`D${String(i + 10).padStart(4, '0')}`, { anomalies: ['sell_through_drop'] }),
    );
    const overdue = dealer('D0001', { overdueNeeds: 1, openNeeds: 1 });
    const coreDue = dealer('D0002', { tier: 'core', anomalies: ['sell_through_drop'] });
    const { planned, candidates } = planContacts([...many, dealer('D0003'), overdue, coreDue], signals());
    expect(candidates).toBe(14);
    expect(planned).toHaveLength(8);
    expect(planned[0]).toMatchObject({ dealer: { code: 'D0001' }, score: 105 });
    // The same reason weighs more for a core dealer (+15, and its weekly visit falls within the week: +10).
    expect(planned[1]).toMatchObject({ dealer: { code: 'D0002' }, score: 65 });
    expect(planned[2]).toMatchObject({ dealer: { code: 'D0010' }, score: 45 });
    expect(planned.map((p) => p.dealer.code)).not.toContain('D0003');
  });
});
