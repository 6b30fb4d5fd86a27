import { afterAll, beforeAll, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { insertIntentsFixture, IX } from '../intents/intents.fixtures.js';
const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ seeded: false, now: () => TEST_NOW, prepare: (db) => insertIntentsFixture(db, TEST_NOW) });
});
afterAll(async () => app?.close());
it('probe', async () => {
  for (const t of ['SO到哪了', '我的订单到哪了', 'N60要补货吗', '补货建议', '这周卖的怎么样', '各个门店呢', '哪个门店卖得最好']) {
    console.log(t, '=>', (await app.say(IX.coreDealer, t)).join('\n'));
  }
});
