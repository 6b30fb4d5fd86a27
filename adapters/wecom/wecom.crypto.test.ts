import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/wecom-vectors.json' with { type: 'json' };
import { decrypt, encrypt, signature, verifySignature, WecomCipher, WecomCryptoError } from './wecom.crypto.js';

const { encodingAesKey, token, corpId, urlVerification: uv, message: mv } = vectors;
const cipher = new WecomCipher(encodingAesKey);

describe('known-answer vectors', () => {
  it('signs the URL verification and the message', () => {
    expect(signature(token, uv.timestamp, uv.nonce, uv.echostr)).toBe(uv.msgSignature);
    expect(signature(token, mv.timestamp, mv.nonce, mv.encrypt)).toBe(mv.msgSignature);
  });

  it('decrypts the URL verification echostr to the expected reply', () => {
    expect(decrypt(encodingAesKey, uv.echostr)).toEqual({ message: uv.expectedReply, receiveId: corpId });
  });

  it('decrypts the message to the expected plaintext', () => {
    expect(cipher.decrypt(mv.encrypt)).toEqual({ message: mv.expectedPlaintext, receiveId: corpId });
  });
});

describe('verifySignature', () => {
  it('accepts the right signature and rejects others', () => {
    expect(verifySignature(token, mv.timestamp, mv.nonce, mv.encrypt, mv.msgSignature)).toBe(true);
    const flipped = (mv.msgSignature[0] === '0' ? '1' : '0') + mv.msgSignature.slice(1);
    expect(verifySignature(token, mv.timestamp, mv.nonce, mv.encrypt, flipped)).toBe(false);
    expect(verifySignature(token, mv.timestamp, mv.nonce, mv.encrypt, mv.msgSignature.slice(1))).toBe(false);
    expect(verifySignature(token, mv.timestamp, mv.nonce, mv.encrypt, '')).toBe(false);
    expect(verifySignature(token, mv.timestamp, mv.nonce, mv.encrypt, mv.msgSignature.toUpperCase())).toBe(false);
    expect(verifySignature('other', mv.timestamp, mv.nonce, mv.encrypt, mv.msgSignature)).toBe(false);
  });
});

describe('encrypt/decrypt round trip', () => {
  const cases = [
    ['empty', ''],
    ['ascii', '<xml><Content>hello</Content></xml>'],
    ['chinese', '再来30套N60，下周三送 😀'],
    ['block-aligned', 'x'.repeat(32 - 20 - corpId.length + 64)],
    ['long', '长消息'.repeat(5000)],
  ] as const;
  for (const [name, msg] of cases) {
    it(name, () => {
      const enc = cipher.encrypt(msg, corpId);
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(cipher.decrypt(enc)).toEqual({ message: msg, receiveId: corpId });
    });
  }

  it('is deterministic with a fixed random prefix and random otherwise', () => {
    const r = Buffer.alloc(16, 7);
    expect(encrypt(encodingAesKey, 'a', corpId, r)).toBe(encrypt(cipher, 'a', corpId, r));
    expect(cipher.encrypt('a', corpId)).not.toBe(cipher.encrypt('a', corpId));
  });

  it('rejects a random prefix that is not 16 bytes', () => {
    expect(() => cipher.encrypt('a', corpId, Buffer.alloc(15))).toThrow(RangeError);
  });
});

/** Encrypts raw plaintext bytes with the WeCom key/IV and no padding, to craft malformed inputs. */
function rawEncrypt(plain: Buffer): string {
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof WecomCryptoError) return e.code;
    throw e;
  }
  return undefined;
}

describe('strict decryption', () => {
  it('rejects non-base64 and non-canonical base64', () => {
    for (const s of ['', 'not base64!', 'abc', 'YWJj\nZA==', 'YW=j', `${mv.encrypt.slice(0, -4)}====`]) {
      expect(cipher.tryDecrypt(s)).toMatchObject({ ok: false, code: 'BAD_BASE64' });
    }
    expect(codeOf(() => cipher.decrypt('%%%%'))).toBe('BAD_BASE64');
  });

  it('rejects a ciphertext whose length is not a multiple of 16', () => {
    expect(cipher.tryDecrypt(Buffer.alloc(20).toString('base64'))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
  });

  it('rejects a tampered byte', () => {
    const buf = Buffer.from(mv.encrypt, 'base64');
    // Flipping a byte of the second-to-last block garbles the last block, padding included.
    buf[buf.length - 17]! ^= 0x01;
    const r = cipher.tryDecrypt(buf.toString('base64'));
    expect(r.ok).toBe(false);
  });

  it('rejects a wrong key', () => {
    const other = new WecomCipher('A'.repeat(43));
    for (const enc of [mv.encrypt, uv.echostr]) {
      const r = other.tryDecrypt(enc);
      expect(r.ok && r.receiveId === corpId).toBe(false);
    }
  });

  it('rejects bad PKCS#7 padding', () => {
    const content = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 1]), Buffer.from('a'), Buffer.from(corpId)]);
    const padLen = 32 - (content.length % 32);
    const good = Buffer.concat([content, Buffer.alloc(padLen, padLen)]);
    expect(cipher.tryDecrypt(rawEncrypt(good))).toEqual({ ok: true, message: 'a', receiveId: corpId });

    const unequal = Buffer.from(good);
    unequal[unequal.length - 2] = padLen + 1;
    expect(cipher.tryDecrypt(rawEncrypt(unequal))).toMatchObject({ ok: false, code: 'BAD_PADDING' });

    const zero = Buffer.from(good);
    zero[zero.length - 1] = 0;
    expect(cipher.tryDecrypt(rawEncrypt(zero))).toMatchObject({ ok: false, code: 'BAD_PADDING' });

    const tooBig = Buffer.concat([content, Buffer.alloc(padLen + 32, 33)]);
    expect(cipher.tryDecrypt(rawEncrypt(tooBig))).toMatchObject({ ok: false, code: 'BAD_PADDING' });
    expect(codeOf(() => cipher.decrypt(tooBig.toString('base64')))).toBeDefined();
  });

  it('rejects a length prefix beyond the plaintext', () => {
    const content = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.from('short')]);
    const padLen = 32 - (content.length % 32);
    const enc = rawEncrypt(Buffer.concat([content, Buffer.alloc(padLen, padLen)]));
    expect(cipher.tryDecrypt(enc)).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
    expect(codeOf(() => cipher.decrypt(enc))).toBe('BAD_LENGTH');
  });

  it('rejects invalid UTF-8', () => {
    const content = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 2]), Buffer.from([0xc3, 0x28])]);
    const padLen = 32 - (content.length % 32);
    const enc = rawEncrypt(Buffer.concat([content, Buffer.alloc(padLen, padLen)]));
    expect(cipher.tryDecrypt(enc)).toMatchObject({ ok: false, code: 'BAD_UTF8' });
  });
});

describe('WecomCipher key', () => {
  it('rejects malformed EncodingAESKeys', () => {
    for (const k of ['', 'short', `${encodingAesKey}=`, `${encodingAesKey.slice(0, 42)}!`]) {
      expect(codeOf(() => new WecomCipher(k))).toBe('BAD_KEY');
    }
  });
});
