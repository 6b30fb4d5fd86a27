/**
 * XML codec for WeCom callbacks. Every value stays a string (MsgId exceeds 2^53); DTDs are refused outright and
 * entity processing is off, so no entity expansion can happen.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signature, WecomCipher } from './wecom.crypto.js';

const CDATA = '#cdata';
const TEXT = '#text';
const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
const MAX_BODY_CHARS = 1 << 20;

const parser = new XMLParser({
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  cdataPropName: CDATA,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 16,
});

export type XmlFailure = { ok: false; reason: string };
type XmlNode = Record<string, unknown>;

/** Decodes the five predefined entities and character references (text outside CDATA only). */
function decodeText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/** A leaf as a string: plain text, CDATA, or both mixed. Undefined for nested elements and repeated tags. */
function leaf(v: unknown): string | undefined {
  if (typeof v === 'string') return decodeText(v);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as XmlNode;
  const keys = Object.keys(o);
  if (keys.some((k) => k !== CDATA && k !== TEXT)) return undefined;
  const c = o[CDATA];
  const t = o[TEXT];
  const cdata = typeof c === 'string' ? c : Array.isArray(c) ? c.join('') : '';
  return cdata + (typeof t === 'string' ? decodeText(t) : '');
}

/** Parses `<xml>…</xml>` into its top-level string leaves. */
function parseRoot(body: string): { ok: true; fields: Record<string, string> } | XmlFailure {
  if (typeof body !== 'string' || body.length === 0) return { ok: false, reason: 'empty body' };
  if (body.length > MAX_BODY_CHARS) return { ok: false, reason: 'body too large' };
  if (DTD_RE.test(body)) return { ok: false, reason: 'DTD not allowed' };
  if (XMLValidator.validate(body) !== true) return { ok: false, reason: 'malformed XML' };
  let doc: XmlNode;
  try {
    doc = parser.parse(body) as XmlNode;
  } catch {
    return { ok: false, reason: 'malformed XML' };
  }
  const root = doc['xml'];
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return { ok: false, reason: 'missing <xml> root' };
  }
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as XmlNode)) {
    const s = leaf(v);
    if (s !== undefined) fields[k] = s;
  }
  return { ok: true, fields };
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope (the encrypted POST body)

export interface WecomEnvelope {
  ToUserName: string;
  Encrypt: string;
  AgentID?: string;
}

export type EnvelopeResult = { ok: true; envelope: WecomEnvelope } | XmlFailure;

export function parseEnvelope(body: string): EnvelopeResult {
  const r = parseRoot(body);
  if (!r.ok) return r;
  const { Encrypt, ToUserName, AgentID } = r.fields;
  if (!Encrypt) return { ok: false, reason: 'missing Encrypt' };
  const envelope: WecomEnvelope = { ToUserName: ToUserName ?? '', Encrypt };
  if (AgentID) envelope.AgentID = AgentID;
  return { ok: true, envelope };
}

// ---------------------------------------------------------------------------------------------------------------
// Decrypted messages

interface MessageBase {
  ToUserName: string;
  /** Absent (empty) on KF callbacks; `sys` on change_external_contact. */
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
  AgentID?: string;
  /** Every top-level string leaf, for fields the typed view does not name. */
  fields: Readonly<Record<string, string>>;
}

export interface TextMessage extends MessageBase {
  kind: 'text';
  Content: string;
  MsgId: string;
}

export interface ImageMessage extends MessageBase {
  kind: 'image';
  PicUrl: string;
  MediaId: string;
  MsgId: string;
}

export interface EnterAgentEvent extends MessageBase {
  kind: 'enter_agent';
  Event: 'enter_agent';
  EventKey: string;
}

export interface TemplateCardEvent extends MessageBase {
  kind: 'template_card_event';
  Event: 'template_card_event';
  EventKey: string;
  TaskId: string;
  CardType?: string;
  ResponseCode?: string;
}

export interface KfMsgOrEvent extends MessageBase {
  kind: 'kf_msg_or_event';
  Event: 'kf_msg_or_event';
  /** Sync token for kf/sync_msg (valid 10 minutes). */
  Token: string;
  OpenKfId: string;
}

export interface ChangeExternalContactEvent extends MessageBase {
  kind: 'change_external_contact';
  Event: 'change_external_contact';
  ChangeType: string;
  UserID: string;
  ExternalUserID: string;
  State?: string;
  WelcomeCode?: string;
}

export interface OtherEvent extends MessageBase {
  kind: 'event';
  Event: string;
}

export interface OtherMessage extends MessageBase {
  kind: 'other';
  MsgId?: string;
}

export type WecomMessage =
  | TextMessage
  | ImageMessage
  | EnterAgentEvent
  | TemplateCardEvent
  | KfMsgOrEvent
  | ChangeExternalContactEvent
  | OtherEvent
  | OtherMessage;

export type MessageResult = { ok: true; message: WecomMessage } | XmlFailure;

export function parseMessage(plaintextXml: string): MessageResult {
  const r = parseRoot(plaintextXml);
  if (!r.ok) return r;
  const f = r.fields;
  const MsgType = f['MsgType'];
  const CreateTime = f['CreateTime'];
  if (!MsgType) return { ok: false, reason: 'missing MsgType' };
  if (!CreateTime) return { ok: false, reason: 'missing CreateTime' };
  const base: MessageBase = {
    ToUserName: f['ToUserName'] ?? '',
    FromUserName: f['FromUserName'] ?? '',
    CreateTime,
    MsgType,
    fields: f,
  };
  if (f['AgentID']) base.AgentID = f['AgentID'];

  const need = (...names: string[]): XmlFailure | undefined => {
    const missing = names.find((n) => f[n] === undefined);
    return missing ? { ok: false, reason: `missing ${missing}` } : undefined;
  };
  const ok = (message: WecomMessage): MessageResult => ({ ok: true, message });

  if (MsgType === 'text') {
    const bad = need('FromUserName', 'Content', 'MsgId');
    if (bad) return bad;
    return ok({ ...base, kind: 'text', Content: f['Content']!, MsgId: f['MsgId']! });
  }
  if (MsgType === 'image') {
    const bad = need('FromUserName', 'MediaId', 'MsgId');
    if (bad) return bad;
    return ok({ ...base, kind: 'image', PicUrl: f['PicUrl'] ?? '', MediaId: f['MediaId']!, MsgId: f['MsgId']! });
  }
  if (MsgType === 'event') {
    const Event = f['Event'];
    if (!Event) return { ok: false, reason: 'missing Event' };
    switch (Event) {
      case 'enter_agent':
        return ok({ ...base, kind: 'enter_agent', Event, EventKey: f['EventKey'] ?? '' });
      case 'template_card_event': {
        const bad = need('EventKey', 'TaskId');
        if (bad) return bad;
        const m: TemplateCardEvent = {
          ...base,
          kind: 'template_card_event',
          Event,
          EventKey: f['EventKey']!,
          TaskId: f['TaskId']!,
        };
        if (f['CardType'] !== undefined) m.CardType = f['CardType'];
        if (f['ResponseCode'] !== undefined) m.ResponseCode = f['ResponseCode'];
        return ok(m);
      }
      case 'kf_msg_or_event': {
        const bad = need('Token', 'OpenKfId');
        if (bad) return bad;
        return ok({ ...base, kind: 'kf_msg_or_event', Event, Token: f['Token']!, OpenKfId: f['OpenKfId']! });
      }
      case 'change_external_contact': {
        const bad = need('ChangeType', 'UserID');
        if (bad) return bad;
        const m: ChangeExternalContactEvent = {
          ...base,
          kind: 'change_external_contact',
          Event,
          ChangeType: f['ChangeType']!,
          UserID: f['UserID']!,
          ExternalUserID: f['ExternalUserID'] ?? '',
        };
        if (f['State'] !== undefined) m.State = f['State'];
        if (f['WelcomeCode'] !== undefined) m.WelcomeCode = f['WelcomeCode'];
        return ok(m);
      }
      default:
        return ok({ ...base, kind: 'event', Event });
    }
  }
  const other: OtherMessage = { ...base, kind: 'other' };
  if (f['MsgId']) other.MsgId = f['MsgId'];
  return ok(other);
}

/**
 * The idempotency key for an inbound callback: messages by MsgId; events by sender + time + event
 * (change_external_contact always comes from `sys`, so its key names the contact pair and change).
 * kf_msg_or_event has no sender; its per-callback Token keeps two callbacks in one second apart.
 */
export function dedupeKeyOf(msg: WecomMessage): string {
  switch (msg.kind) {
    case 'text':
    case 'image':
      return `msg:${msg.MsgId}`;
    case 'change_external_contact':
      return `ext:${msg.ChangeType}:${msg.UserID}:${msg.ExternalUserID}:${msg.CreateTime}`;
    case 'kf_msg_or_event':
      return `kf:${msg.OpenKfId}:${msg.CreateTime}:${msg.Token}`;
    case 'other':
      if (msg.MsgId) return `msg:${msg.MsgId}`;
      return `evt:${msg.FromUserName}:${msg.CreateTime}:${msg.MsgType}`;
    default:
      return `evt:${msg.FromUserName}:${msg.CreateTime}:${msg.Event}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Building (tests, the fake server, the benchmark)

function cdata(s: string): string {
  return `<![CDATA[${s.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `<xml>` with each field as a CDATA child, in the given order. */
export function toXml(fields: Readonly<Record<string, string | number>>): string {
  let out = '<xml>';
  for (const [k, v] of Object.entries(fields)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new RangeError(`invalid XML tag name: ${k}`);
    out += typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(v)}</${k}>`;
  }
  return out + '</xml>';
}

export interface BuildEnvelopeInput {
  token: string;
  aesKey: string | WecomCipher;
  /** The CorpID, appended as receiveId. */
  receiveId: string;
  /** The plaintext XML to encrypt. */
  message: string;
  timestamp: string;
  nonce: string;
  /** Defaults to receiveId. */
  toUserName?: string;
  agentId?: string;
  random16?: Uint8Array;
}

export interface BuiltEnvelope {
  body: string;
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

/** Encrypts and signs `message` into the XML body WeCom posts, plus the query values that go with it. */
export function buildEnvelope(input: BuildEnvelopeInput): BuiltEnvelope {
  const cipher = typeof input.aesKey === 'string' ? new WecomCipher(input.aesKey) : input.aesKey;
  const encrypt = cipher.encrypt(input.message, input.receiveId, input.random16);
  const fields: Record<string, string> = { ToUserName: input.toUserName ?? input.receiveId, Encrypt: encrypt };
  if (input.agentId !== undefined) fields['AgentID'] = input.agentId;
  return {
    body: toXml(fields),
    encrypt,
    msgSignature: signature(input.token, input.timestamp, input.nonce, encrypt),
    timestamp: input.timestamp,
    nonce: input.nonce,
  };
}
