import type { InboundStore } from '../../core/messaging/ports.js';
import type { InboundInput, StoredInbound } from '../../core/messaging/types.js';

export type { InboundInput, StoredInbound };

/**
 * Persist before ack: the message is stored (or found to be a duplicate by its unique key) before the channel
 * answers. Returns the row id and whether this call stored it.
 */
export async function storeInbound(inbound: InboundStore, input: InboundInput): Promise<StoredInbound> {
  const [stored] = await inbound.store([input]);
  return stored!;
}
