import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { DatabaseHandle } from '../../db/connect.js';
import { type TestApp, startTestApp } from './app.js';

const HOUR = 3_600_000;

/**
 * A sandbox chat on a fresh database prepared by `prepare`, with a clock that starts at `now` before every test:
 * `at(hours)` moves it, `one(from, text)` sends a message and returns its single reply.
 */
export function useSandboxChat(opts: { now: Date; prepare: (db: DatabaseHandle['db']) => Promise<void> }) {
  let app: TestApp | undefined;
  let clock = opts.now;
  beforeAll(async () => {
    app = await startTestApp({ seeded: false, now: () => clock, prepare: opts.prepare });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => {
    clock = opts.now;
  });
  return {
    at(hours: number) {
      clock = new Date(opts.now.getTime() + hours * HOUR);
    },
    async one(from: string, text: string): Promise<string> {
      const replies = await app!.say(from, text);
      expect(replies).toHaveLength(1);
      return replies[0]!;
    },
  };
}
