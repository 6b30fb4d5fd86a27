/**
 * Voice and pictures from a dealer on WeCom, end to end through the callback and the fake WeCom API: recognised
 * voice is read as the dealer's words, unrecognised voice asks them to type (never dropped); a picture with no need
 * to go with asks what it is about and rides along with the need raised next; a picture after a need attaches to it.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toXml } from '../../adapters/wecom/wecom.xml.js';
import { type FakeWecom, startFakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import { signedCallback, startWecomApp, WECOM, type WecomTestApp, waitFor } from './wecom.harness.js';

let seq = 0;
const nextMsgId = () => String(8_100_000_000_000_000_000n + BigInt(++seq) * 13n + BigInt(process.pid));

describe('voice and pictures from a WeCom dealer', () => {
  let fake: FakeWecom;
  let t: WecomTestApp;
  let userid: string;
  let dealer: string;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: WECOM.corpId, secrets: [WECOM.secret] });
    t = await startWecomApp(fake.baseUrl, { seeded: true });
    const id = await t.db
      .selectFrom('channel_identities')
      .select(['external_id', 'dealer_code'])
      .where('channel', '=', 'wecom')
      .where('dealer_code', 'is not', null)
      .orderBy('external_id')
      .executeTakeFirstOrThrow();
    userid = id.external_id;
    dealer = id.dealer_code!;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Posts one message as the dealer and returns the text of the replies it got. */
  async function send(fields: Record<string, string>): Promise<string> {
    const before = fake.callsOf('message/send').length;
    const xml = toXml({
      ToUserName: WECOM.corpId,
      FromUserName: userid,
      CreateTime: String(Math.floor(Date.now() / 1000)),
      ...fields,
      MsgId: nextMsgId(),
      AgentID: WECOM.agentId,
    });
    const cb = signedCallback(xml);
    const r = await t.app.server.inject({
      method: 'POST',
      url: cb.url,
      payload: cb.body,
      headers: { 'content-type': 'text/xml' },
    });
    expect(r.statusCode).toBe(200);
    const calls = await waitFor(
      async () => {
        const busy = await t.db
          .selectFrom('inbound_messages')
          .select('id')
          .where('status', 'in', ['pending', 'processing'])
          .execute();
        const queued = await t.db
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['pending', 'sending'])
          .execute();
        const sent = fake.callsOf('message/send').slice(before);
        return busy.length === 0 && queued.length === 0 && sent.length > 0 && sent;
      },
      15_000,
      'a reply',
    );
    return calls
      .map((c) => {
        const b = c.body as { text?: { content: string }; markdown?: { content: string } };
        return b.text?.content ?? b.markdown?.content ?? '';
      })
      .join('\n');
  }

  const image = () => ({ MsgType: 'image', PicUrl: 'https://p.example/1.jpg', MediaId: `media-${seq + 1}` });
  const needsOf = () =>
    t.db
      .selectFrom('needs')
      .select(['id', 'text', 'attachments'])
      .where('dealer_code', '=', dealer)
      .orderBy('id', 'desc')
      .execute();

  it('asks the dealer to type when WeCom gives no recognised text', async () => {
    const body = await send({ MsgType: 'voice', MediaId: 'v2', Format: 'amr' });
    expect(body).toContain('打字');
  });

  it('asks what a picture is about, then attaches it to the need raised next', async () => {
    const before = (await needsOf()).length;
    expect(await send(image())).toContain('这张图是关于什么');
    const body = await send({ MsgType: 'text', Content: '展厅样品的玻璃裂了 需要售后' });
    expect(body).toContain('图片已附上');
    const [need] = await needsOf();
    expect((await needsOf()).length).toBe(before + 1);
    expect(need!.attachments).toEqual([expect.objectContaining({ kind: 'image', mediaId: `media-${seq - 1}` })]);
  });

  it('attaches a picture sent after a need to that need', async () => {
    const [need] = await needsOf();
    expect(await send(image())).toContain('图片已附到需求');
    const [after] = await needsOf();
    expect(after!.id).toBe(need!.id);
    expect(after!.attachments).toHaveLength(2);
  });

  it('forgets a waiting picture when the next message is about something else', async () => {
    // The earlier need is past the 30 minutes in which pictures attach to it.
    await t.db
      .updateTable('needs')
      .set({ created_at: new Date(Date.now() - 3600_000) })
      .where('dealer_code', '=', dealer)
      .execute();
    expect(await send(image())).toContain('这张图是关于什么');
    expect(await send({ MsgType: 'text', Content: 'N75 还有多少库存' })).toContain('N75');
    expect(await send({ MsgType: 'text', Content: '门把手装上没俩月就晃' })).toMatch(/售后需求.*N\d+/);
    const [need] = await needsOf();
    expect(need!.text).toContain('门把手');
    expect(need!.attachments).toEqual([]);
  });

  // Last: it opens a draft, which the messages above must not meet.
  it('reads recognised voice as the dealer typing it', async () => {
    const body = await send({ MsgType: 'voice', MediaId: 'v1', Format: 'amr', Recognition: 'N60要20套' });
    expect(body).toContain('N60');
    expect(body).toMatch(/20\s*套/);
  });
});
