/** Shared pieces for the WeCom channel tests: config, signed callbacks, an app wired to the fake WeCom server. */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { MemoryKeyValueStore } from '../../adapters/kv/memory.kv.js';
import { buildEnvelope, toXml } from '../../adapters/wecom/wecom.xml.js';
import { type AppConfig, loadConfig } from '../../bot/config.js';
import { type App, composeApp } from '../../bot/main.js';
import type { DatabaseHandle } from '../../db/connect.js';
import type { FakeWecom } from '../fakes/wecom/fake-wecom.server.js';
import type { Database } from '../../db/schema.js';
import { openTestDatabase } from '../helpers/db.js';

export const vectors = JSON.parse(readFileSync(new URL('../fixtures/wecom-vectors.json', import.meta.url), 'utf8')) as {
  encodingAesKey: string;
  token: string;
  corpId: string;
  urlVerification: { timestamp: string; nonce: string; echostr: string; msgSignature: string; expectedReply: string };
  message: { timestamp: string; nonce: string; encrypt: string; msgSignature: string; expectedPlaintext: string };
};

export const WECOM = {
  corpId: vectors.corpId,
  token: vectors.token,
  aesKey: vectors.encodingAesKey,
  agentId: '1000002',
  secret: 'test-app-secret',
};

export function wecomEnv(apiBase: string): Record<string, string> {
  return {
    SANDBOX: '0',
    SEED_ON_EMPTY: '0',
    LOG_LEVEL: 'silent',
    WECOM_CORP_ID: WECOM.corpId,
    WECOM_TOKEN: WECOM.token,
    WECOM_AES_KEY: WECOM.aesKey,
    WECOM_AGENT_ID: WECOM.agentId,
    WECOM_SECRET: WECOM.secret,
    WECOM_API_BASE: apiBase,
    WECOM_TIMEOUT_MS: '1000',
  };
}

export function wecomConfig(apiBase = 'http://127.0.0.1:9'): Readonly<AppConfig> {
  return loadConfig(wecomEnv(apiBase));
}

export interface TextInput {
  from: string;
  content: string;
  msgId: string;
  createTime?: number;
}

export function textXml(m: TextInput): string {
  return toXml({
    ToUserName: WECOM.corpId,
    FromUserName: m.from,
    CreateTime: String(m.createTime ?? Math.floor(Date.now() / 1000)),
    MsgType: 'text',
    Content: m.content,
    MsgId: m.msgId,
    AgentID: WECOM.agentId,
  });
}

export function kfEventXml(openKfId: string, token: string, createTime = Math.floor(Date.now() / 1000)): string {
  return toXml({
    ToUserName: WECOM.corpId,
    CreateTime: String(createTime),
    MsgType: 'event',
    Event: 'kf_msg_or_event',
    Token: token,
    OpenKfId: openKfId,
  });
}

let nonceSeq = 0;

/** An encrypted, signed callback as WeCom would post it (overrides forge the bad ones). */
export function signedCallback(
  message: string,
  o: { timestamp?: number; aesKey?: string; receiveId?: string; token?: string } = {},
): { url: string; body: string; encrypt: string; query: Record<string, string> } {
  const env = buildEnvelope({
    token: o.token ?? WECOM.token,
    aesKey: o.aesKey ?? WECOM.aesKey,
    receiveId: o.receiveId ?? WECOM.corpId,
    toUserName: WECOM.corpId,
    agentId: WECOM.agentId,
    message,
    timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    nonce: `n${++nonceSeq}${process.pid}`,
  });
  const query = { msg_signature: env.msgSignature, timestamp: env.timestamp, nonce: env.nonce };
  return { url: `/wecom/callback?${new URLSearchParams(query)}`, body: env.body, encrypt: env.encrypt, query };
}

/** Signs an arbitrary Encrypt value (for bodies whose ciphertext is forged but whose signature is valid). */
export async function signedRaw(encrypt: string): Promise<{ url: string; body: string }> {
  const { signature } = await import('../../adapters/wecom/wecom.crypto.js');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `raw${++nonceSeq}`;
  const sig = signature(WECOM.token, timestamp, nonce, encrypt);
  return {
    url: `/wecom/callback?${new URLSearchParams({ msg_signature: sig, timestamp, nonce })}`,
    body: toXml({ ToUserName: WECOM.corpId, Encrypt: encrypt, AgentID: WECOM.agentId }),
  };
}

export interface WecomTestApp {
  app: App;
  db: Kysely<Database>;
  database: DatabaseHandle;
  kv: MemoryKeyValueStore;
  close(): Promise<void>;
}

/** The whole app with WeCom configured against `apiBase` (the fake server), on a fresh test database. */
export function startWecomApp(
  apiBase: string,
  opts: { startPipeline?: boolean; seeded?: boolean; env?: Record<string, string> } = {},
): Promise<WecomTestApp> {
  return startConfiguredApp({ ...wecomEnv(apiBase), ...opts.env }, opts);
}

/** The whole app on `env` (its channels pointed at local fakes), on a fresh test database. */
export async function startConfiguredApp(
  env: Record<string, string>,
  opts: { startPipeline?: boolean; seeded?: boolean } = {},
): Promise<WecomTestApp> {
  const config = loadConfig(env);
  const database = await openTestDatabase({ seeded: opts.seeded ?? false });
  const kv = new MemoryKeyValueStore();
  const app = await composeApp(config, {
    database,
    kv,
    log: pino({ level: 'silent' }),
    startPipeline: opts.startPipeline,
  });
  return {
    app,
    db: database.db,
    database,
    kv,
    async close() {
      await app.close();
      await database.close();
      await kv.close();
    },
  };
}

/** A manager with an alert chat and one dealer (for KF and follow-up tests). */
export async function seedDealer(
  db: Kysely<Database>,
  o: { dealer?: string; manager?: string; kfExternalId?: string; openKfid?: string } = {},
): Promise<{ dealer: string; manager: string; chatId: string }> {
  const dealer = o.dealer ?? 'D0001';
  const manager = o.manager ?? 'M001';
  const chatId = `chat-${manager}`;
  const region = await db
    .insertInto('regions')
    .values({ province: '浙江', city: '杭州', county: `余杭-${dealer}`, market_level: '二线' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('managers')
    .values({ code: manager, name: '王经理', role: 'account', wecom_userid: `u-${manager}`, alert_chat_id: chatId })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  await db
    .insertInto('dealers')
    .values({
      code: dealer,
      name: '杭州恒达门窗',
      region_id: region.id,
      tier: 'key',
      manager_code: manager,
      partnership_start: '2022-03-01',
    })
    .execute();
  if (o.kfExternalId) {
    await db
      .insertInto('channel_identities')
      .values({ channel: 'kf', external_id: o.kfExternalId, dealer_code: dealer, open_kfid: o.openKfid ?? null })
      .execute();
  }
  return { dealer, manager, chatId };
}

export async function countInbound(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('inbound_messages').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let kfMessageSeq = 0;

/**
 * The customer `external` sends a text or a file (by media id) on the KF account `openKfId`; the app pulls it, and
 * this answers the bot's reply as sent by kf/send_msg.
 */
export async function kfExchange(
  t: WecomTestApp,
  fake: FakeWecom,
  openKfId: string,
  external: string,
  message: { text: string } | { mediaId: string },
): Promise<string> {
  const sentBefore = fake.callsOf('kf/send_msg').length;
  const msgid = `kf-test-${++kfMessageSeq}`;
  fake.queueKfMessages(openKfId, [
    'text' in message
      ? { msgid, external_userid: external, msgtype: 'text', text: { content: message.text } }
      : { msgid, external_userid: external, msgtype: 'file', file: { media_id: message.mediaId } },
  ]);
  await t.app.kf!.pull(openKfId);
  const sent = await waitFor(
    async () =>
      fake
        .callsOf('kf/send_msg')
        .slice(sentBefore)
        .find((c) => (c.body as { touser: string }).touser === external),
    10_000,
    `the reply to ${external}`,
  );
  return (sent!.body as { text: { content: string } }).text.content;
}
