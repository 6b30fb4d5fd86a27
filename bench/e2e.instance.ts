/**
 * One app instance of `bench:e2e --instances N`, in a process of its own (forked by bench/e2e.bench.ts): started
 * with the options it is sent, it answers `ready` with its URL, `stats` with its counters, and stops on `close`.
 */
import { type BenchApp, type BenchAppOptions, type BenchAppStats, startBenchApp } from './e2e.app.js';

export type InstanceCommand = { type: 'start'; options: BenchAppOptions } | { type: 'stats' } | { type: 'close' };
export type InstanceAnswer =
  | { type: 'ready'; base: string }
  | { type: 'stats'; stats: BenchAppStats }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const send = (a: InstanceAnswer) =>
  new Promise<void>((resolve) => (process.send ? process.send(a, () => resolve()) : resolve()));

let app: BenchApp | null = null;

async function run(c: InstanceCommand): Promise<InstanceAnswer> {
  switch (c.type) {
    case 'start':
      app = await startBenchApp(c.options);
      return { type: 'ready', base: app.base };
    case 'stats':
      return { type: 'stats', stats: app?.stats() ?? { statements: 0 } };
    case 'close':
      await app?.close();
      app = null;
      return { type: 'closed' };
  }
}

process.on('message', (c: InstanceCommand) => {
  run(c)
    .then(send, (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }))
    .then(() => {
      if (c.type === 'close') process.disconnect?.();
    });
});
// The bench gone (a failure, Ctrl-C): nothing is left running.
process.on('disconnect', () => process.exit(0));
