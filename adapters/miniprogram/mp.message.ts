/**
 * Mini-program customer-service messages (小程序客服消息) as WeChat pushes them, in JSON or XML — the format is the
 * one chosen in the mini-program's 消息推送 settings; both are read, told apart by their first character. Every
 * value is kept as a string: MsgId exceeds 2^53, so in JSON it is quoted before parsing.
 */
import { MAX_KEY_FIELD_CHARS, parseXmlFields } from '../wecom/wecom.xml.js';

export type MpFormat = 'json' | 'xml';

interface MpBase {
  /** The mini-program's original id (gh_…). */
  ToUserName: string;
  /** The user's openid. */
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
}

export type MpMessage =
  | (MpBase & { kind: 'text'; MsgId: string; Content: string })
  | (MpBase & { kind: 'image'; MsgId: string; PicUrl: string; MediaId: string })
  | (MpBase & { kind: 'miniprogrampage'; MsgId: string; Title: string; PagePath: string })
  /** The user opened the customer-service session (user_enter_tempsession): 2 replies within a minute. */
  | (MpBase & { kind: 'enter'; Event: string; SessionFrom: string })
  | (MpBase & { kind: 'event'; Event: string })
  | (MpBase & { kind: 'other'; MsgId?: string });

export type MpParseResult = { ok: true; message: MpMessage; format: MpFormat } | { ok: false; reason: string };

const KEY_FIELDS = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'MsgId', 'Event', 'MediaId'] as const;
const MSG_ID_NUMBER_RE = /("MsgId"\s*:\s*)(-?\d+)/g;
const DIGITS_RE = /^\d{1,12}$/;

/** The document's format from its first non-blank character; null when it is neither. */
export function formatOf(body: string): MpFormat | null {
  const first = body.trimStart()[0];
  return first === '{' ? 'json' : first === '<' ? 'xml' : null;
}

/** Top-level fields of a JSON object as strings (numbers and booleans written out; nested values refused). */
export function jsonFields(body: string): { ok: true; fields: Record<string, string> } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.replace(MSG_ID_NUMBER_RE, '$1"$2"'));
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: 'JSON is not an object' };
  }
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string') fields[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
    else if (v !== null) return { ok: false, reason: `nested value in ${k}` };
  }
  return { ok: true, fields };
}

/** The fields of a JSON or XML document. */
export function documentFields(
  body: string,
): { ok: true; fields: Record<string, string>; format: MpFormat } | { ok: false; reason: string } {
  const format = formatOf(body);
  if (!format) return { ok: false, reason: 'neither JSON nor XML' };
  const r = format === 'json' ? jsonFields(body) : parseXmlFields(body);
  return r.ok ? { ok: true, fields: r.fields, format } : r;
}

export function parseMpMessage(plaintext: string): MpParseResult {
  const doc = documentFields(plaintext);
  if (!doc.ok) return doc;
  const f = doc.fields;
  const tooLong = KEY_FIELDS.find((n) => (f[n]?.length ?? 0) > MAX_KEY_FIELD_CHARS);
  if (tooLong) return { ok: false, reason: `${tooLong} too long` };
  const { MsgType, CreateTime, FromUserName } = f;
  if (!MsgType) return { ok: false, reason: 'missing MsgType' };
  if (!CreateTime || !DIGITS_RE.test(CreateTime)) return { ok: false, reason: 'missing or malformed CreateTime' };
  if (!FromUserName) return { ok: false, reason: 'missing FromUserName' };
  const base: MpBase = { ToUserName: f['ToUserName'] ?? '', FromUserName, CreateTime, MsgType };
  const ok = (message: MpMessage): MpParseResult => ({ ok: true, message, format: doc.format });
  const msgId = f['MsgId'];
  // An empty MsgId would be one key shared by every such message: all but the first would be dropped.
  const needsId = MsgType === 'text' || MsgType === 'image' || MsgType === 'miniprogrampage';
  if (needsId && !msgId) return { ok: false, reason: 'missing MsgId' };

  switch (MsgType) {
    case 'text':
      if (f['Content'] === undefined) return { ok: false, reason: 'missing Content' };
      return ok({ ...base, kind: 'text', MsgId: msgId!, Content: f['Content'] });
    case 'image':
      return ok({ ...base, kind: 'image', MsgId: msgId!, PicUrl: f['PicUrl'] ?? '', MediaId: f['MediaId'] ?? '' });
    case 'miniprogrampage':
      return ok({
        ...base,
        kind: 'miniprogrampage',
        MsgId: msgId!,
        Title: f['Title'] ?? '',
        PagePath: f['PagePath'] ?? '',
      });
    case 'event': {
      const Event = f['Event'];
      if (!Event) return { ok: false, reason: 'missing Event' };
      if (Event === 'user_enter_tempsession') {
        return ok({ ...base, kind: 'enter', Event, SessionFrom: f['SessionFrom'] ?? '' });
      }
      return ok({ ...base, kind: 'event', Event });
    }
    default:
      return ok(msgId ? { ...base, kind: 'other', MsgId: msgId } : { ...base, kind: 'other' });
  }
}

/** The idempotency key: messages by MsgId; events (which have none) by sender + time + event. */
export function mpDedupeKey(m: MpMessage): string {
  if ('MsgId' in m && m.MsgId) return `mp:msg:${m.MsgId}`;
  return `mp:evt:${m.FromUserName}:${m.CreateTime}:${'Event' in m ? m.Event : m.MsgType}`;
}
