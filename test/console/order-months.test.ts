import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportFile } from '../../adapters/imports/index.js';
import { importService } from '../../bot/composition.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { FX, orderFixtures } from '../orders/order.fixtures.js';

/**
 * `dealer_order_months` and `dealer_last_orders` (migration 0013) are kept by triggers on `orders`: after every kind
 * of write — the seed, a chat order placed and cancelled, an ERP import that inserts, rewrites and cancels bills, a
 * delete — they must equal the aggregation of the raw orders, row for row.
 */
let app: TestApp;
let dir: string;
const db = () => app.database.db;

interface MonthRow {
  dealer_code: string;
  month: string;
  source: string;
  orders: number;
  amount_fen: number;
}

const summary = async () =>
  (
    await sql<MonthRow>`
      select dealer_code, to_char(month, 'YYYY-MM') as month, source, orders, amount_fen::bigint as amount_fen
      from dealer_order_months order by 1, 2, 3`.execute(db())
  ).rows.map(num);
const raw = async () =>
  (
    await sql<MonthRow>`
      select dealer_code, to_char(placed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, source,
             count(*)::int as orders, sum(total_fen)::bigint as amount_fen
      from orders where status <> 'cancelled' group by 1, 2, 3 order by 1, 2, 3`.execute(db())
  ).rows.map(num);
const num = (r: MonthRow): MonthRow => ({ ...r, orders: Number(r.orders), amount_fen: Number(r.amount_fen) });

const lastOrders = async () =>
  (
    await sql<{ dealer_code: string; at: string }>`
      select dealer_code, last_order_at::text as at from dealer_last_orders order by 1`.execute(db())
  ).rows;
const rawLastOrders = async () =>
  (
    await sql<{ dealer_code: string; at: string }>`
      select dealer_code, max(placed_at)::text as at from orders where status <> 'cancelled' group by 1 order by 1`.execute(
      db(),
    )
  ).rows;

async function expectInStep() {
  const [s, r, l, rl] = await Promise.all([summary(), raw(), lastOrders(), rawLastOrders()]);
  expect(s.length).toBeGreaterThan(0);
  expect(s).toEqual(r);
  expect(l.length).toBeGreaterThan(0);
  expect(l).toEqual(rl);
}

const monthRow = async (dealer: string, month: string, source: string) =>
  (await summary()).find((r) => r.dealer_code === dealer && r.month === month && r.source === source) ?? null;

async function importOrders(name: string, csv: string) {
  const path = join(dir, name);
  writeFileSync(path, csv);
  const file = await openImportFile(path);
  const r = await importService(db(), { now: () => TEST_NOW }).run({
    entity: 'orders',
    items: file.items,
    source: path,
    sha256: file.sha256,
    who: 'test',
    mode: 'all',
  });
  expect(r.errors).toEqual([]);
  return r;
}

const HEADER =
  'bill_id,entry_id,bill_no,order_no,dealer_code,status,placed_at,delivery_date,sku,qty,unit_price,modified_at\n';

beforeAll(async () => {
  app = await startTestApp({ seeded: true, prepare: orderFixtures(TEST_NOW), now: () => TEST_NOW });
  dir = mkdtempSync(join(tmpdir(), 'gs-order-months-'));
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the monthly order summary and the last orders equal the raw aggregation', () => {
  it('after the seed', async () => {
    await expectInStep();
  });

  it('after a chat order is placed, shipped and cancelled', async () => {
    const month = '2026-11';
    const before = await monthRow(FX.core, month, 'chat');
    await app.say(FX.core, 'N60 30套 12月2号送');
    const placed = (await app.say(FX.core, '确认')).join();
    const orderNo = /SO\d{12}/.exec(placed)![0];
    const after = await monthRow(FX.core, month, 'chat');
    expect(after).toEqual({
      dealer_code: FX.core,
      month,
      source: 'chat',
      orders: (before?.orders ?? 0) + 1,
      amount_fen: (before?.amount_fen ?? 0) + 3_648_000,
    });
    await expectInStep();

    // A status change that keeps the order counted changes nothing.
    await db()
      .updateTable('orders')
      .set({ status: 'shipped', shipped_at: TEST_NOW })
      .where('order_no', '=', orderNo)
      .execute();
    expect(await monthRow(FX.core, month, 'chat')).toEqual(after);
    await db()
      .updateTable('orders')
      .set({ status: 'placed', shipped_at: null })
      .where('order_no', '=', orderNo)
      .execute();

    await app.say(FX.core, `取消${orderNo}`);
    expect((await app.say(FX.core, '确认')).join()).toContain('已取消');
    expect(await monthRow(FX.core, month, 'chat')).toEqual(before);
    await expectInStep();
  });

  it('after ERP imports insert, rewrite (amount, month, status) and cancel bills', async () => {
    await importOrders(
      'v1.csv',
      `${HEADER}700001,1,XSDD700001,,${FX.core},placed,2026-10-31 23:30:00,,KW-N60,10,1000,2026-11-01 08:00:00\n` +
        `700002,1,XSDD700002,,${FX.core},shipped,2026-11-03 09:00:00,,KW-N60,5,1200,2026-11-03 10:00:00\n`,
    );
    // 23:30 on Oct 31 in Shanghai is October, though it is Oct 31 15:30 UTC.
    expect((await monthRow(FX.core, '2026-10', 'erp'))?.amount_fen).toBeGreaterThanOrEqual(1_000_000);
    await expectInStep();

    await importOrders(
      'v2.csv',
      // Bill 700001 moves into November with more units; bill 700002 is cancelled.
      `${HEADER}700001,1,XSDD700001,,${FX.core},placed,2026-11-01 00:30:00,,KW-N60,20,1000,2026-11-02 08:00:00\n` +
        `700002,1,XSDD700002,,${FX.core},cancelled,2026-11-03 09:00:00,,KW-N60,5,1200,2026-11-04 10:00:00\n`,
    );
    await expectInStep();
    const erp = await db()
      .selectFrom('orders')
      .select(['status', 'total_fen'])
      .where('erp_bill_id', 'in', ['700001', '700002'])
      .orderBy('erp_bill_id')
      .execute();
    expect(erp).toEqual([
      { status: 'placed', total_fen: 2_000_000 },
      { status: 'cancelled', total_fen: 600_000 },
    ]);
  });

  it('after orders are deleted', async () => {
    const { order_no } = await db()
      .selectFrom('orders')
      .select('order_no')
      .where('erp_bill_id', '=', '700001')
      .executeTakeFirstOrThrow();
    const before = (await monthRow(FX.core, '2026-11', 'erp'))!;
    await db().deleteFrom('order_lines').where('order_no', '=', order_no).execute();
    await db().deleteFrom('orders').where('order_no', '=', order_no).execute();
    await expectInStep();
    const after = await monthRow(FX.core, '2026-11', 'erp');
    expect(after?.orders ?? 0).toBe(before.orders - 1);
    expect(after?.amount_fen ?? 0).toBe(before.amount_fen - 2_000_000);
  });
});
