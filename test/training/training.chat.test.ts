import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { honoursJob, trainingReminderJob } from '../../bot/scheduler/jobs/training.jobs.js';
import type { Database } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { runJobOn } from '../helpers/jobs.js';
import { COURSE_TITLES, insertIntentsFixture, IX } from '../intents/intents.fixtures.js';

const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');
const log = pino({ level: 'silent' });

/** The intents fixture's courses made bookable, plus a session tomorrow and one held two days ago. */
const S = {
  display: COURSE_TITLES[0], // 11-29 14:00 online, 30 seats, ¥600
  cabinet: COURSE_TITLES[1], // 12-02 09:30 offline, core and key only, ¥800
  install: COURSE_TITLES[2], // 12-20 09:00 offline, 1 seat, ¥800
  community: '社群营销：门店私域与社群团购', // tomorrow 19:30 online, ¥400
  held: '门店导购成交技巧', // two days ago
} as const;

async function trainingFixture(db: Kysely<Database>, now: Date): Promise<void> {
  await insertIntentsFixture(db, now);
  const set = (
    title: string,
    v: Partial<{ seats: number; fee_fen: number; target_tiers: string[]; location: string }>,
  ) => db.updateTable('courses').set(v).where('title', '=', title).execute();
  await set(S.display, { seats: 30, fee_fen: 60_000 });
  await set(S.cabinet, { seats: 20, fee_fen: 80_000, target_tiers: ['core', 'key'] });
  await set(S.install, { seats: 1, fee_fen: 80_000, location: '杭州总部培训中心' });
  const held = await db
    .insertInto('courses')
    .values([
      {
        title: S.community,
        description: '企业微信社群搭建、老客户转介绍和小区团购活动的组织方法，适合店长和导购。',
        starts_at: '2026-11-27T19:30:00+08:00',
        mode: 'online',
        seats: 20,
        fee_fen: 40_000,
      },
      {
        title: S.held,
        description: '进店接待、需求挖掘和报价成交的话术演练。',
        starts_at: '2026-11-24T14:00:00+08:00',
        mode: 'online',
        seats: 20,
        fee_fen: 30_000,
      },
    ])
    .returning('id')
    .execute();
  await db
    .insertInto('course_enrolments')
    .values({
      course_id: held[1]!.id,
      dealer_code: IX.coreDealer,
      status: 'enrolled',
      fee_fen: 0,
      enrolled_at: '2026-11-20T10:00:00+08:00',
    })
    .execute();
}

let app: TestApp;
let clock = TEST_NOW;
const db = () => app.database.db;
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
const seat = (title: string, dealer: string) =>
  db()
    .selectFrom('course_enrolments as e')
    .innerJoin('courses as c', 'c.id', 'e.course_id')
    .select(['e.status', 'e.fee_fen', 'e.attended_at', 'e.attended_by'])
    .where('c.title', '=', title)
    .where('e.dealer_code', '=', dealer)
    .executeTakeFirst();
const outboxOf = (to: string, kind: string) =>
  db()
    .selectFrom('outbox')
    .select(['body', 'recipient'])
    .where('recipient', '=', to)
    .where('kind', '=', kind)
    .execute();

beforeAll(async () => {
  app = await startTestApp({ seeded: false, now: () => clock, prepare: (d) => trainingFixture(d, TEST_NOW) });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  clock = TEST_NOW;
});

describe('training.enrol (dealer)', () => {
  it('no course named → the dealer\'s sessions → "第二个" → a free seat for a core dealer; the manager is told', async () => {
    const list = await one(IX.coreDealer, '我要报名培训');
    expect(list).toContain('近期有这些课程，想报名哪一门？');
    expect(list).toContain(`1. ${S.community}（11月27日 19:30，线上，¥400/人，余 20 席）`);
    expect(list).toContain(`2. ${S.display}（11月29日 14:00，线上，¥600/人，余 30 席）`);
    expect(list).toContain(`3. ${S.cabinet}`);

    const r = await one(IX.coreDealer, '第二个');
    expect(r).toBe(
      [
        `报名成功：「${S.display}」，11月29日 14:00，线上。`,
        '费用：课程价 ¥600，核心经销商免费（等级权益）。',
        '已报 1/30 席，开课前一天会提醒您。',
      ].join('\n'),
    );
    expect(await seat(S.display, IX.coreDealer)).toMatchObject({ status: 'enrolled', fee_fen: 0 });
    const told = await outboxOf(IX.accountA, 'training.enrolled');
    expect(told.map((m) => m.body)).toEqual([
      `培训报名：杭州恒远门窗（${IX.coreDealer}）报名了「${S.display}」（11月29日 14:00），免费，已报 1/30 席。`,
    ]);
  });

  it('enrolling twice is refused and books nothing', async () => {
    expect(await one(IX.coreDealer, '报名窄边框的课')).toBe(
      `您已经报名了「${S.display}」（11月29日 14:00，线上），不用重复报名。`,
    );
    const n = await db()
      .selectFrom('course_enrolments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2); // the held session's seat and the one above
  });

  it('a session for core and key dealers is refused to a regular dealer, with what they can take', async () => {
    const r = await one(IX.regularDealer, '报名橱柜测量培训');
    expect(r).toContain(`「${S.cabinet}」面向核心、重点培育经销商，您目前是普通经销商，暂时不能报名。`);
    expect(r).toContain('您可以报名的近期课程：');
    expect(r).toContain(S.display);
    expect(r).not.toContain(`. ${S.cabinet}`);
    expect(await seat(S.cabinet, IX.regularDealer)).toBeUndefined();
  });

  it('try-out finds: a course named after a refusal is refused again, not filed as a need; "再报一个…" enrols', async () => {
    const needs = () => db().selectFrom('needs').select('id').where('dealer_code', '=', IX.regularDealer).execute();
    const before = (await needs()).length;
    const again = await one(IX.regularDealer, '不对 我要报的是整体橱柜测量那个');
    expect(again).toContain(`「${S.cabinet}」面向核心、重点培育经销商，您目前是普通经销商，暂时不能报名。`);
    expect(await needs()).toHaveLength(before);
    expect(await one(IX.wangJi, '再报一个社群营销')).toContain(`报名成功：「${S.community}」`);
    expect(await one(IX.wangJi, '社群营销那个课去不了了')).toContain(`已为您退出「${S.community}」`);
  });

  it('"报名安装那个": the last seat, paid by a regular dealer; the next dealer goes on the waitlist', async () => {
    const r = await one(IX.regularDealer, '报名安装那个');
    expect(r).toBe(
      [
        `报名成功：「${S.install}」，12月20日 09:00，线下，杭州总部培训中心。`,
        '费用：¥800，由客户经理随下次订单结算。',
        '已报 1/1 席，开课前一天会提醒您。',
      ].join('\n'),
    );
    expect(await one(IX.jinhua, '报名安装培训')).toBe(
      `「${S.install}」的 1 个名额已满，已为您登记候补第 1 位；有名额空出时客户经理会联系您。`,
    );
    expect(await seat(S.install, IX.jinhua)).toMatchObject({ status: 'waitlisted' });
    expect(await one(IX.jinhua, '报名安装培训')).toBe(
      `您已在「${S.install}」的候补名单上，有名额空出时客户经理会联系您。`,
    );
  });

  it("an unknown course lists the dealer's sessions; a manager is told enrolment is the dealer's", async () => {
    const r = await one(IX.regularDealer, '报名门店运营课');
    expect(r).toContain('近期没有“门店运营”相关的课程');
    expect(r).toContain(S.community);
    expect(await one(IX.accountA, '报名培训')).toContain('报名培训需要经销商本人用经销商账号提出');
  });

  it('a training need is answered with the matching session', async () => {
    const r = await one(IX.wangDa, '想申请一次社群营销培训，店里导购不会做社群');
    expect(r).toMatch(/N\d+/);
    expect(r).toContain(
      `近期有相关课程：${S.community}（11月27日 19:30，线上，¥400/人，余 20 席）。想参加直接回复“第一个”即可报名。`,
    );
    // "第一个" picks the offered session (no other list was shown to this dealer).
    expect(await one(IX.wangDa, '第一个')).toContain(`报名成功：「${S.community}」`);
  });

  it('try-out find: "想申请一次导购培训" offers the sessions meant for 导购 (no title says it); "第二个" enrols', async () => {
    const r = await one(IX.keyDealerB, '想申请一次导购培训');
    expect(r).toMatch(/^已收到您的培训需求，编号 N\d+/);
    expect(r).toContain(`近期有这些相关课程：\n1. ${S.community}`);
    expect(r).toContain(`2. ${S.display}`);
    expect(await one(IX.keyDealerB, '第二个')).toContain(`报名成功：「${S.display}」`);
    // The withdraw list is answered by a course's name as well as by its position.
    expect(await one(IX.keyDealerB, '报名社群营销培训')).toContain(`报名成功：「${S.community}」`);
    expect(await one(IX.keyDealerB, '我想退出培训')).toContain(S.display);
    expect(await one(IX.keyDealerB, '社群那个')).toContain(`已为您退出「${S.community}」`);
    expect(await seat(S.display, IX.keyDealerB)).toMatchObject({ status: 'enrolled' });
  });

  it('try-out finds: "想申请一次社群营销培训" is a training need whose offer "第一个" takes; the course list is numbered and "报第一个" enrols', async () => {
    const r = await one(IX.jinhua, '想申请一次社群营销培训');
    expect(r).toMatch(/^已收到您的培训需求，编号 N\d+/);
    expect(r).toContain(`近期有相关课程：${S.community}`);
    expect(await one(IX.jinhua, '第一个')).toContain(`报名成功：「${S.community}」`);

    const list = await one(IX.wangJi, '有什么培训可以报名');
    expect(list).toContain(`1. 11/27 19:30【线上】${S.community}`);
    expect(list).toContain('回复“第一个”或课程名');
    expect(await one(IX.wangJi, '报第一个')).toContain(`报名成功：「${S.community}」`);
    expect(await seat(S.community, IX.wangJi)).toMatchObject({ status: 'enrolled' });
    // Named: "社群营销那个课去不了了" gives that seat back (tomorrow's reminder then has only the seat below).
    expect(await one(IX.wangJi, '社群营销那个课去不了了')).toContain(`已为您退出「${S.community}」`);
    expect(await seat(S.community, IX.wangJi)).toBeUndefined();
  });

  it('"我想退出培训": the seat is freed and the first on the waitlist gets it (both managers and that dealer told)', async () => {
    expect(await one(IX.silentDealer, '我想退出培训')).toBe('您目前没有报名近期的培训课程，不需要退出。');
    // The regular dealer holds the install session's only seat; jinhua waits for it (see above).
    expect(await one(IX.regularDealer, '我想退出培训')).toBe(
      `已为您退出「${S.install}」（12月20日 09:00），名额已释放。想再报名随时告诉我。`,
    );
    expect(await seat(S.install, IX.regularDealer)).toBeUndefined();
    expect(await seat(S.install, IX.jinhua)).toMatchObject({ status: 'enrolled' });
    expect((await outboxOf(IX.jinhua, 'training.promoted')).map((m) => m.body)).toEqual([
      `好消息：「${S.install}」（12月20日 09:00，线下，杭州总部培训中心）有名额空出，您已从候补转为正式报名，开课前一天会提醒您。`,
    ]);
    expect((await outboxOf(IX.accountA, 'training.withdrawn')).filter((m) => m.body.includes(S.install))).toHaveLength(
      1,
    );
    expect(await outboxOf(IX.accountA, 'training.promoted')).toHaveLength(1);
    // Two upcoming seats: asked which, "第二个" names one.
    const which = await one(IX.jinhua, '不想参加培训了，退掉');
    expect(which).toContain('您报名了几门近期课程，要退出哪一门？');
    expect(which).toContain(`2. ${S.install}`);
    expect(await one(IX.jinhua, '第二个')).toContain(`已为您退出「${S.install}」`);
    expect(await seat(S.community, IX.jinhua)).toMatchObject({ status: 'enrolled' });
    expect(await one(IX.jinhua, '社群营销培训不参加了')).toContain(`已为您退出「${S.community}」`);
  });
});

describe('the day-before reminder', () => {
  it("tells each seat holder of tomorrow's session once, whatever the reruns", async () => {
    const first = await runJobOn(db(), trainingReminderJob, '2026-11-26T09:40', 'test', { now: TEST_NOW, log });
    expect(first).toMatchObject({ ran: true, result: { sessions: 1, seats: 1, queued: 1 } });
    // (IX.wangDa holds the seat: enrolled through the offer above.)
    const again = await runJobOn(db(), trainingReminderJob, 'manual-2', 'test', { now: TEST_NOW, log });
    expect(again).toMatchObject({ ran: true, result: { queued: 0 } });
    const sent = await outboxOf(IX.wangDa, 'training.reminder');
    expect(sent.map((m) => m.body)).toEqual([
      `培训提醒：您报名的「${S.community}」明天 19:30 开课（线上），请准时参加。`,
    ]);
    expect(await outboxOf(IX.coreDealer, 'training.reminder')).toEqual([]);
  });
});

describe('attendance (manager)', () => {
  it('"D0101 导购培训到了" records it once; other dealers and other managers\' dealers are refused', async () => {
    expect(await one(IX.accountA, `${IX.coreDealer} 导购培训到了`)).toBe(
      `已记录：杭州恒远门窗（${IX.coreDealer}）参加了「${S.held}」（11月24日 14:00）。`,
    );
    expect(await seat(S.held, IX.coreDealer)).toMatchObject({ attended_by: IX.accountA });
    expect(await one(IX.accountA, `${IX.coreDealer} 导购培训到了`)).toBe(
      `杭州恒远门窗（${IX.coreDealer}）参加「${S.held}」已经记录过了。`,
    );
    // D0103's seat is in three weeks: nothing to attend yet.
    expect(await one(IX.accountA, `${IX.regularDealer} 安装培训到了`)).toContain('最近 7 天没有“安装”相关已报名的课程');
    expect(await one(IX.accountB, `${IX.coreDealer} 导购培训到了`)).toBe(`没有找到您负责的经销商 ${IX.coreDealer}。`);
    // From a dealer the same words are no command.
    expect(await one(IX.coreDealer, `${IX.coreDealer} 导购培训到了`)).not.toContain('已记录');
  });
});

describe('honours', () => {
  beforeAll(async () => {
    // Q3 2026 against Q3 2025: D0101 grows +66.7% with collaboration 90; D0103 shrinks with collaboration 70.
    const order = (no: string, dealer: string, fen: number, at: string) => ({
      order_no: no,
      dealer_code: dealer,
      status: 'delivered' as const,
      total_fen: fen,
      placed_at: at,
      source: 'seed' as const,
    });
    await db()
      .insertInto('orders')
      .values([
        order('SO202507100001', IX.coreDealer, 12_000_000, '2025-07-10T10:00:00+08:00'),
        order('SO202607100001', IX.coreDealer, 10_000_000, '2026-07-10T10:00:00+08:00'),
        order('SO202608100001', IX.coreDealer, 10_000_000, '2026-08-10T10:00:00+08:00'),
        order('SO202507100002', IX.regularDealer, 10_000_000, '2025-07-10T10:00:00+08:00'),
        order('SO202607100002', IX.regularDealer, 4_000_000, '2026-07-10T10:00:00+08:00'),
        order('SO202608100002', IX.regularDealer, 4_000_000, '2026-08-10T10:00:00+08:00'),
      ])
      .execute();
    const score = (dealer: string, month: string, collaboration: number) => ({
      dealer_code: dealer,
      month,
      purchase_scale: 70,
      category_expertise: 70,
      store_coverage: 70,
      growth_potential: 70,
      collaboration,
      total: 70,
      tier_before: 'regular' as const,
      tier_after: 'regular' as const,
    });
    await db()
      .insertInto('dealer_scores')
      .values(
        ['2026-07-01', '2026-08-01', '2026-09-01'].flatMap((m) => [
          score(IX.coreDealer, m, 90),
          score(IX.regularDealer, m, 70),
        ]),
      )
      .execute();
  });

  it('the quarterly job awards by the published rules once, tells the winner and their province', async () => {
    const at = new Date('2026-10-02T09:50:00+08:00');
    const first = await runJobOn(db(), honoursJob, '2026-10-02T09:50', 'test', { now: at, log });
    expect(first).toMatchObject({ ran: true, result: { winners: 2, awarded: 2 } });
    const rows = await db()
      .selectFrom('honours')
      .select(['dealer_code', 'title', 'rule_code', 'period', 'reason'])
      .orderBy('rule_code')
      .execute();
    expect(rows).toEqual([
      {
        dealer_code: IX.coreDealer,
        title: '2026年第3季度协同之星',
        rule_code: 'collab_star',
        period: '2026Q3',
        reason: '协同评分均值 90，期内订单 2 笔，浙江第一',
      },
      {
        dealer_code: IX.coreDealer,
        title: '2026年第3季度终端突破奖',
        rule_code: 'terminal_breakthrough',
        period: '2026Q3',
        reason: '订货额 ¥200,000，同比增长 66.7%，浙江第一',
      },
    ]);
    const toWinner = await outboxOf(IX.coreDealer, 'honour.award');
    expect(toWinner.map((m) => m.body)).toContain(
      '恭喜杭州恒远门窗获得「2026年第3季度协同之星」！评选依据：协同评分均值 90，期内订单 2 笔，浙江第一。感谢一路同行，荣誉已记入您的经销商档案。',
    );
    const region = await outboxOf(IX.regularDealer, 'honour.region');
    expect(region).toHaveLength(1);
    expect(region[0]!.body).toContain('2026年第3季度荣誉揭晓（浙江）');
    expect(region[0]!.body).toContain('· 2026年第3季度终端突破奖：杭州恒远门窗');
    expect(await outboxOf(IX.regionalA, 'honour.region')).toHaveLength(1);
    expect(await outboxOf(IX.coreDealer, 'honour.region')).toEqual([]);

    const again = await runJobOn(db(), honoursJob, 'manual-2', 'test', { now: at, log });
    expect(again).toMatchObject({ ran: true, result: { awarded: 0, queued: 0 } });
  });

  it('"我有什么荣誉" lists the dealer\'s honours; tier.query shows them under the tier', async () => {
    expect(await one(IX.coreDealer, '我有什么荣誉')).toBe(
      ['荣誉（2 项）：', '· 2026年第3季度协同之星（2026-10-02）', '· 2026年第3季度终端突破奖（2026-10-02）'].join('\n'),
    );
    expect(await one(IX.coreDealer, '我现在什么等级')).toContain('· 2026年第3季度终端突破奖（2026-10-02）');
    expect(await one(IX.regularDealer, '我有什么荣誉')).toContain('荣誉：暂无。');
  });

  it("a success case names its dealer's honours", async () => {
    await db()
      .insertInto('success_cases')
      .values({
        title: '老店翻新带动门窗换新',
        body: '门店翻新后三个月门窗订货翻倍。',
        tags: [],
        tier: 'regular',
        dealer_code: IX.coreDealer,
      })
      .execute();
    expect(await one(IX.regularDealer, '有没有同行的成功案例')).toContain(
      '【老店翻新带动门窗换新】（该经销商荣获：2026年第3季度协同之星、2026年第3季度终端突破奖）',
    );
  });
});
