/**
 * One call to a WeChat-family JSON API (WeCom, the mini-program): GET, or POST with a JSON body, under a timeout;
 * a network failure, a non-2xx status, a body that is not a JSON object and a non-zero `errcode` each become the
 * caller's own error type, so every client names its failures the same way.
 */
export type ApiResponse = { errcode?: number; errmsg?: string; [k: string]: unknown };

const MAX_ERRMSG_CHARS = 200;

export interface JsonApi {
  fetch: typeof fetch;
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
  let res: Response;
  let text: string;
  try {
    res = await api.fetch(api.base + pathAndQuery, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(api.timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    throw api.networkError(method, e);
  }
  if (!res.ok) throw api.apiError(method, -1, '', res.status);
  let json: ApiResponse;
  try {
    json = JSON.parse(text) as ApiResponse;
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
