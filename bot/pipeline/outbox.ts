import { splitByBytes } from '../../adapters/wecom/wecom.client.js';
import type { Notifier, SendOptions } from '../../core/common/notifier.port.js';
import type { OutboxStore, PipelineStores, RecipientDirectory } from '../../core/messaging/ports.js';
import type { MessageFormat, NewOutboxMessage, OutboxRoute } from '../../core/messaging/types.js';
import { renderForRoute } from './render.js';

const DUE_NOW = new Date(0);

/** WeCom's limit for one text or markdown message (and WeChat's for KF and mini-program text). */
export const MAX_MESSAGE_BYTES = 2048;
/** A group robot's markdown may be twice as long (its text stays at 2,048). */
const MAX_ROBOT_MARKDOWN_BYTES = 4096;

/** The largest body one message may carry on `route` in `format`. */
export function maxBytesFor(route: OutboxRoute, format: MessageFormat | undefined): number {
  return route === 'wecom_webhook' && format === 'markdown' ? MAX_ROBOT_MARKDOWN_BYTES : MAX_MESSAGE_BYTES;
}

const labelBytes = (count: number) => Buffer.byteLength(`${partLabel(count - 1, count)}\n`, 'utf8');

/** The part label a split message starts with, so the reader knows there is more and in which order. */
export function partLabel(index: number, count: number): string {
  return `（${index + 1}/${count}）`;
}

export interface OutgoingMessage {
  recipient: string;
  address: string;
  route: OutboxRoute;
  body: string;
  format?: MessageFormat;
  kind: string;
  dedupeKey: string;
  inReplyTo?: number | null;
  notBefore?: Date;
  /** A group robot message mentions this WeCom member (the manager who owns the alert): `<@userid>`. */
  mention?: string;
}

/**
 * A body as it goes out on its route: rendered first (markdown for WeCom app messages, plain for KF and the
 * mini-program), then, when over the route's limit, split on line boundaries with each part numbered "（1/3）" on its
 * first line. A robot's mention is markdown (`<@userid>` on the last line): the message becomes markdown for it.
 * Part i (from 0) is stored under `partKey(key, i)`.
 */
export function outgoingParts(
  route: OutboxRoute,
  text: string,
  textFormat?: MessageFormat,
  mention?: string,
): { parts: string[]; format: MessageFormat } {
  const mentionLine = route === 'wecom_webhook' && mention ? `\n<@${mention}>` : '';
  const rendered = renderForRoute(route, text, mentionLine ? 'markdown' : textFormat);
  const body = rendered.body + mentionLine;
  const format = rendered.format;
  const limit = maxBytesFor(route, format);
  if (Buffer.byteLength(body, 'utf8') <= limit) return { parts: [body], format };
  // Room for the label on every part; a body of 100+ parts needs wider labels, so it is split again.
  let parts = splitByBytes(body, limit - labelBytes(99));
  if (parts.length > 99) parts = splitByBytes(body, limit - labelBytes(parts.length * 2));
  return { parts: parts.map((part, i) => `${partLabel(i, parts.length)}\n${part}`), format };
}

/** The dedupe key of a split message's part: `<key>`, `<key>#2`, `<key>#3` … */
export const partKey = (dedupeKey: string, i: number): string => (i === 0 ? dedupeKey : `${dedupeKey}#${i + 1}`);

/** A body over its route's limit becomes several messages, one per part (see `outgoingParts`). */
function splitMessage(original: OutgoingMessage): NewOutboxMessage[] {
  const { parts, format } = outgoingParts(original.route, original.body, original.format, original.mention);
  const m: NewOutboxMessage = {
    dedupeKey: original.dedupeKey,
    recipient: original.recipient,
    address: original.address,
    route: original.route,
    body: parts[0] ?? '',
    format,
    kind: original.kind,
    inReplyTo: original.inReplyTo ?? null,
    // No notBefore: due at once under any clock (tests and `--date` runs use clocks other than the wall's).
    notBefore: original.notBefore ?? DUE_NOW,
  };
  if (parts.length <= 1) return [m];
  return parts.map((part, i) => ({ ...m, body: part, dedupeKey: partKey(m.dedupeKey, i) }));
}

/** Renders, splits and inserts outbox rows; a row whose dedupe key exists is skipped. Returns how many were new. */
export function enqueue(outbox: OutboxStore, messages: OutgoingMessage[]): Promise<number> {
  return outbox.enqueue(messages.flatMap(splitMessage));
}

/** A recipient's queue: the rows of one route and address go out one after another, in id order. */
export const recipientKey = (row: { route: OutboxRoute; address: string }): string => `${row.route}:${row.address}`;

/**
 * Renders and splits a transaction's replies for one insert (`OutboxStore.enqueueClaiming`). A row may be claimed
 * at birth (`claim`) when it is due at `now`; a recipient's rows after one that is not (a reply held for its
 * rephrasing) are not either, so nothing overtakes it.
 */
export function replyRows(
  messages: readonly OutgoingMessage[],
  now: Date,
  claim: boolean,
): Array<NewOutboxMessage & { claimable: boolean }> {
  const waiting = new Set<string>();
  return messages.flatMap(splitMessage).map((m) => {
    const key = recipientKey(m);
    const claimable = claim && !waiting.has(key) && m.notBefore <= now;
    if (!claimable) waiting.add(key);
    return { ...m, claimable };
  });
}

export interface Route {
  route: OutboxRoute;
  address: string;
  /** On a group robot route: the manager to mention. */
  mention?: string;
}

/** The reply route of a dealer's chat account. */
function routeOfChannel(channel: string): OutboxRoute {
  return channel === 'wecom' ? 'wecom_app' : channel === 'miniprogram' ? 'mp' : 'kf';
}

/**
 * Routes for many dealers at once: WeCom app message when they are a member, else KF (the dispatcher checks the
 * 48 h window at send time and hands over to the manager), else the sandbox.
 */
export async function routeDealers(
  directory: RecipientDirectory,
  dealerCodes: readonly string[],
): Promise<Map<string, Route>> {
  const routes = new Map<string, Route>();
  // Contacts come WeCom first: the first one per dealer is its best route.
  for (const c of await directory.dealerContacts(dealerCodes)) {
    if (!routes.has(c.dealerCode)) {
      routes.set(c.dealerCode, { route: routeOfChannel(c.channel), address: c.externalId });
    }
  }
  for (const code of dealerCodes) if (!routes.has(code)) routes.set(code, { route: 'sandbox', address: code });
  return routes;
}

/** Managers are reached in their alert chat (group robot, then app chat) or directly on their WeCom account. */
export async function routeManagers(
  directory: RecipientDirectory,
  managerCodes: readonly string[],
  chat: boolean,
): Promise<Map<string, Route>> {
  const routes = new Map<string, Route>();
  for (const m of await directory.managerContacts(managerCodes)) {
    if (chat && m.webhookKey) {
      // The robot speaks in a group: the alert names its owner, so it reaches them among the others.
      const mention = m.wecomUserId ? { mention: m.wecomUserId } : {};
      routes.set(m.code, { route: 'wecom_webhook', address: m.webhookKey, ...mention });
    } else if (chat && m.alertChatId) routes.set(m.code, { route: 'wecom_appchat', address: m.alertChatId });
    else if (m.wecomUserId) routes.set(m.code, { route: 'wecom_app', address: m.wecomUserId });
  }
  for (const code of managerCodes) if (!routes.has(code)) routes.set(code, { route: 'sandbox', address: code });
  return routes;
}

export async function routeToDealer(directory: RecipientDirectory, dealerCode: string): Promise<Route> {
  return (await routeDealers(directory, [dealerCode])).get(dealerCode)!;
}

export async function routeToManager(
  directory: RecipientDirectory,
  managerCode: string,
  chat: boolean,
): Promise<Route> {
  return (await routeManagers(directory, [managerCode], chat)).get(managerCode)!;
}

/**
 * The Notifier core uses, writing into the outbox of the given stores (bound to the caller's transaction). `now` is
 * the caller's clock: messages are due from then (the dispatcher compares due times with the same clock).
 */
export function outboxNotifier(
  stores: Pick<PipelineStores, 'outbox' | 'recipients'>,
  onQueued?: () => void,
  now?: Date,
): Notifier {
  const { outbox, recipients } = stores;
  const send = async (recipient: string, route: Route, body: string, o: SendOptions) => {
    const notBefore = o.notBefore ?? now;
    const n = await enqueue(outbox, [
      { recipient, ...route, body, format: o.format, kind: o.kind, dedupeKey: o.dedupeKey, notBefore },
    ]);
    if (n) onQueued?.();
    return n > 0;
  };
  return {
    toDealer: async (code, body, o) => send(code, await routeToDealer(recipients, code), body, o),
    toManager: async (code, body, o) => send(code, await routeToManager(recipients, code, false), body, o),
    toManagerChat: async (code, body, o) => send(code, await routeToManager(recipients, code, true), body, o),
  };
}
