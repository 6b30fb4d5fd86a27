import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatYuan } from '../../bot/replies/policy.explain.js';
import { laddersFor } from '../../core/policies/current.js';
import { ladderPosition } from '../../core/policies/ladder.js';
import { isTargeted } from '../../core/policies/targeting.js';
import { shanghaiDate } from '../../core/common/time.js';
import type { RebateStatement } from '../../core/policies/rebate-statement.js';
import type { Tier } from '../../db/schema.js';
import { ConsoleBrowser } from '../console/console.session.js';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { filePolicies, filePolicy, qualifyingFromDb } from '../policies/policies.fixtures.js';

const ADMIN_TOKEN = 'statements-test-admin-token-0123';
const SECRET = 'statements-test-link-secret-0123456789abcdef';
const BASE = 'https://bot.example.com';
const HOUR = 3_600_000;
const LADDER = filePolicy('LADDER-2026Q4', 'ladder_rebate');
const LADDER_ENG = filePolicy('LADDER-ENG-2026Q4', 'ladder_rebate');

interface DemoDealer {
  code: string;
  name: string;
  tier: Tier;
  tags: string[];
  manager_code: string;
}

/** Issue 13 builds 2 and 8 through the sandbox: statements, printable links, rebate statements, policy comments. */
describe('statements and policy feedback by chat (sandbox, whole pipeline)', () => {
  let app: TestApp;
  let clock = TEST_NOW;
  let dealers: DemoDealer[] = [];
  const db = () => app.database.db;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.server.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(payload ? { payload: payload as object } : {}),
    });
  const eng = () => dealers.find((d) => isTargeted(LADDER_ENG, d))!;
  const plain = () => dealers.find((d) => !d.tags.includes('工程渠道') && d.tier !== 'silent')!;
  const linkIn = (text: string) => {
    const m = /https:\/\/bot\.example\.com(\/statements\/\S+)/.exec(text);
    if (!m) throw new Error(`no link in: ${text}`);
    return m[1]!;
  };

  beforeAll(async () => {
    app = await startTestApp({
      seeded: true,
      env: { ADMIN_TOKEN, STATEMENT_LINK_SECRET: SECRET, STATEMENT_LINK_TTL_HOURS: '48', PUBLIC_BASE_URL: BASE },
      now: () => clock,
    });
    dealers = await db()
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'tags', 'manager_code'])
      .orderBy('code')
      .execute();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('dealer: a concise statement plus a signed link to the printable page', async () => {
    const d = plain();
    const replies = await app.say(d.code, '对账单发我');
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain('【对账单｜2026年11月（截至11月26日）】');
    expect(replies[0]).toMatch(/信用额度 ¥[\d,]+，已用 ¥[\d,.]+，(剩余|超出) ¥/);
    expect(replies[1]).toContain('打印版对账单（盖章版式，48 小时内有效）');
    const path = linkIn(replies[1]!);
    expect(path).toMatch(new RegExp(`^/statements/${d.code}/2026-11\\?exp=\\d+&sig=[\\w-]+$`));

    const page = await app.server.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(d.name);
    expect(page.body).toContain('经销商确认（签章）');
    expect(page.body).toContain('信用额度');
    // The same statement as the API's: its balance and credit left appear on the page.
    const json = (await api('GET', `/api/dealers/${d.code}/statement?period=2026-11`)).json();
    expect(page.body).toContain(formatYuan(json.credit.leftFen));
    expect(json.printUrl).toMatch(new RegExp(`^${BASE}/statements/${d.code}/2026-11\\?exp=`));
  });

  it('a tampered link is 403, an expired one 410, a malformed one 400; nothing is shown', async () => {
    const d = plain();
    const other = dealers.find((x) => x.code !== d.code)!;
    const path = linkIn((await app.say(d.code, '本季度对账单'))[1]!);
    expect(path).toContain(`/statements/${d.code}/2026-Q4?`);
    const [base, query] = path.split('?') as [string, string];
    const q = new URLSearchParams(query);
    const get = (url: string) => app.server.inject({ method: 'GET', url });

    expect((await get(path)).statusCode).toBe(200);
    const otherDealer = await get(`${base.replace(d.code, other.code)}?${query}`);
    expect(otherDealer.statusCode).toBe(403);
    expect(otherDealer.body).not.toContain(other.name);
    expect((await get(`${base.replace('2026-Q4', '2026-10')}?${query}`)).statusCode).toBe(403);
    const sig = q.get('sig')!;
    expect(
      (await get(`${base}?exp=${q.get('exp')}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`)).statusCode,
    ).toBe(403);
    expect((await get(`${base}?exp=${Number(q.get('exp')) + 3600}&sig=${sig}`)).statusCode).toBe(403);
    expect((await get(`${base}?exp=abc&sig=${sig}`)).statusCode).toBe(400);
    expect((await get(`/statements/X1/2026-Q4?${query}`)).statusCode).toBe(400);

    clock = new Date(TEST_NOW.getTime() + 49 * HOUR);
    try {
      const expired = await get(path);
      expect(expired.statusCode).toBe(410);
      expect(expired.body).toContain('链接已过期');
    } finally {
      clock = TEST_NOW;
    }
  });

  it("a statement for another dealer's code is not found, and shows nothing of it", async () => {
    const d = plain();
    const other = dealers.find((x) => x.code !== d.code)!;
    for (const text of [`查一下${other.code}的对账单`, `${other.code} 对账单`]) {
      const replies = await app.say(d.code, text);
      expect(replies.join('\n')).toContain(`${other.code} 不在您的账户下，无法查看`);
      expect(replies.join('\n')).not.toContain(other.name);
    }
  });

  it("manager: their dealer's statement by code; another manager's dealer or an unknown code is not found", async () => {
    const d = plain();
    const replies = await app.say(d.manager_code, `${d.code} 对账单`);
    expect(replies[0]).toContain('【对账单｜2026年11月');
    expect(replies[0]).toContain(d.name);
    expect(replies[1]).toContain(`/statements/${d.code}/2026-11?`);
    // The month after the code is the month, not the code's digits.
    expect((await app.say(d.manager_code, `${d.code} 10月对账单`))[0]).toContain('【对账单｜2026年10月】');
    const foreign = dealers.find((x) => x.manager_code !== d.manager_code)!;
    expect((await app.say(d.manager_code, `${foreign.code} 对账单`))[0]).toBe(
      `未找到经销商 ${foreign.code}，或不在您负责的范围内。`,
    );
    expect((await app.say(d.manager_code, 'D9999 对账单'))[0]).toBe('未找到经销商 D9999，或不在您负责的范围内。');
    expect((await app.say(d.manager_code, '对账单'))[0]).toContain('请带上经销商编号');
  });

  it('a dispute ("对账单多扣了两千") is a payment need linked to the statement, alerted to the manager', async () => {
    const d = plain();
    const [r] = await app.say(d.code, '对账单多扣了两千');
    expect(r).toContain('已收到您的账款需求');
    expect(r).toContain(`已关联${d.code} 2026年11月对账单`);
    const need = await db()
      .selectFrom('needs')
      .select(['id', 'category', 'statement_ref'])
      .where('dealer_code', '=', d.code)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(need).toMatchObject({ category: 'payment', statement_ref: `${d.code}:2026-11` });
    const alert = (await app.outbox()).find((m) => m.kind === 'need.alert' && m.body.includes(`N${need.id}`));
    expect(alert?.body).toContain(`关联对账单：${d.code} 2026年11月对账单`);
    // "10月的账单不对" names its month.
    await app.say(d.code, '10月的对账单不对，少算了一笔回款');
    const second = await db()
      .selectFrom('needs')
      .select(['category', 'statement_ref'])
      .where('dealer_code', '=', d.code)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(second).toEqual({ category: 'payment', statement_ref: `${d.code}:2026-10` });
  });

  it('rebate statement: ladder, amount, band, accrued, next band and gap, equal to the engine; stacked ladders both listed', async () => {
    const d = eng();
    const [text] = await app.say(d.code, '返利对账单');
    for (const policy of [LADDER, LADDER_ENG]) {
      const amount = await qualifyingFromDb(db(), d.code, policy.period, policy.excludeCategories);
      const pos = ladderPosition(policy, amount);
      expect(text).toContain(`【返利对账单｜${policy.name}】`);
      expect(text).toContain(`计返金额 ${formatYuan(amount)}`);
      expect(text).toContain(`应计返利 ${formatYuan(pos.rebate)}`);
      if (pos.next)
        expect(text).toContain(`还差 ${formatYuan(pos.next.gap)}，达到后返利 ${formatYuan(pos.next.rebateAtNext)}`);
    }
    expect(text).toContain('与「2026年第四季度阶梯返利」叠加，分别计算。');
    expect(text).toMatch(/本期尚未结算。|已结算 \d+ 次，合计 ¥/);
  });

  it('every demo dealer: the rebate statement equals the engine to the fen (amount from SQL, not the repository)', async () => {
    const records = filePolicies.map((policy) => ({ policy, active: true, promoted: false }));
    let checked = 0;
    for (const d of dealers) {
      const rs = (await api('GET', `/api/dealers/${d.code}/rebate-statements`)).json() as RebateStatement[];
      const expected = laddersFor(d, shanghaiDate(TEST_NOW), records).map((l) => l.policy.code);
      expect(
        rs.map((r) => r.policy.code),
        d.code,
      ).toEqual(expected);
      for (const r of rs) {
        const policy = r.policy.code === LADDER.code ? LADDER : LADDER_ENG;
        const amount = await qualifyingFromDb(db(), d.code, policy.period, policy.excludeCategories);
        const pos = ladderPosition(policy, amount);
        expect(r.basis.amountFen, d.code).toBe(amount);
        expect(r.accruedFen, d.code).toBe(pos.rebate);
        expect(r.position, d.code).toEqual(pos);
        expect(r.netDueFen, d.code).toBe(pos.rebate - r.settledFen);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(dealers.length - dealers.filter((d) => d.tier === 'silent').length);
  });

  it('settling twice never pays twice; the statement of account shows the settlement; the console shows both', async () => {
    // A dealer the demo settled on November 1st (interim settlement of October's accrual): settling now pays the
    // difference only, then nothing.
    const seeded = await db().selectFrom('rebate_settlements').select('dealer_code').orderBy('dealer_code').execute();
    expect(seeded.length).toBeGreaterThan(0);
    const d = dealers.find((x) => x.code === seeded[0]!.dealer_code)!;
    const before = (await api('GET', `/api/dealers/${d.code}/rebate-statements?policy=${LADDER.code}`)).json()[0];
    expect(before.settlements).toHaveLength(1);
    const accrued = before.accruedFen as number;
    const first = await api('POST', `/api/dealers/${d.code}/rebate-settlements`, { policy: LADDER.code, by: 'M001' });
    expect(first.statusCode).toBe(before.netDueFen === 0 ? 200 : 201);
    if (before.netDueFen !== 0)
      expect(first.json().settlement).toMatchObject({
        seq: 2,
        accruedFen: accrued,
        paidFen: accrued - before.settledFen,
      });
    const again = await api('POST', `/api/dealers/${d.code}/rebate-settlements`, { policy: LADDER.code, by: 'M001' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ kind: 'nothing_due', statement: { settledFen: accrued, netDueFen: 0 } });
    const rows = await db().selectFrom('rebate_settlements').selectAll().where('dealer_code', '=', d.code).execute();
    expect(rows.reduce((s, r) => s + r.paid_fen, 0)).toBe(accrued);

    // Both settlements are in November: the statement of account lists them as credit notes.
    const [summary] = await app.say(d.code, '对账单');
    expect(summary).toContain(`返利结算 ${rows.length} 笔，冲抵货款 ${formatYuan(accrued)}`);
    const [rebates] = await app.say(d.code, '返利对账单');
    expect(rebates).toContain(`已结算 ${rows.length} 次，合计 ${formatYuan(accrued)}`);
    expect(rebates).toContain('应计返利已全部结算。');
    // Bad input changes nothing.
    expect(
      (await api('POST', `/api/dealers/${d.code}/rebate-settlements`, { policy: 'NOPE', by: 'x' })).statusCode,
    ).toBe(404);
    expect(
      (await api('POST', `/api/dealers/D9999/rebate-settlements`, { policy: LADDER.code, by: 'x' })).statusCode,
    ).toBe(404);
    expect((await api('POST', `/api/dealers/${d.code}/rebate-settlements`, { policy: LADDER.code })).statusCode).toBe(
      400,
    );
    expect((await api('GET', `/api/dealers/D9999/statement`)).statusCode).toBe(404);
    expect((await api('GET', `/api/dealers/${d.code}/statement?period=2027-01`)).statusCode).toBe(400);

    const hq = new ConsoleBrowser(app.server);
    await hq.signInHq(ADMIN_TOKEN);
    const page = await hq.get(`/console/statements?dealer=${d.code}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(d.name);
    expect(page.body).toContain(`返利对账单｜${LADDER.name}`);
    expect(page.body).toContain('HQ-finance');
    const bad = await hq.get('/console/statements?dealer=X');
    expect(bad.statusCode).toBe(400);
  });

  it('policy comment: "门槛有点高" after a push is acknowledged and recorded for that policy; listable by HQ', async () => {
    const d = plain();
    const rows = () => db().selectFrom('policy_feedback').selectAll().where('dealer_code', '=', d.code).execute();
    const seededRows = (await rows()).length;
    // Nothing was pushed to the dealer yet: acknowledged, nothing recorded against a policy it never got.
    expect((await app.say(d.code, '门槛有点高'))[0]).toContain('目前还没有向您推送过政策');
    expect(await rows()).toHaveLength(seededRows);

    const pushed = await api('POST', `/api/policies/${LADDER.code}/push`);
    expect(pushed.statusCode).toBe(200);
    const [r] = await app.say(d.code, '门槛有点高');
    expect(r).toContain(`收到，您对「${LADDER.name}」的意见“门槛有点高”已记录`);
    expect(await rows()).toHaveLength(seededRows + 1);
    const list = (await api('GET', `/api/policies/${LADDER.code}/feedback`)).json();
    expect(list.comments[0]).toMatchObject({ policyCode: LADDER.code, dealerCode: d.code, text: '门槛有点高' });
    expect((await api('GET', '/api/policies/NOPE/feedback')).statusCode).toBe(404);
    const hq = new ConsoleBrowser(app.server);
    await hq.signInHq(ADMIN_TOKEN);
    expect((await hq.get(`/console/policies/${LADDER.code}`)).body).toContain('门槛有点高');
  });

  it('a comment right after policies are shown is about them: one shown → recorded; several → the dealer picks', async () => {
    const policyOf = async (code: string) =>
      (
        await db()
          .selectFrom('policy_feedback')
          .select('policy_code')
          .where('dealer_code', '=', code)
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
      ).policy_code;
    // A dealer nothing was pushed to, shown the ladder (try-out: "没有对应的政策可以记录").
    const d = dealers.filter((x) => !x.tags.includes('工程渠道') && x.tier !== 'silent')[1]!;
    expect((await app.say(d.code, '阶梯返利怎么算'))[0]).toContain(`【${LADDER.name}】`);
    const [r] = await app.say(d.code, '门槛有点高啊，我们小店做不到');
    expect(r).toContain(`收到，您对「${LADDER.name}」的意见“门槛有点高啊，我们小店做不到”已记录`);
    expect(await policyOf(d.code)).toBe(LADDER.code);
    // Only the message right after: once another request came between, the list shown is no longer what it is about.
    await app.say(d.code, '阶梯返利怎么算');
    await app.say(d.code, '我的客户经理是谁');
    const state = await db()
      .selectFrom('conversation_state')
      .select('state')
      .where('sender', '=', `sandbox:${d.code}`)
      .executeTakeFirst();
    expect((state?.state as { shownPolicies?: unknown } | undefined)?.shownPolicies).toBeUndefined();

    // Both ladders shown to an engineering dealer: asked which; "第二个" records it there, with the words said first.
    const e = eng();
    await app.say(e.code, '阶梯返利怎么算');
    const [which] = await app.say(e.code, '门槛太高了');
    expect(which).toContain('您说的是哪条政策？');
    const second = which!.split('\n').find((l) => l.startsWith('2. '))!;
    const picked = second.includes(LADDER_ENG.name) ? LADDER_ENG : LADDER;
    const [done] = await app.say(e.code, '第二个');
    expect(done).toContain(`收到，您对「${picked.name}」的意见“门槛太高了”已记录`);
    expect(await policyOf(e.code)).toBe(picked.code);
  });

  it('an engineering-channel dealer is told both ladders stack (not the marginal one instead of the general one)', async () => {
    const d = eng();
    const [text] = await app.say(d.code, '阶梯返利怎么算');
    expect(text).toContain(`【${LADDER.name}】`);
    expect(text).toContain(`【${LADDER_ENG.name}】`);
    expect(text).toContain(`本政策与「${LADDER.name}」叠加：两项返利各按自己的档位分别计算，一并发放。`);
  });
});
