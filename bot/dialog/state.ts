import type { ShownPolicy } from '../../core/policies/feedback.js';
import type { ConversationStore, TurnRequest } from '../../core/conversation/ports.js';
import { ratingLookup } from '../../core/needs/needs.service.js';
import type { Awaiting, Intent } from '../nlu/nlu.types.js';
import type { PickList } from './picks.js';

/** What the dialogue itself waits for (beside the parser's contexts): an answer to its clarification or offer. */
export type DialogAwaiting = 'clarify_intent' | 'handoff_offer';
export const DIALOG_AWAITING: ReadonlySet<string> = new Set<DialogAwaiting>(['clarify_intent', 'handoff_offer']);

/** What the conversation waits for, per sender. Forgotten after 30 minutes of silence. */
export interface ConversationState {
  awaiting?: Awaiting | DialogAwaiting;
  /** The draft shown and awaiting 确认/取消/changes. */
  draftId?: string;
  /** The draft the conversation last dealt with, once nothing awaits it (placed, expired): "确认" can be answered. */
  lastDraftId?: string;
  /** The resolved need awaiting a 1–5 rating. */
  needId?: number;
  /** A question asked once already (slot filling or clarification), so it is not asked twice. */
  asked?: { kind: 'qty' | 'product' | 'binding' | 'confirm' | 'order' | 'options'; intent: string; pending?: unknown };
  /** SKUs the bot just offered ("N60 还是 N75？"), in the order shown: the parse resolves "第一个" among them. */
  candidates?: string[];
  /** A numbered list the bot showed (dealers found by name, courses): "第二个" picks from it. */
  pick?: PickList;
  /** clarify_intent: the message asked about and its two likeliest readings, likeliest first. */
  clarify?: { text: string; intents: [Intent, Intent]; guesses: Array<{ intent: string; p: number }> };
  /** Messages not understood in a row; the second offers the account manager. */
  misses?: number;
  /** handoff_offer: the last message not understood, passed on to the account manager on "好". */
  offer?: { text: string };
  /** The policies the chat last showed (a list or an explanation): a comment right after is about them. */
  shownPolicies?: ShownPolicy[];
  /** A picture sent with no need to attach it to: the next message, if it raises a need, carries it. */
  image?: PendingImage;
}

/** A picture waiting for the message that says what it is about. */
export interface PendingImage {
  ref: string;
  mediaId?: string;
  url?: string;
}

/** The fields the dialogue owns; a turn that does not set them again forgets them. */
export const DIALOG_FIELDS = ['clarify', 'misses', 'offer', 'image'] as const;

export const STATE_TTL_MS = 30 * 60_000;

/** A write that would only slide the expiry is skipped while the stored one is at most this much behind. */
const EXPIRY_SLACK_MS = 60_000;

/**
 * The state a turn starts from, the row it came from (so an unchanged state is not written again) and, for a
 * dealer, the resolved need awaiting their rating (read with the row, in one statement).
 */
export interface LoadedState {
  state: ConversationState;
  saved: { state: unknown; expiresAt: Date } | undefined;
  ratingNeedId?: number | undefined;
}

export async function loadState(store: ConversationStore, sender: string, now: Date): Promise<ConversationState> {
  return current(await store.load(sender), now);
}

/** The sender's state and, when `dealerCode` is given, the need awaiting that dealer's rating: one read. */
export async function loadTurnState(
  store: ConversationStore,
  sender: string,
  now: Date,
  dealerCode?: string,
): Promise<LoadedState> {
  const { rating } = turnRequest(sender, now, dealerCode);
  const { saved, ratingNeedId } = await store.loadTurn(sender, rating);
  return { state: current(saved, now), saved, ratingNeedId };
}

/**
 * What `loadTurnState` at `now` reads for this sender (and dealer), as a read-ahead request: the turn's transaction
 * reads it with its take (`InboundStore.take`), and `loadTurnState` is answered from that.
 */
export function turnRequest(sender: string, now: Date, dealerCode?: string): TurnRequest {
  return { sender, rating: dealerCode === undefined ? undefined : ratingLookup(dealerCode, now) };
}

/** The stored state while it runs; once expired, only the draft a late "确认" may still ask about. */
function current(saved: LoadedState['saved'], now: Date): ConversationState {
  if (!saved) return {};
  const state = saved.state as ConversationState;
  if (saved.expiresAt > now) return state;
  // Silence ended the conversation, but a late "确认" should still hear what became of the draft it meant.
  const lastDraftId = state.draftId ?? state.lastDraftId;
  return lastDraftId ? { lastDraftId } : {};
}

/**
 * Whether saving `next` would change nothing: no row to clear, or the same state stored and still running (its
 * expiry no more than a minute short of a fresh one — so a conversation may end up to a minute early, never late).
 */
export function unchangedState(saved: LoadedState['saved'], next: ConversationState, now: Date): boolean {
  if (Object.keys(next).length === 0) return saved === undefined;
  if (!saved || saved.expiresAt.getTime() < now.getTime() + STATE_TTL_MS - EXPIRY_SLACK_MS) return false;
  return canonicalJson(saved.state) === canonicalJson(next);
}

/** JSON with object keys sorted (jsonb keeps its own key order) and undefined members dropped, as stored. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export async function saveState(
  store: ConversationStore,
  sender: string,
  state: ConversationState,
  now: Date,
): Promise<void> {
  if (Object.keys(state).length === 0) return store.clear(sender);
  return store.save(sender, state, now, new Date(now.getTime() + STATE_TTL_MS));
}
