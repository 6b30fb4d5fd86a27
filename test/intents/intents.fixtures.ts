import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { insertNeedsFixture, NEEDS_FIXTURE } from '../helpers/needs-fixture.js';

/**
 * The needs fixture (M101 regional over M102: D0101 core, D0103, D0104; M104 over M103: D0102) plus what the new
 * intents read, all known: D0101's receivables, credit, scores, stores and sell-through; three more dealers of M102
 * to find by name; three courses; a promotion for core dealers.
 */
export const IX = {
  ...NEEDS_FIXTURE,
  /** M102's: 杭州王记建材 (contact 王伟) and 绍兴旺达建材 (contact 王芳) both answer "老王建材". */
  wangJi: 'D0105',
  wangDa: 'D0106',
  /** M102's: 杭州锦华门窗, the only 锦华. */
  jinhua: 'D0107',
  creditLimitFen: 200_000_000,
  /** D0101: ¥400,000 open on SO202610080001 (due 11-07, 19 days overdue) and ¥500,000 due 12-01. */
  overdueFen: 40_000_000,
  dueSoonFen: 50_000_000,
} as const;

export const COURSE_TITLES = ['窄边框门窗卖点与样窗陈列', '整体橱柜测量设计实操', '安装服务标准与售后处理'] as const;

export async function insertIntentsFixture(db: Kysely<Database>, now: Date): Promise<void> {
  await insertNeedsFixture(db, now);
  const region = await db.selectFrom('regions').select('id').executeTakeFirstOrThrow();
  const dealer = (code: string, name: string) => ({
    code,
    name,
    region_id: region.id,
    tier: 'regular' as const,
    tags: [],
    manager_code: IX.accountA,
    partnership_start: '2023-05-01',
  });
  await db
    .insertInto('dealers')
    .values([dealer(IX.wangJi, '杭州王记建材'), dealer(IX.wangDa, '绍兴旺达建材'), dealer(IX.jinhua, '杭州锦华门窗')])
    .execute();
  await db
    .insertInto('dealer_contacts')
    .values([
      { dealer_code: IX.wangJi, name: '王伟', phone: '13800000105', is_primary: true },
      { dealer_code: IX.wangDa, name: '王芳', phone: '13800000106', is_primary: true },
      { dealer_code: IX.jinhua, name: '陈静', phone: '13800000107', is_primary: true },
    ])
    .execute();
  await db
    .insertInto('channel_identities')
    .values(
      [IX.wangJi, IX.wangDa, IX.jinhua].map((c) => ({ channel: 'sandbox' as const, external_id: c, dealer_code: c })),
    )
    .execute();

  // Statement: a credit limit, one overdue receivable (partly paid) and one due within the week.
  await db
    .updateTable('dealers')
    .set({ credit_limit_fen: IX.creditLimitFen })
    .where('code', '=', IX.coreDealer)
    .execute();
  await db
    .insertInto('receivables')
    .values([
      {
        dealer_code: IX.coreDealer,
        order_no: 'SO202610080001',
        amount_fen: 60_000_000,
        paid_fen: 20_000_000,
        due_date: '2026-11-07',
        created_at: '2026-10-08T12:00:00+08:00',
      },
      {
        dealer_code: IX.coreDealer,
        order_no: 'SO202610300002',
        amount_fen: 50_000_000,
        paid_fen: 0,
        due_date: '2026-12-01',
        created_at: '2026-11-01T12:00:00+08:00',
      },
    ])
    .execute();

  // Tier: October's evaluation raised D0101 from key to core (November's kept it there).
  await db
    .insertInto('dealer_scores')
    .values({
      dealer_code: IX.coreDealer,
      month: '2026-10-01',
      purchase_scale: 85,
      category_expertise: 84,
      store_coverage: 78,
      growth_potential: 75,
      collaboration: 88,
      total: 82.1,
      tier_before: 'key',
      tier_after: 'core',
      reasons: ['采购规模进入前 10%', '门店覆盖扩大到 18 家'],
      computed_at: '2026-10-01T06:00:00+08:00',
    })
    .execute();

  // Sell-through: two active stores; N60 sold 4 + 1 in October, 3 + 2 in November (2 of them this week).
  const store = (name: string) => ({
    dealer_code: IX.coreDealer,
    name,
    type: 'retail' as const,
    region_id: region.id,
    market_level: '二线' as const,
    opened_on: '2022-01-01',
  });
  await db
    .insertInto('stores')
    .values([store('恒远西湖店'), store('恒远滨江店')])
    .execute();
  await db
    .insertInto('sell_through')
    .values(
      (
        [
          ['2026-10-15', 4],
          ['2026-10-28', 1],
          ['2026-11-20', 3],
          ['2026-11-24', 2],
        ] as const
      ).map(([day, qty]) => ({ dealer_code: IX.coreDealer, sku: 'KW-N60', day, qty })),
    )
    .execute();

  const inDays = (days: number, hhmm: string) => {
    const d = new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);
    return `${d}T${hhmm}:00+08:00`;
  };
  await db
    .insertInto('courses')
    .values([
      {
        title: COURSE_TITLES[0],
        description: 'N60/N75窄边框系列的核心卖点和门店样窗陈列要点，适合导购和店长。',
        starts_at: inDays(3, '14:00'),
        mode: 'online',
      },
      {
        title: COURSE_TITLES[1],
        description: '上门测量、动线设计和报价单制作，适合橱柜设计师。',
        starts_at: inDays(6, '09:30'),
        mode: 'offline',
      },
      {
        title: COURSE_TITLES[2],
        description: '门窗和橱柜安装验收标准、常见售后问题处理流程。',
        starts_at: inDays(24, '09:00'),
        mode: 'offline',
      },
    ])
    .execute();

  const promotion = {
    code: 'PROMO-TEST-WINTER',
    name: '冬季门窗满减',
    kind: 'promotion',
    target: { tiers: ['core'], tagsAny: [] },
    pilotRatio: null,
    period: { start: '2026-11-01', end: '2026-12-31' },
    discountRate: 0.05,
    minOrderAmount: 5_000_000,
    productTagsAny: ['门窗'],
  };
  await db
    .insertInto('policies')
    .values({ code: promotion.code, name: promotion.name, kind: promotion.kind, spec: JSON.stringify(promotion) })
    .execute();
}
