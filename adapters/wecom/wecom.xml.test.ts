import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/wecom-vectors.json' with { type: 'json' };
import { WecomCipher } from './wecom.crypto.js';
import { buildEnvelope, dedupeKeyOf, parseEnvelope, parseMessage, toXml, type WecomMessage } from './wecom.xml.js';

function msg(xml: string): WecomMessage {
  const r = parseMessage(xml);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('parseEnvelope', () => {
  it('reads ToUserName, Encrypt and AgentID', () => {
    const body = toXml({ ToUserName: 'ww1', Encrypt: 'abc+/=', AgentID: '1000002' });
    expect(parseEnvelope(body)).toEqual({
      ok: true,
      envelope: { ToUserName: 'ww1', Encrypt: 'abc+/=', AgentID: '1000002' },
    });
  });

  it('accepts plain (non-CDATA) values and an XML declaration', () => {
    const body = '<?xml version="1.0"?>\n<xml>\n  <ToUserName>ww1</ToUserName>\n  <Encrypt>abc</Encrypt>\n</xml>';
    expect(parseEnvelope(body)).toEqual({ ok: true, envelope: { ToUserName: 'ww1', Encrypt: 'abc' } });
  });

  it.each([
    ['empty', ''],
    ['not XML', 'hello'],
    ['no Encrypt', '<xml><ToUserName>ww1</ToUserName></xml>'],
    ['mismatched tags', '<xml><Encrypt>abc</ToUserName></xml>'],
    ['other root', '<root><Encrypt>abc</Encrypt></root>'],
    ['repeated Encrypt', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>'],
  ])('rejects %s', (_name, body) => {
    expect(parseEnvelope(body).ok).toBe(false);
  });

  it.each([
    ['an unexpected element', '<xml><ToUserName>ww1</ToUserName><Encrypt>abc</Encrypt><Foo>x</Foo></xml>'],
    ['a nested element', '<xml><Encrypt><Inner>abc</Inner></Encrypt></xml>'],
    ['an attribute', '<xml><Encrypt a="1">abc</Encrypt></xml>'],
    ['a comment', '<xml><!-- c --><Encrypt>abc</Encrypt></xml>'],
    ['a processing instruction', '<xml><Encrypt>abc</Encrypt></xml><?pi x?>'],
    ['trailing data', '<xml><Encrypt>abc</Encrypt></xml>tail'],
    ['text at the root', '<xml>t<Encrypt>abc</Encrypt></xml>'],
    ['a bare ampersand', '<xml><Encrypt>a & b</Encrypt></xml>'],
    ['an unclosed CDATA section', '<xml><Encrypt><![CDATA[abc</Encrypt></xml>'],
    ['a truncated body', '<xml><Encrypt>abc</Encrypt>'],
  ])('strictly rejects %s', (_name, body) => {
    expect(parseEnvelope(body).ok).toBe(false);
  });

  it('accepts whitespace around a CDATA value and an empty element', () => {
    const body = '<xml>\n <ToUserName/>\n <Encrypt>\n  <![CDATA[abc]]>\n </Encrypt>\n</xml>\n';
    expect(parseEnvelope(body)).toEqual({ ok: true, envelope: { ToUserName: '', Encrypt: 'abc' } });
  });

  it.each([
    '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><Encrypt>&x;</Encrypt></xml>',
    '<!doctype xml><xml><Encrypt>a</Encrypt></xml>',
    '<xml><Encrypt>a</Encrypt></xml><!EnTiTy y SYSTEM "file:///etc/passwd">',
  ])('rejects DTDs and entity declarations: %s', (body) => {
    expect(parseEnvelope(body)).toEqual({ ok: false, reason: 'DTD not allowed' });
    expect(parseMessage(body)).toEqual({ ok: false, reason: 'DTD not allowed' });
  });
});

describe('parseMessage', () => {
  it('parses the vector text message', () => {
    const m = msg(vectors.message.expectedPlaintext);
    expect(m).toMatchObject({
      kind: 'text',
      ToUserName: 'ww1436e0e65a779aee',
      FromUserName: 'ChenJiaShun',
      CreateTime: '1476422779',
      Content: '你好',
      MsgId: '1456453720',
      AgentID: '1000002',
    });
    expect(dedupeKeyOf(m)).toBe('msg:1456453720');
  });

  it('keeps a 19-digit MsgId and numeric-looking content as strings', () => {
    const m = msg(
      toXml({
        ToUserName: 'ww1',
        FromUserName: 'u1',
        CreateTime: 1700000000,
        MsgType: 'text',
        Content: '0030',
        MsgId: '7234567890123456789',
        AgentID: 1000002,
      }),
    );
    expect(m.kind).toBe('text');
    if (m.kind !== 'text') return;
    expect(m.MsgId).toBe('7234567890123456789');
    expect(m.Content).toBe('0030');
    expect(m.CreateTime).toBe('1700000000');
    expect(dedupeKeyOf(m)).toBe('msg:7234567890123456789');
  });

  it('keeps CDATA verbatim, including markup, entities and "]]>"', () => {
    const content = '<b>a &amp; b</b> ]]> 再来30套';
    const m = msg(toXml({ FromUserName: 'u1', CreateTime: '1', MsgType: 'text', Content: content, MsgId: '1' }));
    expect(m.kind === 'text' && m.Content).toBe(content);
  });

  it('decodes predefined entities outside CDATA and does not expand others', () => {
    const xml =
      '<xml><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>' +
      '<Content>a &lt;&amp;&gt; &#20320;&#x597d; &foo;</Content><MsgId>1</MsgId></xml>';
    const m = msg(xml);
    expect(m.kind === 'text' && m.Content).toBe('a <&> 你好 &foo;');
  });

  it('parses an image', () => {
    const m = msg(
      toXml({ FromUserName: 'u1', CreateTime: '1', MsgType: 'image', PicUrl: 'http://p', MediaId: 'm1', MsgId: '9' }),
    );
    expect(m).toMatchObject({ kind: 'image', PicUrl: 'http://p', MediaId: 'm1', MsgId: '9' });
    expect(dedupeKeyOf(m)).toBe('msg:9');
  });

  it('parses enter_agent', () => {
    const m = msg(toXml({ FromUserName: 'u1', CreateTime: '5', MsgType: 'event', Event: 'enter_agent', EventKey: '' }));
    expect(m).toMatchObject({ kind: 'enter_agent', Event: 'enter_agent', EventKey: '' });
    expect(dedupeKeyOf(m)).toBe('evt:u1:5:enter_agent');
  });

  it('parses template_card_event with nested elements left out of fields', () => {
    const xml =
      '<xml><ToUserName>ww1</ToUserName><FromUserName>M001</FromUserName><CreateTime>6</CreateTime>' +
      '<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>claim:N12</EventKey>' +
      '<TaskId>t-1</TaskId><CardType>button_interaction</CardType><ResponseCode>rc</ResponseCode>' +
      '<SelectedItems><SelectedItem><QuestionKey>q</QuestionKey></SelectedItem></SelectedItems>' +
      '<AgentID>1000002</AgentID></xml>';
    const m = msg(xml);
    expect(m).toMatchObject({
      kind: 'template_card_event',
      EventKey: 'claim:N12',
      TaskId: 't-1',
      CardType: 'button_interaction',
      ResponseCode: 'rc',
      AgentID: '1000002',
    });
    expect(m.fields['SelectedItems']).toBeUndefined();
    expect(dedupeKeyOf(m)).toBe('evt:M001:6:template_card_event');
  });

  it('parses kf_msg_or_event (no FromUserName)', () => {
    const m = msg(
      toXml({
        ToUserName: 'ww1',
        CreateTime: '7',
        MsgType: 'event',
        Event: 'kf_msg_or_event',
        Token: 'tk',
        OpenKfId: 'wk1',
      }),
    );
    expect(m).toMatchObject({ kind: 'kf_msg_or_event', Token: 'tk', OpenKfId: 'wk1', FromUserName: '' });
    expect(dedupeKeyOf(m)).toBe('kf:wk1:7:tk');
  });

  it('parses change_external_contact and keys it by the contact pair', () => {
    const m = msg(
      toXml({
        ToUserName: 'ww1',
        FromUserName: 'sys',
        CreateTime: '8',
        MsgType: 'event',
        Event: 'change_external_contact',
        ChangeType: 'add_external_contact',
        UserID: 'M001',
        ExternalUserID: 'wmEXT',
        WelcomeCode: 'wc',
      }),
    );
    expect(m).toMatchObject({ kind: 'change_external_contact', ChangeType: 'add_external_contact', WelcomeCode: 'wc' });
    expect(dedupeKeyOf(m)).toBe('ext:add_external_contact:M001:wmEXT:8');
  });

  it('keeps other events and message types generically', () => {
    const ev = msg(
      toXml({ FromUserName: 'u1', CreateTime: '9', MsgType: 'event', Event: 'LOCATION', Latitude: '1.5' }),
    );
    expect(ev).toMatchObject({ kind: 'event', Event: 'LOCATION', fields: { Latitude: '1.5' } });
    expect(dedupeKeyOf(ev)).toBe('evt:u1:9:LOCATION');

    const video = msg(toXml({ FromUserName: 'u1', CreateTime: '9', MsgType: 'video', MediaId: 'v', MsgId: '42' }));
    expect(video).toMatchObject({ kind: 'other', MsgType: 'video', MsgId: '42' });
    expect(dedupeKeyOf(video)).toBe('msg:42');
  });

  it("reads voice with and without WeCom's recognised text", () => {
    const plain = msg(
      toXml({ FromUserName: 'u1', CreateTime: '9', MsgType: 'voice', MediaId: 'v', Format: 'amr', MsgId: '43' }),
    );
    expect(plain).toMatchObject({ kind: 'voice', MediaId: 'v', Format: 'amr', MsgId: '43' });
    expect(plain).not.toHaveProperty('Recognition');
    expect(dedupeKeyOf(plain)).toBe('msg:43');
    const heard = msg(
      toXml({
        FromUserName: 'u1',
        CreateTime: '9',
        MsgType: 'voice',
        MediaId: 'v',
        MsgId: '44',
        Recognition: 'N60要20套',
      }),
    );
    expect(heard).toMatchObject({ kind: 'voice', Recognition: 'N60要20套' });
  });

  it('drops a repeated top-level element rather than choosing one value', () => {
    const xml =
      '<xml><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>' +
      '<Content>a</Content><MsgId>1</MsgId><MsgId>2</MsgId></xml>';
    expect(parseMessage(xml)).toEqual({ ok: false, reason: 'missing MsgId' });
  });

  it('keeps text and CDATA of one value in document order', () => {
    const xml =
      '<xml><FromUserName>u1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>' +
      '<Content> a&amp;<![CDATA[ <b> ]]>c </Content><MsgId>1</MsgId></xml>';
    expect(msg(xml)).toMatchObject({ kind: 'text', Content: 'a& <b> c' });
  });

  it.each([
    ['mixed content', '<xml><MsgType>event</MsgType><E><F>1</F>text</E></xml>'],
    ['a mismatched nested end tag', '<xml><MsgType>event</MsgType><E><F>1</G></E></xml>'],
    ['nesting deeper than 16', `<xml><MsgType>event</MsgType>${'<a>'.repeat(20)}x${'</a>'.repeat(20)}</xml>`],
    ['a comment', '<xml><MsgType>event</MsgType><!-- c --></xml>'],
  ])('strictly rejects %s', (_name, xml) => {
    expect(parseMessage(xml)).toEqual({ ok: false, reason: 'malformed XML' });
  });

  it.each([
    ['no MsgType', toXml({ FromUserName: 'u1', CreateTime: '1' })],
    ['no CreateTime', toXml({ FromUserName: 'u1', MsgType: 'text', Content: 'a', MsgId: '1' })],
    ['text without MsgId', toXml({ FromUserName: 'u1', CreateTime: '1', MsgType: 'text', Content: 'a' })],
    ['event without Event', toXml({ FromUserName: 'u1', CreateTime: '1', MsgType: 'event' })],
    ['kf event without Token', toXml({ CreateTime: '1', MsgType: 'event', Event: 'kf_msg_or_event', OpenKfId: 'k' })],
  ])('rejects %s', (_name, xml) => {
    expect(parseMessage(xml).ok).toBe(false);
  });
});

describe('buildEnvelope', () => {
  it('produces a body that parses, verifies against the vector signature scheme and decrypts', () => {
    const cipher = new WecomCipher(vectors.encodingAesKey);
    const built = buildEnvelope({
      token: vectors.token,
      aesKey: cipher,
      receiveId: vectors.corpId,
      message: vectors.message.expectedPlaintext,
      timestamp: '1476422779',
      nonce: '1597212914',
      agentId: '1000002',
    });
    const env = parseEnvelope(built.body);
    expect(env).toEqual({
      ok: true,
      envelope: { ToUserName: vectors.corpId, Encrypt: built.encrypt, AgentID: '1000002' },
    });
    expect(cipher.decrypt(built.encrypt)).toEqual({
      message: vectors.message.expectedPlaintext,
      receiveId: vectors.corpId,
    });
  });

  it('refuses a DTD in the structure but reads "<!DOCTYPE" inside a CDATA value as text', () => {
    const text = toXml({
      FromUserName: 'u1',
      CreateTime: '1',
      MsgType: 'text',
      Content: '<!DOCTYPE html>',
      MsgId: '5',
    });
    expect(parseMessage(text)).toMatchObject({ ok: true, message: { Content: '<!DOCTYPE html>' } });
    expect(parseMessage(`<!DOCTYPE x [<!ENTITY a "b">]>${text}`)).toEqual({ ok: false, reason: 'DTD not allowed' });
    expect(parseMessage(text.replace('<MsgId>', '<!ENTITY a "b"><MsgId>'))).toMatchObject({ ok: false });
  });
});
