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

/** "<service> <method> failed: HTTP 503 (…)" or "…: errcode 45009 (…)". */
export function apiFailureMessage(
  service: string,
  method: string,
  errcode: number,
  errmsg: string,
  httpStatus: number | undefined,
): string {
  const what = httpStatus !== undefined ? `HTTP ${httpStatus}` : `errcode ${errcode}`;
  return `${service} ${method} failed: ${what}${errmsg ? ` (${errmsg})` : ''}`;
}

/** Worth trying again: a 5xx or 429, or one of the API's `retryable` errcodes. */
export function retryableFailure(errcode: number, httpStatus: number | undefined, retryable: ReadonlySet<number>) {
  return httpStatus !== undefined ? httpStatus >= 500 || httpStatus === 429 : retryable.has(errcode);
}

/**
 * A call that got no answer, described without the cause's message (it may carry the URL, and so a token or a robot
 * key): "timed out", or "network error (ECONNREFUSED)".
 */
export function networkFailure(cause: unknown): { timedOut: boolean; kind: string } {
  const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
  if (timedOut) return { timedOut, kind: 'timed out' };
  const code =
    cause instanceof Error ? ((cause.cause as { code?: unknown })?.code ?? (cause as { code?: unknown }).code) : null;
  const name = typeof code === 'string' ? code : cause instanceof Error ? cause.name : 'unknown';
  return { timedOut, kind: `network error (${name})` };
}
