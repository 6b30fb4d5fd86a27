/**
 * The WeCom app callback: GET URL verification and POST messages. Persist before ack: a message is answered
 * 200 (empty body) only after its row is committed; a failing store answers 503 so WeCom retries. Nothing else
 * happens in the request: the worker, the dispatcher and the KF puller pick the work up afterwards.
 */
import type { FastifyInstance } from 'fastify';
import { type CallbackOpener, openCallback } from '../../../adapters/wecom/wecom.callback.js';
import { WecomCipher } from '../../../adapters/wecom/wecom.crypto.js';
import { dedupeKeyOf, parseMessage, type WecomMessage } from '../../../adapters/wecom/wecom.xml.js';
import type { PipelineStores, UnitOfWork } from '../../../core/messaging/ports.js';
import type { StoredInbound } from '../../../core/messaging/types.js';
import type { AppConfig } from '../../config.js';
import type { PipelineBus } from '../../pipeline/bus.js';
import {
  CALLBACK_BODY_LIMIT,
  DTD_RE,
  plain,
  RejectionLog,
  rawCallbackBodies,
  STORE_TIMEOUT_MS,
  withTimeout,
} from '../callback.http.js';
import { InboundBatcher, messagesOnly } from '../inbound.batcher.js';
import { type InboundInput, storeInbound } from '../inbound.store.js';

export const CALLBACK_PATH = '/wecom/callback';
export { CALLBACK_BODY_LIMIT };

export interface KfPullTrigger {
  trigger(openKfid: string, token?: string): void;
}

export interface WecomRoutesDeps {
  pipeline: UnitOfWork<PipelineStores>;
  bus: PipelineBus;
  config: NonNullable<AppConfig['wecom']>;
  /** Pulls 微信客服 messages after a kf_msg_or_event is stored (outside the request). */
  kf?: KfPullTrigger | null;
  /** Epoch ms, for the timestamp window (tests). */
  nowMs?: () => number;
}

/** The inbound row for a decrypted callback: only the fields the pipeline uses, never the raw XML. */
export function inboundOf(msg: WecomMessage): InboundInput {
  const base = { channel: 'wecom' as const, dedupeKey: dedupeKeyOf(msg) };
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
    case 'voice':
      // WeCom's recognised text reads as the dealer's words; without it the dealer is asked to type.
      return msg.Recognition
        ? {
            ...base,
            externalId: msg.FromUserName,
            msgType: 'text',
            content: msg.Recognition,
            payload: { msgId: msg.MsgId, voice: true, mediaId: msg.MediaId, ...agent, ...sentAt },
          }
        : {
            ...base,
            externalId: msg.FromUserName,
            msgType: 'voice',
            content: null,
            payload: { msgId: msg.MsgId, mediaId: msg.MediaId, format: msg.Format, ...agent, ...sentAt },
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

/** Fastify plugin (encapsulated: its body parser and error handler apply to the callback routes only). */
export function wecomRoutes(deps: WecomRoutesDeps) {
  const { pipeline, bus, config } = deps;
  const opener: CallbackOpener = openCallback({
    token: config.token,
    cipher: new WecomCipher(config.aesKey),
    corpId: config.corpId,
    maxSkewSec: config.maxSkewSec,
    now: deps.nowMs,
  });
  const batcher = new InboundBatcher(messagesOnly(pipeline.root.inbound), 256, config.ingestBatches);
  const rejections = new RejectionLog('wecom_callback_rejected');
  // Fastify's per-request lines (incoming / completed) are off on these routes: a forgery writes at most its
  // sampled rejection; a stored callback writes one line.
  const routeOptions = { logLevel: 'warn' as const };

  return async (app: FastifyInstance) => {
    // Every content type (text/xml, application/xml, none, anything) is read as a raw string.
    rawCallbackBodies(app, rejections, 'wecom callback failed');

    app.get(CALLBACK_PATH, routeOptions, async (req, reply) => {
      const query = { ...(req.query as Record<string, unknown>) };
      // echostr is base64: a `+` sent unencoded arrives as a space after query decoding; put it back.
      if (typeof query['echostr'] === 'string') query['echostr'] = query['echostr'].replaceAll(' ', '+');
      const opened = opener(query);
      if (!opened.ok) {
        rejections.write(req, opened.status, opened.reason, 'wecom URL verification rejected');
        return plain(reply, opened.status);
      }
      return plain(reply, 200, opened.plaintext);
    });

    app.post(CALLBACK_PATH, { ...routeOptions, bodyLimit: CALLBACK_BODY_LIMIT }, async (req, reply) => {
      const reject = (status: number, reason: string, msg?: string) => {
        rejections.write(req, status, reason, msg);
        return plain(reply, status);
      };
      const body = typeof req.body === 'string' ? req.body : '';
      if (body.length === 0) return reject(400, 'empty body');
      if (DTD_RE.test(body)) return reject(400, 'DTD in callback body');
      const opened = opener(req.query as Record<string, unknown>, body);
      if (!opened.ok) return reject(opened.status, opened.reason);
      const parsed = parseMessage(opened.plaintext);
      if (!parsed.ok) return reject(400, parsed.reason, 'wecom callback message malformed');
      const msg = parsed.message;
      const input = inboundOf(msg);
      if (input.externalId === '') return reject(400, 'no sender', 'wecom callback message malformed');

      let stored: StoredInbound;
      try {
        stored = await withTimeout(
          msg.kind === 'kf_msg_or_event'
            ? pipeline.transaction(async (tx) => {
                const r = await storeInbound(tx.inbound, input);
                // Registers the KF account durably with the event, so the safety poll covers it even if this
                // process dies before its first pull.
                await tx.kf.register(msg.OpenKfId);
                return r;
              })
            : batcher.store(input),
          STORE_TIMEOUT_MS,
        );
      } catch (e) {
        // Not acknowledged: WeCom retries, and the unique key absorbs a store that committed late.
        req.log.error(
          { err: { name: (e as Error).name, code: (e as { code?: unknown }).code } },
          'wecom callback store failed',
        );
        return plain(reply, 503);
      }

      // The one line of a stored callback (the route's level is warn: the app logger writes it).
      app.log.info({ reqId: req.id, inboundId: stored.id, duplicate: stored.duplicate }, 'wecom callback stored');
      // Ack with an empty body; the answer goes out later through the send API.
      reply.code(200).type('text/plain; charset=utf-8').send('');
      if (!stored.duplicate) {
        // Handed to this process's worker as stored: it takes it in its turn without looking for it.
        bus.inboundStored(stored.message ? [stored.message] : []);
        if (msg.kind === 'kf_msg_or_event') deps.kf?.trigger(msg.OpenKfId, msg.Token);
      }
      return reply;
    });
  };
}
