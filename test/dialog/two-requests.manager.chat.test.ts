import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { IX, insertIntentsFixture } from '../intents/intents.fixtures.js';

/** A manager's two commands in one message, on two needs, with no connector word: both done, in order. */
const NOW = new Date('2026-11-26T10:00:00+08:00');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ seeded: false, now: () => NOW, prepare: (d) => insertIntentsFixture(d, NOW) });
});
afterAll(async () => {
  await app?.close();
});
const one = async (from: string, text: string) => {
  const replies = await app.say(from, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
const idIn = (text: string) => Number(/N(\d+)/.exec(text)?.[1]);

it('"N… 搞定 已补发 N… 我接了": the first need resolved with its note, then the second claimed', async () => {
  const a = idIn(await one(IX.regularDealer, '推拉窗滑轮坏了两个 需要售后上门维修'));
  const b = idIn(await one(IX.regularDealer, '展厅的展架坏了 想换个新的'));
  expect(await one(IX.accountA, `N${a} 我接了`)).toContain(`已认领 N${a}`);
  const r = await one(IX.accountA, `N${a} 搞定 已补发 N${b} 我接了`);
  expect(r).toContain(`已办结 N${a}`);
  expect(r).toContain(`已认领 N${b}`);
  expect(r.indexOf(`已办结 N${a}`)).toBeLessThan(r.indexOf(`已认领 N${b}`));
  const rows = await app.database.db.selectFrom('needs').select(['id', 'status', 'resolution']).execute();
  expect(rows.find((n) => n.id === a)?.resolution).toBe('已补发');
  expect(rows.find((n) => n.id === b)?.status).not.toBe('open');
});

it('"N… 搞定 已派师傅修好 N… 玻璃已换好": both resolved, each with its own note', async () => {
  const a = idIn(await one(IX.regularDealer, '门头灯箱不亮了 需要售后来修'));
  const b = idIn(await one(IX.regularDealer, '展厅样窗的玻璃裂了 想换块新的'));
  await one(IX.accountA, `N${a}和N${b}都我来`);
  const r = await one(IX.accountA, `N${a} 搞定 已派师傅修好 N${b} 玻璃已换好`);
  expect(r).toContain(`已办结 N${a}`);
  expect(r).toContain(`已办结 N${b}`);
  const rows = await app.database.db.selectFrom('needs').select(['id', 'resolution']).execute();
  expect(rows.find((n) => n.id === a)?.resolution).toBe('已派师傅修好');
  expect(rows.find((n) => n.id === b)?.resolution).toBe('玻璃已换好');
});
