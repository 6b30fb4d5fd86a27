import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anniversaryStatus } from '../../core/policies/anniversary.js';
import { laddersFor } from '../../core/policies/current.js';
import { formatPercent, formatYuan } from '../../bot/replies/policy.explain.js';
import { ladderPosition } from '../../core/policies/ladder.js';
import { type Cohort, isTargeted, pilotSet } from '../../core/policies/targeting.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { Tier } from '../../db/schema.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { ensureDemoData, filePolicies, filePolicy, qualifyingFromDb } from './policies.fixtures.js';

const ADMIN_TOKEN = 'policies-test-admin-token-0123';
const MIN = 60_000;
const DAY = 86_400_000;
const LADDER = filePolicy('LADDER-2026Q4', 'ladder_rebate');
const LADDER_ENG = filePolicy('LADDER-ENG-2026Q4', 'ladder_rebate');
const TOWN = filePolicy('TOWN-VALUE-2026Q4', 'promotion');
/** The ladders a dealer's orders earn today: LADDER-ENG stacks on the general one (policies.json `combines`). */
const laddersOf = (d: { code: string; tier: Tier; tags: string[] }) =>
  laddersFor(
    d,
    shanghaiDate(TEST_NOW),
    filePolicies.map((policy) => ({ policy, active: true, promoted: false })),
  ).map((l) => l.policy);

/** A second piloted promotion with a bigger pilot, so the demo slice has enough pilots to measure. */
const PILOT_T = {
  ...TOWN,
  code: 'PILOT-T',
  name: '测试试点满减活动',
  pilotRatio: 0.3,
  target: { tiers: ['core', 'key', 'regular', 'silent'] as Tier[], tagsAny: [] },
};

interface DemoDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  partnership_start: string;
}

describe('policies by chat, pushes and effect (sandbox, whole pipeline)', () => {
  let app: TestApp;
  let clock = TEST_NOW;
  let dealers: DemoDealer[] = [];
  const db = () => app.database.db;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown, token = ADMIN_TOKEN) =>
    app.server.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload: payload as object } : {}),
    });
  const pushRows = (code: string) =>
    db()
      .selectFrom('outbox')
      .select(['recipient', 'body', 'status', 'next_attempt_at', 'dedupe_key'])
      .where('kind', '=', 'policy.push')
      .where('dedupe_key', 'like', `policy:${code}:%`)
      .orderBy('recipient')
      .execute();

  beforeAll(async () => {
    app = await startTestApp({ seeded: true, env: { ADMIN_TOKEN }, now: () => clock, prepare: ensureDemoData });
    await db()
      .insertInto('policies')
      .values({ code: PILOT_T.code, name: PILOT_T.name, kind: PILOT_T.kind, spec: JSON.stringify(PILOT_T) })
      .execute();
    dealers = await db()
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'tags', 'partnership_start'])
      .orderBy('code')
      .execute();
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The cohort by the pilot rule: round(pilotRatio × target) dealers of lowest stable hash (pilotSet). */
  const cohortOf = (policy: Parameters<typeof pilotSet>[0], d: DemoDealer): Cohort => {
    const set = pilotSet(policy, dealers);
    return set ? (set.has(d.code) ? 'pilot' : 'holdout') : 'all';
  };

  /** A spread of demo dealers: every tier, engineering and township ones. */
  function sample(): DemoDealer[] {
    const picked = new Map<string, DemoDealer>();
    for (const tier of ['core', 'key', 'regular', 'silent'] as Tier[]) {
      for (const d of dealers.filter((x) => x.tier === tier).slice(0, 2)) picked.set(d.code, d);
    }
    for (const d of dealers.filter((x) => isTargeted(LADDER_ENG, x)).slice(0, 2)) picked.set(d.code, d);
    for (const d of dealers.filter((x) => isTargeted(TOWN, x)).slice(0, 2)) picked.set(d.code, d);
    return [...picked.values()];
  }

  it("policy.explain: the rule and the dealer's own numbers equal the engine's (computed from the DB directly)", async () => {
    const some = sample();
    expect(some.length).toBeGreaterThanOrEqual(8);
    for (const d of some) {
      const [text] = await app.say(d.code, '阶梯返利怎么算');
      for (const policy of [LADDER, LADDER_ENG]) {
        // A 工程渠道 dealer earns LADDER-ENG on top of the general ladder (it stacks, policies.json).
        const applies = laddersOf(d).some((l) => l.code === policy.code);
        if (!applies) {
          expect(text, d.code).not.toContain(policy.name);
          continue;
        }
        const amount = await qualifyingFromDb(db(), d.code, policy.period, policy.excludeCategories);
        const pos = ladderPosition(policy, amount);
        expect(text, d.code).toContain(`【${policy.name}】`);
        const head = `您本季度累计 ${formatYuan(amount)}，处于 ${formatPercent(pos.rate)} 档，已累计返利 ${formatYuan(pos.rebate)}`;
        expect(text, d.code).toContain(head);
        if (pos.next) {
          const nextRate = formatPercent(policy.ladder[pos.band + 1]!.rate);
          expect(text).toContain(
            `再订 ${formatYuan(pos.next.gap)} 可到 ${nextRate} 档，届时返利 ${formatYuan(pos.next.rebateAtNext)}`,
          );
        } else expect(text).toContain('已是最高档');
      }
      // The band table and what counts / what does not.
      expect(text).toContain('¥500,000 起 2%');
      expect(text).toContain('不计入：五金辅料、已取消的订单');
    }
  });

  it('rebate.progress: every applicable policy in one reply of at most 2,048 bytes, same numbers', async () => {
    for (const d of sample()) {
      const replies = await app.say(d.code, '我还差多少到下一档');
      expect(replies).toHaveLength(1);
      const text = replies[0]!;
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(2048);
      const ladders = laddersOf(d);
      for (const ladder of ladders) {
        const amount = await qualifyingFromDb(db(), d.code, ladder.period, ladder.excludeCategories);
        const pos = ladderPosition(ladder, amount);
        expect(text, d.code).toContain(
          `${ladder.name}：累计 ${formatYuan(amount)}，${formatPercent(pos.rate)} 档，返利 ${formatYuan(pos.rebate)}`,
        );
      }
      for (const other of [LADDER, LADDER_ENG].filter((p) => !ladders.some((l) => l.code === p.code))) {
        expect(text, d.code).not.toContain(`${other.name}：`);
      }
    }
  });

  it('policy.list: exactly the policies that apply (tier, tags, pilot cohort, still running)', async () => {
    const today = shanghaiDate(TEST_NOW);
    const all = [...filePolicies, PILOT_T];
    let heldOut = 0;
    for (const d of dealers.slice(0, 30)) {
      const [text] = await app.say(d.code, '我适用哪些政策');
      for (const p of all) {
        const cohort = cohortOf(p, d);
        const current =
          p.kind === 'anniversary_bonus'
            ? anniversaryStatus(p, d.partnership_start, today).monthsAway >= 0
            : p.period.end >= today;
        const applies =
          p.kind === 'ladder_rebate'
            ? laddersOf(d).some((l) => l.code === p.code)
            : isTargeted(p, d) && cohort !== 'holdout' && current;
        if (isTargeted(p, d) && cohort === 'holdout') heldOut++;
        if (applies) expect(text, `${d.code} ${p.code}`).toContain(p.name);
        else expect(text, `${d.code} ${p.code}`).not.toContain(p.name);
      }
    }
    expect(heldOut).toBeGreaterThan(0); // the slice does exercise the pilot cut
  });

  it("a manager gets a pointer, never a dealer's numbers; an unknown policy kind gets a clear answer", async () => {
    const [m] = await app.say('M001', '阶梯返利怎么算');
    expect(m).toContain('经销商本人');
    expect(m).not.toMatch(/¥/);
    const regular = dealers.find((d) => d.tier === 'regular')!;
    const [g] = await app.say(regular.code, '成长奖励怎么算');
    expect(g).toContain('目前没有适用于您的成长奖励政策');
  });

  it('push: only the pilot cohort of the target receives it, once, off quiet hours and off :00/:30', async () => {
    const targeted = dealers.filter((d) => isTargeted(PILOT_T, d));
    const pilots = targeted.filter((d) => cohortOf(PILOT_T, d) === 'pilot');
    expect(pilots.length).toBeGreaterThan(0);
    expect(pilots.length).toBeLessThan(targeted.length);

    // Open one pilot's KF window so that push is actually delivered (the others become manager follow-ups).
    const reachable = pilots[0]!;
    const kf = await db()
      .selectFrom('channel_identities')
      .select(['external_id', 'open_kfid'])
      .where('dealer_code', '=', reachable.code)
      .where('channel', '=', 'kf')
      .executeTakeFirst();
    if (kf?.open_kfid) {
      await db()
        .insertInto('kf_sessions')
        .values({ external_userid: kf.external_id, open_kfid: kf.open_kfid, last_inbound_at: TEST_NOW })
        .execute();
    }

    expect((await api('POST', '/api/policies/PILOT-T/push', {}, 'wrong-token-wrong-token')).statusCode).toBe(401);
    expect((await api('POST', '/api/policies/NOPE/push', {})).statusCode).toBe(404);
    expect((await api('POST', '/api/policies/PILOT-T/push', { promote: 'yes' })).statusCode).toBe(400);

    const res = await api('POST', '/api/policies/PILOT-T/push', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      target: targeted.length,
      pilot: pilots.length,
      queued: pilots.length,
      promoted: false,
    });
    for (const code of ['TOWN-VALUE-2026Q4'])
      expect((await api('POST', `/api/policies/${code}/push`, {})).statusCode).toBe(200);

    for (const policy of [PILOT_T, TOWN]) {
      const rows = await pushRows(policy.code);
      for (const r of rows) {
        const d = dealers.find((x) => x.code === r.recipient)!;
        expect(isTargeted(policy, d), `${policy.code} → ${r.recipient}`).toBe(true);
        expect(cohortOf(policy, d)).toBe('pilot');
        const minute = new Date(r.next_attempt_at).getUTCMinutes();
        expect(minute % 30).not.toBe(0);
        expect(new Date(r.next_attempt_at).getTime()).toBeGreaterThanOrEqual(TEST_NOW.getTime());
      }
      const expected = dealers.filter((d) => isTargeted(policy, d) && cohortOf(policy, d) === 'pilot');
      expect(rows.map((r) => r.recipient)).toEqual(expected.map((d) => d.code));
    }

    // Once per dealer: a second push queues nothing.
    const again = await api('POST', '/api/policies/PILOT-T/push', {});
    expect(again.json()).toMatchObject({ queued: 0, alreadyDelivered: pilots.length });
    expect(await pushRows('PILOT-T')).toHaveLength(pilots.length);
  });

  it("push: a ladder push carries each dealer's own numbers", async () => {
    const res = await api('POST', '/api/policies/LADDER-2026Q4/push', {});
    expect(res.statusCode).toBe(200);
    const rows = await pushRows('LADDER-2026Q4');
    expect(rows).toHaveLength(dealers.length);
    for (const d of sample()) {
      const row = rows.find((r) => r.recipient === d.code)!;
      const amount = await qualifyingFromDb(db(), d.code, LADDER.period, LADDER.excludeCategories);
      expect(row.body).toContain(`${d.name}您好`);
      expect(row.body).toContain(`您本季度累计 ${formatYuan(amount)}`);
      expect(Buffer.byteLength(row.body, 'utf8')).toBeLessThanOrEqual(2048);
    }
  });

  it('effect: reach, pilot vs holdout conversion over 14 days, feedback within 3 days', async () => {
    // Let the dispatcher deliver the pushes (held until 10:03).
    clock = new Date(TEST_NOW.getTime() + 10 * MIN);
    app.bus.outboxQueued();
    for (let i = 0; i < 200; i++) {
      const pending = (await pushRows('PILOT-T')).filter((r) => r.status === 'pending' || r.status === 'sending');
      if (pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = await pushRows('PILOT-T');
    const sent = rows.filter((r) => r.status === 'sent').length;
    expect(rows.every((r) => r.status !== 'pending' && r.status !== 'sending')).toBe(true);
    expect(sent).toBeGreaterThanOrEqual(1);

    const targeted = dealers.filter((d) => isTargeted(PILOT_T, d));
    const pilots = targeted.filter((d) => cohortOf(PILOT_T, d) === 'pilot');
    const holdout = targeted.filter((d) => cohortOf(PILOT_T, d) === 'holdout');
    expect(holdout.length).toBeGreaterThanOrEqual(3);
    const promoSku = (await db().selectFrom('products').select(['sku', 'category', 'tags']).execute()).find((p) =>
      p.tags.includes('高性价比'),
    )!;
    const otherSku = (await db().selectFrom('products').select(['sku', 'category', 'tags']).execute()).find(
      (p) => !p.tags.includes('高性价比'),
    )!;
    let seq = 9000;
    const order = async (
      dealer: string,
      afterDays: number,
      sku: typeof promoSku,
      status: 'placed' | 'cancelled' = 'placed',
    ) => {
      const orderNo = `SO20261126${++seq}`;
      const placedAt = new Date(TEST_NOW.getTime() + afterDays * DAY);
      await db()
        .insertInto('orders')
        .values({
          order_no: orderNo,
          dealer_code: dealer,
          status,
          total_fen: 3_000_000,
          placed_at: placedAt,
          source: 'erp',
        })
        .execute();
      await db()
        .insertInto('order_lines')
        .values({
          order_no: orderNo,
          line_no: 1,
          sku: sku.sku,
          category: sku.category,
          qty: 10,
          unit_price_fen: 300_000,
          amount_fen: 3_000_000,
        })
        .execute();
    };
    await order(pilots[0]!.code, 2, promoSku); // pilot, converted
    if (pilots[1]) await order(pilots[1].code, 2, otherSku); // pilot, not a promoted product
    await order(holdout[0]!.code, 3, promoSku); // holdout, converted (window from the pilot's push)
    await order(holdout[1]!.code, 20, promoSku); // holdout, after 14 days
    await order(holdout[2]!.code, 1, promoSku, 'cancelled'); // holdout, cancelled

    // Feedback: a pushed dealer's policy question within 3 days counts; a dealer never pushed does not.
    await app.say(pilots[0]!.code, '满减怎么参加');
    await app.say(holdout[0]!.code, '满减怎么参加');
    clock = new Date(TEST_NOW.getTime() + 4 * DAY);
    if (pilots[1]) await app.say(pilots[1].code, '有什么政策'); // after 3 days: not feedback

    const res = await api('GET', '/api/policies/PILOT-T/effect');
    expect(res.statusCode).toBe(200);
    const effect = res.json();
    expect(effect).toMatchObject({
      policy: 'PILOT-T',
      target: targeted.length,
      pilot: pilots.length,
      holdout: holdout.length,
      pushed: pilots.length,
      reached: sent,
      feedback: 1,
      windowDays: 14,
      conversion: {
        pilot: { n: pilots.length, converted: 1 },
        holdout: { n: holdout.length, converted: 1 },
      },
    });
    expect(effect.conversion.pilot.rate).toBeCloseTo(1 / pilots.length);
    expect(effect.conversion.holdout.rate).toBeCloseTo(1 / holdout.length);
    const fb = await db()
      .selectFrom('policy_deliveries')
      .select(['dealer_code', 'feedback'])
      .where('policy_code', '=', 'PILOT-T')
      .where('feedback', 'is not', null)
      .execute();
    expect(fb).toEqual([{ dealer_code: pilots[0]!.code, feedback: 'policy.explain：满减怎么参加' }]);
    expect((await api('GET', '/api/policies/NOPE/effect')).statusCode).toBe(404);
  });

  it('promote: the rest of the target gets it once; nobody outside the target ever does', async () => {
    clock = new Date(TEST_NOW.getTime() + 5 * DAY + 3 * 3_600_000); // 2026-12-01 13:00
    const res = await api('POST', '/api/policies/PILOT-T/push', { promote: true });
    expect(res.statusCode).toBe(200);
    const targeted = dealers.filter((d) => isTargeted(PILOT_T, d));
    expect(res.json()).toMatchObject({ promoted: true, eligible: targeted.length });
    const rows = await pushRows('PILOT-T');
    expect(rows.map((r) => r.recipient)).toEqual(targeted.map((d) => d.code));
    const promoted = await db()
      .selectFrom('policies')
      .select('promoted')
      .where('code', '=', 'PILOT-T')
      .executeTakeFirstOrThrow();
    expect(promoted.promoted).toBe(true);
    // TOWN (not promoted) still only reached its pilots; non-targeted dealers have no TOWN push.
    for (const r of await pushRows(TOWN.code)) {
      expect(isTargeted(TOWN, dealers.find((d) => d.code === r.recipient)!)).toBe(true);
    }
    const deliveries = await db()
      .selectFrom('policy_deliveries')
      .select(['dealer_code', 'cohort'])
      .where('policy_code', '=', 'PILOT-T')
      .execute();
    expect(deliveries).toHaveLength(targeted.length);
  });

  it('quiet hours: an evening push waits for the next morning', async () => {
    clock = new Date('2026-12-01T22:15:00+08:00');
    const res = await api('POST', '/api/policies/TOWN-VALUE-2026Q4/push', { promote: true });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.queued).toBeGreaterThan(0);
    expect(new Date(body.notBefore).getTime()).toBeGreaterThanOrEqual(new Date('2026-12-02T08:30:00+08:00').getTime());
    const late = (await pushRows(TOWN.code)).filter(
      (r) => new Date(r.next_attempt_at) > new Date('2026-12-01T21:00:00+08:00'),
    );
    expect(late.length).toBe(body.queued);
    for (const r of late) {
      const t = new Date(r.next_attempt_at);
      expect(t.getTime()).toBeGreaterThanOrEqual(new Date('2026-12-02T08:30:00+08:00').getTime());
      expect(t.getTime()).toBeLessThan(new Date('2026-12-02T09:00:00+08:00').getTime());
    }
  });
});
