import type { Channel } from './types.js';

/** The pipeline's per-sender key: one ordered stream per channel account. */
export const senderKey = (channel: Channel, externalId: string) => `${channel}:${externalId}`;

export function parseSenderKey(sender: string): { channel: Channel; externalId: string } {
  const i = sender.indexOf(':');
  return { channel: sender.slice(0, i) as Channel, externalId: sender.slice(i + 1) };
}
