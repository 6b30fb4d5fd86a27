import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportFile } from '../../adapters/imports/index.js';
import { importService } from '../../bot/composition.js';
import type { ImportEntity } from '../../core/imports/types.js';
import { IMPORT_ENTITIES } from '../../core/imports/types.js';
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
    expect(await one('D9001 13812340001')).toContain('绑定成功');
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
