/** A send that should not happen now: try again at `retryAt` (rate limit) without counting an attempt. */
export class DeferDelivery extends Error {
    retryAt;
    reason;
    constructor(retryAt, reason) {
        super(reason);
        this.retryAt = retryAt;
        this.reason = reason;
        this.name = 'DeferDelivery';
    }
}
/** The recipient cannot be reached on this route (e.g. KF window closed): hand it to a person instead. */
export class UnreachableRecipient extends Error {
    reason;
    constructor(reason) {
        super(reason);
        this.reason = reason;
        this.name = 'UnreachableRecipient';
    }
}
/** WeCom's own limits, so nothing is silently dropped on their side. */
const LIMITS = {
    wecom_app: { perMinute: 30, perHour: 1000 },
    wecom_appchat: { perMinute: 20 },
    wecom_webhook: { perMinute: 20 },
};
const KF_WINDOW_MS = 48 * 3600_000;
const KF_MAX_PER_INBOUND = 5;
/** Takes one slot of a recipient's per-minute and per-hour budget, or says when to come back. */
export async function takeRateSlot(kv, route, address, now) {
    const limit = LIMITS[route];
    if (!limit)
        return;
    const minute = Math.floor(now.getTime() / 60_000);
    const used = await kv.increment(`rl:${route}:${address}:m${minute}`, 61_000);
    if (used > limit.perMinute)
        throw new DeferDelivery(new Date((minute + 1) * 60_000), 'per-minute limit');
    if (limit.perHour) {
        const hour = Math.floor(now.getTime() / 3600_000);
        const usedHour = await kv.increment(`rl:${route}:${address}:h${hour}`, 3_601_000);
        if (usedHour > limit.perHour)
            throw new DeferDelivery(new Date((hour + 1) * 3600_000), 'per-hour limit');
    }
}
/**
 * KF may only answer within 48 h of the dealer's last message and at most 5 times per message. Takes one of
 * those sends atomically (so two dispatchers cannot both use the fifth), or says the dealer is out of reach.
 */
export async function takeKfSlot(db, externalUserId, now) {
    const row = await db
        .updateTable('kf_sessions')
        .set((eb) => ({ sent_since_inbound: eb('sent_since_inbound', '+', 1) }))
        .where('external_userid', '=', externalUserId)
        .where('last_inbound_at', '>', new Date(now.getTime() - KF_WINDOW_MS))
        .where('sent_since_inbound', '<', KF_MAX_PER_INBOUND)
        .returning('open_kfid')
        .executeTakeFirst();
    if (!row)
        throw new UnreachableRecipient('KF window closed (48 h / 5 messages)');
    return row.open_kfid;
}
/** Gives back a KF send that did not happen (the call failed), so a few errors do not close the window early. */
export async function releaseKfSlot(db, externalUserId) {
    await db
        .updateTable('kf_sessions')
        .set((eb) => ({ sent_since_inbound: eb('sent_since_inbound', '-', 1) }))
        .where('external_userid', '=', externalUserId)
        .where('sent_since_inbound', '>', 0)
        .execute();
}
/** Delivers into the sandbox: the row itself is the delivered message, shown by /sandbox/outbox. */
export const sandboxTransport = { send: async () => { } };
export function wecomTransports(client) {
    const content = (row) => (row.format === 'markdown' ? { markdown: row.body } : { text: row.body });
    return {
        wecom_app: { send: async (row) => void (await client.sendAppMessage(row.address, content(row))) },
        wecom_appchat: { send: async (row) => client.sendAppChat(row.address, content(row)) },
        wecom_webhook: { send: async (row) => client.sendWebhook(row.address, content(row)) },
    };
}
export function kfSend(client) {
    return async (row, openKfid) => {
        // The outbox id as client msgid: a retried send after a lost answer is not delivered twice.
        await client.kfSendMsg({ touser: row.address, open_kfid: openKfid, text: row.body, msgid: `gs${row.id}` });
    };
}
//# sourceMappingURL=transports.js.map