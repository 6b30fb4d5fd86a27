/**
 * Kingdee 金蝶云星空 (K/3 Cloud) WebAPI over HTTP: ExecuteBillQuery, logged in either by ValidateUser (password,
 * session cookie) or by signed headers on every request (app id and secret, kingdee.signing.ts).
 * Every call is a JSON POST to `{baseUrl}{service}.common.kdsvc`.
 */
import { type KingdeeSignedAuth, signedHeaders } from './kingdee.signing.js';

const VALIDATE_USER = 'Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser.common.kdsvc';
const EXECUTE_BILL_QUERY = 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc';
/** The API gateway's status for a refused request (`{"errcode":4006,"description_cn":…}`). */
const GATEWAY_REFUSED = 519;
/** LoginResultType of a successful ValidateUser. */
const LOGIN_OK = 1;

export interface KingdeeSettings {
  /** The K/3 Cloud site, e.g. http://erp.example.com/k3cloud/ (trailing slash optional). */
  baseUrl: string;
  /** The data centre (账套) id. */
  acctId: string;
  username: string;
  /** ValidateUser with a password, or signed headers (no login call). */
  auth: { kind: 'password'; password: string } | KingdeeSignedAuth;
  /** 2052 = Simplified Chinese. */
  lcid: number;
  timeoutMs: number;
  /** Extra attempts for a transient failure (HTTP 5xx, network, timeout) of one request. */
  retries: number;
  /** Wait before retry n: n × this (default 500 ms). */
  retryDelayMs?: number;
  /** The clock the signed headers' timestamp is taken from. */
  now?: () => Date;
}

/** ExecuteBillQuery's parameters, as K/3 Cloud names them. */
export interface BillQuery {
  FormId: string;
  FieldKeys: string;
  FilterString: string;
  OrderString: string;
  StartRow: number;
  Limit: number;
}

/** An answer K/3 Cloud gave (login refused, a query's ResponseStatus errors): retrying will not help. */
export class KingdeeError extends Error {
  constructor(
    message: string,
    readonly msgCode?: number,
  ) {
    super(message);
    this.name = 'KingdeeError';
  }
}

/** A failure worth retrying: the server or the network, not K/3 Cloud's answer. */
class TransientError extends Error {}

interface ResponseStatus {
  IsSuccess?: boolean;
  MsgCode?: number;
  Errors?: { Message?: string }[];
}

/** A failed call answers `[[{"Result":{"ResponseStatus":{…}}}]]` (or the bare object) instead of rows. */
function failure(body: unknown): ResponseStatus | null {
  const first = Array.isArray(body) ? (Array.isArray(body[0]) ? body[0][0] : body[0]) : body;
  const status = (first as { Result?: { ResponseStatus?: ResponseStatus } } | null)?.Result?.ResponseStatus;
  return status && status.IsSuccess === false ? status : null;
}

/** MsgCode 1 (or the message) says the session is gone: log in again and repeat the call once. */
const sessionLost = (s: ResponseStatus) =>
  s.MsgCode === 1 || (s.Errors ?? []).some((e) => /会话|session/i.test(e.Message ?? ''));

export class KingdeeClient {
  private cookie: string | null = null;
  private loggingIn: Promise<void> | null = null;
  private readonly base: string;

  constructor(private readonly settings: KingdeeSettings) {
    this.base = settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`;
  }

  /** Logs in (single-flight) and keeps the session cookies for the following calls. */
  login(): Promise<void> {
    this.loggingIn ??= this.validateUser().finally(() => {
      this.loggingIn = null;
    });
    return this.loggingIn;
  }

  /** One page of ExecuteBillQuery: rows as arrays of values in FieldKeys order. */
  async billQuery(query: BillQuery): Promise<unknown[][]> {
    const signed = this.settings.auth.kind === 'signed';
    if (!this.cookie && !signed) await this.login();
    let relogged = false;
    for (;;) {
      const body = await this.post(EXECUTE_BILL_QUERY, { data: { ...query, TopRowCount: 0 } });
      const failed = failure(body);
      if (failed && sessionLost(failed) && !relogged) {
        relogged = true;
        this.cookie = null;
        // Signed requests carry their credentials: dropping the stale cookie is the whole re-login.
        if (!signed) await this.login();
        continue;
      }
      if (failed) throw new KingdeeError(`ExecuteBillQuery ${query.FormId}: ${messageOf(failed)}`, failed.MsgCode);
      if (!Array.isArray(body) || !body.every(Array.isArray)) {
        throw new KingdeeError(`ExecuteBillQuery ${query.FormId}: unexpected answer`);
      }
      return body as unknown[][];
    }
  }

  private async validateUser(): Promise<void> {
    const s = this.settings;
    if (s.auth.kind !== 'password') return;
    const { body, cookies } = await this.request(VALIDATE_USER, {
      format: 1,
      useragent: 'ApiClient',
      rid: {},
      parameters: [s.acctId, s.username, s.auth.password, s.lcid],
      timestamp: new Date().toISOString().slice(0, 10),
      v: '1.0',
    });
    const r = body as { LoginResultType?: number; Message?: string | null; KDSVCSessionId?: string | null };
    if (r?.LoginResultType !== LOGIN_OK) {
      throw new KingdeeError(`login refused (LoginResultType ${r?.LoginResultType}): ${r?.Message ?? ''}`.trim());
    }
    const session = cookies.length > 0 ? cookies.join('; ') : null;
    this.cookie = session ?? (r.KDSVCSessionId ? `kdservice-sessionid=${r.KDSVCSessionId}` : null);
    if (!this.cookie) throw new KingdeeError('login answered no session');
  }

  private async post(service: string, payload: unknown): Promise<unknown> {
    const { body, cookies } = await this.request(service, payload);
    // Signed requests need no session, but like the SDK we send back the one the site hands out.
    if (this.settings.auth.kind === 'signed' && cookies.length > 0) this.cookie = cookies.join('; ');
    return body;
  }

  /** A JSON POST with the session cookie, retried on transient failures. */
  private async request(service: string, payload: unknown): Promise<{ body: unknown; cookies: string[] }> {
    const delay = this.settings.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(service, payload);
      } catch (e) {
        if (!(e instanceof TransientError) || attempt >= this.settings.retries) {
          throw e instanceof TransientError ? new KingdeeError(e.message) : e;
        }
        await new Promise((r) => setTimeout(r, delay * (attempt + 1)));
      }
    }
  }

  private async once(service: string, payload: unknown): Promise<{ body: unknown; cookies: string[] }> {
    let res: Response;
    const url = this.base + service;
    const s = this.settings;
    const auth =
      s.auth.kind === 'signed' ? signedHeaders(s.auth, s, new URL(url).pathname, (s.now ?? (() => new Date()))()) : {};
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth, ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (e) {
      throw new TransientError(
        `${service}: ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}`,
      );
    }
    const text = await res.text();
    // Kingdee's API gateway refuses (bad signature, stale timestamp, unknown app) with HTTP 519 and an errcode:
    // an answer, not an outage, so it is not retried.
    if (res.status === GATEWAY_REFUSED) throw new KingdeeError(`${service}: gateway ${gatewayMessage(text)}`);
    if (res.status >= 500) throw new TransientError(`${service}: HTTP ${res.status}`);
    if (!res.ok) throw new KingdeeError(`${service}: HTTP ${res.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TransientError(`${service}: not JSON`);
    }
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    return { body, cookies };
  }
}

function messageOf(s: ResponseStatus): string {
  return (s.Errors ?? []).map((e) => e.Message ?? '').join('; ') || `MsgCode ${s.MsgCode ?? '?'}`;
}

function gatewayMessage(text: string): string {
  try {
    const e = JSON.parse(text) as { errcode?: number; description_cn?: string; description?: string };
    return `${e.errcode ?? '?'} ${e.description_cn ?? e.description ?? ''}`.trim();
  } catch {
    return 'HTTP 519';
  }
}
