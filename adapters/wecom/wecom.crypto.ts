/**
 * WeCom callback crypto (the WXBizMsgCrypt scheme), on node:crypto directly: `@wecom/crypto` checks neither the
 * PKCS#7 padding nor the receiveId, and returns garbage for a wrong key. CBC has no MAC, so callers must verify the
 * signature before decrypting (see `openCallback` in wecom.callback.ts).
 */
import { isUtf8 } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type WecomCryptoErrorCode =
  | 'BAD_KEY' // EncodingAESKey is not 43 base64 chars decoding to 32 bytes
  | 'BAD_BASE64' // ciphertext is not canonical base64
  | 'BAD_LENGTH' // ciphertext not a positive multiple of 16, or the length prefix is out of bounds
  | 'BAD_PADDING' // PKCS#7 padding not 1..32 equal bytes
  | 'BAD_UTF8'; // decrypted message or receiveId is not valid UTF-8 (typically a wrong key)

export class WecomCryptoError extends Error {
  override readonly name = 'WecomCryptoError';
  constructor(
    readonly code: WecomCryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Decrypted {
  message: string;
  receiveId: string;
}

export type DecryptResult = ({ ok: true } & Decrypted) | { ok: false; code: WecomCryptoErrorCode; reason: string };

const BLOCK = 32; // WeCom pads to 32 bytes, not the AES block size
const RANDOM_LEN = 16;
const HEADER_LEN = RANDOM_LEN + 4;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const AES_KEY_RE = /^[A-Za-z0-9+/]{43}$/;

/** sha1 hex of the strings sorted and joined (WeChat's signature scheme: 3 strings plain, 4 with `Encrypt`). */
export function sortedSha1(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** sha1 hex of the four strings sorted and joined. */
export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sortedSha1(token, timestamp, nonce, encrypt);
}

/** Constant-time comparison of a hex signature with the expected one; false on any length mismatch. */
export function signatureMatches(expectedHex: string, given: string): boolean {
  const expected = Buffer.from(expectedHex, 'latin1');
  const got = Buffer.from(given, 'latin1');
  if (got.length !== expected.length) {
    // Still spend the comparison so a wrong length is not measurably faster.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, got);
}

/** Constant-time check of `msgSignature`; false on any length mismatch. */
export function verifySignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  msgSignature: string,
): boolean {
  return signatureMatches(signature(token, timestamp, nonce, encrypt), msgSignature);
}

/** Holds the decoded key so per-message work is only the AES itself. */
export class WecomCipher {
  readonly #key: Buffer;
  readonly #iv: Buffer;

  constructor(encodingAesKey: string) {
    if (!AES_KEY_RE.test(encodingAesKey)) {
      throw new WecomCryptoError('BAD_KEY', 'EncodingAESKey must be 43 base64 characters');
    }
    const key = Buffer.from(encodingAesKey + '=', 'base64');
    if (key.length !== 32) throw new WecomCryptoError('BAD_KEY', 'EncodingAESKey must decode to 32 bytes');
    this.#key = key;
    this.#iv = Buffer.from(key.subarray(0, 16));
  }

  encrypt(message: string, receiveId: string, random16?: Uint8Array): string {
    if (random16 !== undefined && random16.length !== RANDOM_LEN) {
      throw new RangeError('random16 must be 16 bytes');
    }
    const msgLen = Buffer.byteLength(message, 'utf8');
    const idLen = Buffer.byteLength(receiveId, 'utf8');
    const contentLen = HEADER_LEN + msgLen + idLen;
    const pad = BLOCK - (contentLen % BLOCK);
    const plain = Buffer.allocUnsafe(contentLen + pad);
    if (random16) plain.set(random16, 0);
    else randomBytes(RANDOM_LEN).copy(plain, 0);
    plain.writeUInt32BE(msgLen, RANDOM_LEN);
    plain.write(message, HEADER_LEN, msgLen, 'utf8');
    plain.write(receiveId, HEADER_LEN + msgLen, idLen, 'utf8');
    plain.fill(pad, contentLen);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** Decrypts with strict checks; an expected failure is a value, not an exception. */
  tryDecrypt(encrypt: string): DecryptResult {
    if (encrypt.length === 0 || encrypt.length % 4 !== 0 || !BASE64_RE.test(encrypt)) {
      return fail('BAD_BASE64', 'ciphertext is not valid base64');
    }
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) {
      return fail('BAD_LENGTH', 'ciphertext length is not a positive multiple of 16');
    }
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false);
    const head = decipher.update(data);
    const tail = decipher.final(); // empty: the input is whole blocks and auto-padding is off
    const plain = tail.length === 0 ? head : Buffer.concat([head, tail]);

    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) return fail('BAD_PADDING', 'invalid PKCS#7 padding');
    for (let i = plain.length - pad; i < plain.length - 1; i++) {
      if (plain[i] !== pad) return fail('BAD_PADDING', 'invalid PKCS#7 padding');
    }
    const contentEnd = plain.length - pad;
    if (contentEnd < HEADER_LEN) return fail('BAD_LENGTH', 'plaintext shorter than its header');
    const msgLen = plain.readUInt32BE(RANDOM_LEN);
    if (msgLen > contentEnd - HEADER_LEN) return fail('BAD_LENGTH', 'message length prefix out of bounds');

    const msgBytes = plain.subarray(HEADER_LEN, HEADER_LEN + msgLen);
    const idBytes = plain.subarray(HEADER_LEN + msgLen, contentEnd);
    if (!isUtf8(msgBytes) || !isUtf8(idBytes)) return fail('BAD_UTF8', 'decrypted text is not valid UTF-8');
    return { ok: true, message: msgBytes.toString('utf8'), receiveId: idBytes.toString('utf8') };
  }

  /** Like `tryDecrypt`, but throws `WecomCryptoError`. */
  decrypt(encrypt: string): Decrypted {
    const r = this.tryDecrypt(encrypt);
    if (!r.ok) throw new WecomCryptoError(r.code, r.reason);
    return { message: r.message, receiveId: r.receiveId };
  }
}

function fail(code: WecomCryptoErrorCode, reason: string): DecryptResult {
  return { ok: false, code, reason };
}

function cipherOf(aesKey: string | WecomCipher): WecomCipher {
  return typeof aesKey === 'string' ? new WecomCipher(aesKey) : aesKey;
}

/** Throws `WecomCryptoError`. Pass a `WecomCipher` on hot paths to skip key decoding. */
export function decrypt(aesKey: string | WecomCipher, encrypt: string): Decrypted {
  return cipherOf(aesKey).decrypt(encrypt);
}

export function encrypt(
  aesKey: string | WecomCipher,
  message: string,
  receiveId: string,
  random16?: Uint8Array,
): string {
  return cipherOf(aesKey).encrypt(message, receiveId, random16);
}
