/**
 * The mini-program's server API for customer-service replies: `cgi-bin/token` (AppID + AppSecret, its own
 * access_token, shared through the KeyValueStore) and `cgi-bin/message/custom/send` (text, or a mini-program card
 * that opens a page). WeChat allows replies only inside the window a user's action opens; 45015 (window closed) and
 * 45047 (quota used) come back as `MpApiError` with `outOfWindow`.
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

export interface MpApiConfig {
  /** Default https://api.weixin.qq.com; tests point it at the fake server. */
  apiBase: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
}

export const DEFAULT_MP_API_BASE = 'https://api.weixin.qq.com';

/** -1 system busy. */
const RETRYABLE_ERRCODES = new Set([-1]);
/** 40001 invalid credential, 40014 invalid token, 42001 expired, 41001 missing: refreshed once per call. */
const TOKEN_ERRCODES = new Set([40001, 40014, 42001, 41001]);
/** A refused token is refreshed and the call tried again: retryable too. */
const RETRY_ERRCODES: ReadonlySet<number> = new Set([...RETRYABLE_ERRCODES, ...TOKEN_ERRCODES]);
/** 45015 reply time limit passed, 45047 reply count limit reached: the user must write again. */
const OUT_OF_WINDOW_ERRCODES = new Set([45015, 45047]);

export class MpApiError extends ApiError {
  override readonly name = 'MpApiError';
  /** The reply window is closed or its quota used: no retry helps until the user writes again. */
  readonly outOfWindow: boolean;

  constructor(method: string, errcode: number, errmsg: string, httpStatus?: number) {
    super('mini-program', method, errcode, errmsg, httpStatus, RETRY_ERRCODES);
    this.outOfWindow = httpStatus === undefined && OUT_OF_WINDOW_ERRCODES.has(errcode);
  }
}

export class MpNetworkError extends ApiNetworkError {
  override readonly name = 'MpNetworkError';

  constructor(method: string, cause: unknown) {
    super('mini-program', method, cause);
  }
}

/** A mini-program card (小程序卡片): opens `pagePath` in the mini-program. */
export interface MpCard {
  title: string;
  pagePath: string;
  /** A permanent image media id uploaded for the card's thumbnail. */
  thumbMediaId: string;
}

export class MpClient {
  readonly #config: MpApiConfig;
  readonly #api: JsonApi;
  readonly #token: AccessTokenCache;

  constructor(config: MpApiConfig, deps: { kv: KeyValueStore }) {
    this.#config = config;
    const base = (config.apiBase || DEFAULT_MP_API_BASE).replace(/\/+$/, '');
    this.#api = {
      transport: keepAliveTransport(base),
      base,
      timeoutMs: config.timeoutMs,
      apiError: (method, errcode, errmsg, status) => new MpApiError(method, errcode, errmsg, status),
      networkError: (method, cause) => new MpNetworkError(method, cause),
    };
    // Never the secret itself in the key: a hash, so a KV dump reveals nothing.
    const h = createHash('sha256').update(`${config.appId}\0${config.appSecret}`).digest('hex');
    const key = `mp:token:${h.slice(0, 32)}`;
    this.#token = new AccessTokenCache(deps.kv, key, () => this.#fetchToken(), config.timeoutMs + 1000);
  }

  sendText(openid: string, content: string): Promise<void> {
    return this.#send({ touser: openid, msgtype: 'text', text: { content } });
  }

  sendCard(openid: string, card: MpCard): Promise<void> {
    return this.#send({
      touser: openid,
      msgtype: 'miniprogrampage',
      miniprogrampage: { title: card.title, pagepath: card.pagePath, thumb_media_id: card.thumbMediaId },
    });
  }

  accessToken(): Promise<string> {
    return this.#token.get();
  }

  async #fetchToken() {
    const q = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.#config.appId,
      secret: this.#config.appSecret,
    });
    const res = await this.#request('token', `/cgi-bin/token?${q}`);
    const token = res['access_token'];
    if (typeof token !== 'string' || !token) throw new MpApiError('token', -1, 'no access_token in response');
    return { token, expiresInSec: Number(res['expires_in'] ?? 7200) };
  }

  async #send(body: Record<string, unknown>): Promise<void> {
    const path = (token: string) => `/cgi-bin/message/custom/send?${new URLSearchParams({ access_token: token })}`;
    let token = await this.#token.get();
    try {
      await this.#request('custom/send', path(token), body);
      return;
    } catch (e) {
      if (!(e instanceof MpApiError) || !TOKEN_ERRCODES.has(e.errcode)) throw e;
    }
    token = await this.#token.refresh(token);
    try {
      await this.#request('custom/send', path(token), body);
    } catch (e) {
      if (e instanceof MpApiError && TOKEN_ERRCODES.has(e.errcode)) await this.#token.forget(token);
      throw e;
    }
  }

  #request(method: string, pathAndQuery: string, body?: unknown): Promise<ApiResponse> {
    return requestJson(this.#api, method, pathAndQuery, body);
  }
}
