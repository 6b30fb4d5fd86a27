import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInbound } from '../bot/channels/inbound.store.js';
import { pipelineStores } from '../db/repositories/pipeline.stores.js';
import { loadState } from '../bot/dialog/state.js';
import { needsReport } from '../db/repositories/needs.repository.js';
import { formatNeedsReport } from '../bot/replies/needs.replies.js';
import { type TestApp, startTestApp } from './helpers/app.js';
import { insertNeedsFixture, NEEDS_FIXTURE as F } from './helpers/needs-fixture.js';

const HOUR = 3_600_000;
// The fixture's orders and the Q4 ladder are dated around this instant.
const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');
const ADMIN_TOKEN = 'needs-test-admin-token-0123';

describe('needs by chat (sandbox, whole pipeline)', () => {
  let app: TestApp;
  let clock = TEST_NOW;
  const at = (hours: number) => {
    clock = new Date(TEST_NOW.getTime() + hours * HOUR);
  };
  const need = (id: number) =>
    app.database.db.selectFrom('needs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const idIn = (text: string) => Number(/N(\d+)/.exec(text)?.[1]);
  const kinds = async (to: string, kind: string) => (await app.outbox(to)).filter((m) => m.kind === kind);

  async function sendImage(from: string): Promise<string[]> {
    const db = app.database.db;
    const stored = await storeInbound(pipelineStores(db).inbound, {
      channel: 'sandbox',
      dedupeKey: randomUUID(),
      externalId: from,
      msgType: 'image',
      content: null,
      payload: { MediaId: 'MEDIA-123' },
    });
    app.bus.inboundStored();
    for (let i = 0; i < 200; i++) {
      const row = await db
        .selectFrom('inbound_messages')
        .select('status')
        .where('id', '=', stored.id)
        .executeTakeFirstOrThrow();
      if (row.status === 'done') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const replies = await db
      .selectFrom('outbox')
      .select('body')
      .where('in_reply_to', '=', stored.id)
      .orderBy('id')
      .execute();
    return replies.map((r) => r.body);
  }

  beforeAll(async () => {
    app = await startTestApp({ seeded: false, env: { ADMIN_TOKEN }, now: () => clock });
    await insertNeedsFixture(app.database.db, TEST_NOW);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('submit → manager alert → image → claim → resolve → rating → report', async () => {
    at(0);
    const [ack] = await app.say(F.coreDealer, '我们门店想申请导购培训，下个月安排一次');
    // Core tier: first response in 12 h, resolution in 24 h (Shanghai time).
    expect(ack).toMatch(/^已收到您的培训需求，编号 N\d{4,}。客户经理会在 11月26日 22:00 前响应，11月27日 10:00 前/);
    const id = idIn(ack!);
    expect(id).toBeGreaterThan(1000);

    const alerts = await kinds(F.accountA, 'need.alert');
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!.body;
    for (const part of [
      '杭州恒远门窗',
      'D0101',
      '核心',
      '门窗专长',
      '导购培训',
      '11月26日 22:00',
      `认领 N${id}`,
      `N${id} 已解决`,
      `转交 N${id}`,
    ]) {
      expect(alert).toContain(part);
    }
    // The last three orders, newest first; the oldest of the four is left out.
    expect(alert).toContain('SO202611200004');
    expect(alert).toContain('SO202610300002');
    expect(alert).not.toContain('SO202610080001');
    expect((await app.outbox(F.accountB)).length).toBe(0);

    at(0.2);
    expect(await sendImage(F.coreDealer)).toEqual([`图片已附到需求 N${id}，客户经理处理时可以看到。`]);
    expect((await need(id)).attachments).toMatchObject([{ kind: 'image', mediaId: 'MEDIA-123' }]);

    at(1);
    const [claimed] = await app.say(F.accountA, `认领 N${id}`);
    expect(claimed).toContain(`已认领 N${id}`);
    let row = await need(id);
    expect(row.status).toBe('claimed');
    expect(row.first_response_at?.getTime()).toBe(TEST_NOW.getTime() + HOUR);
    const toDealer = await kinds(F.coreDealer, 'need.claimed');
    expect(toDealer.map((m) => m.body)).toEqual([
      `您的需求 N${id} 已由客户经理李娜跟进处理，预计 11月27日 10:00 前解决。`,
    ]);

    at(5);
    const [resolved] = await app.say(F.accountA, `N${id} 已解决 安排了12月3日培训`);
    expect(resolved).toContain(`已办结 N${id}`);
    row = await need(id);
    expect(row.status).toBe('resolved');
    expect(row.resolution).toBe('安排了12月3日培训');
    const resolvedMsg = (await kinds(F.coreDealer, 'need.resolved'))[0]!.body;
    expect(resolvedMsg).toContain('处理结果：安排了12月3日培训');
    expect(resolvedMsg).toContain('1-5 分');
    expect(await app.services(app.database.db).needs.pendingRating(F.coreDealer, clock)).toBe(id);

    at(6);
    const [thanks] = await app.say(F.coreDealer, '5');
    expect(thanks).toBe(`谢谢您的评价（5 分），需求 N${id} 已完成。`);
    row = await need(id);
    expect(row).toMatchObject({ status: 'closed', rating: 5 });
    expect(await loadState(app.services(app.database.db).conversation, `sandbox:${F.coreDealer}`, clock)).toEqual({});

    const timeline = await app.database.db
      .selectFrom('need_events')
      .select('kind')
      .where('need_id', '=', id)
      .orderBy('id')
      .execute();
    expect(timeline.map((e) => e.kind)).toEqual(['submitted', 'alerted', 'attachment', 'claimed', 'resolved', 'rated']);

    // The report: the API (admin token) and the CLI's table on the same numbers.
    const res = await app.server.inject({
      method: 'GET',
      url: '/api/needs/report?from=2026-11-26&to=2026-11-26',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    const report = res.json() as Awaited<ReturnType<typeof needsReport>>;
    const core = report.rows.find((r) => r.tier === 'core')!;
    expect(core).toMatchObject({
      submitted: 1,
      firstResponseP50: 1,
      resolutionP50: 5,
      firstResponseHitRate: 1,
      resolutionHitRate: 1,
      avgRating: 5,
      rated: 1,
    });
    expect(report.rows.at(-1)!.tier).toBe('all');
    expect(
      formatNeedsReport(await needsReport(app.database.db, { from: '2026-11-26', to: '2026-11-26', now: clock })),
    ).toMatch(/core\s+1\s+1\.0\s+1\.0\s+5\.0\s+5\.0\s+100%\s+100%\s+5\.00 \(1\)/);
    const noAuth = await app.server.inject({ method: 'GET', url: '/api/needs/report' });
    expect(noAuth.statusCode).toBe(401);
    const bad = await app.server.inject({
      method: 'GET',
      url: '/api/needs/report?from=2026-13-01',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("refuses another manager's need exactly like a missing one (no existence leak) and changes nothing", async () => {
    at(10);
    const [ack] = await app.say(F.coreDealer, '有两樘窗户玻璃破损，需要售后上门处理');
    const id = idIn(ack!);
    const before = await need(id);
    const dealerMsgs = (await app.outbox(F.coreDealer)).length;
    const missing = 999_999;
    const asks = [
      `认领 N${id}`,
      `N${id} 已解决 已处理`,
      `转交 N${id} 给 M103`,
      `N${id} 进度怎么样`,
      `查 N${id}`,
      `N${id} 时间线`,
    ];
    for (const text of asks) {
      const [r] = await app.say(F.accountB, text);
      expect(r).toBe(`未找到该需求 N${id}，请核对编号。`);
      const [absent] = await app.say(F.accountB, text.replace(String(id), String(missing)));
      expect(absent!.replace(String(missing), 'X')).toBe(r!.replace(String(id), 'X'));
    }
    expect(await need(id)).toEqual(before);
    expect((await app.outbox(F.coreDealer)).length).toBe(dealerMsgs);
    // Another region's regional manager is refused as well; the dealer's own regional manager may act.
    expect((await app.say(F.regionalB, `认领 N${id}`))[0]).toBe(`未找到该需求 N${id}，请核对编号。`);
    // Looking up another manager's dealer reads exactly like an unknown code.
    const [lookup] = await app.say(F.accountB, '查 D0101');
    expect(lookup).toBe('未找到经销商 D0101，请核对编号。');
    const [unknown] = await app.say(F.accountB, '查 D9999');
    expect(unknown!.replace('D9999', 'X')).toBe(lookup!.replace('D0101', 'X'));

    // The category from the parser is changeable by the owner.
    expect((await app.say(F.accountA, `N${id} 类别改为售后`))[0]).toBe(`已将 N${id} 的类别改为“售后”。`);
    expect((await need(id)).category).toBe('after_sales');

    // Transfer to M103: the new owner gets the alert and may now act on it.
    const [moved] = await app.say(F.regionalA, `转交 N${id} 给 M103`);
    expect(moved).toBe(`已将 N${id} 转交给王强（M103），并已提醒对方。`);
    expect((await kinds(F.accountB, 'need.transfer'))[0]!.body).toContain(`周敏转交需求 N${id} 给您`);
    expect((await app.say(F.accountB, `认领 N${id}`))[0]).toContain(`已认领 N${id}`);
    expect((await need(id)).owner_code).toBe(F.accountB);
  });

  it('a dealer typing manager commands gets the plain fallback, and nothing changes', async () => {
    at(11);
    const [ack] = await app.say(F.regularDealer, '想申请一次门店陈列支持，样品展架需要更新');
    const id = idIn(ack!);
    const before = await need(id);
    for (const text of [`认领 N${id}`, `N${id} 已解决 搞定了`, `转交 N${id} 给 M102`]) {
      const [r] = await app.say(F.regularDealer, text);
      expect(r).not.toContain('已认领');
      expect(r).not.toContain('已办结');
      expect(r).not.toContain('转交给');
    }
    expect(await need(id)).toEqual(before);
    expect(await kinds(F.regularDealer, 'need.claimed')).toHaveLength(0);
  });

  it('need status: own needs listed; another dealer’s id reads exactly like a missing one', async () => {
    at(12);
    const [list] = await app.say(F.regularDealer, '我的需求进度');
    expect(list).toMatch(/^您的需求进度：\n· N\d+【门店陈列】/);
    const own = idIn(list!);
    expect((await app.say(F.regularDealer, `N${own} 进度怎么样`))[0]).toContain(`N${own}【门店陈列】`);
    const other = Number(
      (
        await app.database.db
          .selectFrom('needs')
          .select('id')
          .where('dealer_code', '=', F.coreDealer)
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
    const missing = 999_999;
    const [foreign] = await app.say(F.regularDealer, `N${other} 进度怎么样`);
    const [absent] = await app.say(F.regularDealer, `N${missing} 进度怎么样`);
    expect(foreign).toBe(`未找到该需求 N${other}，请核对编号。`);
    expect(absent!.replace(String(missing), 'X')).toBe(foreign!.replace(String(other), 'X'));
    expect((await app.say(F.silentDealer, '我的需求进度'))[0]).toContain('您目前没有进行中的需求');
  });

  it('a low rating reopens the need with a new deadline and alerts the regional manager', async () => {
    at(20);
    const [ack] = await app.say(F.regularDealer, '我们对账单有疑问，麻烦帮忙核对');
    const id = idIn(ack!);
    // Regular tier: 48 h / 72 h.
    expect(ack).toContain('11月29日 06:00 前响应，11月30日 06:00 前');
    await app.say(F.accountA, `认领 N${id}`);
    at(30);
    await app.say(F.accountA, `N${id} 已解决 已电话说明`);
    at(31);
    const [sorry] = await app.say(F.regularDealer, '1分 太慢了，没解决问题');
    expect(sorry).toContain(`需求 N${id} 已重新打开`);
    const row = await need(id);
    expect(row).toMatchObject({
      status: 'claimed',
      rating: 1,
      rating_comment: '太慢了，没解决问题',
      resolved_at: null,
    });
    expect(row.resolution_due.getTime()).toBe(clock.getTime() + 72 * HOUR);
    const regional = await kinds(F.regionalA, 'need.reopened');
    expect(regional).toHaveLength(1);
    expect(regional[0]!.body).toContain('给出 1 分');
    expect(await kinds(F.accountA, 'need.reopened')).toHaveLength(1);
    // The owner can resolve it again and the dealer is asked again.
    at(40);
    await app.say(F.accountA, `N${id} 已解决 已上门二次讲解`);
    expect(await app.services(app.database.db).needs.pendingRating(F.regularDealer, clock)).toBe(id);
    expect((await app.say(F.regularDealer, '非常满意'))[0]).toContain('（5 分）');
    expect(await need(id)).toMatchObject({ status: 'closed', rating: 5 });
  });

  it('dealer lookup: profile, tier reasons, needs, orders and the rebate position', async () => {
    const [text] = await app.say(F.accountA, '查 D0101');
    for (const part of [
      '杭州恒远门窗（D0101）',
      '核心',
      '85.6',
      '采购规模 92 分',
      '门窗专长',
      'SO202611200004',
      '2026年第四季度阶梯返利',
    ]) {
      expect(text).toContain(part);
    }
    // ¥600k + ¥500k + ¥300k placed this quarter (the cancelled ¥200k does not count): 3% band.
    expect(text).toContain('累计 ¥1,400,000，当前档 3%，预计返利 ¥42,000；距下一档还差 ¥600,000，达到后返利 ¥80,000');
    expect((await app.say(F.regionalA, '查 D0101'))[0]).toContain('杭州恒远门窗');
    expect((await app.say(F.accountA, '查 D9999'))[0]).toBe('未找到经销商 D9999，请核对编号。');
  });
  it("try-out finds: a materials need, two needs claimed at once, one dealer's needs and who has them", async () => {
    at(100);
    // Marketing materials for the shop are a display need, not a policy question.
    const [materials] = await app.say(F.regularDealer, '我们县城的店能不能申请点物料支持，海报易拉宝');
    expect(materials).toMatch(/^已收到您的门店陈列需求，编号 N\d+/);
    const a = idIn(materials!);
    const [training] = await app.say(F.regularDealer, '想申请一次社群营销培训');
    expect(training).toMatch(/^已收到您的培训需求，编号 N\d+/);
    const b = idIn(training!);
    const [foreign] = await app.say(F.keyDealerB, '有两樘窗户玻璃破损，需要售后上门处理');
    const c = idIn(foreign!);

    // "N…和N…都我来": each need named is claimed, each answered on its own line.
    const [both] = await app.say(F.accountA, `N${a}和N${b}都我来`);
    expect(both).toContain(`已认领 N${a}`);
    expect(both).toContain(`已认领 N${b}`);
    expect(await need(a)).toMatchObject({ status: 'claimed', owner_code: F.accountA });
    expect(await need(b)).toMatchObject({ status: 'claimed', owner_code: F.accountA });
    // Already theirs, another manager's (reads as missing), and one claimed by someone else (says by whom).
    const [mixed] = await app.say(F.accountA, `认领 N${b} N${c}`);
    expect(mixed).toBe(`N${b} 已在您名下处理中。\n未找到该需求 N${c}，请核对编号。`);
    expect((await app.say(F.regionalA, `认领 N${a}`))[0]).toContain(`N${a} 已由李娜认领处理中`);

    // "D0103的需求谁在跟": that dealer's open needs with their owner, nobody else's.
    const [whose] = await app.say(F.regionalA, `${F.regularDealer}的需求谁在跟`);
    expect(whose).toContain(`湖州良匠家居（${F.regularDealer}）未完成的需求`);
    expect(whose).toContain(`N${a}【门店陈列】`);
    expect(whose).toContain(`N${b}【培训】`);
    expect(whose).toContain('李娜 处理中');
    expect(whose).not.toContain('杭州恒远门窗');
    expect((await app.say(F.regionalA, `${F.silentDealer}的需求谁在跟`))[0]).toBe(
      `${F.silentDealer} 没有未完成的需求。`,
    );
    // Another manager's dealer is not "nothing open"; each dealer named is answered.
    expect((await app.say(F.accountB, `${F.regularDealer}的需求谁在跟`))[0]).toBe(
      `未找到经销商 ${F.regularDealer}，或不在您负责的范围内，请核对编号。`,
    );
    const [two] = await app.say(F.regionalA, `${F.regularDealer}和${F.silentDealer}的需求谁在跟`);
    expect(two).toContain(`N${a}【门店陈列】`);
    expect(two).toContain(`${F.silentDealer} 没有未完成的需求。`);
  });

  it('"我的客户经理是谁" is answered; only "让经理联系我" calls the manager', async () => {
    const handoffs = (await kinds(F.accountA, 'handoff')).length;
    expect((await app.say(F.silentDealer, '我的客户经理是谁'))[0]).toBe(
      '您的客户经理是李娜。需要李娜联系您，直接说“让经理联系我”，我会马上通知。',
    );
    expect(await kinds(F.accountA, 'handoff')).toHaveLength(handoffs);
    expect((await app.say(F.silentDealer, '让经理联系我'))[0]).toBe('已通知您的客户经理李娜，会尽快联系您。');
    expect(await kinds(F.accountA, 'handoff')).toHaveLength(handoffs + 1);
  });
  it('a rating that names a need applies to that need only; a clear request is answered while one waits', async () => {
    at(200);
    const dealer = F.silentDealer;
    const a = idIn((await app.say(dealer, '门店需要一批新的样册'))[0]!);
    const b = idIn((await app.say(dealer, '我们对账单有疑问，麻烦帮忙核对'))[0]!);
    await app.say(F.accountA, `N${a} 已解决 已寄出`);
    // A clear request of its own is answered while the rating waits.
    for (const text of ['上个月订了啥', '上个月订了啥']) {
      expect((await app.say(dealer, text))[0]).not.toContain('请回复 1 到 5');
    }
    expect(await need(a)).toMatchObject({ status: 'resolved', rating: null });
    expect((await app.say(dealer, '三分吧 处理的有点慢'))[0]).toBe(`谢谢您的评价（3 分），需求 N${a} 已完成。`);
    await app.say(F.accountA, `N${b} 已解决 已电话说明`);
    // N(a) is named: its rating stays, and N(b) is still waiting for the dealer's own score.
    expect((await app.say(dealer, `N${a}的评分改成4分`))[0]).toBe(`N${a} 已经评过 3 分，评分提交后不能再改。`);
    expect(await need(a)).toMatchObject({ status: 'closed', rating: 3 });
    expect(await need(b)).toMatchObject({ status: 'resolved', rating: null });
    expect((await app.say(dealer, '5分'))[0]).toBe(`谢谢您的评价（5 分），需求 N${b} 已完成。`);
  });
  it('"N…不用了 撤回吧": the dealer withdraws their own open need; its owner is told; a closed one says so', async () => {
    at(300);
    const id = idIn((await app.say(F.silentDealer, '门店需要一批新的宣传海报'))[0]!);
    expect((await app.say(F.silentDealer, `N${id}不用了 撤回吧`))[0]).toBe(
      `已撤回需求 N${id}，也已告知客户经理，不用再处理了。`,
    );
    expect(await need(id)).toMatchObject({ status: 'closed', rating: null });
    expect((await kinds(F.accountA, 'need.withdrawn')).map((m) => m.body).join()).toContain(`需求撤回 N${id}`);
    expect((await app.say(F.silentDealer, `N${id} 撤回`))[0]).toContain(`N${id} 已完成并关闭`);
  });
});
