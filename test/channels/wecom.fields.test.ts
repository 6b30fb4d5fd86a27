import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInbound, signedCallback, startWecomApp, textXml, type WecomTestApp } from './wecom.harness.js';

/** Random base64url text: incompressible, so a long value really exceeds PostgreSQL's index row limit. */
const junk = (chars: number) => randomBytes(chars).toString('base64url').slice(0, chars);

describe('WeCom callback fields (issue 14, defect 8)', () => {
  let t: WecomTestApp;
  beforeAll(async () => {
    // WeCom unreachable; the pipeline stays off: only storing is under test.
    t = await startWecomApp('http://127.0.0.1:9', { startPipeline: false });
  });
  afterAll(async () => t?.close());

  const post = (xml: string) => {
    const cb = signedCallback(xml);
    return t.app.server.inject({
      method: 'POST',
      url: cb.url,
      payload: cb.body,
      headers: { 'content-type': 'text/xml' },
    });
  };

  it('answers 400 for an oversize MsgId or FromUserName, and stores its 29 neighbours', async () => {
    const before = await countInbound(t.db);
    const msgs = Array.from({ length: 30 }, (_, i) => ({
      from: `field-user-${i % 5}`,
      content: `消息 ${i}`,
      msgId: String(7_300_000_000_000_000_000n + BigInt(i)),
    }));
    msgs[7] = { ...msgs[7]!, msgId: junk(9000) };
    msgs[19] = { ...msgs[19]!, from: junk(9000) };
    const res = await Promise.all(msgs.map((m) => post(textXml(m))));
    expect(res.map((r) => r.statusCode)).toEqual(msgs.map((_, i) => (i === 7 || i === 19 ? 400 : 200)));
    expect(await countInbound(t.db)).toBe(before + 28);
  });

  it('refuses an empty MsgId instead of storing it as the key "msg:" and dropping the next one', async () => {
    const before = await countInbound(t.db);
    const first = await post(textXml({ from: 'empty-id-user', content: '第一条', msgId: '' }));
    const second = await post(textXml({ from: 'empty-id-user', content: '第二条', msgId: '' }));
    expect([first.statusCode, second.statusCode]).toEqual([400, 400]);
    const keys = await t.db
      .selectFrom('inbound_messages')
      .select('dedupe_key')
      .where('dedupe_key', '=', 'msg:')
      .execute();
    expect(keys).toHaveLength(0);
    expect(await countInbound(t.db)).toBe(before);
  });

  it('stores a dealer text with "<!DOCTYPE" inside its CDATA (text, not XML structure)', async () => {
    const content = '网页里看到 <!DOCTYPE html> 和 <!ENTITY x> 是什么意思？';
    const res = await post(textXml({ from: 'doctype-user', content, msgId: '7300000000000099001' }));
    expect(res.statusCode).toBe(200);
    const row = await t.db
      .selectFrom('inbound_messages')
      .select('content')
      .where('dedupe_key', '=', 'msg:7300000000000099001')
      .executeTakeFirst();
    expect(row?.content).toBe(content);
  });
});
