/**
 * The WeCom app callback: GET URL verification and POST messages. Persist before ack: a message is answered
 * 200 (empty body) only after its row is committed; a failing store answers 503 so WeCom retries. Nothing else
 * happens in the request: the worker, the dispatcher and the KF puller pick the work up afterwards.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CallbackOpener, openCallback } from '../../../adapters/wecom/wecom.callback.js';
import { WecomCipher } from '../../../adapters/wecom/wecom.crypto.js';
import { dedupeKeyOf, parseMessage, type WecomMessage } from '../../../adapters/wecom/wecom.xml.js';
import type { PipelineStores, UnitOfWork } from '../../../core/messaging/ports.js';
import type { StoredInbound } from '../../../core/messaging/types.js';
import type { AppConfig } from '../../config.js';
import type { PipelineBus } from '../../pipeline/bus.js';
import { pipelineMetrics } from '../../pipeline/metrics.js';
import { type InboundInput, storeInbound } from '../inbound.store.js';
import { InboundBatcher } from './inbound.batcher.js';

export const CALLBACK_PATH = '/wecom/callback';
/** Real callbacks are a few KiB; anything near this is not from WeCom. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;
/** The whole body must arrive within this time (WeCom itself gives up after 5 s). */
const BODY_TIMEOUT_MS = 3_000;
/** A store slower than this answers 503: WeCom retries, and the unique key absorbs a late commit. */
const STORE_TIMEOUT_MS = 3_000;
const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
/** Rejected callbacks write at most one log line per this window (each counted in pipelineMetrics). */
const REJECTION_LOG_WINDOW_MS = 10_000;

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

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  408: 'request timeout',
  413: 'payload too large',
  415: 'unsupported media type',
  503: 'service unavailable',
};

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
function readRawBody(
  req: FastifyRequest,
  payload: NodeJS.ReadableStream,
  done: (err: Error | null, body?: string) => void,
) {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > CALLBACK_BODY_LIMIT) {
    done(new HttpError(413, 'body too large'));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: Error | null, body?: string) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(err, body);
  };
  const onData = (chunk: Buffer) => {
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
  const onEnd = () => finish(null, (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8'));
  const onError = () => finish(new HttpError(400, 'body read failed'));
  const timer = setTimeout(() => finish(new HttpError(408, 'body not received in time')), BODY_TIMEOUT_MS);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error('store timed out')), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

function plain(reply: FastifyReply, status: number, body = STATUS_TEXT[status] ?? '') {
  return reply.code(status).type('text/plain; charset=utf-8').send(body);
}

/**
 * Log sampling for rejections: a flood of forged callbacks must not become a flood of log lines. The first line of
 * a window is written with the number left out since the previous one.
 */
class RejectionLog {
  private last = Number.NEGATIVE_INFINITY;
  private left = 0;
  constructor(private readonly now: () => number = Date.now) {}

  write(req: FastifyRequest, status: number, reason: string, msg = 'wecom callback rejected'): void {
    pipelineMetrics.increment('wecom_callback_rejected');
    const t = this.now();
    if (t - this.last < REJECTION_LOG_WINDOW_MS) {
      this.left++;
      return;
    }
    req.log.warn({ status, reason, notLoggedSincePrevious: this.left }, msg);
    this.last = t;
    this.left = 0;
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
  const batcher = new InboundBatcher(pipeline.root.inbound, 256, config.ingestBatches);
  const rejections = new RejectionLog();
  // Fastify's per-request lines (incoming / completed) are off on these routes: a forgery writes at most its
  // sampled rejection; a stored callback writes one line.
  const routeOptions = { logLevel: 'warn' as const };

  return async (app: FastifyInstance) => {
    // Every content type (text/xml, application/xml, none, anything) is read as a raw string.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', readRawBody);

    app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 503;
      if (status >= 500) req.log.error({ err: { name: err.name } }, 'wecom callback failed');
      else rejections.write(req, status, err.message);
      return plain(reply, status);
    });

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
        bus.inboundStored();
        if (msg.kind === 'kf_msg_or_event') deps.kf?.trigger(msg.OpenKfId, msg.Token);
      }
      return reply;
    });
  };
}
