import { expect, it } from 'vitest';
import { PipelineBus } from './bus.js';
import { PollLoop } from './poll-loop.js';

it('runs another pass right after one during which a wake-up arrived (not a poll interval later)', async () => {
  const bus = new PipelineBus();
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const passesAt: number[] = [];
  const loop = new PollLoop(
    bus,
    'inbound',
    async () => {
      passesAt.push(performance.now());
      if (passesAt.length === 1) await gate;
    },
    60_000,
    () => {},
  );
  loop.start();
  try {
    while (passesAt.length === 0) await new Promise((r) => setTimeout(r, 5));
    bus.inboundStored(); // the first pass may have looked before this work arrived
    const releasedAt = performance.now();
    release();
    for (let i = 0; i < 100 && passesAt.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(passesAt).toHaveLength(2);
    expect(passesAt[1]! - releasedAt).toBeLessThan(400);
  } finally {
    await loop.stop();
  }
});
