import * as official from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/wecom-vectors.json' with { type: 'json' };
import { signature, WecomCipher } from './wecom.crypto.js';

// Our implementation against Tencent's own package, both ways: a message one side encrypts, the other reads.
describe('interoperability with @wecom/crypto', () => {
  const cipher = new WecomCipher(vectors.encodingAesKey);
  const messages = [
    '你好',
    '<xml><Content><![CDATA[N60 30套 下周三送]]></Content></xml>',
    '长'.repeat(3000),
    '🙂 emoji',
  ];

  it('decrypts what the official package encrypts', () => {
    for (const m of messages) {
      const encrypted = official.encrypt(vectors.encodingAesKey, m, vectors.corpId);
      expect(cipher.decrypt(encrypted)).toEqual({ message: m, receiveId: vectors.corpId });
    }
  });

  it('encrypts what the official package decrypts', () => {
    for (const m of messages) {
      const encrypted = cipher.encrypt(m, vectors.corpId);
      expect(official.decrypt(vectors.encodingAesKey, encrypted)).toMatchObject({ message: m, id: vectors.corpId });
    }
  });

  it('signs the same way', () => {
    const { timestamp, nonce, encrypt } = vectors.message;
    expect(signature(vectors.token, timestamp, nonce, encrypt)).toBe(
      official.getSignature(vectors.token, timestamp, nonce, encrypt),
    );
  });
});
