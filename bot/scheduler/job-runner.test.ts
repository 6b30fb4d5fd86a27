import { describe, expect, it } from 'vitest';
import { MemoryJobRunStore } from '../../core/testing/scheduling.fakes.js';
import { DEFAULT_STALE_AFTER_MS, runJobInSlot } from './job-runner.js';
import type { JobContext, JobDefinition } from './job.types.js';

// The runner against the in-memory job-run store: no database (the job never touches ctx.services).
const ctx = { now: new Date(0), log: { info() {}, warn() {} } } as unknown as JobContext;

function job(failures: number): JobDefinition & { calls: number } {
  const j = {
    name: 'unit',
    cron: '10 9 * * *',
    description: '',
    calls: 0,
    async run() {
      j.calls++;
      if (j.calls <= failures) throw new Error(`boom ${j.calls}`);
      return { ok: 1 };
    },
  };
  return j;
}

describe('runJobInSlot on a JobRunStore', () => {
  it('runs a slot once; a second claim skips', async () => {
    const runs = new MemoryJobRunStore();
    const j = job(0);
    expect(await runJobInSlot(runs, j, 's1', 'a', ctx)).toMatchObject({ ran: true, result: { ok: 1 } });
    expect(await runJobInSlot(runs, j, 's1', 'b', ctx)).toEqual({ ran: false, reason: 'slot taken' });
    expect(j.calls).toBe(1);
  });

  it('retries a failed slot up to maxAttempts claims, keeping the error', async () => {
    const runs = new MemoryJobRunStore();
    const j = { ...job(5), maxAttempts: 3 };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await runJobInSlot(runs, j, 's1', 'a', ctx));
    expect(outcomes.map((o) => ('error' in o ? 'failed' : o.ran ? 'done' : 'skipped'))).toEqual([
      'failed',
      'failed',
      'failed',
      'skipped',
    ]);
    expect(runs.runs.get('unit\u0000s1')).toMatchObject({ status: 'failed', attempts: 3, error: 'Error: boom 3' });
  });

  it("re-claims a crashed run once it is stale, and the late finisher cannot overwrite its successor's row", async () => {
    let clock = 0;
    const runs = new MemoryJobRunStore(() => clock);
    expect(await runs.claim('unit', 's1', 'crashed', { staleAfterMs: DEFAULT_STALE_AFTER_MS, maxAttempts: 3 })).toBe(
      true,
    );
    expect(await runJobInSlot(runs, job(0), 's1', 'b', ctx)).toEqual({ ran: false, reason: 'slot taken' });
    clock = DEFAULT_STALE_AFTER_MS + 1;
    expect(await runJobInSlot(runs, job(0), 's1', 'b', ctx)).toMatchObject({ ran: true });
    await runs.fail('unit', 's1', 'crashed', 'late', new Date());
    expect(runs.runs.get('unit\u0000s1')).toMatchObject({ status: 'done', instance: 'b', attempts: 2 });
  });
});
