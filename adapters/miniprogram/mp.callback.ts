/**
 * Opens a mini-program 消息推送 callback in any of WeChat's three modes:
 * - plain (明文): the message is the body; `signature = sha1(sort(token, timestamp, nonce))` authenticates it;
 * - compatible (兼容): both plaintext fields and `Encrypt` arrive; the encrypted copy is the one read;
 * - safe (安全): only `Encrypt`, with `encrypt_type=aes` and `msg_signature = sha1(sort(token, timestamp, nonce,
 *   Encrypt))`; the decrypted receiveId must be the mini-program's AppID.
 * Signature first (CBC has no MAC), then the timestamp window, then decryption, then the AppID.
 */
import { signatureMatches, sortedSha1, type WecomCipher } from '../wecom/wecom.crypto.js';
import { documentFields } from './mp.message.js';

export type MpMode = 'plain' | 'compatible' | 'safe';

export interface OpenMpCallbackOptions {
  token: string;
  appId: string;
  /** From the EncodingAESKey; null in plain mode. */
  cipher: WecomCipher | null;
  /** What the mini-program is set to; a safe-mode app refuses plaintext messages, a plain one encrypted ones. */
  mode: MpMode;
  /** Allowed distance between the callback timestamp and now, either way. Default 300. */
  maxSkewSec?: number;
  /** Epoch milliseconds. */
  now?: () => number;
}

export type MpQuery = Readonly<Record<string, unknown>>;
export type MpOpenResult = { ok: true; plaintext: string } | { ok: false; status: 400 | 401; reason: string };

const DIGITS_RE = /^\d{1,12}$/;

export interface MpCallbackOpener {
  /** GET URL verification: the echostr to echo back (always plain, in every mode). */
  verify(query: MpQuery): MpOpenResult;
  /** POST: the message document (JSON or XML), decrypted when it came encrypted. */
  open(query: MpQuery, body: string): MpOpenResult;
}

export function openMpCallback(options: OpenMpCallbackOptions): MpCallbackOpener {
  const { token, appId, cipher, mode } = options;
  if (mode !== 'plain' && !cipher) throw new TypeError(`${mode} mode needs the EncodingAESKey`);
  const maxSkewSec = options.maxSkewSec ?? 300;
  const now = options.now ?? Date.now;

  /** The plain signature and the timestamp window, which every request carries. */
  const authenticate = (query: MpQuery): MpOpenResult | null => {
    const sig = str(query['signature']);
    const timestamp = str(query['timestamp']);
    const nonce = str(query['nonce']);
    if (!sig || !timestamp || !nonce) return bad(400, 'missing signature, timestamp or nonce');
    if (!signatureMatches(sortedSha1(token, timestamp, nonce), sig)) return bad(401, 'bad signature');
    if (!DIGITS_RE.test(timestamp)) return bad(400, 'malformed timestamp');
    if (Math.abs(now() / 1000 - Number(timestamp)) > maxSkewSec)
      return bad(401, 'timestamp outside the allowed window');
    return null;
  };

  return {
    verify(query) {
      const failed = authenticate(query);
      if (failed) return failed;
      const echostr = str(query['echostr']);
      return echostr ? { ok: true, plaintext: echostr } : bad(400, 'missing echostr');
    },

    open(query, body) {
      const failed = authenticate(query);
      if (failed) return failed;
      const encrypted = str(query['encrypt_type']) === 'aes';
      if (!encrypted) {
        if (mode === 'safe') return bad(401, 'plaintext message to a safe-mode mini-program');
        return { ok: true, plaintext: body };
      }
      if (mode === 'plain' || !cipher) return bad(400, 'encrypted message to a plain-mode mini-program');
      const doc = documentFields(body);
      if (!doc.ok) return bad(400, `malformed envelope: ${doc.reason}`);
      const encrypt = doc.fields['Encrypt'];
      if (!encrypt) return bad(400, 'missing Encrypt');
      const msgSignature = str(query['msg_signature']);
      if (!msgSignature) return bad(400, 'missing msg_signature');
      const timestamp = query['timestamp'] as string;
      const nonce = query['nonce'] as string;
      if (!signatureMatches(sortedSha1(token, timestamp, nonce, encrypt), msgSignature)) {
        return bad(401, 'bad msg_signature');
      }
      const dec = cipher.tryDecrypt(encrypt);
      if (!dec.ok) return bad(400, `undecryptable: ${dec.code}`);
      if (dec.receiveId !== appId) return bad(401, 'receiveId does not match the AppID');
      return { ok: true, plaintext: dec.message };
    },
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function bad(status: 400 | 401, reason: string): MpOpenResult {
  return { ok: false, status, reason };
}
