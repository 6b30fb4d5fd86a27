import type { Notifier } from '../../core/common/notifier.port.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import { normalize } from '../nlu/normalize.js';
import type { Intent, ParseResult, Slots } from '../nlu/nlu.types.js';
import type { Identity } from '../pipeline/identity.js';
import type { StepReply } from '../pipeline/worker.js';

export type { StepReply };
import type { Services } from '../services.js';
import type { ConversationState } from './state.js';

export type DealerIdentity = Extract<Identity, { kind: 'dealer' }>;
export type ManagerIdentity = Extract<Identity, { kind: 'manager' }>;
export type BoundIdentity = DealerIdentity | ManagerIdentity;

/** Everything a handler may use for one turn. `services` are bound to the turn's transaction. */
export interface TurnContext<I extends BoundIdentity = BoundIdentity> {
  services: Services;
  identity: I;
  message: InboundMessage;
  text: string;
  now: Date;
  notifier: Notifier;
  state: ConversationState;
  catalog: CatalogMatcher;
  /** Whether replies go to a channel that renders markdown (WeCom app) or plain text (KF, sandbox). */
  markdown: boolean;
}

export interface TurnResult {
  replies: StepReply[];
  /** The next state: undefined keeps the current one, {} clears it. */
  state?: ConversationState;
}

export interface ParsedTurn {
  intent: Intent;
  slots: Slots;
  result: ParseResult;
}

export type IntentHandler<I extends BoundIdentity = BoundIdentity> = (
  ctx: TurnContext<I>,
  turn: ParsedTurn,
) => Promise<TurnResult>;

/**
 * How an intent is answered, with who may ask it. The conversation's guard step reads the role before any handler
 * runs, so handlers never re-check identity (identity comes from the channel, never from the text).
 */
export type IntentRoute =
  | { role: 'any'; handle: IntentHandler }
  /** A dealer's own business: a manager gets `refusal`, never someone's data. */
  | { role: 'dealer'; refusal: string; handle: IntentHandler<DealerIdentity> }
  /** Manager commands: from a dealer they are just words the assistant does not know (answered as `unknown`). */
  | { role: 'manager'; handle: IntentHandler<ManagerIdentity> }
  /** Both may ask, and each gets their own answer. */
  | { role: 'each'; dealer: IntentHandler<DealerIdentity>; manager: IntentHandler<ManagerIdentity> };

export const anyone = (handle: IntentHandler): IntentRoute => ({ role: 'any', handle });
export const dealerOnly = (refusal: string, handle: IntentHandler<DealerIdentity>): IntentRoute => ({
  role: 'dealer',
  refusal,
  handle,
});
export const managerOnly = (handle: IntentHandler<ManagerIdentity>): IntentRoute => ({ role: 'manager', handle });
export const eachRole = (
  dealer: IntentHandler<DealerIdentity>,
  manager: IntentHandler<ManagerIdentity>,
): IntentRoute => ({ role: 'each', dealer, manager });

export type HandlerRegistry = Partial<Record<Intent, IntentRoute>>;
/** Every intent answered: the typechecker refuses a registry that forgets one. */
export type CompleteHandlers = Record<Intent, IntentRoute>;

/** An answer to a non-text message (an image after a need was submitted …), or null for the default reply. */
export type MediaHandler = (input: {
  services: Services;
  identity: Identity;
  message: InboundMessage;
  now: Date;
}) => Promise<StepReply[] | null>;

/**
 * A file sent in chat. `prepare` runs before the turn's transaction (a download is slow; PGlite has one connection)
 * and may fail — `handle` then gets `prepared` undefined; `handle` answers inside the turn and may stage the file.
 */
export interface FileHandler {
  prepare(input: { identity: Identity; message: InboundMessage }): Promise<unknown>;
  handle(input: {
    services: Services;
    identity: Identity;
    message: InboundMessage;
    now: Date;
    prepared: unknown;
  }): Promise<StepReply[]>;
}

export const reply = (...bodies: string[]): TurnResult => ({ replies: bodies.map((body) => ({ body })) });

// A dealer code as the parser reads one (D0012, d 0012, D-0012), not the start of a store code (D0012-S01).
const DEALER_CODE_RE = /(?<![a-z0-9])d\s*[-_]?\s*(\d{4})(?![0-9])(?!\s*-\s*s\d{2,3}(?!\d))/g;

/** The dealer codes a message names, in order ("D0003" for "那d0003呢"). */
function dealerCodesIn(text: string): Array<{ code: string; start: number; end: number }> {
  const t = normalize(text); // length-preserving: spans cut the original text
  return [...t.matchAll(DEALER_CODE_RE)].map((m) => ({
    code: `D${m[1]}`,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/**
 * Another dealer's code in a dealer's message ("D0002 的对账单", "那D0003呢"): nothing of theirs is shown, whatever
 * was asked — identity comes from the channel. Store codes (D0002-S01) are the sales handler's to answer.
 */
export function otherDealerCode(identity: DealerIdentity, text: string): string | undefined {
  return dealerCodesIn(text).find((c) => c.code !== identity.dealerCode)?.code;
}

/** A dealer naming their own code means themselves: "D0002的订单" from D0002 is read as "我的订单". */
export function ownCodeAsSelf(text: string, dealerCode: string): string {
  let out = '';
  let last = 0;
  for (const c of dealerCodesIn(text)) {
    if (c.code !== dealerCode) continue;
    out += `${text.slice(last, c.start)}我`;
    last = c.end;
  }
  return last === 0 ? text : out + text.slice(last);
}
