/**
 * The mini-program customer-service callback (小程序客服消息 推送): GET URL verification and POST messages, in JSON
 * or XML, in plain, compatible or safe mode. Persist before ack, as for WeCom: the message row and the reply window
 * it opens commit together before the 200 (`success`); a failing store answers 503 so WeChat retries, and the
 * unique key (MsgId, or sender + time for events) makes the retry a no-op. Callbacks are group-committed like
 * WeCom's (`InboundBatcher`): a batch's messages and their windows in one transaction.
 */
import type { FastifyInstance } from 'fastify';
import { type MpMode, openMpCallback } from '../../../adapters/miniprogram/mp.callback.js';
import { type MpMessage, mpDedupeKey, parseMpMessage } from '../../../adapters/miniprogram/mp.message.js';
import { WecomCipher } from '../../../adapters/wecom/wecom.crypto.js';
import type { MpWindowOpening, PipelineStores, UnitOfWork } from '../../../core/messaging/ports.js';
import type { StoredInbound } from '../../../core/messaging/types.js';
import type { PipelineBus } from '../../pipeline/bus.js';
import { type MpAction, mpWindowOpening } from '../../pipeline/transports.js';
import {
  CALLBACK_BODY_LIMIT,
  DTD_RE,
  plain,
  RejectionLog,
  rawCallbackBodies,
  STORE_TIMEOUT_MS,
  withTimeout,
} from '../callback.http.js';
import { type BatchWriter, InboundBatcher } from '../inbound.batcher.js';
import type { InboundInput } from '../inbound.store.js';

export const MP_CALLBACK_PATH = '/miniprogram/callback';

export interface MpChannelConfig {
  appId: string;
  token: string;
  /** The EncodingAESKey (compatible and safe modes). */
  aesKey: string | undefined;
  mode: MpMode;
  maxSkewSec: number;
}

export interface MpRoutesDeps {
  pipeline: UnitOfWork<PipelineStores>;
  bus: PipelineBus;
  config: MpChannelConfig;
  /** Epoch ms, for the timestamp window (tests). */
  nowMs?: () => number;
}

/** The inbound row of a mini-program message: only what the pipeline uses. */
export function mpInboundOf(m: MpMessage): InboundInput {
  const base = {
    channel: 'miniprogram' as const,
    dedupeKey: mpDedupeKey(m),
    externalId: m.FromUserName,
  };
  const sentAt = { createTime: m.CreateTime };
  switch (m.kind) {
    case 'text':
      return { ...base, msgType: 'text', content: m.Content, payload: { msgId: m.MsgId, ...sentAt } };
    case 'image':
      return {
        ...base,
        msgType: 'image',
        content: null,
        payload: { msgId: m.MsgId, mediaId: m.MediaId, picUrl: m.PicUrl, ...sentAt },
      };
    case 'enter':
      return {
        ...base,
        msgType: 'event',
        content: null,
        payload: { event: m.Event, sessionFrom: m.SessionFrom, ...sentAt },
      };
    case 'event':
      return { ...base, msgType: 'event', content: null, payload: { event: m.Event, ...sentAt } };
    case 'miniprogrampage':
      return {
        ...base,
        msgType: 'miniprogrampage',
        content: null,
        payload: { msgId: m.MsgId, title: m.Title, pagePath: m.PagePath, ...sentAt },
      };
    default:
      return {
        ...base,
        msgType: m.MsgType,
        content: null,
        payload: { ...(m.MsgId ? { msgId: m.MsgId } : {}), ...sentAt },
      };
  }
}

/** Which reply window a message opens: any message 5 replies / 48 h, entering the session 2 / 1 min. */
function windowOf(m: MpMessage): MpAction | null {
  if (m.kind === 'enter') return 'enter';
  if (m.kind === 'event') return null;
  return 'message';
}

/** A callback's row and the reply window it opens (when it is not a duplicate). */
export type MpInbound = InboundInput & { opensWindow: MpWindowOpening | null };

export function mpInboundWithWindow(m: MpMessage): MpInbound {
  const action = windowOf(m);
  // The window opens at the user's action (CreateTime), with the message that opened it.
  const at = new Date(Number(m.CreateTime) * 1000);
  return { ...mpInboundOf(m), opensWindow: action ? mpWindowOpening(m.FromUserName, action, at) : null };
}

/** A batch of callbacks in one transaction: the messages, then the windows the new ones open, in arrival order. */
export function mpBatchWriter(pipeline: UnitOfWork<PipelineStores>): BatchWriter<MpInbound> {
  return (batch) =>
    pipeline.transaction(async (tx) => {
      const stored = await tx.inbound.store(batch);
      await tx.mp.open(batch.flatMap((m, i) => (stored[i]!.duplicate || !m.opensWindow ? [] : [m.opensWindow])));
      return stored;
    });
}

export function mpRoutes(deps: MpRoutesDeps) {
  const { pipeline, bus, config } = deps;
  const opener = openMpCallback({
    token: config.token,
    appId: config.appId,
    cipher: config.aesKey ? new WecomCipher(config.aesKey) : null,
    mode: config.mode,
    maxSkewSec: config.maxSkewSec,
    now: deps.nowMs,
  });
  const rejections = new RejectionLog('mp_callback_rejected', deps.nowMs);
  // One batch in flight, as WeCom's default (a second one measured no faster on PostgreSQL).
  const batcher = new InboundBatcher(mpBatchWriter(pipeline));
  const routeOptions = { logLevel: 'warn' as const };

  return async (app: FastifyInstance) => {
    rawCallbackBodies(app, rejections, 'mini-program callback failed');

    app.get(MP_CALLBACK_PATH, routeOptions, async (req, reply) => {
      const opened = opener.verify(req.query as Record<string, unknown>);
      if (!opened.ok) {
        rejections.write(req, opened.status, opened.reason, 'mini-program URL verification rejected');
        return plain(reply, opened.status);
      }
      return plain(reply, 200, opened.plaintext);
    });

    app.post(MP_CALLBACK_PATH, { ...routeOptions, bodyLimit: CALLBACK_BODY_LIMIT }, async (req, reply) => {
      const reject = (status: number, reason: string) => {
        rejections.write(req, status, reason, 'mini-program callback rejected');
        return plain(reply, status);
      };
      const body = typeof req.body === 'string' ? req.body : '';
      if (body.length === 0) return reject(400, 'empty body');
      if (DTD_RE.test(body)) return reject(400, 'DTD in callback body');
      const opened = opener.open(req.query as Record<string, unknown>, body);
      if (!opened.ok) return reject(opened.status, opened.reason);
      const parsed = parseMpMessage(opened.plaintext);
      if (!parsed.ok) return reject(400, parsed.reason);
      let stored: StoredInbound;
      try {
        stored = await withTimeout(batcher.store(mpInboundWithWindow(parsed.message)), STORE_TIMEOUT_MS);
      } catch (e) {
        req.log.error(
          { err: { name: (e as Error).name, code: (e as { code?: unknown }).code } },
          'mini-program callback store failed',
        );
        return plain(reply, 503);
      }
      app.log.info(
        { reqId: req.id, inboundId: stored.id, duplicate: stored.duplicate },
        'mini-program callback stored',
      );
      // WeChat takes an empty body or "success" as "received, no passive reply".
      reply.code(200).type('text/plain; charset=utf-8').send('success');
      if (!stored.duplicate) bus.inboundStored(stored.message ? [stored.message] : []);
      return reply;
    });
  };
}
