import { EventEmitter } from 'node:events';

/**
 * In-process wake-ups so a stored message or a queued reply is handled at once instead of at the next poll.
 * Other instances still find the work by polling: the database is the source of truth, this is only a hint.
 */
export class PipelineBus extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  inboundStored(): void {
    this.emit('inbound');
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
