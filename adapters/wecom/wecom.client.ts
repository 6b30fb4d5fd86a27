/**
 * WeCom server API client: app messages, group chats, group robots and 微信客服 (KF).
 * access_token is shared through the KeyValueStore (one per secret), fetched once across instances (single-flight
 * per process, and a KV lock between processes: the others wait for the token it stores), and refreshed once when
 * WeCom says it is invalid or expired.
 */
import { createHash } from 'node:crypto';
import type { KeyValueStore } from '../kv/kv.js';

export interface WecomApiConfig {
  /** Default https://qyapi.weixin.qq.com; tests point it at the fake server. */
  apiBase: string;
  corpId: string;
  /** The self-built app's secret. */
  secret: string;
  agentId: number | string;
  /** The 微信客服 secret; the app secret is used when absent. */
  kfSecret?: string;
  timeoutMs: number;
}

export const DEFAULT_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

/** -1 system busy, 45009 API frequency limit, 45033 too many concurrent calls. */
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033]);
/** How often an instance waiting for another's gettoken looks for the token. */
const TOKEN_WAIT_POLL_MS = 25;

/** 40014 invalid token, 42001 expired token, 41001 missing token: refreshed once per call, and retryable. */
const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
const TOKEN_EARLY_EXPIRY_SEC = 300;
/** `auth/getuserinfo`: the code is invalid, used or expired. */
const OAUTH_INVALID_CODE = 40029;
const MAX_ERRMSG_CHARS = 200;
/** WeCom's duplicate check window for app messages (its maximum is 4 h); far above the outbox lease. */
export const DUPLICATE_CHECK_INTERVAL_SEC = 1800;

export class WecomApiError extends Error {
  override readonly name = 'WecomApiError';
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;

  constructor(
    readonly method: string,
    readonly errcode: number,
    readonly errmsg: string,
    httpStatus?: number,
  ) {
    super(
      `WeCom ${method} failed: ` +
        (httpStatus !== undefined ? `HTTP ${httpStatus}` : `errcode ${errcode}`) +
        (errmsg ? ` (${errmsg})` : ''),
    );
    this.httpStatus = httpStatus;
    this.retryable =
      httpStatus !== undefined
        ? httpStatus >= 500 || httpStatus === 429
        : RETRYABLE_ERRCODES.has(errcode) || TOKEN_ERRCODES.has(errcode);
  }
}

export class WecomNetworkError extends Error {
  override readonly name = 'WecomNetworkError';
  readonly retryable = true;
  readonly timedOut: boolean;

  constructor(
    readonly method: string,
    cause: unknown,
  ) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    // The cause's message may carry the URL (and so the token or robot key): name only its kind.
    const kind = timedOut ? 'timed out' : `network error (${cause instanceof Error ? errorKind(cause) : 'unknown'})`;
    super(`WeCom ${method} ${kind}`);
    this.timedOut = timedOut;
  }
}

function errorKind(e: Error): string {
  const code = (e.cause as { code?: unknown } | undefined)?.code ?? (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e.name;
}

export type MessageContent = { text: string } | { markdown: string };
export type WebhookContent =
  | { text: string; mentionedList?: string[]; mentionedMobileList?: string[] }
  | { markdown: string };

export interface AppSendResult {
  msgid?: string;
  /** Recipients WeCom rejected (the call still succeeds for the rest). */
  invaliduser?: string;
  unlicenseduser?: string;
}

export interface KfSyncParams {
  /** The Token from the kf_msg_or_event callback (lifts the rate limit). */
  token?: string;
  cursor?: string;
  open_kfid?: string;
  /** 1..1000, default 1000. */
  limit?: number;
}

export interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  /** 3 customer, 4 system event, 5 servicer. */
  origin: number;
  servicer_userid?: string;
  msgtype: string;
  text?: { content: string; menu_id?: string };
  event?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface KfSyncResult {
  next_cursor: string;
  has_more: boolean;
  msg_list: KfMessage[];
}

export interface KfSendParams {
  touser: string;
  open_kfid: string;
  text: string;
  /** Client message id (≤ 32 chars) so a retried send is not delivered twice. */
  msgid?: string;
}

export interface WecomClientDeps {
  kv: KeyValueStore;
  fetch?: typeof fetch;
}

type SecretKind = 'app' | 'kf';
type WecomResponse = { errcode?: number; errmsg?: string; [k: string]: unknown };

export class WecomClient {
  readonly #config: WecomApiConfig;
  readonly #kv: KeyValueStore;
  readonly #fetch: typeof fetch;
  readonly #base: string;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(config: WecomApiConfig, deps: WecomClientDeps) {
    this.#config = config;
    this.#kv = deps.kv;
    this.#fetch = deps.fetch ?? globalThis.fetch;
    this.#base = (config.apiBase || DEFAULT_WECOM_API_BASE).replace(/\/+$/, '');
  }

  /** App message to one or more members (`touser` joined with `|`). */
  async sendAppMessage(touser: string | readonly string[], content: MessageContent): Promise<AppSendResult> {
    const res = await this.#authed('message/send', 'app', {
      touser: typeof touser === 'string' ? touser : touser.join('|'),
      agentid: Number(this.#config.agentId),
      ...contentBody(content),
      safe: 0,
      // WeCom drops the same content to the same member within the interval: a resend after a timed-out call or
      // an unrecorded success is not shown twice.
      enable_duplicate_check: 1,
      duplicate_check_interval: DUPLICATE_CHECK_INTERVAL_SEC,
    });
    const out: AppSendResult = {};
    if (typeof res['msgid'] === 'string') out.msgid = res['msgid'];
    if (typeof res['invaliduser'] === 'string' && res['invaliduser']) out.invaliduser = res['invaliduser'];
    if (typeof res['unlicenseduser'] === 'string' && res['unlicenseduser']) {
      out.unlicenseduser = res['unlicenseduser'];
    }
    return out;
  }

  /** Message to an app group chat created through appchat/create. */
  async sendAppChat(chatid: string, content: MessageContent): Promise<void> {
    await this.#authed('appchat/send', 'app', { chatid, ...contentBody(content), safe: 0 });
  }

  /**
   * Group robot message. Accepts the robot key or its full webhook URL; either way the request goes to `apiBase`
   * so tests never reach the real service.
   */
  async sendWebhook(urlOrKey: string, content: WebhookContent): Promise<void> {
    const key = webhookKey(urlOrKey);
    let body: Record<string, unknown>;
    if ('markdown' in content) {
      body = { msgtype: 'markdown', markdown: { content: content.markdown } };
    } else {
      const text: Record<string, unknown> = { content: content.text };
      if (content.mentionedList) text['mentioned_list'] = content.mentionedList;
      if (content.mentionedMobileList) text['mentioned_mobile_list'] = content.mentionedMobileList;
      body = { msgtype: 'text', text };
    }
    await this.#request('webhook/send', `/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`, body);
  }

  async kfSyncMsg(params: KfSyncParams): Promise<KfSyncResult> {
    const body: Record<string, unknown> = { limit: params.limit ?? 1000 };
    if (params.cursor) body['cursor'] = params.cursor;
    if (params.token) body['token'] = params.token;
    if (params.open_kfid) body['open_kfid'] = params.open_kfid;
    const res = await this.#authed('kf/sync_msg', 'kf', body);
    return {
      next_cursor: typeof res['next_cursor'] === 'string' ? res['next_cursor'] : (params.cursor ?? ''),
      has_more: res['has_more'] === 1 || res['has_more'] === true,
      msg_list: Array.isArray(res['msg_list']) ? (res['msg_list'] as KfMessage[]) : [],
    };
  }

  async kfSendMsg(params: KfSendParams): Promise<{ msgid: string }> {
    const body: Record<string, unknown> = {
      touser: params.touser,
      open_kfid: params.open_kfid,
      msgtype: 'text',
      text: { content: params.text },
    };
    if (params.msgid) body['msgid'] = params.msgid;
    const res = await this.#authed('kf/send_msg', 'kf', body);
    return { msgid: typeof res['msgid'] === 'string' ? res['msgid'] : (params.msgid ?? '') };
  }

  /**
   * The member behind a web sign-in (网页授权) code: `auth/getuserinfo` answers `userid` for a corp member, and an
   * openid for anyone else (null here). A code is single-use and lives 5 minutes; an invalid one (40029) is null.
   */
  async userIdForOAuthCode(code: string): Promise<string | null> {
    try {
      const res = await this.#authed('auth/getuserinfo', 'app', undefined, { code });
      const userid = res['userid'] ?? res['UserId'];
      return typeof userid === 'string' && userid ? userid : null;
    } catch (e) {
      if (e instanceof WecomApiError && e.errcode === OAUTH_INVALID_CODE) return null;
      throw e;
    }
  }

  /** The cached access_token for the app (or KF) secret, fetching it when absent. */
  async accessToken(kind: SecretKind = 'app'): Promise<string> {
    const key = this.#tokenKey(kind);
    const cached = await this.#kv.get(key);
    if (cached) return cached;
    return this.#singleFlight(key, () => this.#fetchShared(kind, key, null));
  }

  // -------------------------------------------------------------------------------------------------------------

  #secret(kind: SecretKind): string {
    return kind === 'kf' ? (this.#config.kfSecret ?? this.#config.secret) : this.#config.secret;
  }

  /** Never the secret itself: a hash, so a KV dump reveals nothing. */
  #tokenKey(kind: SecretKind): string {
    const h = createHash('sha256')
      .update(`${this.#config.corpId}\0${this.#secret(kind)}`)
      .digest('hex');
    return `wecom:token:${h.slice(0, 32)}`;
  }

  #singleFlight(key: string, run: () => Promise<string>): Promise<string> {
    const existing = this.#inflight.get(key);
    if (existing) return existing;
    const p = run().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #fetchToken(kind: SecretKind, key: string): Promise<string> {
    const q = new URLSearchParams({ corpid: this.#config.corpId, corpsecret: this.#secret(kind) });
    const res = await this.#request('gettoken', `/cgi-bin/gettoken?${q}`);
    const token = res['access_token'];
    const expiresIn = Number(res['expires_in'] ?? 7200);
    if (typeof token !== 'string' || !token) throw new WecomApiError('gettoken', -1, 'no access_token in response');
    const ttlSec = expiresIn - TOKEN_EARLY_EXPIRY_SEC;
    // Set before the in-flight entry is dropped, so late joiners find it in the store.
    if (ttlSec > 0) await this.#kv.set(key, token, ttlSec * 1000);
    return token;
  }

  /** Replaces `stale` unless someone (this process or another instance) already has. */
  #refreshToken(kind: SecretKind, stale: string): Promise<string> {
    const key = this.#tokenKey(kind);
    return this.#singleFlight(key, () => this.#fetchShared(kind, key, stale));
  }

  /**
   * One gettoken across instances: the holder of the KV lock fetches and stores the token; the others poll the
   * store until it is there (or the lock is free again: the holder failed or died, its lock's TTL ran out).
   * `stale`: a token WeCom refused, which does not count as stored.
   */
  async #fetchShared(kind: SecretKind, key: string, stale: string | null): Promise<string> {
    const lockKey = `${key}:fetch`;
    const lockTtlMs = this.#config.timeoutMs + 1000;
    // Bounded: past two lock lifetimes the store is unreliable, and fetching without the lock beats failing.
    const giveUpAt = Date.now() + 2 * lockTtlMs;
    for (;;) {
      const current = await this.#kv.get(key);
      if (current && current !== stale) return current;
      const lock = Date.now() < giveUpAt ? await this.#kv.lock(lockKey, lockTtlMs) : 'unlocked';
      if (lock) {
        try {
          const again = lock === 'unlocked' ? current : await this.#kv.get(key);
          if (again && again !== stale) return again;
          try {
            return await this.#fetchToken(kind, key);
          } catch (e) {
            if (stale && again === stale) await this.#kv.del(key);
            throw e;
          }
        } finally {
          if (lock !== 'unlocked') await this.#kv.unlock(lockKey, lock).catch(() => false);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, TOKEN_WAIT_POLL_MS));
    }
  }

  /** A POST with `body`, or a GET (with `query`) when the body is undefined. */
  async #authed(
    method: string,
    kind: SecretKind,
    body: unknown,
    query: Record<string, string> = {},
  ): Promise<WecomResponse> {
    const url = (token: string) => `/cgi-bin/${method}?${new URLSearchParams({ access_token: token, ...query })}`;
    let token = await this.accessToken(kind);
    try {
      return await this.#request(method, url(token), body);
    } catch (e) {
      if (!(e instanceof WecomApiError) || !TOKEN_ERRCODES.has(e.errcode)) throw e;
    }
    token = await this.#refreshToken(kind, token);
    try {
      return await this.#request(method, url(token), body);
    } catch (e) {
      // Refused again with a fresh token: forget it, so the next attempt (a token error is retryable) fetches one.
      if (e instanceof WecomApiError && TOKEN_ERRCODES.has(e.errcode)) await this.#forgetToken(kind, token);
      throw e;
    }
  }

  async #forgetToken(kind: SecretKind, token: string): Promise<void> {
    const key = this.#tokenKey(kind);
    if ((await this.#kv.get(key)) === token) await this.#kv.del(key);
  }

  async #request(method: string, pathAndQuery: string, body?: unknown): Promise<WecomResponse> {
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(this.#base + pathAndQuery, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#config.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new WecomNetworkError(method, e);
    }
    if (!res.ok) throw new WecomApiError(method, -1, '', res.status);
    let json: WecomResponse;
    try {
      json = JSON.parse(text) as WecomResponse;
    } catch {
      throw new WecomApiError(method, -1, 'response is not JSON');
    }
    if (json === null || typeof json !== 'object') throw new WecomApiError(method, -1, 'response is not an object');
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    if (errcode !== 0) {
      const errmsg = typeof json.errmsg === 'string' ? json.errmsg.slice(0, MAX_ERRMSG_CHARS) : '';
      throw new WecomApiError(method, errcode, errmsg);
    }
    return json;
  }
}

function contentBody(content: MessageContent): Record<string, unknown> {
  return 'markdown' in content
    ? { msgtype: 'markdown', markdown: { content: content.markdown } }
    : { msgtype: 'text', text: { content: content.text } };
}

function webhookKey(urlOrKey: string): string {
  if (!/^https?:\/\//i.test(urlOrKey)) return urlOrKey;
  const key = new URL(urlOrKey).searchParams.get('key');
  if (!key) throw new TypeError('webhook URL has no key parameter');
  return key;
}

/**
 * Splits text into parts of at most `maxBytes` UTF-8 bytes, on line boundaries where possible (the newline at a
 * split is dropped); a line longer than `maxBytes` is cut between code points.
 */
export function splitByBytes(text: string, maxBytes = 2048): string[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) throw new RangeError('maxBytes must be an integer ≥ 4');
  if (text.length === 0) return [];
  const parts: string[] = [];
  let cur = '';
  let curBytes = -1; // -1: nothing in the current part yet (not even an empty line)
  const flush = () => {
    if (curBytes >= 0) parts.push(cur);
    cur = '';
    curBytes = -1;
  };
  for (const line of text.split('\n')) {
    const lineBytes = Buffer.byteLength(line, 'utf8');
    if (curBytes >= 0 && curBytes + 1 + lineBytes <= maxBytes) {
      cur += '\n' + line;
      curBytes += 1 + lineBytes;
      continue;
    }
    flush();
    if (lineBytes <= maxBytes) {
      cur = line;
      curBytes = lineBytes;
      continue;
    }
    // An overlong line: cut between code points; the tail stays open for following lines.
    let piece = '';
    let pieceBytes = 0;
    for (const ch of line) {
      const cp = ch.codePointAt(0)!;
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (pieceBytes + n > maxBytes) {
        parts.push(piece);
        piece = '';
        pieceBytes = 0;
      }
      piece += ch;
      pieceBytes += n;
    }
    cur = piece;
    curBytes = pieceBytes;
  }
  flush();
  return parts;
}
