/**
 * K/3 Cloud's signed-header login (第三方系统登录授权): no login call, every request carries `X-Kd-*` (app id,
 * account data and their HMAC under the app secret) and, when the app id is `<clientId>_<32 chars>`, the API
 * gateway's `X-Api-*` (HMAC of the request path, nonce and timestamp under a key derived from the app id).
 * Written from the official SDK's behaviour (kingdee.cdp.webapi.sdk 8.2.0, `WebApiClient.BuildHeader`) and checked
 * against its known answers in kingdee.signing.test.ts.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The fixed mask the SDKs XOR the app id's second part with to get the gateway key. */
const APP_SECRET_MASK = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'utf8');

export interface KingdeeSignedAuth {
  kind: 'signed';
  /** 应用ID as K/3 Cloud issued it: `<clientId>_<32 chars>` (or a bare id on a private site without the gateway). */
  appId: string;
  /** 应用密钥. */
  appSecret: string;
  /** 组织编码; "0" when multi-organisation is off. */
  orgNum: string;
}

/** base64(lower-case hex(HMAC-SHA256)): K/3 Cloud signs the hex text, not the raw digest. */
export function kingdeeHmac(message: string, key: string): string {
  return Buffer.from(createHmac('sha256', key).update(message, 'utf8').digest('hex'), 'utf8').toString('base64');
}

/** The gateway key hidden in the app id's second part: base64(base64decode(part) XOR mask). */
export function decodeAppSecret(part: string): string {
  const raw = Buffer.from(part, 'base64');
  return Buffer.from(raw.map((b, i) => b ^ APP_SECRET_MASK[i]!)).toString('base64');
}

/** An app id the gateway headers can be built from: a client id and a 32-character base64 second part. */
export function splitAppId(appId: string): { clientId: string; encodedKey: string } | null {
  const parts = appId.split('_');
  if (parts.length !== 2 || !parts[0] || !/^[A-Za-z0-9+/]{32}$/.test(parts[1]!)) return null;
  return { clientId: parts[0], encodedKey: parts[1]! };
}

/** `/k3cloud/Kingdee.BOS…kdsvc` → `%2Fk3cloud%2FKingdee.BOS…kdsvc` (every `/` encoded, upper-case escapes). */
export const signedPath = (path: string) => encodeURIComponent(path);

/** The string the gateway signature covers: method, path, an empty query line, then the signed headers. */
export const apiSignatureText = (path: string, nonce: string, timestamp: string) =>
  `POST\n${signedPath(path)}\n\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;

/** The account data `X-Kd-Appdata` carries (base64) and `X-Kd-Signature` covers (after the app id). */
export const appData = (acctId: string, username: string, lcid: number, orgNum: string) =>
  `${acctId},${username},${lcid},${orgNum}`;

/**
 * The headers of one request to `path` (the URL's path, e.g. `/k3cloud/Kingdee.BOS…ExecuteBillQuery.common.kdsvc`).
 * Timestamps are Unix seconds, as the SDK sends them; the nonce is random per request.
 */
export function signedHeaders(
  auth: KingdeeSignedAuth,
  account: { acctId: string; username: string; lcid: number },
  path: string,
  now: Date,
  nonce: string = randomBytes(16).toString('hex'),
): Record<string, string> {
  const data = appData(account.acctId, account.username, account.lcid, auth.orgNum);
  const headers: Record<string, string> = {
    'X-Kd-Appkey': auth.appId,
    'X-Kd-Appdata': Buffer.from(data, 'utf8').toString('base64'),
    'X-Kd-Signature': kingdeeHmac(auth.appId + data, auth.appSecret),
  };
  const id = splitAppId(auth.appId);
  if (id) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    Object.assign(headers, {
      'X-Api-ClientID': id.clientId,
      'X-Api-Auth-Version': '2.0',
      'x-api-timestamp': timestamp,
      'x-api-nonce': nonce,
      'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
      'X-Api-Signature': kingdeeHmac(apiSignatureText(path, nonce, timestamp), decodeAppSecret(id.encodedKey)),
    });
  }
  return headers;
}
