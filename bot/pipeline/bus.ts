import { EventEmitter } from 'node:events';
import type { InboundMessage } from '../../core/messaging/types.js';

/**
 * In-process hand-offs and wake-ups, so a stored message or a queued reply is handled at once instead of at the next
 * poll. Other instances still find the work by polling: the database is the source of truth, this is only a hint.
 */
export class PipelineBus extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  /**
   * Messages stored and committed (not duplicates), handed to this process's worker as they are: it takes them in
   * its turn's transaction without looking for them (`InboundWorker`). Should this process die first, they are
   * pending in the database and any instance's poll finds them.
   */
  inboundStored(messages: readonly InboundMessage[] = []): void {
    this.emit('inbound', messages);
  }
  outboxQueued(): void {
    this.emit('outbox');
  }
  inboundFinished(id: number): void {
    this.emit(`inbound:${id}`);
  }
  outboxSettled(inReplyTo: number | null): void {
    if (inReplyTo !== null) this.emit(`replies:${inReplyTo}`);
  }
}
