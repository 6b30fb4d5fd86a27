import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../helpers/app.js';
import { TEST_NOW } from '../helpers/seed-test-data.js';
import { FX, orderFixtures } from '../orders/order.fixtures.js';

/** A follow-up's context lives as long as the conversation state (30 minutes): the clock moves here. */
let app: TestApp | undefined;
let clock = TEST_NOW;
const minutes = (m: number) => new Date(TEST_NOW.getTime() + m * 60_000);
beforeAll(async () => {
  app = await startTestApp({ seeded: true, prepare: orderFixtures(TEST_NOW), now: () => clock });
});
afterAll(async () => {
  await app?.close();
});

const one = async (text: string) => {
  const replies = await app!.say(FX.core, text);
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

it('"那t80呢" 20 minutes after a stock question follows it; an hour after one it asks back', async () => {
  expect(await one('n60有货没')).toContain('【窄边框平开窗 N60】');
  clock = minutes(20);
  expect(await one('那t80呢')).toContain('【断桥铝隔热窗 T80】');

  clock = minutes(30);
  expect(await one('a70还有货吗')).toContain('【铝合金推拉窗 A70】');
  clock = minutes(95);
  const later = await one('那t80呢');
  expect(later).toContain('您想了解断桥铝隔热窗 T80的什么');
  expect(later).not.toContain('总部可用');
});
