import type { ConversationStore } from '../../core/conversation/ports.js';
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

export async function loadState(store: ConversationStore, sender: string, now: Date): Promise<ConversationState> {
  const saved = await store.load(sender);
  if (!saved) return {};
  const state = saved.state as ConversationState;
  if (saved.expiresAt > now) return state;
  // Silence ended the conversation, but a late "确认" should still hear what became of the draft it meant.
  const lastDraftId = state.draftId ?? state.lastDraftId;
  return lastDraftId ? { lastDraftId } : {};
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
