/** Storage the scheduler needs: one run per (job, slot) across every instance, and the outbox's retention. */

export interface ClaimPolicy {
  /** A slot still 'running' after this long counts as crashed and may be claimed again. */
  staleAfterMs: number;
  /** Claims of one slot (first run + retries) before a failing slot is left failed. */
  maxAttempts: number;
}

/** What one run of a job in a slot came to: its counts, its error, or nothing (another instance holds the slot). */
export type JobRunOutcome =
  | { ran: true; result: Record<string, number>; ms: number }
  | { ran: false; reason: 'slot taken' }
  | { ran: true; error: string; ms: number };

export interface JobRunStore {
  /**
   * Claims (job, slot) atomically: a new slot, one whose run failed, or one still 'running' past `staleAfterMs`
   * (its instance crashed) — while under `maxAttempts` claims. False: done, freshly running, or out of attempts.
   */
  claim(job: string, slot: string, instance: string, policy: ClaimPolicy): Promise<boolean>;
  /** Marks the claimer's own running row done (a run that outlived its claim must not overwrite its successor). */
  finish(job: string, slot: string, instance: string, result: Record<string, number>, at: Date): Promise<void>;
  /** Marks the claimer's own running row failed, keeping the error for the next claim. */
  fail(job: string, slot: string, instance: string, error: string, at: Date): Promise<void>;
}

export interface OutboxRetentionStore {
  /**
   * Deletes delivered ('sent') and given-up ('dead') outbox rows last touched before `before`; rows a manager
   * follow-up points at stay. Returns how many went.
   */
  pruneFinished(before: Date): Promise<number>;
}

/** Outbox rows older than this many days are pruned by default (dealer scoring reads 90 days of pushes). */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 120;
/** Fewer days would cut into the 90-day window dealer scoring reads from the outbox. */
export const MIN_OUTBOX_RETENTION_DAYS = 91;
