import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignReplies } from '../../bot/replies/campaigns.replies.js';
import { commonReplies } from '../../bot/replies/common.replies.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { ConsoleBrowser } from '../console/console.session.js';
import { GX, insertGrowthFixture } from './growth.fixture.js';

const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');
const TOKEN = 'growth-admin-token-0123456789';
const log = { info() {}, warn() {} };

let app: TestApp;
const clock = TEST_NOW;
const db = () => app.database.db;
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
const sent = async (to: string, kind: string) => (await app.outbox(to)).filter((m) => m.kind === kind);
/** Runs a job now in its own slot; returns its counts (fails the test when the run failed). */
const runJob = async (job: string, slot: string, now = clock) => {
  const out = await app.services(db()).runJob(job, { slot, instance: 'test', now, log });
  if (!out.ran || 'error' in out) throw new Error(`${job}: ${JSON.stringify(out)}`);
  return out.result;
};
const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.server.inject({ method, url, payload, headers: { authorization: `Bearer ${TOKEN}` } });
const entry = (campaign: string, dealer: string) =>
  db()
    .selectFrom('campaign_entries')
    .selectAll()
    .where('campaign_code', '=', campaign)
    .where('dealer_code', '=', dealer)
    .executeTakeFirst();

beforeAll(async () => {
  app = await startTestApp({
    seeded: false,
    env: { ADMIN_TOKEN: TOKEN },
    now: () => clock,
    prepare: (d) => insertGrowthFixture(d, TEST_NOW),
  });
});
afterAll(async () => {
  await app?.close();
});

describe('joint campaigns: invitation, sign-up, approval', () => {
  it('invites the targeted dealers of open campaigns once', async () => {
    expect(await runJob('campaigns.invite', 'test-1')).toMatchObject({ campaigns: 2, invited: 3 });
    const invites = await sent(GX.coreDealer, 'campaign.invite');
    expect(invites).toHaveLength(1);
    expect(invites[0]!.body).toContain('【活动邀请】新品体验节（11月20日—12月20日）');
    expect(invites[0]!.body).toContain('新品样窗优先试销，门店办体验活动。厂家补贴每家 ¥5,000，名额 2 家。');
    expect(invites[0]!.body).toContain('回复“报名新品体验节”');
    expect(await sent(GX.keyDealerB, 'campaign.invite')).toHaveLength(1);
    // A regular dealer is not targeted by 新品体验节; the ended 浙江区域促销 invites nobody.
    expect(await sent(GX.regularDealer, 'campaign.invite')).toHaveLength(0);
    await runJob('campaigns.invite', 'test-2');
    expect(await sent(GX.coreDealer, 'campaign.invite')).toHaveLength(1);
  });

  it('"报名新品体验节" applies, the manager is told how to approve; twice, untargeted and full are refused', async () => {
    const r = await one(GX.coreDealer, '报名新品体验节');
    expect(r).toBe(
      '已为您报名「新品体验节」（11月20日—12月20日，厂家补贴每家 ¥5,000），客户经理审核通过后会通知您。目前还剩 1 个名额。',
    );
    expect(await entry('C001', GX.coreDealer)).toMatchObject({ status: 'applied' });
    const alert = await sent(GX.accountA, 'campaign.applied');
    expect(alert).toHaveLength(1);
    expect(alert[0]!.body).toContain('杭州恒远门窗（D0101）申请报名「新品体验节」');
    expect(alert[0]!.body).toContain('同意请回复“批准 D0101 新品体验节”');

    expect(await one(GX.coreDealer, '新品体验节我们也参加')).toBe(
      '您已经报名「新品体验节」，正在等客户经理审核，不用重复报名。',
    );
    expect(await one(GX.regularDealer, '报名参加新品体验节')).toBe(
      '「新品体验节」这次面向核心、重点培育经销商，您暂不在参与范围内。有适合您的活动时我会通知您。',
    );
    expect(await entry('C001', GX.regularDealer)).toBeUndefined();

    expect(await one(GX.keyDealerB, '我们报名新品体验节')).toContain('目前还剩 0 个名额');
    expect(await one(GX.thirdKey, '报名新品体验节')).toBe(
      '「新品体验节」的 2 个名额已经报满了。有新的活动时我会通知您。',
    );
    expect(await entry('C001', GX.thirdKey)).toBeUndefined();
    // An unknown name lists what the dealer may join.
    const unknown = await one(GX.regularDealer, '报名年货节');
    expect(unknown).toContain('没有找到“年货节”这个活动');
  });

  it('the manager approves in chat; another manager, a dealer outside scope and a second approval are refused', async () => {
    // M103 does not answer for D0101: reported as not found.
    expect(await one(GX.accountB, '批准 D0101 新品体验节')).toBe(campaignReplies.dealerNotFound('D0101'));
    expect((await entry('C001', GX.coreDealer))?.status).toBe('applied');

    expect(await one(GX.accountA, '批准 D0101 新品体验节')).toBe(
      '已批准杭州恒远门窗（D0101）参加「新品体验节」，已通知经销商。',
    );
    const row = await entry('C001', GX.coreDealer);
    expect(row).toMatchObject({ status: 'approved', approved_by: GX.accountA });
    const notice = await sent(GX.coreDealer, 'campaign.approved');
    expect(notice).toHaveLength(1);
    expect(notice[0]!.body).toContain('您报名的「新品体验节」已通过审核');

    expect(await one(GX.accountA, '批准 D0101 新品体验节')).toBe(
      '杭州恒远门窗（D0101）参加「新品体验节」已经批准过了。',
    );
    expect(await one(GX.accountA, '同意D0103报名')).toBe('湖州良匠家居（D0103）目前没有待审核的活动报名。');
    // M103 approves their own dealer without naming the campaign: the one pending application.
    expect(await one(GX.accountB, '同意D0102报名')).toContain('已批准宁波安居建材（D0102）参加「新品体验节」');
    // The same words from a dealer are no command.
    expect(await one(GX.coreDealer, '批准 D0101 新品体验节')).toBe(commonReplies.unknown('dealer'));
  });

  it('records and reports the results of an ended campaign once: POS in the window against the baseline', async () => {
    expect(await runJob('campaigns.results', 'test-r1')).toEqual({ campaigns: 1, dealers: 1 });
    expect(await entry('C002', GX.coreDealer)).toMatchObject({
      campaign_fen: GX.c002.campaignFen,
      baseline_fen: GX.c002.baselineFen,
      campaign_qty: GX.c002.campaignQty,
      baseline_qty: GX.c002.baselineQty,
    });
    const result = await sent(GX.coreDealer, 'campaign.result');
    expect(result).toHaveLength(1);
    expect(result[0]!.body).toBe(
      '「浙江区域促销」已结束。活动期动销 ¥12,000（8 件），活动前同等天数 ¥8,000（5 件），变化 +50%。',
    );
    const summary = await sent(GX.accountA, 'campaign.results');
    expect(summary[0]!.body).toContain('· 杭州恒远门窗（D0101）¥12,000，活动前 ¥8,000，+50%');
    // Running campaigns have no results yet; a second run records nothing again.
    expect((await entry('C001', GX.coreDealer))?.campaign_fen).toBeNull();
    await runJob('campaigns.results', 'test-r2');
    expect(await sent(GX.coreDealer, 'campaign.result')).toHaveLength(1);

    const report = await api('GET', '/api/campaigns/C002');
    expect(report.statusCode).toBe(200);
    expect(report.json().totals).toMatchObject({
      campaignFen: 1_200_000,
      baselineFen: 800_000,
      liftPct: 50,
      dealers: 1,
    });
    expect((await api('GET', '/api/campaigns/C999')).statusCode).toBe(404);
  });

  it('HQ creates a campaign through the admin API; bad input changes nothing', async () => {
    const before = await db().selectFrom('campaigns').select('code').execute();
    const bad = await api('POST', '/api/campaigns', {
      name: '春季焕新',
      starts_on: '2027-03-01',
      ends_on: '2027-02-01',
      seats: 5,
    });
    expect(bad.statusCode).toBe(422);
    expect((await api('POST', '/api/campaigns', { name: '春季焕新', seats: 0 })).statusCode).toBe(400);
    expect((await api('POST', '/api/campaigns', { name: 'x', starts_on: '2027-03-01' })).statusCode).toBe(400);
    expect(await db().selectFrom('campaigns').select('code').execute()).toHaveLength(before.length);

    const created = await api('POST', '/api/campaigns', {
      name: '门窗品牌日',
      description: '品牌日联合直播',
      tags: ['门窗专长'],
      starts_on: '2026-12-01',
      ends_on: '2026-12-07',
      subsidy_fen: 100_000,
      seats: 5,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ campaign: { code: 'C004', name: '门窗品牌日' }, invited: 1 });
    const invites = await sent(GX.coreDealer, 'campaign.invite');
    expect(invites.map((m) => m.body).some((b) => b.includes('门窗品牌日'))).toBe(true);
    const list = await api('GET', '/api/campaigns');
    expect(list.json().campaigns.map((c: { code: string }) => c.code)).toContain('C004');
  });
});

describe('manager contact cadence', () => {
  it("Monday's plan lists who is due this week, overdue first, once a week", async () => {
    const monday = new Date('2026-11-23T09:05:00+08:00');
    expect((await runJob('cadence.plan', 'w48', monday)).managers).toBe(2);
    const plan = await sent(GX.accountA, 'cadence.plan');
    expect(plan).toHaveLength(1);
    expect(plan[0]!.body).toContain('本周联系计划');
    expect(plan[0]!.body).toContain('11月23日—11月29日，共 5 家到期');
    expect(plan[0]!.body).toContain('· 杭州恒远门窗（D0101，核心，每7天）已逾期 1 天，上次 11月15日');
    // D0103 is due 12-04, next week: not in this week's plan.
    expect(plan[0]!.body).not.toContain('D0103');
    expect(plan[0]!.body).toContain('绍兴旺达建材（D0106，普通，每14天）从未联系');
    await runJob('cadence.plan', 'w48-again', monday);
    expect(await sent(GX.accountA, 'cadence.plan')).toHaveLength(1);
  });

  it('"已联系D0101 聊了陈列" logs the contact and says when the next one is due', async () => {
    const r = await one(GX.accountA, '已联系D0101 聊了新品体验节');
    expect(r).toContain('已记录 11月26日 联系 杭州恒远门窗（D0101）');
    expect(r).toContain('上次联系是 11月15日：聊了陈列');
    expect(r).toContain('按核心经销商每7天一次，下次请在12月3日前联系。');
    expect(await one(GX.accountB, '已联系D0101 聊了陈列')).toBe(
      '未找到经销商 D0101，或不在您负责的范围内，请核对编号。',
    );
  });

  it('overdue dealers are reminded once per due day, and shown in the admin API and the console', async () => {
    expect((await runJob('cadence.overdue', 'd1126')).managers).toBeGreaterThan(0);
    const reminders = await sent(GX.accountA, 'cadence.overdue');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.body).toContain('联系逾期提醒');
    // Just contacted: no longer overdue.
    expect(reminders[0]!.body).not.toContain('D0101');
    expect(reminders[0]!.body).toContain('D0106');
    await runJob('cadence.overdue', 'd1126-again');
    expect(await sent(GX.accountA, 'cadence.overdue')).toHaveLength(1);

    const res = await api('GET', '/api/cadence?manager=M102');
    expect(res.statusCode).toBe(200);
    const m = res.json().managers[0];
    expect(m.manager_code).toBe('M102');
    expect(m.overdue_dealers.map((d: { dealer_code: string }) => d.dealer_code)).not.toContain('D0101');
    expect(m.overdue_dealers.map((d: { dealer_code: string }) => d.dealer_code)).toContain('D0106');
    expect(res.json().cadence_days).toMatchObject({ core: 7, regular: 14 });
    expect((await api('GET', '/api/cadence?manager=X1')).statusCode).toBe(400);

    const hq = new ConsoleBrowser(app.server);
    await hq.signInHq(TOKEN);
    const cadence = await hq.get('/console/cadence');
    expect(cadence.statusCode).toBe(200);
    expect(cadence.body).toContain('李娜（M102）');
    expect(cadence.body).toContain('绍兴旺达建材');
    const campaigns = await hq.get('/console/campaigns');
    expect(campaigns.body).toContain('/console/campaigns/C002');
    const c002 = await hq.get('/console/campaigns/C002');
    expect(c002.body).toContain('¥12,000');
    expect(c002.body).toContain('+50%');
    expect((await hq.get('/console/campaigns/C999')).statusCode).toBe(404);
  });
});
