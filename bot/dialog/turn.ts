import type { Kysely } from 'kysely';
import type { SlaTable } from '../../core/needs/sla.js';
import type { KeyValueStore } from '../../adapters/kv/kv.js';
import type { Notifier } from '../../core/common/notifier.port.js';
import type { InboundMessage } from '../../core/messaging/types.js';
import type { Database } from '../../db/schema.js';
import type { CatalogMatcher } from '../nlu/catalog.matcher.js';
import type { Intent, Slots, ParseResult } from '../nlu/nlu.types.js';
import type { Identity } from '../pipeline/identity.js';
import type { StepReply } from '../pipeline/worker.js';
import type { ConversationState } from './state.js';

export type DealerIdentity = Extract<Identity, { kind: 'dealer' }>;
export type ManagerIdentity = Extract<Identity, { kind: 'manager' }>;

/** What the pipeline worker hands each turn, bound to the turn's transaction. */
export interface TurnServices {
  db: Kysely<Database>;
}

/** Everything a handler may use for one turn. `db` is the turn's transaction. */
export interface TurnContext {
  db: Kysely<Database>;
  kv: KeyValueStore;
  identity: DealerIdentity | ManagerIdentity;
  message: InboundMessage;
  text: string;
  now: Date;
  notifier: Notifier;
  state: ConversationState;
  catalog: CatalogMatcher;
  /** Whether replies go to a channel that renders markdown (WeCom app) or plain text (KF, sandbox). */
  markdown: boolean;
  /** Deployment settings handlers need (from config). */
  settings: TurnSettings;
}

/** Configuration the conversation needs, passed down from bot/config.ts. */
export interface TurnSettings {
  needSla: SlaTable;
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

export type IntentHandler = (ctx: TurnContext, turn: ParsedTurn) => Promise<TurnResult>;
export type HandlerRegistry = Partial<Record<Intent, IntentHandler>>;
/** Every intent answered: the typechecker refuses a registry that forgets one. */
export type CompleteHandlers = Record<Intent, IntentHandler>;

export const reply = (...bodies: string[]): TurnResult => ({ replies: bodies.map((body) => ({ body })) });
