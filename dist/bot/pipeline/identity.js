/** The pipeline's per-sender key: one ordered stream per channel account. */
export const senderKey = (channel, externalId) => `${channel}:${externalId}`;
export function parseSenderKey(sender) {
    const i = sender.indexOf(':');
    return { channel: sender.slice(0, i), externalId: sender.slice(i + 1) };
}
export async function resolveIdentity(db, channel, externalId) {
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
//# sourceMappingURL=identity.js.map