/** Who a message is from (resolved by the IdentityDirectory from the channel alone) and the per-sender key. */
export type { Identity } from '../../core/messaging/types.js';
export { parseSenderKey, senderKey } from '../../core/messaging/sender.js';
