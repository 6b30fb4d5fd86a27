import type { Tier } from '../catalog/pricing.js';

/** What the message pipeline stores and sends: inbound messages, outbox rows, identities, follow-ups. */

export type Channel = 'wecom' | 'kf' | 'miniprogram' | 'sandbox';
export type OutboxRoute = 'wecom_app' | 'wecom_appchat' | 'wecom_webhook' | 'kf' | 'mp' | 'sandbox' | 'followup';
/** `mpcard`: a mini-program card (body: JSON `{ title, pagePath }`), only on the `mp` route. */
export type MessageFormat = 'text' | 'markdown' | 'mpcard';
export type InboundStatus = 'pending' | 'processing' | 'done' | 'parked';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'followup';

/** A message as a channel hands it over, before it is stored. */
export interface InboundInput {
  channel: Channel;
  /** Unique per channel (the channel's own message id): a redelivery is stored once. */
  dedupeKey: string;
  externalId: string;
  msgType: string;
  content: string | null;
  payload?: Record<string, unknown>;
  receivedAt?: Date;
}

export interface StoredInbound {
  id: number;
  /** The message was already stored (by an earlier delivery or an earlier input of the same batch). */
  duplicate: boolean;
  /** The stored message as the worker reads it (pending, no attempt yet), when this call stored it. */
  message?: InboundMessage;
}

export interface InboundMessage {
  id: number;
  channel: Channel;
  dedupeKey: string;
  /** `<channel>:<external id>`: one ordered stream per channel account. */
  sender: string;
  msgType: string;
  content: string | null;
  payload: Record<string, unknown>;
  receivedAt: Date;
  status: InboundStatus;
  attempts: number;
}

/** A message to send, already rendered for its route and at most one WeCom message long. */
export interface NewOutboxMessage {
  dedupeKey: string;
  recipient: string;
  address: string;
  route: OutboxRoute;
  body: string;
  format: MessageFormat;
  kind: string;
  inReplyTo: number | null;
  /** Due from then. */
  notBefore: Date;
}

export interface OutboxMessage {
  id: number;
  dedupeKey: string;
  /** The dealer or manager code (or chat id) the message is for. */
  recipient: string;
  /** Where the route delivers it: a WeCom userid, a chat id, a KF external userid, a webhook key. */
  address: string;
  route: OutboxRoute;
  format: MessageFormat;
  body: string;
  kind: string;
  inReplyTo: number | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Who a message is from, resolved from the channel alone: text never changes it. */
export type Identity =
  | {
      kind: 'dealer';
      channel: Channel;
      externalId: string;
      dealerCode: string;
      dealerName: string;
      tier: Tier;
      managerCode: string;
    }
  | {
      kind: 'manager';
      channel: Channel;
      externalId: string;
      managerCode: string;
      managerName: string;
      role: 'account' | 'regional';
    }
  | { kind: 'unbound'; channel: Channel; externalId: string };

/** A dealer's bound accounts on the channels that can reach them. */
export interface DealerContact {
  dealerCode: string;
  channel: Channel;
  externalId: string;
}

/** How a manager can be reached: their WeCom account, their alert chat, their group robot. */
export interface ManagerContact {
  code: string;
  wecomUserId: string | null;
  alertChatId: string | null;
  webhookKey: string | null;
}

export interface DealerSummary {
  code: string;
  name: string;
  tier: Tier;
  managerCode: string;
}

export interface ManagerSummary {
  code: string;
  name: string;
  role: 'account' | 'regional';
}

export interface NewFollowup {
  managerCode: string;
  dealerCode: string | null;
  body: string;
  /** The undeliverable outbox row it replaces (a row becomes at most one follow-up). */
  outboxId?: number;
}

export interface Followup {
  id: number;
  managerCode: string;
  dealerCode: string | null;
  body: string;
  status: 'open' | 'done';
  createdAt: Date;
}

/** Rows per status, for the admin status page. */
export interface PipelineCounts {
  inbound: Array<{ status: InboundStatus; n: number }>;
  outbox: Array<{ status: OutboxStatus; n: number }>;
}

/** An inbound message's progress, for a caller waiting for its replies (the sandbox). */
export interface InboundProgress {
  status: InboundStatus;
  replies: Array<{ body: string; status: OutboxStatus }>;
}
