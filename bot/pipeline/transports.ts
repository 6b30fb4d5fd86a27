import type { KeyValueStore } from '../../adapters/kv/kv.js';
import { type MpClient, MpApiError } from '../../adapters/miniprogram/mp.client.js';
import { duplicateCheckInterval, WecomApiError, type WecomClient } from '../../adapters/wecom/wecom.client.js';
import type { KfStateStore, MpSessionStore, MpWindowOpening } from '../../core/messaging/ports.js';
import type { OutboxMessage, OutboxRoute } from '../../core/messaging/types.js';

/** A send that should not happen now: try again at `retryAt` (rate limit) without counting an attempt. */
export class DeferDelivery extends Error {
  constructor(
    readonly retryAt: Date,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'DeferDelivery';
  }
}

/** The recipient cannot be reached on this route (e.g. KF window closed): hand it to a person instead. */
export class UnreachableRecipient extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnreachableRecipient';
  }
}

/**
 * WeCom accepted the call (errcode 0) but listed the member as `invaliduser` or `unlicenseduser`: nothing was
 * delivered, and trying again will not change that. Dead-lettered (a dealer's raises a follow-up), never "sent".
 */
export class MemberNotDelivered extends Error {
  readonly retryable = false;
  constructor(readonly reason: 'invaliduser' | 'unlicenseduser') {
    super(`WeCom listed the member as ${reason}`);
    this.name = 'MemberNotDelivered';
  }
}

export interface Transport {
  send(row: OutboxMessage): Promise<void>;
}

/** WeCom's own limits, so nothing is silently dropped on their side. */
const LIMITS: Partial<Record<OutboxRoute, { perMinute: number; perHour?: number }>> = {
  wecom_app: { perMinute: 30, perHour: 1000 },
  wecom_appchat: { perMinute: 20 },
  wecom_webhook: { perMinute: 20 },
};

/** A group robot over its 20 a minute (130101) or the API's frequency limit (45009): wait for the next minute. */
const ROBOT_RATE_ERRCODES = new Set([130101, 45009]);

/**
 * Sends on a rate-limited route: takes a slot of the recipient's budget first (shared through the KV store, so
 * every instance counts against one budget), and turns WeCom's own rate refusal on a robot into a wait for the next
 * minute — not a failed attempt.
 */
export async function sendWithinRate(kv: KeyValueStore, transport: Transport, row: OutboxMessage, now: Date) {
  await takeRateSlot(kv, row.route, row.address, now);
  try {
    await transport.send(row);
  } catch (e) {
    if (row.route === 'wecom_webhook' && e instanceof WecomApiError && ROBOT_RATE_ERRCODES.has(e.errcode)) {
      const minute = Math.floor(now.getTime() / 60_000);
      throw new DeferDelivery(new Date((minute + 1) * 60_000), `robot rate limited (errcode ${e.errcode})`);
    }
    throw e;
  }
}

const KF_WINDOW_MS = 48 * 3600_000;
const KF_MAX_PER_INBOUND = 5;

/** Takes one slot of a recipient's per-minute and per-hour budget, or says when to come back. */
export async function takeRateSlot(kv: KeyValueStore, route: OutboxRoute, address: string, now: Date): Promise<void> {
  const limit = LIMITS[route];
  if (!limit) return;
  const minute = Math.floor(now.getTime() / 60_000);
  const used = await kv.increment(`rl:${route}:${address}:m${minute}`, 61_000);
  if (used > limit.perMinute) throw new DeferDelivery(new Date((minute + 1) * 60_000), 'per-minute limit');
  if (limit.perHour) {
    const hour = Math.floor(now.getTime() / 3600_000);
    const usedHour = await kv.increment(`rl:${route}:${address}:h${hour}`, 3_601_000);
    if (usedHour > limit.perHour) throw new DeferDelivery(new Date((hour + 1) * 3600_000), 'per-hour limit');
  }
}

/**
 * KF may only answer within 48 h of the dealer's last message and at most 5 times per message. Takes one of
 * those sends atomically (so two dispatchers cannot both use the fifth), or says the dealer is out of reach.
 */
export async function takeKfSlot(kf: KfStateStore, externalUserId: string, now: Date): Promise<string> {
  const openKfid = await kf.takeSlot(externalUserId, new Date(now.getTime() - KF_WINDOW_MS), KF_MAX_PER_INBOUND);
  if (openKfid === null) throw new UnreachableRecipient('KF window closed (48 h / 5 messages)');
  return openKfid;
}

/** The mini-program's reply windows (WeChat's own rule; see MpSessionStore). */
export const MP_WINDOWS = {
  message: { quota: 5, ms: 48 * 3600_000 },
  enter: { quota: 2, ms: 60_000 },
} as const;

export type MpAction = keyof typeof MP_WINDOWS;

/** The reply window a user's action at `at` opens. */
export function mpWindowOpening(openid: string, action: MpAction, at: Date): MpWindowOpening {
  const w = MP_WINDOWS[action];
  return { openid, at, quota: w.quota, until: new Date(at.getTime() + w.ms) };
}

/** Opens (or widens) a user's reply window for their action at `at`. */
export function openMpWindow(mp: MpSessionStore, openid: string, action: MpAction, at: Date) {
  return mp.open([mpWindowOpening(openid, action, at)]);
}

/**
 * Sends one mini-program reply inside the user's window: a reply the window no longer allows — by our count or by
 * WeChat's (45015 / 45047) — hands the dealer to their manager; a failed call gives its reply back.
 */
export async function sendInMpWindow(
  mp: MpSessionStore,
  row: OutboxMessage,
  now: Date,
  send: ((row: OutboxMessage) => Promise<void>) | null,
): Promise<void> {
  if (!(await mp.takeSlot(row.address, now))) {
    throw new UnreachableRecipient('mini-program reply window closed (48 h / 5 replies, or 1 min / 2 on entering)');
  }
  if (!send) return;
  try {
    await send(row);
  } catch (e) {
    if (e instanceof MpApiError && e.outOfWindow) {
      await mp.close(row.address);
      throw new UnreachableRecipient(`mini-program reply refused by WeChat (errcode ${e.errcode})`);
    }
    await mp.releaseSlot(row.address);
    throw e;
  }
}

/** Mini-program replies: text, or a card (`mpcard` rows, made by the worker) with the configured thumbnail. */
export function mpSend(client: MpClient, thumbMediaId?: string) {
  return (row: OutboxMessage) => {
    if (row.format !== 'mpcard') return client.sendText(row.address, row.body);
    const card = JSON.parse(row.body) as { title: string; pagePath: string };
    return client.sendCard(row.address, { ...card, thumbMediaId: thumbMediaId ?? '' });
  };
}

/** Delivers into the sandbox: the row itself is the delivered message, shown by /sandbox/outbox. */
export const sandboxTransport: Transport = { send: async () => {} };

export function wecomTransports(
  client: WecomClient,
): Record<Exclude<OutboxRoute, 'followup' | 'sandbox' | 'kf' | 'mp'>, Transport> {
  const content = (row: OutboxMessage) => (row.format === 'markdown' ? { markdown: row.body } : { text: row.body });
  return {
    wecom_app: {
      send: async (row) => {
        // Its own duplicate check interval: a resend of this row is dropped, a same-worded other reply is not.
        const result = await client.sendAppMessage(row.address, content(row), {
          duplicateCheckIntervalSec: duplicateCheckInterval(row.createdAt),
        });
        for (const reason of ['invaliduser', 'unlicenseduser'] as const) {
          if (result[reason]?.split('|').includes(row.address)) throw new MemberNotDelivered(reason);
        }
      },
    },
    wecom_appchat: { send: async (row) => client.sendAppChat(row.address, content(row)) },
    wecom_webhook: { send: async (row) => client.sendWebhook(row.address, content(row)) },
  };
}

export function kfSend(client: WecomClient) {
  return async (row: OutboxMessage, openKfid: string) => {
    // The outbox id as client msgid: a retried send after a lost answer is not delivered twice.
    await client.kfSendMsg({ touser: row.address, open_kfid: openKfid, text: row.body, msgid: `gs${row.id}` });
  };
}
