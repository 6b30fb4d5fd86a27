import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { parseCatalogCsv } from '../../core/catalog/catalog.csv.js';
import { tierPriceFen } from '../../core/catalog/pricing.js';
import type { Database, Tier } from '../../db/schema.js';
import { quarterStart, shanghaiDate } from '../../core/common/time.js';

/** A small, fully known ordering world around `now`. Upserts, so it also lays cleanly over the seeded demo slice. */
export const FX = {
  manager: 'M901',
  /** core tier; ¥493,050 of qualifying orders this quarter (just under the 2% band at ¥500,000). */
  core: 'D0901',
  /** regular tier; has an order of its own (SO202611209901, placed). */
  other: 'D0902',
  /** key tier; a receivable 56 days overdue. */
  overdue: 'D0903',
  /** regular, 下沉市场, in TOWN-VALUE-2026Q4's pilot cohort (the lowest hash of the two): the 满减 applies. */
  town: 'D0906',
  /** regular, 下沉市场, in TOWN-VALUE-2026Q4's holdout: the 满减 does not apply (yet). */
  townHoldout: 'D0904',
  /** key tier, credit limit ¥50,000, two chat accounts (sandbox D0905-A and D0905-B). */
  shared: 'D0905',
  /** core tier, 工程渠道: LADDER-ENG-2026Q4 stacks on the general ladder. */
  eng: 'D0907',
  /** MOQ 20, order multiple 20. */
  moq20: 'KC-S06',
  /** HQ has 10 available. */
  scarce: 'KW-N75',
} as const;

/** The fixture orders of a world around `now`: D0901's order 40 days ago, D0902's 6 days ago. */
export function fixtureOrders(now: Date): { coreOrder: string; otherOrder: string } {
  const no = (offset: number) =>
    `SO${shanghaiDate(new Date(now.getTime() + offset * 86_400_000)).replaceAll('-', '')}9901`;
  return { coreOrder: no(-40), otherOrder: no(-6) };
}

export const orderFixtures = (now: Date) => (db: Kysely<Database>) => installOrderFixtures(db, now);

export async function installOrderFixtures(db: Kysely<Database>, now: Date): Promise<void> {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
  const day = (offset: number) => shanghaiDate(new Date(now.getTime() + offset * 86_400_000));
  const { coreOrder, otherOrder } = fixtureOrders(now);
  const catalog = parseCatalogCsv(readFileSync(new URL('../../db/seed/data/catalog.csv', import.meta.url), 'utf8'));
  for (const p of catalog) {
    const values = {
      sku: p.sku,
      name: p.name,
      category: p.category,
      series: p.series,
      unit: p.unit,
      list_price_fen: p.listPriceFen,
      moq: p.sku === FX.moq20 ? 20 : p.moq,
      order_multiple: p.sku === FX.moq20 ? 20 : 1,
      lead_time_days: p.category === 'cabinets' ? 21 : 14,
      tags: p.tags,
      aliases: p.aliases,
      active: true,
      options: p.options ? JSON.stringify(p.options) : null,
    };
    const { sku: _sku, ...update } = values;
    await db
      .insertInto('products')
      .values(values)
      .onConflict((oc) => oc.column('sku').doUpdateSet(update))
      .execute();
    for (const tier of ['core', 'key', 'regular', 'silent'] as const) {
      const price_fen = tierPriceFen(p.listPriceFen, tier);
      await db
        .insertInto('tier_prices')
        .values({ sku: p.sku, tier, price_fen })
        .onConflict((oc) => oc.columns(['sku', 'tier']).doUpdateSet({ price_fen }))
        .execute();
    }
    const stock = { on_hand: p.sku === FX.scarce ? 10 : 5000, reserved: 0, updated_at: hoursAgo(1) };
    await db
      .insertInto('hq_stock')
      .values({ sku: p.sku, ...stock })
      .onConflict((oc) => oc.column('sku').doUpdateSet(stock))
      .execute();
  }
  const policies = JSON.parse(readFileSync(new URL('../../db/seed/data/policies.json', import.meta.url), 'utf8')) as {
    policies: Array<{ code: string; name: string; kind: string; period?: { start: string; end: string } }>;
  };
  // The Q4 2026 ladder, moved to now's quarter when the suite runs on another date.
  const ladder = policies.policies.find((p) => p.code === 'LADDER-2026Q4')!;
  const qs = quarterStart(day(0));
  if (qs !== '2026-10-01') {
    const [y, m] = qs.split('-').map(Number) as [number, number];
    const end = shanghaiDate(new Date(Date.UTC(y, m + 2, 1) - 86_400_000 + 12 * 3600_000));
    const q = (m + 2) / 3;
    policies.policies.push({
      ...ladder,
      code: `LADDER-${y}Q${q}`,
      name: `${y}年第${q}季度阶梯返利`,
      period: { start: qs, end },
    });
  }
  for (const p of policies.policies) {
    const row = { name: p.name, kind: p.kind, spec: JSON.stringify(p), active: true };
    await db
      .insertInto('policies')
      .values({ code: p.code, ...row })
      .onConflict((oc) => oc.column('code').doUpdateSet(row))
      .execute();
  }

  await db
    .insertInto('regions')
    .values({ province: '测试省', city: '测试市', county: '测试县', market_level: '二线' })
    .onConflict((oc) => oc.columns(['province', 'city', 'county']).doNothing())
    .execute();
  const region = await db.selectFrom('regions').select('id').where('county', '=', '测试县').executeTakeFirstOrThrow();
  await db
    .insertInto('managers')
    .values({ code: FX.manager, name: '测试经理', role: 'account' })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();

  const dealer = (code: string, name: string, tier: Tier, limitYuan: number, tags: string[] = []) => ({
    code,
    name,
    region_id: region.id,
    tier,
    tags,
    manager_code: FX.manager,
    partnership_start: '2022-03-01',
    credit_limit_fen: limitYuan * 100,
  });
  await db
    .insertInto('dealers')
    .values([
      dealer(FX.core, '测试核心门窗', 'core', 1_000_000),
      dealer(FX.other, '测试普通门窗', 'regular', 500_000),
      dealer(FX.overdue, '测试逾期建材', 'key', 300_000),
      dealer(FX.town, '测试乡镇门窗', 'regular', 500_000, ['下沉市场']),
      dealer(FX.townHoldout, '测试县城门窗', 'regular', 500_000, ['下沉市场']),
      dealer(FX.shared, '测试双账号建材', 'key', 50_000),
      dealer(FX.eng, '测试工程门窗', 'core', 1_000_000, ['工程渠道']),
    ])
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  // TOWN-VALUE-2026Q4's pilot is 10% of the dealers it targets, lowest hash first: with the demo's own 下沉市场
  // dealers in the database that would be anyone's. The two fixture dealers are its whole target, so the pilot is
  // exactly one of them (FX.town) and the other is held out, in any database these fixtures are installed in.
  await db
    .updateTable('dealers')
    .set({ tags: sql`array_remove(tags, '下沉市场')` })
    .where('code', 'not in', [FX.town, FX.townHoldout])
    .execute();
  const accounts: Array<[string, string]> = [
    ...[FX.core, FX.other, FX.overdue, FX.town, FX.townHoldout, FX.eng].map((c): [string, string] => [c, c]),
    [`${FX.shared}-A`, FX.shared],
    [`${FX.shared}-B`, FX.shared],
  ];
  await db
    .insertInto('channel_identities')
    .values(accounts.map(([id, c]) => ({ channel: 'sandbox' as const, external_id: id, dealer_code: c })))
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
    .execute();

  // D0901: a delivered, paid order this quarter — ¥364,800 of N60 + ¥128,250 of P88 = ¥493,050.
  await insertOrder(
    db,
    coreOrder,
    FX.core,
    'delivered',
    hoursAgo(40 * 24),
    [
      ['KW-N60', 'windows', 300, 121_600],
      ['KD-P88', 'doors', 100, 128_250],
    ],
    true,
  );
  // D0902: a placed order of its own.
  await insertOrder(db, otherOrder, FX.other, 'placed', hoursAgo(6 * 24), [['KW-A50', 'windows', 40, 76_000]], false);
  await db
    .insertInto('receivables')
    .values({
      dealer_code: FX.overdue,
      order_no: null,
      amount_fen: 2_000_000,
      paid_fen: 0,
      due_date: day(-56),
      created_at: hoursAgo(24 * 90),
    })
    .execute();

  // D0901's own stock and sell-through: L01 low (4 left, 12 sold in 30 days), H01 low, N60 plenty.
  const inv = [
    ['KC-L01', 4],
    ['KA-H01', 10],
    ['KW-N60', 200],
  ] as const;
  for (const [sku, qty] of inv) {
    await db
      .insertInto('dealer_inventory')
      .values({ dealer_code: FX.core, sku, qty, synced_at: hoursAgo(2) })
      .onConflict((oc) => oc.columns(['dealer_code', 'sku']).doUpdateSet({ qty, synced_at: hoursAgo(2) }))
      .execute();
  }
  // The sell-through window of a date is the 30 full days before it: [date − 30, date).
  const sales: Array<[string, number, number]> = [];
  for (let i = 0; i < 12; i++) sales.push(['KC-L01', -1 - i * 2, 1]); // 12 over the 23 days before today
  for (let i = 1; i <= 30; i++) sales.push(['KA-H01', -i, 2]); // 60 in the 30 days before today
  sales.push(['KW-N60', -3, 30]);
  sales.push(['KC-L01', 0, 5]); // today's, still coming in: outside the window
  sales.push(['KC-L01', -31, 50]); // outside the 30-day window
  await db
    .insertInto('sell_through')
    .values(sales.map(([sku, off, qty]) => ({ dealer_code: FX.core, sku, day: day(off), qty })))
    .onConflict((oc) => oc.columns(['dealer_code', 'sku', 'day']).doUpdateSet({ qty: sql`excluded.qty` }))
    .execute();
}

async function insertOrder(
  db: Kysely<Database>,
  orderNo: string,
  dealerCode: string,
  status: 'placed' | 'delivered',
  placedAt: Date,
  lines: Array<[string, string, number, number]>,
  paid: boolean,
): Promise<void> {
  const total = lines.reduce((s, [, , q, p]) => s + q * p, 0);
  await db
    .insertInto('orders')
    .values({
      order_no: orderNo,
      dealer_code: dealerCode,
      status,
      total_fen: total,
      delivery_date: null,
      placed_at: placedAt,
      paid_at: paid ? placedAt : null,
      source: 'seed',
    })
    .onConflict((oc) => oc.column('order_no').doNothing())
    .execute();
  await db
    .insertInto('order_lines')
    .values(
      lines.map(([sku, category, qty, price], i) => ({
        order_no: orderNo,
        line_no: i + 1,
        sku,
        category,
        qty,
        unit_price_fen: price,
        amount_fen: qty * price,
      })),
    )
    .onConflict((oc) => oc.columns(['order_no', 'line_no']).doNothing())
    .execute();
}
