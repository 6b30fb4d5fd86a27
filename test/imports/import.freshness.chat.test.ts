import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportFile } from '../../adapters/imports/index.js';
import { importService } from '../../bot/composition.js';
import type { ImportEntity } from '../../core/imports/types.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
import { accountReplies } from '../../bot/replies/accounts.replies.js';
import { insightReplies } from '../../bot/replies/insights.replies.js';
import { type TestApp, startTestApp } from '../helpers/app.js';

const EXAMPLES = fileURLToPath(new URL('../../adapters/imports/examples/', import.meta.url));
const T0 = new Date('2026-11-26T10:00:00+08:00');

let app: TestApp;
let clock = T0;
let dir: string;

async function importFile(entity: ImportEntity, path: string) {
  const file = await openImportFile(path);
  const r = await importService(app.database.db, { now: () => clock }).run({
    entity,
    items: file.items,
    source: path,
    sha256: file.sha256,
    who: 'test',
    mode: 'all',
  });
  expect(r.errors).toEqual([]);
  return r;
}

beforeAll(async () => {
  app = await startTestApp({ seeded: true, now: () => clock });
  dir = mkdtempSync(join(tmpdir(), 'gs-fresh-'));
  for (const entity of IMPORT_ENTITIES) await importFile(entity, join(EXAMPLES, `${entity}.csv`));
  // The imported dealer binds with its imported contact's phone.
  expect(await app.say('D9001', 'D9001 13812340001')).toEqual([expect.stringContaining('绑定成功')]);
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const one = async (text: string) => {
  const replies = await app.say('D9001', text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

describe('an import reaches the dealer within 60 s of its commit', () => {
  it('stock, replenishment advice and rebate progress answer from the new data (clock: commit + 59 s)', async () => {
    expect(await one('N60还有货吗')).toContain('您的库存 48套');
    expect(await one('我该补什么货')).toContain('暂时不用补货');
    expect(await one('我的返利到哪一档了')).toContain('2026年第四季度阶梯返利：累计 ¥53,548.90');

    // An hour later the ERP and the dealer's systems deliver: a new stock snapshot, two days of POS, a new bill.
    clock = new Date(T0.getTime() + 3_600_000);
    await importFile(
      'dealer-stock',
      file('stock.csv', 'date,dealer_code,sku,qty\n2026-11-26,D9001,KW-N60,6\n2026-11-26,D9001,KD-B45,12\n'),
    );
    await importFile(
      'pos',
      file(
        'pos.csv',
        'date,store_code,sku,qty,amount\n2026-11-25,D9001-S01,KW-N60,4,6240\n2026-11-26,D9001-S02,KW-N60,6,9000\n',
      ),
    );
    await importFile(
      'orders',
      file(
        'orders.csv',
        'bill_id,entry_id,bill_no,order_no,dealer_code,status,placed_at,delivery_date,sku,qty,unit_price,modified_at\n' +
          '100300,1,XSDD2026110031,,D9001,placed,2026-11-26 10:30:00,2026-12-05,KW-N60,300,1241.60,2026-11-26 10:40:00\n',
      ),
    );
    const committed = clock.getTime();
    clock = new Date(committed + 59_000);

    const stock = await one('N60还有货吗');
    expect(stock).toContain('您的库存 6套');
    // The 30-day window ends yesterday: 8 + the 4 of 11-25 (today's 6 count from tomorrow).
    expect(stock).toContain('近 30 天销售 12套，约可卖 15 天');
    const advice = await one('我该补什么货');
    expect(advice).toContain('窄边框平开窗 N60');
    expect(advice).not.toContain('暂时不用补货');
    // ¥53,548.90 + 300 × ¥1,241.60 = ¥426,028.90: the 2% band (from ¥500,000) is ¥73,971.10 away.
    expect(await one('我的返利到哪一档了')).toContain('2026年第四季度阶梯返利：累计 ¥426,028.90');
    expect(clock.getTime() - committed).toBeLessThan(60_000);
  });
});

describe('the anomaly feed follows each import of the touched dealers', () => {
  const anomalyNotices = async (to: string) =>
    (await app.outbox(to)).filter((m) => m.kind === 'anomaly.opened' || m.kind === 'anomaly.opened.manager');
  const openOf = async (dealer: string) =>
    (
      await app.database.db
        .selectFrom('dealer_anomalies')
        .select(['kind', 'subject'])
        .where('dealer_code', '=', dealer)
        .where('closed_at', 'is', null)
        .orderBy('kind')
        .execute()
    ).map((a) => `${a.kind} ${a.subject}`);

  it('the first imports opened what the data shows, told the dealers and their manager once', async () => {
    expect(await openOf('D9001')).toEqual(['overstock KD-B45']);
    expect(await openOf('D9002')).toEqual(['overdue_payment AR2026100007', 'overstock KW-N60']);
    const toD9001 = await anomalyNotices('D9001');
    expect(toD9001).toHaveLength(1);
    expect(toD9001[0]!.body).toContain('库存积压：静音木门 B45 库存12樘');
    // D9002: the stock import opened the overstock, the receivables import then the overdue bill — one notice each.
    const toD9002 = await anomalyNotices('D9002');
    expect(toD9002).toHaveLength(2);
    expect(toD9002[0]!.body).toContain('库存积压：窄边框平开窗 N60 库存9套');
    // Told at the receivables import (¥18,000 open); the payments import after it (¥5,000) changed no notice.
    expect(toD9002[1]!.body).toContain('货款逾期：AR2026100007 未付¥18,000，10月31日到期，已逾期26天');
    const toManager = await anomalyNotices('M902');
    expect(toManager.map((m) => m.body.split('\n')[0])).toEqual([
      // Stock came before POS: both D9001 products were unsold then (N60 closed since, at the 6-套 snapshot).
      '【经营异常】杭州安居门窗商行（D9001）新出现2项：',
      '【经营异常】义乌鑫源建材（D9002）新出现1项：',
      '【经营异常】义乌鑫源建材（D9002）新出现1项：',
    ]);
  });

  it('a snapshot with an expiry opens an expiring batch and closes the overstock; a payment closes the overdue', async () => {
    const commit = new Date('2026-11-26T14:05:00+08:00');
    clock = commit;
    await importFile(
      'dealer-stock',
      file(
        'stock-expiry.csv',
        'date,dealer_code,sku,qty,expires_on\n2026-11-26,D9001,KW-N60,6,\n2026-11-26,D9001,KD-B45,2,2026-12-10\n',
      ),
    );
    await importFile(
      'payments',
      file(
        'pay.csv',
        'payment_no,dealer_code,receivable_no,amount,paid_on,modified_at\nSK2026110020,D9002,AR2026100007,13000,2026-11-26,2026-11-26 14:00:00\n',
      ),
    );
    expect(await openOf('D9001')).toEqual(['expiring_batch KD-B45']);
    expect(await openOf('D9002')).toEqual(['overstock KW-N60']);
    const toD9001 = await anomalyNotices('D9001');
    expect(toD9001).toHaveLength(2);
    expect(toD9001[1]!.body).toContain('临期库存：静音木门 B45 2樘，12月10日到期（还剩14天）');
    // Closing tells nobody; the new one goes out inside the minute of its commit.
    expect(await anomalyNotices('D9002')).toHaveLength(2);
    const queued = await app.database.db
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('kind', '=', 'anomaly.opened')
      .where('recipient', '=', 'D9001')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(queued.next_attempt_at.getTime() - commit.getTime()).toBeLessThan(60_000);
    const inv = await app.database.db
      .selectFrom('dealer_inventory')
      .select(['sku', 'expires_on'])
      .where('dealer_code', '=', 'D9001')
      .orderBy('sku')
      .execute();
    expect(inv).toEqual([
      { sku: 'KD-B45', expires_on: '2026-12-10' },
      { sku: 'KW-N60', expires_on: null },
    ]);
  });

  it('re-importing the same files sends nothing again', async () => {
    clock = new Date('2026-11-26T14:20:00+08:00');
    const before = (await app.outbox()).length;
    const r = await importFile(
      'dealer-stock',
      file(
        'stock-expiry.csv',
        'date,dealer_code,sku,qty,expires_on\n2026-11-26,D9001,KW-N60,6,\n2026-11-26,D9001,KD-B45,2,2026-12-10\n',
      ),
    );
    expect([r.inserted, r.updated, r.afterCommit]).toEqual([0, 0, undefined]);
    expect((await app.outbox()).length).toBe(before);
    expect(await openOf('D9001')).toEqual(['expiring_batch KD-B45']);
  });
});

describe('sales.query answers from the imported POS (store_sales): by store, product and period', () => {
  beforeAll(async () => {
    clock = new Date('2026-11-26T15:00:00+08:00');
    await importFile(
      'pos',
      file(
        'pos-autumn.csv',
        'date,store_code,sku,qty,amount\n2026-10-12,D9001-S01,KW-N60,2,3120\n2026-10-20,D9001-S02,KD-B45,1,2199\n' +
          '2026-09-15,D9001-S01,KW-N60,4,6240\n',
      ),
    );
  });

  it('"这周各门店卖了多少": the week so far per store, against the same days of last week', async () => {
    const r = await one('这周各门店卖了多少');
    expect(r).toContain('【门店动销｜本周（11月23日–11月26日）】杭州安居门窗商行');
    expect(r).toContain('合计卖出 18套（上周同期 0套，新增），1樘（上周同期 0樘，新增）');
    // Most sold first; the week runs to today (S02's 6 套 of this morning's import count).
    expect(r).toContain(
      '分门店：\n· 安居工程服务部（余杭）（D9001-S02）：11套（上周同期 0套，新增）\n' +
        '· 安居门窗西湖店（D9001-S01）：7套（上周同期 0套，新增），1樘（上周同期 0樘，新增）',
    );
  });

  it('"N60 上个月走了几套" and "上个月卖了多少": October against September', async () => {
    const n60 = await one('N60 上个月走了几套');
    expect(n60).toContain('【门店动销｜2026年10月（10月1日–10月31日）】杭州安居门窗商行');
    expect(n60).toContain('合计卖出 2套（2026年9月 4套，-50%）');
    expect(n60).not.toContain('静音木门');
    const all = await one('上个月卖了多少');
    expect(all).toContain('合计卖出 2套（2026年9月 4套，-50%），1樘（2026年9月 0樘，新增）');
    expect(all).toContain('· 静音木门 B45：1樘，2026年9月 0樘（新增）');
    expect(all).toContain('（可问“各门店卖了多少”看分门店）');
  });

  it('one of their own stores by code answers from that store only', async () => {
    const r = await one('D9001-S02 这周卖了多少');
    expect(r).toContain('【门店动销｜本周（11月23日–11月26日）】安居工程服务部（余杭）（D9001-S02）');
    expect(r).toContain('合计卖出 11套（上周同期 0套，新增）');
    expect(r).not.toContain('樘');
    expect(await one('d9001-s01 上个月卖了多少')).toContain('合计卖出 2套（2026年9月 4套，-50%）');
  });

  it("another dealer's store, an unknown store, another dealer, a month not begun, a manager: clear answers", async () => {
    expect(await one('D9002-S01 这周卖了多少')).toBe(insightReplies.storeNotFound('D9002-S01'));
    expect(await one('D9999-S01 上个月卖了多少')).toBe(insightReplies.storeNotFound('D9999-S01'));
    expect(await one('D9002 上个月卖了多少')).toBe(accountReplies.otherDealer('D9001', 'D9002'));
    expect(await one('2027年3月卖了多少')).toBe(insightReplies.futurePeriod('2027-03'));
    expect(await app.say('M001', '这周各门店卖了多少')).toEqual([accountReplies.managerHint]);
  });
});
