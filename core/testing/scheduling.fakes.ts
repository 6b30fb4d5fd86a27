import type { ClaimPolicy, JobRunStore } from '../scheduling/ports.js';

interface Run {
  instance: string;
  status: 'running' | 'done' | 'failed';
  startedAt: number;
  attempts: number;
  error?: string;
  result?: Record<string, number>;
}

/** JobRunStore in memory with the repository's claim rule; `clock` stands in for the database's now(). */
export class MemoryJobRunStore implements JobRunStore {
  readonly runs = new Map<string, Run>();
  constructor(private readonly clock: () => number = Date.now) {}

  async claim(job: string, slot: string, instance: string, policy: ClaimPolicy) {
    const k = `${job}\u0000${slot}`;
    const r = this.runs.get(k);
    const now = this.clock();
    if (!r) {
      this.runs.set(k, { instance, status: 'running', startedAt: now, attempts: 1 });
      return true;
    }
    const stale = r.status === 'running' && r.startedAt < now - policy.staleAfterMs;
    if (r.attempts >= policy.maxAttempts || !(r.status === 'failed' || stale)) return false;
    this.runs.set(k, { instance, status: 'running', startedAt: now, attempts: r.attempts + 1, error: r.error });
    return true;
  }

  private mine(job: string, slot: string, instance: string) {
    const r = this.runs.get(`${job}\u0000${slot}`);
    return r && r.instance === instance && r.status === 'running' ? r : null;
  }

  async finish(job: string, slot: string, instance: string, result: Record<string, number>, _at?: Date) {
    const r = this.mine(job, slot, instance);
    if (r) Object.assign(r, { status: 'done', result });
  }

  async fail(job: string, slot: string, instance: string, error: string, _at?: Date) {
    const r = this.mine(job, slot, instance);
    if (r) Object.assign(r, { status: 'failed', error });
  }
}
