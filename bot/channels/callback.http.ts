/**
 * What the WeChat-family callback routes share (WeCom, the mini-program): the body read as a raw string with a
 * byte limit and a deadline, plain-text status answers, a store deadline, and sampled rejection logs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type PipelineCounter, pipelineMetrics } from '../pipeline/metrics.js';

/** Real callbacks are a few KiB; anything near this is not from WeChat. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;
/** The whole body must arrive within this time (WeChat itself gives up after 5 s). */
const BODY_TIMEOUT_MS = 3_000;
/** A store slower than this answers 503: WeChat retries, and the unique key absorbs a late commit. */
export const STORE_TIMEOUT_MS = 3_000;
/** A DTD or entity declaration anywhere in a body is refused before any parsing. */
export const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
/** Rejected callbacks write at most one log line per this window (each counted in pipelineMetrics). */
const REJECTION_LOG_WINDOW_MS = 10_000;

export class HttpError extends Error {
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

/** Reads the raw body as a string with a byte limit and a deadline (fastify has no per-route request timeout). */
export function readRawBody(
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

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error('store timed out')), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

export function plain(reply: FastifyReply, status: number, body = STATUS_TEXT[status] ?? '') {
  return reply.code(status).type('text/plain; charset=utf-8').send(body);
}

/**
 * Log sampling for rejections: a flood of forged callbacks must not become a flood of log lines. The first line of
 * a window is written with the number left out since the previous one.
 */
export class RejectionLog {
  private last = Number.NEGATIVE_INFINITY;
  private left = 0;
  constructor(
    private readonly counter: PipelineCounter,
    private readonly now: () => number = Date.now,
  ) {}

  write(req: FastifyRequest, status: number, reason: string, msg = 'wecom callback rejected'): void {
    pipelineMetrics.increment(this.counter);
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

/**
 * Reads every content type as a raw string (the callbacks' signatures cover the exact bytes) and answers thrown
 * errors with a plain status: 4xx are sampled rejections, anything else 503 so WeChat retries.
 */
export function rawCallbackBodies(app: FastifyInstance, rejections: RejectionLog, failedMsg: string): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', readRawBody);
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 503;
    if (status >= 500) req.log.error({ err: { name: err.name } }, failedMsg);
    else rejections.write(req, status, err.message);
    return plain(reply, status);
  });
}
