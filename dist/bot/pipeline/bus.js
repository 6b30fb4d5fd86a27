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
    inboundStored() {
        this.emit('inbound');
    }
    outboxQueued() {
        this.emit('outbox');
    }
    inboundFinished(id) {
        this.emit(`inbound:${id}`);
    }
    outboxSettled(inReplyTo) {
        if (inReplyTo !== null)
            this.emit(`replies:${inReplyTo}`);
    }
}
//# sourceMappingURL=bus.js.map