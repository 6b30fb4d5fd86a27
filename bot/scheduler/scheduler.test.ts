import { describe, expect, it } from 'vitest';
import type { JobRunStore } from '../../core/scheduling/ports.js';
import type { JobContext, JobDefinition } from './job.types.js';
import { Scheduler } from './scheduler.js';

describe('Scheduler firings when the job-run store is unreachable', () => {
  it('a cron firing whose claim rejects is logged, never an unhandled rejection that ends the process', async () => {
    const down = new Error('database "gs" is not currently accepting connections');
    const runs: JobRunStore = {
      claim: () => Promise.reject(down),
      finish: () => Promise.reject(down),
      fail: () => Promise.reject(down),
    } as unknown as JobRunStore;
    const warnings: string[] = [];
    const log = { info() {}, warn: (_o: unknown, msg: string) => void warnings.push(msg) };
    let runsStarted = 0;
    const everySecond: JobDefinition = {
      name: 'unit.every-second',
      cron: '* * * * * *',
      description: '',
      async run() {
        runsStarted++;
        return {};
      },
    };
    const scheduler = new Scheduler(runs, [everySecond], { log } as unknown as Omit<JobContext, 'now' | 'sendFrom'>, {
      catchUpEveryMs: 0,
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 2_300));
    await scheduler.stop();
    expect(warnings.filter((w) => w === 'scheduled run could not start or be recorded').length).toBeGreaterThan(0);
    expect(runsStarted).toBe(0);
  });
});
