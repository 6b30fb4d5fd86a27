/**
 * One call to a WeChat-family JSON API (WeCom, the mini-program): GET, or POST with a JSON body, under a timeout;
 * a network failure, a non-2xx status, a body that is not a JSON object and a non-zero `errcode` each become the
 * caller's own error type, so every client names its failures the same way.
 *
 * The requests go through an undici `Pool` per client (`keepAliveTransport`): a reply's send is the dispatcher's
 * hottest outside call, and undici's request costs about half the CPU of node:http's ClientRequest (31–36 µs against
 * 45–68 µs a call, keep-alive, same local server), while fetch (undici's WHATWG layer) costs several times more (a
 * Request, a web ReadableStream per body, an AbortSignal and its timer, WHATWG header objects).
 */
import { EventEmitter } from 'node:events';
import { Pool } from 'undici';

export type ApiResponse = { errcode?: number; errmsg?: string; [k: string]: unknown };

const MAX_ERRMSG_CHARS = 200;

/** What came back: the status and the body as text. */
export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * Sends one request to `base + pathAndQuery` and reads the whole answer within `timeoutMs`; rejects on a network
 * failure, or on the timeout with an error named `TimeoutError` (as fetch with `AbortSignal.timeout` does).
 */
export type HttpTransport = (
  pathAndQuery: string,
  req: { method: 'GET' | 'POST'; body?: string; timeoutMs: number },
) => Promise<HttpAnswer>;

/** A free keep-alive connection is closed after this long idle (before a server's own idle timeout can race a reuse). */
const IDLE_SOCKET_MS = 4_000;

const JSON_BODY = { 'content-type': 'application/json; charset=utf-8' };

/**
 * Requests to `base` over one keep-alive pool: connections are reused across calls (WeCom's send API is called once
 * per reply), and an idle one is closed after 4 s. The deadline covers the whole exchange, the body included; when
 * it passes, the request is aborted (its connection closed) and the call rejects with a `TimeoutError`.
 */
export function keepAliveTransport(base: string): HttpTransport {
  const url = new URL(base);
  const pool = new Pool(url.origin, { keepAliveTimeout: IDLE_SOCKET_MS, keepAliveMaxTimeout: IDLE_SOCKET_MS });
  const prefix = url.pathname.replace(/\/+$/, '');
  return async (pathAndQuery, r) => {
    // undici takes an EventEmitter as the abort signal: cheaper than an AbortController per call.
    const abort = new EventEmitter();
    let timedOut: DOMException | null = null;
    const timer = setTimeout(() => {
      timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      abort.emit('abort');
    }, r.timeoutMs);
    try {
      const res = await pool.request({
        path: prefix + pathAndQuery,
        method: r.method,
        signal: abort,
        ...(r.body === undefined ? {} : { headers: JSON_BODY, body: r.body }),
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (e) {
      throw timedOut ?? e;
    } finally {
      clearTimeout(timer);
    }
  };
}

export interface JsonApi {
  /** Sends the requests (`keepAliveTransport(base)`). */
  transport: HttpTransport;
  /** The base URL without a trailing slash. */
  base: string;
  timeoutMs: number;
  /** The error for an API refusal (`errcode`) or an HTTP status (then `errcode` is -1). */
  apiError: (method: string, errcode: number, errmsg: string, httpStatus?: number) => Error;
  /** The error for a request that got no answer (the cause's message may carry the URL and so the token). */
  networkError: (method: string, cause: unknown) => Error;
}

export async function requestJson(
  api: JsonApi,
  method: string,
  pathAndQuery: string,
  body?: unknown,
): Promise<ApiResponse> {
  let res: HttpAnswer;
  try {
    res = await api.transport(pathAndQuery, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: api.timeoutMs,
    });
  } catch (e) {
    throw api.networkError(method, e);
  }
  if (res.status < 200 || res.status > 299) throw api.apiError(method, -1, '', res.status);
  let json: ApiResponse;
  try {
    json = JSON.parse(res.text) as ApiResponse;
  } catch {
    throw api.apiError(method, -1, 'response is not JSON');
  }
  if (json === null || typeof json !== 'object') throw api.apiError(method, -1, 'response is not an object');
  const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
  if (errcode !== 0) {
    throw api.apiError(method, errcode, typeof json.errmsg === 'string' ? json.errmsg.slice(0, MAX_ERRMSG_CHARS) : '');
  }
  return json;
}

/**
 * A refusal by a WeChat-family API: a non-zero `errcode`, or an HTTP status (then `errcode` is -1). The message
 * names the service and the method ("WeCom message/send failed: errcode 45009 (…)"); worth trying again on a 5xx or
 * 429, or on one of the service's `retryableErrcodes`. Each client names its own subclass.
 */
export abstract class ApiError extends Error {
  readonly retryable: boolean;

  constructor(
    service: string,
    readonly method: string,
    readonly errcode: number,
    readonly errmsg: string,
    readonly httpStatus: number | undefined,
    retryableErrcodes: ReadonlySet<number>,
  ) {
    const what = httpStatus !== undefined ? `HTTP ${httpStatus}` : `errcode ${errcode}`;
    super(`${service} ${method} failed: ${what}${errmsg ? ` (${errmsg})` : ''}`);
    this.retryable =
      httpStatus !== undefined ? httpStatus >= 500 || httpStatus === 429 : retryableErrcodes.has(errcode);
  }
}

/**
 * A call that got no answer, described without the cause's message (it may carry the URL, and so a token or a robot
 * key): "<service> <method> timed out", or "… network error (ECONNREFUSED)". Always worth trying again.
 */
export abstract class ApiNetworkError extends Error {
  readonly retryable = true;
  readonly timedOut: boolean;

  constructor(
    service: string,
    readonly method: string,
    cause: unknown,
  ) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    super(`${service} ${method} ${timedOut ? 'timed out' : `network error (${causeCode(cause)})`}`);
    this.timedOut = timedOut;
  }
}

function causeCode(cause: unknown): string {
  const code =
    cause instanceof Error ? ((cause.cause as { code?: unknown })?.code ?? (cause as { code?: unknown }).code) : null;
  return typeof code === 'string' ? code : cause instanceof Error ? cause.name : 'unknown';
}
