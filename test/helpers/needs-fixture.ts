import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * A small, explicit network for the needs suites (on an empty database, so it never collides with the demo):
 * regional M101 over account manager M102 (dealers D0101 core, D0103 regular, D0104 silent) and regional M104
 * over account manager M103 (dealer D0102 key). Every code has a sandbox identity. D0101 has orders this quarter.
 */
export const NEEDS_FIXTURE = {
  regionalA: 'M101',
  accountA: 'M102',
  accountB: 'M103',
  regionalB: 'M104',
  coreDealer: 'D0101',
  keyDealerB: 'D0102',
  regularDealer: 'D0103',
  silentDealer: 'D0104',
} as const;

/** One order of ten N60 windows worth `fen`, placed at `at`. */
export async function insertN60Order(
  db: Kysely<Database>,
  no: string,
  dealer: string,
  fen: number,
  at: string,
  status: 'placed' | 'delivered' | 'cancelled',
): Promise<void> {
  await db
    .insertInto('orders')
    .values(seedOrderRow(no, dealer, fen, at, status))
    .execute();
  await db
    .insertInto('order_lines')
    .values({
      order_no: no,
      line_no: 1,
      sku: 'KW-N60',
      category: 'windows',
      qty: 10,
      unit_price_fen: fen / 10,
      amount_fen: fen,
    })
    .execute();
}

/** A policy of the demo's policies file, by code. */
export async function insertSeedPolicy(db: Kysely<Database>, code: string): Promise<void> {
  const { policies } = JSON.parse(
    readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8'),
  ) as {
    policies: Array<{ code: string; name: string; kind: string }>;
  };
  const p = policies.find((x) => x.code === code)!;
  await db
    .insertInto('policies')
    .values({ code: p.code, name: p.name, kind: p.kind, spec: JSON.stringify(p) })
    .execute();
}

/** An order row as the seed writes one: placed at `at`, nothing shipped, paid or cancelled (unless its status says). */
export function seedOrderRow(
  no: string,
  dealer: string,
  fen: number,
  at: string,
  status: 'placed' | 'delivered' | 'cancelled',
) {
  return {
    order_no: no,
    dealer_code: dealer,
    status,
    total_fen: fen,
    delivery_date: null,
    placed_at: at,
    shipped_at: null,
    cancelled_at: null,
    paid_at: null,
    source: 'seed' as const,
    draft_id: null,
  };
}

export async function insertNeedsFixture(db: Kysely<Database>, now: Date): Promise<void> {
  const region = await db
    .insertInto('regions')
    .values({ province: '浙江', city: '杭州', county: '西湖区', market_level: '二线' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const m = (code: string, name: string, role: 'account' | 'regional', regional: string | null) => ({
    code,
    name,
    role,
    regional_code: regional,
    province: '浙江',
    wecom_userid: code.toLowerCase(),
    alert_chat_id: `chat_${code}`,
    webhook_key: null,
    phone: null,
  });
  await db
    .insertInto('managers')
    .values([m('M101', '周敏', 'regional', null), m('M104', '高峰', 'regional', null)])
    .execute();
  await db
    .insertInto('managers')
    .values([m('M102', '李娜', 'account', 'M101'), m('M103', '王强', 'account', 'M104')])
    .execute();
  const d = (
    code: string,
    name: string,
    tier: 'core' | 'key' | 'regular' | 'silent',
    manager: string,
    tags: string[],
  ) => ({
    code,
    name,
    region_id: region.id,
    tier,
    tags,
    manager_code: manager,
    partnership_start: '2021-03-15',
    tier_reasons: tier === 'core' ? ['近12个月采购额前10%', '门店覆盖 18 家'] : [],
  });
  await db
    .insertInto('dealers')
    .values([
      d('D0101', '杭州恒远门窗', 'core', 'M102', ['门窗专长', '零售终端']),
      d('D0102', '宁波安居建材', 'key', 'M103', ['工程渠道']),
      d('D0103', '湖州良匠家居', 'regular', 'M102', []),
      d('D0104', '嘉兴旧时光门业', 'silent', 'M102', ['下沉市场']),
    ])
    .execute();
  const codes = ['M101', 'M102', 'M103', 'M104', 'D0101', 'D0102', 'D0103', 'D0104'];
  await db
    .insertInto('channel_identities')
    .values(
      codes.map((c) => ({
        channel: 'sandbox' as const,
        external_id: c,
        dealer_code: c.startsWith('D') ? c : null,
        manager_code: c.startsWith('M') ? c : null,
      })),
    )
    .execute();
  // Four orders this quarter: ¥600,000 + ¥500,000 + ¥300,000 windows, and a cancelled ¥200,000 one.
  const orders: Array<[string, number, string, 'placed' | 'delivered' | 'cancelled']> = [
    ['SO202610080001', 60_000_000, '2026-10-08T10:00:00+08:00', 'delivered'],
    ['SO202610300002', 50_000_000, '2026-10-30T10:00:00+08:00', 'delivered'],
    ['SO202611100003', 20_000_000, '2026-11-10T10:00:00+08:00', 'cancelled'],
    ['SO202611200004', 30_000_000, '2026-11-20T10:00:00+08:00', 'placed'],
  ];
  await db
    .insertInto('products')
    .values({
      sku: 'KW-N60',
      name: '窄边框平开窗',
      category: 'windows',
      series: 'N',
      unit: '套',
      list_price_fen: 600_000,
      moq: 1,
    })
    .execute();
  for (const [no, fen, at, status] of orders) await insertN60Order(db, no, 'D0101', fen, at, status);
  await insertSeedPolicy(db, 'LADDER-2026Q4');
  await db
    .insertInto('dealer_scores')
    .values({
      dealer_code: 'D0101',
      month: '2026-11-01',
      purchase_scale: 92,
      category_expertise: 88,
      store_coverage: 80,
      growth_potential: 70,
      collaboration: 90,
      total: 85.6,
      tier_before: 'core',
      tier_after: 'core',
      reasons: ['采购规模 92 分，位列前 10%', '门窗品类专长'],
      computed_at: now,
    })
    .execute();
}
