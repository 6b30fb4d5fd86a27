import type { OutboxStore } from '../../core/messaging/ports.js';

interface Mark {
  id: number;
  at: Date;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Group commit for "sent" marks: a mark is written at once when none is being written; marks that arrive meanwhile
 * go together in the next statement (one update for many rows). Each caller resolves once its own row is marked,
 * or rejects with the error of the statement that carried it. No timer: at low load a mark waits for nothing.
 */
export class SentMarks {
  private queue: Mark[] = [];
  private writing = false;

  constructor(
    private readonly outbox: Pick<OutboxStore, 'markSentAll'>,
    private readonly maxBatch = 500,
  ) {}

  mark(id: number, at: Date): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, at, resolve, reject });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.outbox.markSentAll(batch.map(({ id, at }) => ({ id, at })));
        for (const m of batch) m.resolve();
      } catch (e) {
        for (const m of batch) m.reject(e);
      }
    }
    this.writing = false;
  }
}
