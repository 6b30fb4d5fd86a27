/**
 * WeCom server API client: app messages, group chats, group robots and 微信客服 (KF).
 * access_token is shared through the KeyValueStore (one per secret), fetched once across instances (single-flight
 * per process, and a KV lock between processes: the others wait for the token it stores), and refreshed once when
 * WeCom says it is invalid or expired.
 */
import { createHash } from 'node:crypto';
import {
  ApiError,
  ApiNetworkError,
  type ApiResponse,
  type JsonApi,
  keepAliveTransport,
  requestJson,
} from '../http/json-api.js';
import { AccessTokenCache } from '../kv/access-token.cache.js';
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

/** 40014 invalid token, 42001 expired token, 41001 missing token: refreshed once per call, and retryable. */
const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
/** A refused token is refreshed and the call tried again: retryable too. */
const RETRY_ERRCODES: ReadonlySet<number> = new Set([...RETRYABLE_ERRCODES, ...TOKEN_ERRCODES]);
/** `auth/getuserinfo`: the code is invalid, used or expired. */
const OAUTH_INVALID_CODE = 40029;
/** WeCom's duplicate check window for app messages (its maximum is 4 h); far above the outbox lease. */
export const DUPLICATE_CHECK_INTERVAL_SEC = 1800;
/** A media download gets at least this long (a file of several MB on a slow link), whatever the API timeout. */
const MEDIA_TIMEOUT_MS = 30_000;
/** The spread of `duplicateCheckInterval` above DUPLICATE_CHECK_INTERVAL_SEC: intervals end within WeCom's 4 h. */
const DUPLICATE_CHECK_SPREAD_SEC = 12_600;

/**
 * The duplicate check interval of one outgoing message, from the second it was written. WeCom drops "the same
 * request JSON" sent within the interval: the same message sent again (after a timed-out or unrecorded send) must
 * match itself, but two different replies with the same words (a dealer greeting twice, asking twice for the same
 * stock) must not match each other — with one fixed interval the second would never be shown. The interval is part
 * of the request, so each message gets its own: 1,800 s plus the second it was written modulo 12,600 (at most
 * 14,399 s, within WeCom's 4 h). Two same-worded messages to one member share it only when written in the same
 * second (a double send, answered once) or exactly 3.5 h apart to the second. Not the outbox id: ids are counted
 * over every member, so at 10 messages a second a member's rows 3,600 ids apart were minutes apart (the 10-minute
 * soak saw 1,469 replies withheld that way).
 */
export function duplicateCheckInterval(writtenAt: Date): number {
  const second = Math.floor(writtenAt.getTime() / 1000);
  return (
    DUPLICATE_CHECK_INTERVAL_SEC +
    (((second % DUPLICATE_CHECK_SPREAD_SEC) + DUPLICATE_CHECK_SPREAD_SEC) % DUPLICATE_CHECK_SPREAD_SEC)
  );
}

export class WecomApiError extends ApiError {
  override readonly name = 'WecomApiError';

  constructor(method: string, errcode: number, errmsg: string, httpStatus?: number) {
    super('WeCom', method, errcode, errmsg, httpStatus, RETRY_ERRCODES);
  }
}

export class WecomNetworkError extends ApiNetworkError {
  override readonly name = 'WecomNetworkError';

  constructor(method: string, cause: unknown) {
    super('WeCom', method, cause);
  }
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

/** A media file (`media/get`): its bytes, or only that it is larger than the caller accepts. */
export type MediaDownload =
  | {
      kind: 'file';
      /** From Content-Disposition, when WeCom names it. */
      name: string | null;
      contentType: string;
      bytes: Buffer;
    }
  | { kind: 'too_large'; maxBytes: number };

export interface WecomClientDeps {
  kv: KeyValueStore;
  /** For media downloads (`getMedia`) only; the JSON calls use a keep-alive undici Pool of the client's own. */
  fetch?: typeof fetch;
}

export type SecretKind = 'app' | 'kf';
type WecomResponse = ApiResponse;

export class WecomClient {
  readonly #config: WecomApiConfig;
  readonly #api: JsonApi;
  /** Media downloads only (a streamed binary body with a size cap); the JSON calls go through `#api.transport`. */
  readonly #fetch: typeof fetch;
  readonly #tokens: Record<SecretKind, AccessTokenCache>;

  constructor(config: WecomApiConfig, deps: WecomClientDeps) {
    this.#config = config;
    const base = (config.apiBase || DEFAULT_WECOM_API_BASE).replace(/\/+$/, '');
    this.#fetch = deps.fetch ?? globalThis.fetch;
    this.#api = {
      transport: keepAliveTransport(base),
      base,
      timeoutMs: config.timeoutMs,
      apiError: (method, errcode, errmsg, status) => new WecomApiError(method, errcode, errmsg, status),
      networkError: (method, cause) => new WecomNetworkError(method, cause),
    };
    const cache = (kind: SecretKind) =>
      new AccessTokenCache(deps.kv, this.#tokenKey(kind), () => this.#fetchToken(kind), config.timeoutMs + 1000);
    this.#tokens = { app: cache('app'), kf: cache('kf') };
  }

  /**
   * App message to one or more members (`touser` joined with `|`), under WeCom's duplicate check:
   * `duplicateCheckIntervalSec` (default 1,800 s) is best `duplicateCheckInterval(writtenAt)`, see there.
   */
  async sendAppMessage(
    touser: string | readonly string[],
    content: MessageContent,
    opts: { duplicateCheckIntervalSec?: number } = {},
  ): Promise<AppSendResult> {
    const res = await this.#authed('message/send', 'app', {
      touser: typeof touser === 'string' ? touser : touser.join('|'),
      agentid: Number(this.#config.agentId),
      ...contentBody(content),
      safe: 0,
      // WeCom drops the same content to the same member within the interval: a resend after a timed-out call or
      // an unrecorded success is not shown twice.
      enable_duplicate_check: 1,
      duplicate_check_interval: opts.duplicateCheckIntervalSec ?? DUPLICATE_CHECK_INTERVAL_SEC,
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

  /**
   * A temporary media file (`media/get`, media_id valid 3 days) — a file a 微信客服 customer sent is read with the
   * KF secret's token. WeCom's refusal (40007 invalid media_id …) throws WecomApiError; a body over `maxBytes` is
   * not read further and answers `too_large`.
   */
  getMedia(mediaId: string, opts: { kind?: SecretKind; maxBytes: number }): Promise<MediaDownload> {
    return this.#withToken(opts.kind ?? 'app', (token) =>
      this.#download(
        'media/get',
        `/cgi-bin/media/get?${new URLSearchParams({ access_token: token, media_id: mediaId })}`,
        opts.maxBytes,
      ),
    );
  }

  /** The cached access_token for the app (or KF) secret, fetching it when absent. */
  accessToken(kind: SecretKind = 'app'): Promise<string> {
    return this.#tokens[kind].get();
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

  async #fetchToken(kind: SecretKind) {
    const q = new URLSearchParams({ corpid: this.#config.corpId, corpsecret: this.#secret(kind) });
    const res = await this.#request('gettoken', `/cgi-bin/gettoken?${q}`);
    const token = res['access_token'];
    if (typeof token !== 'string' || !token) throw new WecomApiError('gettoken', -1, 'no access_token in response');
    return { token, expiresInSec: Number(res['expires_in'] ?? 7200) };
  }

  /** A POST with `body`, or a GET (with `query`) when the body is undefined. */
  #authed(method: string, kind: SecretKind, body: unknown, query: Record<string, string> = {}): Promise<WecomResponse> {
    return this.#withToken(kind, (token) =>
      this.#request(method, `/cgi-bin/${method}?${new URLSearchParams({ access_token: token, ...query })}`, body),
    );
  }

  /** Runs `call` with the cached token; a token WeCom refuses is refreshed once and the call made again. */
  async #withToken<T>(kind: SecretKind, call: (token: string) => Promise<T>): Promise<T> {
    const tokens = this.#tokens[kind];
    let token = await tokens.get();
    try {
      return await call(token);
    } catch (e) {
      if (!(e instanceof WecomApiError) || !TOKEN_ERRCODES.has(e.errcode)) throw e;
    }
    token = await tokens.refresh(token);
    try {
      return await call(token);
    } catch (e) {
      // Refused again with a fresh token: forget it, so the next attempt (a token error is retryable) fetches one.
      if (e instanceof WecomApiError && TOKEN_ERRCODES.has(e.errcode)) await tokens.forget(token);
      throw e;
    }
  }

  /** GET of a binary body: a JSON answer is WeCom's refusal; the body is read only up to `maxBytes`. */
  async #download(method: string, pathAndQuery: string, maxBytes: number): Promise<MediaDownload> {
    const fetchFn = this.#fetch;
    let res: Response;
    try {
      res = await fetchFn(this.#api.base + pathAndQuery, {
        signal: AbortSignal.timeout(Math.max(this.#config.timeoutMs, MEDIA_TIMEOUT_MS)),
      });
    } catch (e) {
      throw new WecomNetworkError(method, e);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new WecomApiError(method, -1, '', res.status);
    }
    const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      return { kind: 'too_large', maxBytes };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          await res.body?.cancel().catch(() => {});
          return { kind: 'too_large', maxBytes };
        }
        chunks.push(Buffer.from(chunk));
      }
    } catch (e) {
      throw new WecomNetworkError(method, e);
    }
    const bytes = Buffer.concat(chunks);
    if (contentType === 'application/json') {
      // WeCom answers a refusal (an unknown or expired media_id: 40007) as JSON instead of the file.
      const refusal = jsonRefusal(bytes);
      if (refusal) throw new WecomApiError(method, refusal.errcode, refusal.errmsg);
    }
    return { kind: 'file', name: fileNameOf(res.headers.get('content-disposition')), contentType, bytes };
  }

  #request(method: string, pathAndQuery: string, body?: unknown): Promise<WecomResponse> {
    return requestJson(this.#api, method, pathAndQuery, body);
  }
}

function contentBody(content: MessageContent): Record<string, unknown> {
  return 'markdown' in content
    ? { msgtype: 'markdown', markdown: { content: content.markdown } }
    : { msgtype: 'text', text: { content: content.text } };
}

/** An errcode answer in place of a file, or null when the JSON is a file that happens to be JSON. */
function jsonRefusal(bytes: Buffer): { errcode: number; errmsg: string } | null {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { errcode?: unknown; errmsg?: unknown };
    if (typeof json?.errcode !== 'number' || json.errcode === 0) return null;
    return { errcode: json.errcode, errmsg: typeof json.errmsg === 'string' ? json.errmsg.slice(0, 200) : '' };
  } catch {
    return null;
  }
}

/** The file name of a Content-Disposition header: `filename*=UTF-8''…` (RFC 5987) first, then `filename="…"`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(header);
  const name = plain?.[1] ?? plain?.[2];
  return name ? name.trim() : null;
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
