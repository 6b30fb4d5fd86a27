/**
 * Group commit for callbacks (WeCom and the mini-program): requests that arrive while a write is in flight are
 * stored together — one INSERT … ON CONFLICT DO NOTHING under the senders' locks, one autocommit statement (a
 * transaction when the channel writes more with its messages: the mini-program's reply windows) — one commit, one
 * fsync; each caller is answered only after that commit. Persist-before-ack is unchanged; under load it costs one round trip per batch instead of per
 * message, and at low load a batch is a single row written at once (no timer, no added wait).
 *
 * Up to `maxInFlight` batches are written at once (WECOM_INGEST_BATCHES, default 1): with more, the process could
 * parse the next requests while a commit is under way, but on PostgreSQL two measured no faster than one (issue
 * 14, 9e: 881/612 req/s with one, 834/619 with two, interleaved, load average 23-26), so production writes one.
 * The worker takes (or claims) only the oldest unfinished row of a sender, so a sender's rows must commit in id
 * order: with several batches in flight, a message whose sender is in a batch still in flight waits for that batch.
 */
import type { InboundStore } from '../../core/messaging/ports.js';
import { senderKey } from '../../core/messaging/sender.js';
import type { InboundInput, StoredInbound } from '../../core/messaging/types.js';

/**
 * Stores a batch atomically (all of it commits, or none), answering per item in item order like
 * `InboundStore.store`. A channel whose messages carry more state wraps the insert in its own transaction.
 */
export type BatchWriter<T extends InboundInput> = (batch: readonly T[]) => Promise<StoredInbound[]>;

/** The plain writer: the messages alone, through the one insert. */
export const messagesOnly =
  (inbound: InboundStore): BatchWriter<InboundInput> =>
  (batch) =>
    inbound.store(batch);

interface Waiter<T> {
  input: T;
  sender: string;
  resolve(r: StoredInbound): void;
  reject(e: unknown): void;
}

export class InboundBatcher<T extends InboundInput = InboundInput> {
  private queue: Waiter<T>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Senders with a row in a batch not yet committed. */
  private readonly busy = new Map<string, number>();

  constructor(
    private readonly writeBatch: BatchWriter<T>,
    private readonly maxBatch = 256,
    private readonly maxInFlight = 1,
  ) {}

  store(input: T): Promise<StoredInbound> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, sender: senderKey(input.channel, input.externalId), resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Waiter<T>[] = [];
      const held: Waiter<T>[] = [];
      for (const w of this.queue) {
        if (batch.length < this.maxBatch && !this.busy.has(w.sender)) batch.push(w);
        else held.push(w);
      }
      // Every queued sender is busy: the batch that frees one schedules the next drain.
      if (batch.length === 0) return;
      // A sender's later messages wait behind its earlier ones, in queue order.
      this.queue = held;
      for (const w of batch) this.busy.set(w.sender, (this.busy.get(w.sender) ?? 0) + 1);
      this.inFlight++;
      this.write(batch)
        .catch((e: unknown) => {
          for (const w of batch) w.reject(e);
        })
        .finally(() => {
          for (const w of batch) {
            const n = this.busy.get(w.sender)! - 1;
            if (n === 0) this.busy.delete(w.sender);
            else this.busy.set(w.sender, n);
          }
          this.inFlight--;
          this.schedule();
        });
    }
  };

  /**
   * One transaction; a retry that arrives in the same batch shares the first one's row. When it fails on a row's
   * data (not on the connection), the rows are stored one by one, each in a transaction of its own, in batch order
   * (a sender's rows keep their order): only the failing row's caller is refused and its neighbours are acknowledged.
   */
  private async write(batch: Waiter<T>[]): Promise<void> {
    let stored: StoredInbound[];
    try {
      stored = await this.writeBatch(batch.map((w) => w.input));
    } catch (e) {
      if (batch.length === 1 || !isRowDataError(e)) throw e;
      for (const w of batch) {
        try {
          const [one] = await this.writeBatch([w.input]);
          w.resolve(one!);
        } catch (rowError) {
          w.reject(rowError);
        }
      }
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(stored[i]!);
  }
}

/**
 * A failure caused by a row's values, by SQLSTATE class: 22 data exception, 23 integrity constraint, 54 program
 * limit exceeded (an index row too large). Connection and server-state failures fail the whole batch as they are.
 */
function isRowDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(?:22|23|54)[0-9A-Z]{3}$/.test(code);
}
