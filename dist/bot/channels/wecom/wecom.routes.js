import { openCallback } from '../../../adapters/wecom/wecom.callback.js';
import { WecomCipher } from '../../../adapters/wecom/wecom.crypto.js';
import { dedupeKeyOf, parseMessage } from '../../../adapters/wecom/wecom.xml.js';
import { storeInbound } from '../inbound.store.js';
import { InboundBatcher } from './inbound.batcher.js';
export const CALLBACK_PATH = '/wecom/callback';
/** Real callbacks are a few KiB; anything near this is not from WeCom. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;
/** The whole body must arrive within this time (WeCom itself gives up after 5 s). */
const BODY_TIMEOUT_MS = 3_000;
/** A store slower than this answers 503: WeCom retries, and the unique key absorbs a late commit. */
const STORE_TIMEOUT_MS = 3_000;
const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
class HttpError extends Error {
    statusCode;
    constructor(statusCode, message) {
        super(message);
        this.statusCode = statusCode;
    }
}
const STATUS_TEXT = {
    400: 'bad request',
    401: 'unauthorized',
    408: 'request timeout',
    413: 'payload too large',
    415: 'unsupported media type',
    503: 'service unavailable',
};
/** The inbound row for a decrypted callback: only the fields the pipeline uses, never the raw XML. */
export function inboundOf(msg) {
    const base = { channel: 'wecom', dedupeKey: dedupeKeyOf(msg) };
    const agent = msg.AgentID ? { agentId: msg.AgentID } : {};
    const sentAt = { createTime: msg.CreateTime };
    switch (msg.kind) {
        case 'text':
            return {
                ...base,
                externalId: msg.FromUserName,
                msgType: 'text',
                content: msg.Content,
                payload: { msgId: msg.MsgId, ...agent, ...sentAt },
            };
        case 'image':
            return {
                ...base,
                externalId: msg.FromUserName,
                msgType: 'image',
                content: null,
                payload: { msgId: msg.MsgId, mediaId: msg.MediaId, picUrl: msg.PicUrl, ...agent, ...sentAt },
            };
        case 'kf_msg_or_event':
            // No sender on KF callbacks: queue them per KF account. The sync Token is not kept (it is short-lived).
            return {
                ...base,
                externalId: `kf:${msg.OpenKfId}`,
                msgType: 'event',
                content: null,
                payload: { event: msg.Event, openKfId: msg.OpenKfId, ...sentAt },
            };
        case 'enter_agent':
            return {
                ...base,
                externalId: msg.FromUserName,
                msgType: 'event',
                content: null,
                payload: { event: msg.Event, eventKey: msg.EventKey, ...agent, ...sentAt },
            };
        case 'template_card_event':
            return {
                ...base,
                externalId: msg.FromUserName,
                msgType: 'event',
                content: null,
                payload: {
                    event: msg.Event,
                    eventKey: msg.EventKey,
                    taskId: msg.TaskId,
                    ...(msg.CardType ? { cardType: msg.CardType } : {}),
                    ...(msg.ResponseCode ? { responseCode: msg.ResponseCode } : {}),
                    ...agent,
                    ...sentAt,
                },
            };
        case 'change_external_contact':
            return {
                ...base,
                externalId: msg.FromUserName || 'sys',
                msgType: 'event',
                content: null,
                payload: {
                    event: msg.Event,
                    changeType: msg.ChangeType,
                    userId: msg.UserID,
                    externalUserId: msg.ExternalUserID,
                    ...(msg.State ? { state: msg.State } : {}),
                    ...(msg.WelcomeCode ? { welcomeCode: msg.WelcomeCode } : {}),
                    ...sentAt,
                },
            };
        case 'event':
            return {
                ...base,
                externalId: msg.FromUserName || 'sys',
                msgType: 'event',
                content: null,
                payload: { event: msg.Event, ...agent, ...sentAt },
            };
        default:
            // Voice, video, location …: stored so the dealer is told what the assistant can read.
            return {
                ...base,
                externalId: msg.FromUserName || 'sys',
                msgType: msg.MsgType,
                content: null,
                payload: { ...(msg.MsgId ? { msgId: msg.MsgId } : {}), ...agent, ...sentAt },
            };
    }
}
/** Reads the raw body as a string with a byte limit and a deadline (fastify has no per-route request timeout). */
function readRawBody(req, payload, done) {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > CALLBACK_BODY_LIMIT) {
        done(new HttpError(413, 'body too large'));
        return;
    }
    const chunks = [];
    let size = 0;
    let finished = false;
    const finish = (err, body) => {
        if (finished)
            return;
        finished = true;
        clearTimeout(timer);
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        payload.removeListener('error', onError);
        done(err, body);
    };
    const onData = (chunk) => {
        size += chunk.length;
        if (size > CALLBACK_BODY_LIMIT) {
            finish(new HttpError(413, 'body too large'));
            // Stop reading; the connection is closed once the 413 has been written.
            payload.resume();
            return;
        }
        chunks.push(chunk);
    };
    // A callback body nearly always arrives in one chunk: decode it without copying.
    const onEnd = () => finish(null, (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8'));
    const onError = () => finish(new HttpError(400, 'body read failed'));
    const timer = setTimeout(() => finish(new HttpError(408, 'body not received in time')), BODY_TIMEOUT_MS);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
}
function withTimeout(p, ms) {
    let t;
    return Promise.race([
        p,
        new Promise((_, reject) => {
            t = setTimeout(() => reject(new Error('store timed out')), ms);
        }),
    ]).finally(() => clearTimeout(t));
}
function plain(reply, status, body = STATUS_TEXT[status] ?? '') {
    return reply.code(status).type('text/plain; charset=utf-8').send(body);
}
/** Fastify plugin (encapsulated: its body parser and error handler apply to the callback routes only). */
export function wecomRoutes(deps) {
    const { db, bus, config } = deps;
    const opener = openCallback({
        token: config.token,
        cipher: new WecomCipher(config.aesKey),
        corpId: config.corpId,
        maxSkewSec: config.maxSkewSec,
        now: deps.nowMs,
    });
    const batcher = new InboundBatcher(db);
    return async (app) => {
        // Every content type (text/xml, application/xml, none, anything) is read as a raw string.
        app.removeAllContentTypeParsers();
        app.addContentTypeParser('*', readRawBody);
        app.setErrorHandler((err, req, reply) => {
            const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 503;
            if (status >= 500)
                req.log.error({ err: { name: err.name } }, 'wecom callback failed');
            else
                req.log.warn({ status, reason: err.message }, 'wecom callback rejected');
            return plain(reply, status);
        });
        app.get(CALLBACK_PATH, async (req, reply) => {
            const query = { ...req.query };
            // echostr is base64: a `+` sent unencoded arrives as a space after query decoding; put it back.
            if (typeof query['echostr'] === 'string')
                query['echostr'] = query['echostr'].replaceAll(' ', '+');
            const opened = opener(query);
            if (!opened.ok) {
                req.log.warn({ status: opened.status, reason: opened.reason }, 'wecom URL verification rejected');
                return plain(reply, opened.status);
            }
            return plain(reply, 200, opened.plaintext);
        });
        app.post(CALLBACK_PATH, { bodyLimit: CALLBACK_BODY_LIMIT }, async (req, reply) => {
            const body = typeof req.body === 'string' ? req.body : '';
            if (body.length === 0)
                return plain(reply, 400);
            if (DTD_RE.test(body)) {
                req.log.warn({ reason: 'DTD in callback body' }, 'wecom callback rejected');
                return plain(reply, 400);
            }
            const opened = opener(req.query, body);
            if (!opened.ok) {
                req.log.warn({ status: opened.status, reason: opened.reason }, 'wecom callback rejected');
                return plain(reply, opened.status);
            }
            const parsed = parseMessage(opened.plaintext);
            if (!parsed.ok) {
                req.log.warn({ reason: parsed.reason }, 'wecom callback message malformed');
                return plain(reply, 400);
            }
            const msg = parsed.message;
            const input = inboundOf(msg);
            if (input.externalId === '') {
                req.log.warn({ reason: 'no sender' }, 'wecom callback message malformed');
                return plain(reply, 400);
            }
            let stored;
            try {
                stored = await withTimeout(msg.kind === 'kf_msg_or_event'
                    ? db.transaction().execute(async (trx) => {
                        const r = await storeInbound(trx, input);
                        // Registers the KF account durably with the event, so the safety poll covers it even if this
                        // process dies before its first pull.
                        await trx
                            .insertInto('kf_cursors')
                            .values({ open_kfid: msg.OpenKfId, cursor: '' })
                            .onConflict((oc) => oc.column('open_kfid').doNothing())
                            .execute();
                        return r;
                    })
                    : batcher.store(input), STORE_TIMEOUT_MS);
            }
            catch (e) {
                // Not acknowledged: WeCom retries, and the unique key absorbs a store that committed late.
                req.log.error({ err: { name: e.name, code: e.code } }, 'wecom callback store failed');
                return plain(reply, 503);
            }
            // Ack with an empty body; the answer goes out later through the send API.
            reply.code(200).type('text/plain; charset=utf-8').send('');
            if (!stored.duplicate) {
                bus.inboundStored();
                if (msg.kind === 'kf_msg_or_event')
                    deps.kf?.trigger(msg.OpenKfId, msg.Token);
            }
            return reply;
        });
    };
}
//# sourceMappingURL=wecom.routes.js.map