import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/wecom-vectors.json' with { type: 'json' };
import { openCallback } from './wecom.callback.js';
import { signature, WecomCipher } from './wecom.crypto.js';
import { buildEnvelope } from './wecom.xml.js';

const { token, corpId, encodingAesKey, urlVerification: uv, message: mv } = vectors;
const cipher = new WecomCipher(encodingAesKey);
const at = (sec: number) => () => sec * 1000;

describe('openCallback with the official vectors', () => {
  it('answers URL verification with the expected reply', () => {
    const open = openCallback({ token, aesKey: encodingAesKey, corpId, now: at(Number(uv.timestamp)) });
    const r = open({ msg_signature: uv.msgSignature, timestamp: uv.timestamp, nonce: uv.nonce, echostr: uv.echostr });
    expect(r).toEqual({ ok: true, plaintext: uv.expectedReply });
  });

  it('opens the vector message posted in an envelope', () => {
    const open = openCallback({ token, cipher, corpId, now: at(Number(mv.timestamp) + 10) });
    const body = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${mv.encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`;
    const r = open({ msg_signature: mv.msgSignature, timestamp: mv.timestamp, nonce: mv.nonce }, body);
    expect(r).toEqual({ ok: true, plaintext: mv.expectedPlaintext, agentId: '1000002' });
  });
});

describe('openCallback rejections', () => {
  const now = 1_800_000_000;
  const open = openCallback({ token, cipher, corpId, maxSkewSec: 300, now: at(now) });
  const post = (opts: { ts?: number; receiveId?: string; key?: WecomCipher; message?: string } = {}) =>
    buildEnvelope({
      token,
      aesKey: opts.key ?? cipher,
      receiveId: opts.receiveId ?? corpId,
      toUserName: corpId,
      message: opts.message ?? '<xml><MsgType>text</MsgType></xml>',
      timestamp: String(opts.ts ?? now),
      nonce: 'n1',
    });
  const queryOf = (b: ReturnType<typeof post>) => ({
    msg_signature: b.msgSignature,
    timestamp: b.timestamp,
    nonce: b.nonce,
  });

  it('accepts a fresh, well-formed post', () => {
    const b = post({ message: '<xml>再来30套N60</xml>' });
    expect(open(queryOf(b), b.body)).toEqual({ ok: true, plaintext: '<xml>再来30套N60</xml>' });
  });

  it('401 on a bad signature, checked before decryption', () => {
    const b = post();
    const r = open({ ...queryOf(b), msg_signature: 'f'.repeat(40) }, b.body);
    expect(r).toEqual({ ok: false, status: 401, reason: 'bad signature' });
    // A signed-over tampered body is still caught by the signature.
    const tampered = b.body.replace(b.encrypt, `A${b.encrypt.slice(1)}`);
    expect(open(queryOf(b), tampered)).toMatchObject({ ok: false, status: 401 });
  });

  it('401 on a wrong CorpID (even when correctly encrypted and signed)', () => {
    const b = post({ receiveId: 'ww-other-corp' });
    expect(open(queryOf(b), b.body)).toEqual({ ok: false, status: 401, reason: 'receiveId does not match CorpID' });
  });

  it('rejects a wrong key', () => {
    const b = post({ key: new WecomCipher('B'.repeat(43)) });
    const r = open(queryOf(b), b.body);
    expect(r.ok).toBe(false);
    expect([400, 401]).toContain(!r.ok && r.status);
  });

  it('401 on stale and future timestamps, accepts the window edges', () => {
    for (const ts of [now - 301, now + 301, 1476422779]) {
      const b = post({ ts });
      expect(open(queryOf(b), b.body)).toMatchObject({ ok: false, status: 401 });
    }
    for (const ts of [now - 300, now + 300]) {
      const b = post({ ts });
      expect(open(queryOf(b), b.body).ok).toBe(true);
    }
  });

  it('400 on missing parameters', () => {
    const b = post();
    expect(open({ timestamp: b.timestamp, nonce: b.nonce }, b.body)).toMatchObject({ status: 400 });
    expect(open({ ...queryOf(b), nonce: ['a', 'b'] }, b.body)).toMatchObject({ status: 400 });
    expect(open(queryOf(b))).toMatchObject({ status: 400, reason: 'missing echostr' });
  });

  it('400 on a malformed envelope, DOCTYPE and ENTITY included', () => {
    const b = post();
    expect(open(queryOf(b), 'not xml')).toMatchObject({ status: 400 });
    expect(open(queryOf(b), `<!DOCTYPE x>${b.body}`)).toMatchObject({ status: 400 });
    expect(open(queryOf(b), `<!ENTITY e "x">${b.body}`)).toMatchObject({ status: 400 });
  });

  it('400 on a validly signed but undecryptable payload (non-base64, bad padding)', () => {
    const ts = String(now);
    for (const enc of ['***not-base64***', Buffer.alloc(32, 1).toString('base64')]) {
      const sig = signature(token, ts, 'n', enc);
      const r = open({ msg_signature: sig, timestamp: ts, nonce: 'n', echostr: enc });
      expect(r).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('400 on a validly signed non-numeric timestamp', () => {
    const b = post();
    const sig = signature(token, 'yesterday', 'n1', b.encrypt);
    expect(open({ msg_signature: sig, timestamp: 'yesterday', nonce: 'n1' }, b.body)).toMatchObject({ status: 400 });
  });
});
