import type { Kysely } from 'kysely';
import type { Channel, Database, Tier } from '../../db/schema.js';

/** Who a message is from, resolved from the channel alone: text never changes it. */
export type Identity =
  | {
      kind: 'dealer';
      channel: Channel;
      externalId: string;
      dealerCode: string;
      dealerName: string;
      tier: Tier;
      managerCode: string;
    }
  | {
      kind: 'manager';
      channel: Channel;
      externalId: string;
      managerCode: string;
      managerName: string;
      role: 'account' | 'regional';
    }
  | { kind: 'unbound'; channel: Channel; externalId: string };

/** The pipeline's per-sender key: one ordered stream per channel account. */
export const senderKey = (channel: Channel, externalId: string) => `${channel}:${externalId}`;

export function parseSenderKey(sender: string): { channel: Channel; externalId: string } {
  const i = sender.indexOf(':');
  return { channel: sender.slice(0, i) as Channel, externalId: sender.slice(i + 1) };
}

export async function resolveIdentity(db: Kysely<Database>, channel: Channel, externalId: string): Promise<Identity> {
  const row = await db
    .selectFrom('channel_identities as ci')
    .leftJoin('dealers as d', 'd.code', 'ci.dealer_code')
    .leftJoin('managers as m', 'm.code', 'ci.manager_code')
    .select([
      'ci.dealer_code',
      'ci.manager_code',
      'd.name as dealer_name',
      'd.tier',
      'd.manager_code as dealer_manager',
      'm.name as manager_name',
      'm.role',
    ])
    .where('ci.channel', '=', channel)
    .where('ci.external_id', '=', externalId)
    .executeTakeFirst();
  if (row?.dealer_code && row.tier && row.dealer_name && row.dealer_manager) {
    return {
      kind: 'dealer',
      channel,
      externalId,
      dealerCode: row.dealer_code,
      dealerName: row.dealer_name,
      tier: row.tier,
      managerCode: row.dealer_manager,
    };
  }
  if (row?.manager_code && row.manager_name && row.role) {
    return {
      kind: 'manager',
      channel,
      externalId,
      managerCode: row.manager_code,
      managerName: row.manager_name,
      role: row.role,
    };
  }
  return { kind: 'unbound', channel, externalId };
}
