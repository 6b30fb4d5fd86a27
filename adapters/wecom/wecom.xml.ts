/**
 * XML codec for WeCom callbacks: a strict single-pass reader for the small subset WeCom sends (an optional XML
 * declaration, a `<xml>` root, elements without attributes, text and CDATA). Anything else — DTDs, comments,
 * processing instructions, attributes, mixed content, a bare `&`, trailing data — is refused, not skipped. Every
 * value stays a string (MsgId exceeds 2^53) and no entity is ever expanded: only the five predefined entities and
 * character references are decoded, other references are kept as written.
 */
import { signature, WecomCipher } from './wecom.crypto.js';

const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
const CDATA_RE = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const MAX_BODY_CHARS = 1 << 20;
const MAX_DEPTH = 16;
/** Entity and character references, or a bare `&` (no group), which is malformed. */
const REF_RE = /&(?:(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z_][A-Za-z0-9_.-]*);)?/g;

export type XmlFailure = { ok: false; reason: string };
type Scan = { ok: true; fields: Record<string, string> } | XmlFailure;

/** Thrown inside the reader only; turned into an `XmlFailure` at its boundary. */
class Malformed {
  constructor(readonly reason: string) {}
}
const MALFORMED = new Malformed('malformed XML');

/** Text outside CDATA, already trimmed: predefined entities and character references decoded. */
function decodeText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(REF_RE, (m, e: string | undefined) => {
    switch (e) {
      case undefined:
        throw MALFORMED;
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
    if (e[0] !== '#') return m;
    const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** Reads one document; `allowed` restricts the root's children to those names (each once, leaves only). */
class Reader {
  i = 0;
  constructor(
    readonly s: string,
    readonly allowed: ReadonlySet<string> | undefined,
  ) {}

  skipSpace(): void {
    const s = this.s;
    while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
  }

  /** A name at the cursor (ASCII letters, digits, `_ - .`). */
  name(): string {
    const s = this.s;
    const start = this.i;
    if (!isNameStart(s.charCodeAt(start))) throw MALFORMED;
    let j = start + 1;
    while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
    this.i = j;
    return s.slice(start, j);
  }

  /** After `<name`: `>` (true: content follows) or `/>` (false: empty element); attributes are refused. */
  openEnd(): boolean {
    this.skipSpace();
    const s = this.s;
    if (s.charCodeAt(this.i) === 0x3e) {
      this.i++;
      return true;
    }
    if (s.charCodeAt(this.i) === 0x2f && s.charCodeAt(this.i + 1) === 0x3e) {
      this.i += 2;
      return false;
    }
    throw MALFORMED;
  }

  /** At `</`: the matching end tag. */
  close(name: string): void {
    this.i += 2;
    if (this.name() !== name) throw MALFORMED;
    this.skipSpace();
    if (this.s.charCodeAt(this.i) !== 0x3e) throw MALFORMED;
    this.i++;
  }

  /**
   * The content of an element whose start tag has been read, through its end tag. A leaf's value is its text
   * (trimmed, decoded) and CDATA in document order; an element with child elements is undefined and may hold
   * only whitespace besides them.
   */
  content(name: string, depth: number): string | undefined {
    const s = this.s;
    let value = '';
    let hasValue = false;
    let hasChild = false;
    for (;;) {
      const lt = s.indexOf('<', this.i);
      if (lt < 0) throw MALFORMED;
      if (lt > this.i) {
        const text = s.slice(this.i, lt).trim();
        if (text.length > 0) {
          if (hasChild) throw MALFORMED;
          value += decodeText(text);
          hasValue = true;
        }
      }
      this.i = lt;
      const c = s.charCodeAt(lt + 1);
      if (c === 0x2f) {
        this.close(name);
        return hasChild ? undefined : value;
      }
      if (c === 0x21 && s.startsWith('<![CDATA[', lt)) {
        if (hasChild) throw MALFORMED;
        const end = s.indexOf(']]>', lt + 9);
        if (end < 0) throw MALFORMED;
        value += s.slice(lt + 9, end);
        hasValue = true;
        this.i = end + 3;
        continue;
      }
      // A child element; comments, PIs and declarations are refused.
      if (hasValue || depth >= MAX_DEPTH) throw MALFORMED;
      hasChild = true;
      this.i = lt + 1;
      const child = this.name();
      if (this.openEnd()) this.content(child, depth + 1);
    }
  }

  document(): Record<string, string> {
    const s = this.s;
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
    // The XML declaration, only at the very start.
    if (s.startsWith('<?xml', this.i) && (isSpace(s.charCodeAt(this.i + 5)) || s.charCodeAt(this.i + 5) === 0x3f)) {
      const end = s.indexOf('?>', this.i + 5);
      if (end < 0 || s.slice(this.i + 5, end).includes('<')) throw MALFORMED;
      this.i = end + 2;
    }
    this.skipSpace();
    if (s.charCodeAt(this.i) !== 0x3c) throw MALFORMED;
    this.i++;
    if (this.name() !== 'xml') throw new Malformed('missing <xml> root');
    const fields: Record<string, string> = {};
    if (this.openEnd()) {
      const repeated = new Set<string>();
      for (;;) {
        this.skipSpace();
        if (s.charCodeAt(this.i) !== 0x3c) throw MALFORMED;
        if (s.charCodeAt(this.i + 1) === 0x2f) {
          this.close('xml');
          break;
        }
        this.i++;
        const name = this.name();
        const value = this.openEnd() ? this.content(name, 2) : '';
        if (this.allowed) {
          if (!this.allowed.has(name)) throw new Malformed(`unexpected <${name}>`);
          if (value === undefined || Object.hasOwn(fields, name)) throw new Malformed(`unexpected <${name}>`);
        }
        // A repeated or nested top-level element is not a string leaf: left out, as the typed view needs one value.
        if (value === undefined || repeated.has(name) || name === '__proto__') continue;
        if (Object.hasOwn(fields, name)) {
          repeated.add(name);
          delete fields[name];
          continue;
        }
        fields[name] = value;
      }
    }
    this.skipSpace();
    if (this.i !== s.length) throw MALFORMED;
    return fields;
  }
}

/** Reads `<xml>…</xml>` into its top-level string leaves, in one pass. */
/**
 * The top-level string leaves of a `<xml>` document (the same strict reader as the WeCom messages): for other
 * WeChat callbacks in XML (the mini-program's). `allowed` limits the element names.
 */
export function parseXmlFields(body: string, allowed?: ReadonlySet<string>): Scan {
  return parseRoot(body, allowed);
}

function parseRoot(body: string, allowed?: ReadonlySet<string>): Scan {
  if (typeof body !== 'string' || body.length === 0) return { ok: false, reason: 'empty body' };
  if (body.length > MAX_BODY_CHARS) return { ok: false, reason: 'body too large' };
  // The DTD check applies to the structure: "<!DOCTYPE" inside a CDATA value is a dealer's text, not a declaration.
  if (DTD_RE.test(body.includes('<![CDATA[') ? body.replace(CDATA_RE, '') : body)) {
    return { ok: false, reason: 'DTD not allowed' };
  }
  try {
    return { ok: true, fields: new Reader(body, allowed).document() };
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, reason: e.reason };
    // A name or value beyond the engine's string limits and the like: still just malformed input.
    return { ok: false, reason: 'malformed XML' };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Envelope (the encrypted POST body)

export interface WecomEnvelope {
  ToUserName: string;
  Encrypt: string;
  AgentID?: string;
}

export type EnvelopeResult = { ok: true; envelope: WecomEnvelope } | XmlFailure;

const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['ToUserName', 'Encrypt', 'AgentID']);

/** The envelope is tiny and fixed: any element besides ToUserName, Encrypt and AgentID (each once) is refused. */
export function parseEnvelope(body: string): EnvelopeResult {
  const r = parseRoot(body, ENVELOPE_FIELDS);
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

/** A voice message; `Recognition` is the recognised text when speech recognition is on (absent or empty else). */
export interface VoiceMessage extends MessageBase {
  kind: 'voice';
  MediaId: string;
  Format: string;
  MsgId: string;
  Recognition?: string;
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
  | VoiceMessage
  | EnterAgentEvent
  | TemplateCardEvent
  | KfMsgOrEvent
  | ChangeExternalContactEvent
  | OtherEvent
  | OtherMessage;

export type MessageResult = { ok: true; message: WecomMessage } | XmlFailure;

/**
 * Fields that become keys (the idempotency key, the sender) or short identifiers. WeCom's are at most a few dozen
 * characters; a longer value is not from WeCom, and thousands of characters would exceed the database's index row.
 */
const KEY_FIELDS = [
  'ToUserName',
  'FromUserName',
  'CreateTime',
  'MsgType',
  'MsgId',
  'AgentID',
  'Event',
  'Token',
  'OpenKfId',
  'ChangeType',
  'UserID',
  'ExternalUserID',
  'MediaId',
  'TaskId',
] as const;
export const MAX_KEY_FIELD_CHARS = 256;

export function parseMessage(plaintextXml: string): MessageResult {
  const r = parseRoot(plaintextXml);
  if (!r.ok) return r;
  const f = r.fields;
  const tooLong = KEY_FIELDS.find((n) => (f[n]?.length ?? 0) > MAX_KEY_FIELD_CHARS);
  if (tooLong) return { ok: false, reason: `${tooLong} too long` };
  // An empty MsgId would be the key "msg:" shared by every such message: all but the first would be dropped.
  if (f['MsgId'] === '' && (f['MsgType'] === 'text' || f['MsgType'] === 'image')) {
    return { ok: false, reason: 'empty MsgId' };
  }
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
  if (MsgType === 'voice' && f['MsgId']) {
    const voice: VoiceMessage = {
      ...base,
      kind: 'voice',
      MediaId: f['MediaId'] ?? '',
      Format: f['Format'] ?? '',
      MsgId: f['MsgId'],
    };
    if (f['Recognition']) voice.Recognition = f['Recognition'];
    return ok(voice);
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
    case 'voice':
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
