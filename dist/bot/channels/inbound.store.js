import { senderKey } from '../pipeline/identity.js';
/**
 * Persist before ack: the message is stored (or found to be a duplicate by its unique key) before the channel
 * answers. Returns the row id and whether this call stored it.
 */
export async function storeInbound(db, input) {
    const row = await db
        .insertInto('inbound_messages')
        .values({
        channel: input.channel,
        dedupe_key: input.dedupeKey,
        sender: senderKey(input.channel, input.externalId),
        msg_type: input.msgType,
        content: input.content,
        payload: JSON.stringify(input.payload ?? {}),
        received_at: input.receivedAt ?? new Date(),
    })
        .onConflict((oc) => oc.columns(['channel', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
    if (row)
        return { id: row.id, duplicate: false };
    const existing = await db
        .selectFrom('inbound_messages')
        .select('id')
        .where('channel', '=', input.channel)
        .where('dedupe_key', '=', input.dedupeKey)
        .executeTakeFirstOrThrow();
    return { id: existing.id, duplicate: true };
}
//# sourceMappingURL=inbound.store.js.map