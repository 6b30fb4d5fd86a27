import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, orderFixtures } from '../orders/order.fixtures.js';

/**
 * Birthday offers end to end: the care job greets the dealer with a voucher from configuration (¥500 off an order
 * of ¥5,000 or more, 30 days) → the dealer orders by chat → the draft shows the voucher → the placed order has it;
 * used once; an expired voucher is not applied; a small order is told what is missing.
 */
let app: TestApp;
const auth = { authorization: 'Bearer test-admin-token-123456' };
const db = () => app.database.db;

/** The order fixtures and a dealer whose birthday is the test's day, on an app with `env`. */
const startOfferApp = (env: Record<string, string> = {}) =>
  startTestApp({
    env: { ADMIN_TOKEN: 'test-admin-token-123456', ...env },
    prepare: async (d) => {
      await orderFixtures(TEST_NOW)(d);
      await d
        .insertInto('dealer_contacts')
        .values({ dealer_code: FX.townHoldout, name: '王寿星', phone: '13900009904', birthday: '1985-11-26' })
        .execute();
    },
    now: () => TEST_NOW,
  });

beforeAll(async () => {
  app = await startOfferApp();
});
afterAll(async () => app?.close());

const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

describe('birthday voucher', () => {
  it('greeting → draft → placed order; used once', async () => {
    const run = await app.server.inject({
      method: 'POST',
      url: '/api/jobs/care.birthday/run',
      headers: auth,
      payload: { date: '2026-11-26' },
    });
    expect(run.statusCode).toBe(200);
    expect((run.json() as { result: Record<string, number> }).result.vouchers).toBeGreaterThanOrEqual(1);
    const greeting = (await app.outbox(FX.townHoldout)).find((m) => m.kind === 'care.birthday')!;
    expect(greeting.body).toContain('王寿星，生日快乐');
    expect(greeting.body).toContain('送您一张生日礼券：11月26日至12月25日下单，订单满¥5,000立减¥500');

    const draft = await one(FX.townHoldout, 'N60 50套');
    expect(draft).toContain('商品金额：¥64,000');
    expect(draft).toContain('🎁 生日礼券：−¥500（有效期至 12月25日（周五），确认下单即使用）');
    expect(draft).toContain('优惠后合计：¥63,500');

    const placed = await one(FX.townHoldout, '确认');
    expect(placed).toContain('已减生日礼券 ¥500');
    const order = await db()
      .selectFrom('orders')
      .selectAll()
      .where('dealer_code', '=', FX.townHoldout)
      .where('source', '=', 'chat')
      .executeTakeFirstOrThrow();
    expect([order.total_fen, order.discount_fen]).toEqual([6_350_000, 50_000]);
    const lines = await db().selectFrom('order_lines').selectAll().where('order_no', '=', order.order_no).execute();
    expect(lines.reduce((s, l) => s + l.discount_fen, 0)).toBe(50_000);
    const voucher = await db()
      .selectFrom('care_vouchers')
      .selectAll()
      .where('dealer_code', '=', FX.townHoldout)
      .executeTakeFirstOrThrow();
    expect(voucher).toMatchObject({ kind: 'birthday', used_order_no: order.order_no, amount_fen: 50_000 });

    // Used once: the next order pays in full; a second run of the job issues nothing new.
    const next = await one(FX.townHoldout, 'N60 20套');
    expect(next).not.toContain('礼券');
    expect(next).toContain('合计：¥25,600');
    await one(FX.townHoldout, '取消');
    const again = await app.server.inject({
      method: 'POST',
      url: '/api/jobs/care.birthday/run',
      headers: auth,
      payload: { date: '2026-11-26' },
    });
    expect((again.json() as { result: Record<string, number> }).result).toMatchObject({ vouchers: 0, queued: 0 });
  });

  it('an expired voucher is not applied; a small order hears what is missing', async () => {
    await db()
      .insertInto('care_vouchers')
      .values([
        {
          dealer_code: FX.other,
          kind: 'birthday',
          occasion: '2026-10-01',
          amount_fen: 50_000,
          min_order_fen: 500_000,
          valid_from: '2026-10-01',
          valid_until: '2026-10-30',
        },
        {
          dealer_code: FX.overdue,
          kind: 'anniversary',
          occasion: '2026-11-20',
          amount_fen: 100_000,
          min_order_fen: 1_000_000,
          valid_from: '2026-11-20',
          valid_until: '2026-12-19',
        },
      ])
      .execute();
    const expired = await one(FX.other, 'N60 50套');
    expect(expired).not.toContain('礼券');
    expect(expired).toContain('合计：¥64,000');
    await one(FX.other, '取消');

    const small = await one(FX.overdue, 'H01 50个');
    expect(small).toContain('您有一张周年礼券（满 ¥10,000 减 ¥1,000，有效期至 12月19日（周六）），本单再加');
    await one(FX.overdue, '取消');
    const unused = await db().selectFrom('care_vouchers').selectAll().where('dealer_code', '=', FX.overdue).execute();
    expect(unused[0]!.used_order_no).toBeNull();
  });
});

describe('offers from configuration (CARE_OFFERS)', () => {
  let configured: TestApp;
  beforeAll(async () => {
    configured = await startOfferApp({ CARE_OFFERS: 'birthday=800/6000/15' });
  });
  afterAll(async () => configured?.close());

  it('the greeting and the voucher carry the configured amount, minimum and validity', async () => {
    const run = await configured.server.inject({
      method: 'POST',
      url: '/api/jobs/care.birthday/run',
      headers: auth,
      payload: { date: '2026-11-26' },
    });
    expect(run.statusCode).toBe(200);
    const greeting = (await configured.outbox(FX.townHoldout)).find((m) => m.kind === 'care.birthday')!;
    expect(greeting.body).toContain('11月26日至12月10日下单，订单满¥6,000立减¥800');
    const voucher = await configured.database.db
      .selectFrom('care_vouchers')
      .select(['amount_fen', 'min_order_fen', 'valid_until'])
      .where('dealer_code', '=', FX.townHoldout)
      .executeTakeFirstOrThrow();
    expect(voucher).toEqual({ amount_fen: 80_000, min_order_fen: 600_000, valid_until: '2026-12-10' });
  });
});
