import { splitByBytes } from '../../adapters/wecom/wecom.client.js';
import { renderForRoute } from '../replies/render.js';
const DUE_NOW = new Date(0);
/** WeCom's limit for one text or markdown message. */
export const MAX_MESSAGE_BYTES = 2048;
/** A body over 2,048 bytes becomes several messages split on line boundaries: `<key>`, `<key>#2`, `<key>#3` … */
function splitMessage(original) {
    // Rendered for its route first (markdown for WeCom app messages, plain for KF), then measured.
    const m = { ...original, ...renderForRoute(original.route, original.body, original.format) };
    if (Buffer.byteLength(m.body, 'utf8') <= MAX_MESSAGE_BYTES)
        return [m];
    return splitByBytes(m.body, MAX_MESSAGE_BYTES).map((body, i) => ({
        ...m,
        body,
        dedupeKey: i === 0 ? m.dedupeKey : `${m.dedupeKey}#${i + 1}`,
    }));
}
/** Inserts outbox rows; a row whose dedupe key exists is skipped. Returns how many were new. */
export async function enqueue(db, messages) {
    if (messages.length === 0)
        return 0;
    const rows = await db
        .insertInto('outbox')
        .values(messages.flatMap(splitMessage).map((m) => ({
        dedupe_key: m.dedupeKey,
        recipient: m.recipient,
        address: m.address,
        route: m.route,
        body: m.body,
        format: m.format ?? 'text',
        kind: m.kind,
        in_reply_to: m.inReplyTo ?? null,
        // No notBefore: due at once under any clock (tests and `--date` runs use clocks other than the wall's).
        next_attempt_at: m.notBefore ?? DUE_NOW,
    })))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .execute();
    return rows.length;
}
/**
 * Routes for many dealers at once: WeCom app message when they are a member, else KF (the dispatcher checks the
 * 48 h window at send time and hands over to the manager), else the sandbox.
 */
export async function routeDealers(db, dealerCodes) {
    const routes = new Map();
    if (dealerCodes.length === 0)
        return routes;
    const ids = await db
        .selectFrom('channel_identities')
        .select(['dealer_code', 'channel', 'external_id'])
        .where('dealer_code', 'in', [...dealerCodes])
        .where('channel', 'in', ['wecom', 'kf'])
        .orderBy('dealer_code')
        .orderBy('channel', 'desc') // 'wecom' before 'kf': the first row per dealer is its best route
        .orderBy('external_id')
        .execute();
    for (const r of ids) {
        if (r.dealer_code && !routes.has(r.dealer_code)) {
            routes.set(r.dealer_code, { route: r.channel === 'wecom' ? 'wecom_app' : 'kf', address: r.external_id });
        }
    }
    for (const code of dealerCodes)
        if (!routes.has(code))
            routes.set(code, { route: 'sandbox', address: code });
    return routes;
}
/** Managers are reached in their alert chat (group robot, then app chat) or directly on their WeCom account. */
export async function routeManagers(db, managerCodes, chat) {
    const routes = new Map();
    if (managerCodes.length === 0)
        return routes;
    const rows = await db
        .selectFrom('managers')
        .select(['code', 'wecom_userid', 'alert_chat_id', 'webhook_key'])
        .where('code', 'in', [...managerCodes])
        .execute();
    for (const m of rows) {
        if (chat && m.webhook_key)
            routes.set(m.code, { route: 'wecom_webhook', address: m.webhook_key });
        else if (chat && m.alert_chat_id)
            routes.set(m.code, { route: 'wecom_appchat', address: m.alert_chat_id });
        else if (m.wecom_userid)
            routes.set(m.code, { route: 'wecom_app', address: m.wecom_userid });
    }
    for (const code of managerCodes)
        if (!routes.has(code))
            routes.set(code, { route: 'sandbox', address: code });
    return routes;
}
export async function routeToDealer(db, dealerCode) {
    return (await routeDealers(db, [dealerCode])).get(dealerCode);
}
export async function routeToManager(db, managerCode, chat) {
    return (await routeManagers(db, [managerCode], chat)).get(managerCode);
}
/**
 * The Notifier core uses, writing into the outbox within the given transaction. `now` is the caller's clock:
 * messages are due from then (the dispatcher compares due times with the same clock).
 */
export function outboxNotifier(db, onQueued, now) {
    const send = async (recipient, route, body, o) => {
        const notBefore = o.notBefore ?? now;
        const n = await enqueue(db, [
            { recipient, ...route, body, format: o.format, kind: o.kind, dedupeKey: o.dedupeKey, notBefore },
        ]);
        if (n)
            onQueued?.();
        return n > 0;
    };
    return {
        toDealer: async (code, body, o) => send(code, await routeToDealer(db, code), body, o),
        toManager: async (code, body, o) => send(code, await routeToManager(db, code, false), body, o),
        toManagerChat: async (code, body, o) => send(code, await routeToManager(db, code, true), body, o),
    };
}
//# sourceMappingURL=outbox.js.map